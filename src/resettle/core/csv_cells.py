"""The one CSV writer of the project: no cell is taken for a formula by a spreadsheet.

Excel and LibreOffice run a CSV cell starting with ``=``, ``+``, ``@``, a tab or a carriage
return as a formula, and one starting with ``-`` too unless it is a plain number (``-2+3`` is
a formula, ``-2.5`` a number). A name typed as ``=HYPERLINK(...)`` must not become one on an
officer's screen. Such cells are written with a leading apostrophe, which the registry's
readers take off again (a value that itself starts with an apostrophe gets one more, so every
value survives). Every CSV resettle writes goes through :func:`formula_safe_writer` or
:class:`FormulaSafeDictWriter`.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping
from typing import IO, Any

_FORMULA_START = frozenset("=+@'\t\r")


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def needs_guard(text: str) -> bool:
    if not text:
        return False
    first = text[0]
    if first in _FORMULA_START:
        return True
    return first == "-" and len(text) > 1 and not _is_number(text)


def guard_formula(text: str) -> str:
    return "'" + text if needs_guard(text) else text


def unguard_formula(text: str) -> str:
    return text[1:] if text.startswith("'") and needs_guard(text[1:]) else text


def guard_cell(value: Any) -> Any:
    return guard_formula(value) if isinstance(value, str) else value


class FormulaSafeWriter:
    """``csv.writer`` whose every text cell is guarded."""

    def __init__(self, handle: IO[str], **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([guard_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def formula_safe_writer(handle: IO[str], **options: Any) -> FormulaSafeWriter:
    return FormulaSafeWriter(handle, **options)


class FormulaSafeDictWriter(csv.DictWriter):  # type: ignore[type-arg]
    """``csv.DictWriter`` whose every text cell is guarded (the header is the program's)."""

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow({k: guard_cell(v) for k, v in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for row in rowdicts:
            self.writerow(row)
