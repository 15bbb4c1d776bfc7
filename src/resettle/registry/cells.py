"""Cell codecs: one cell of text (CSV, XLSX) or one JSON value <-> one Python value.

Flat files carry lists and structured items in one cell: items are joined by ``;``, the parts of
an item by ``|`` (or ``:`` for a language and its proficiency), sub-lists by ``+``. A backslash
escapes any of these characters inside a name, so every value survives a round trip.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from resettle.core import DatePrecision
from resettle.core.csv_cells import guard_formula, needs_guard, unguard_formula

ITEM_SEP = ";"
PART_SEP = "|"
SUB_SEP = "+"
PAIR_SEP = ":"
_SPECIALS = frozenset("\\;|+:")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEAR = re.compile(r"\d{4}")
_TRUE = frozenset({"yes", "y", "true", "1"})
_FALSE = frozenset({"no", "n", "false", "0"})
E = TypeVar("E", bound=StrEnum)


# The formula guard of every CSV resettle writes lives in core.csv_cells (one guard).
__all__ = ["guard_formula", "needs_guard", "unguard_formula"]


class CellError(Exception):
    """A cell that cannot be read; becomes an Issue with the file, row and column."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def escape(text: str) -> str:
    if not _SPECIALS.intersection(text):
        return text
    return "".join("\\" + ch if ch in _SPECIALS else ch for ch in text)


def unescape(text: str) -> str:
    if "\\" not in text:
        return text
    out: list[str] = []
    chars = iter(text)
    for ch in chars:
        out.append(next(chars, "") if ch == "\\" else ch)
    return "".join(out)


def split(text: str, sep: str) -> list[str]:
    """Split on ``sep`` where it is not escaped; escapes stay for the next level down."""
    if "\\" not in text:
        return text.split(sep)
    parts: list[str] = []
    buf: list[str] = []
    chars = iter(text)
    for ch in chars:
        if ch == "\\":
            buf.append(ch + next(chars, ""))
        elif ch == sep:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    parts.append("".join(buf))
    return parts


def split_items(text: str, sep: str = ITEM_SEP) -> list[str]:
    """Non-empty, trimmed items (still escaped)."""
    return [item.strip() for item in split(text, sep) if item.strip()]


def parse_date(text: str) -> date:
    if not _DATE.fullmatch(text):
        raise CellError("bad_date", f"'{text}' is not a date; write dates as YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CellError(
            "impossible_date", f"{text} does not exist in the calendar; check the day and month"
        ) from None


def parse_birth_date(text: str) -> tuple[date, DatePrecision]:
    """``1972-05-14`` exact, ``1972`` year only (kept as 1 January), ``~1972`` or
    ``~1972-05-14`` estimated."""
    estimated = text.startswith("~")
    body = text[1:].strip() if estimated else text
    if _YEAR.fullmatch(body):
        day = date(int(body), 1, 1)
        return day, DatePrecision.ESTIMATED if estimated else DatePrecision.YEAR
    if not _DATE.fullmatch(body):
        raise CellError(
            "bad_date",
            f"'{text}' is not a birth date; write YYYY-MM-DD, a year alone (1972) "
            "or an estimate (~1972)",
        )
    return parse_date(body), DatePrecision.ESTIMATED if estimated else DatePrecision.EXACT


def format_birth_date(value: tuple[date, DatePrecision]) -> str:
    day, precision = value
    if precision is DatePrecision.YEAR:
        return f"{day.year:04d}"
    text = day.isoformat()
    return "~" + text if precision is DatePrecision.ESTIMATED else text


def parse_int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        try:
            number = float(text)  # spreadsheets sometimes write 3 as 3.0
        except ValueError:
            number = float("nan")
        if number.is_integer():
            return int(number)
        raise CellError("bad_number", f"'{text}' is not a whole number") from None


def parse_bool(text: str) -> bool:
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise CellError("bad_value", f"'{text}' is not yes or no")


def format_bool(value: bool) -> str:
    return "yes" if value else "no"


def enum_parser(enum: type[E]) -> Callable[[str], E]:
    """Case-insensitive lookup by value; the message lists what is allowed."""
    lookup = {member.value.lower(): member for member in enum}
    allowed = ", ".join(member.value for member in enum)

    def parse(text: str) -> E:
        try:
            return lookup[text.lower()]
        except KeyError:
            raise CellError("bad_value", f"'{text}' is not one of: {allowed}") from None

    return parse


def expect_type(value: Any, kind: type | tuple[type, ...], what: str) -> Any:
    """A JSON value must have the right type; booleans are not numbers here."""
    if isinstance(value, kind) and not (isinstance(value, bool) and bool not in _as_tuple(kind)):
        return value
    raise CellError("bad_value", f"expected {what}, got {type(value).__name__} {value!r:.40}")


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)
