"""One codec per kind of column: text cell <-> value <-> JSON value.

A JSON value may also be given as the flat-file text (``"fas:native;eng:basic"``): tools that
turn a CSV into JSON then still import.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import Any

from resettle.core import (
    DatePrecision,
    LanguageSkill,
    MedicalCondition,
    Proficiency,
    Relative,
    Severity,
)
from resettle.registry import cells
from resettle.registry.cells import CellError, escape, expect_type, split, split_items, unescape


class Codec:
    """Text codec by default; subclasses override what differs."""

    text_type = "text"
    json_type = "string"

    def parse(self, text: str) -> Any:
        return text

    def format(self, value: Any) -> str:
        return str(value)

    def from_json(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.parse(value.strip())
        return self.from_json_native(value)

    def from_json_native(self, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return self.parse(str(value))  # an id written as a number
        raise CellError("bad_value", f"expected {self.json_type}, got {value!r:.40}")

    def to_json(self, value: Any) -> Any:
        return self.format(value)


class Code(Codec):
    """An ISO code, normalised to its usual case; whether it exists is a domain rule."""

    text_type = "code"

    def __init__(self, *, upper: bool) -> None:
        self.upper = upper

    def parse(self, text: str) -> str:
        return text.upper() if self.upper else text.lower()


class Integer(Codec):
    text_type = "integer"
    json_type = "integer"

    def parse(self, text: str) -> int:
        return cells.parse_int(text)

    def from_json_native(self, value: Any) -> int:
        number = expect_type(value, (int, float), "a whole number")
        if isinstance(number, float) and not number.is_integer():
            raise CellError("bad_number", f"{number} is not a whole number")
        return int(number)

    def to_json(self, value: Any) -> Any:
        return value


class Boolean(Codec):
    text_type = "yes/no"
    json_type = "boolean"

    def parse(self, text: str) -> bool:
        return cells.parse_bool(text)

    def format(self, value: Any) -> str:
        return cells.format_bool(bool(value))

    def from_json_native(self, value: Any) -> bool:
        return bool(expect_type(value, bool, "true or false"))

    def to_json(self, value: Any) -> Any:
        return value


class Day(Codec):
    text_type = "date"
    json_type = "string (YYYY-MM-DD)"

    def parse(self, text: str) -> date:
        return cells.parse_date(text)

    def format(self, value: Any) -> str:
        return str(value.isoformat())


class BirthDate(Codec):
    """Value: (date, DatePrecision)."""

    text_type = "birth date"
    json_type = "string (as in CSV)"

    def parse(self, text: str) -> tuple[date, DatePrecision]:
        return cells.parse_birth_date(text)

    def format(self, value: Any) -> str:
        return cells.format_birth_date(value)

    def from_json_native(self, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return self.parse(str(value))  # a year written as a number
        return super().from_json_native(value)


class Choice(Codec):
    def __init__(self, enum: type[StrEnum]) -> None:
        self.enum = enum
        self._parse = cells.enum_parser(enum)
        self.text_type = "choice"
        self.json_type = "string"

    def parse(self, text: str) -> StrEnum:
        return self._parse(text)


class TextList(Codec):
    """A tuple of texts (``;``-joined); ``as_set`` for a frozenset, written sorted."""

    json_type = "array of strings"

    def __init__(self, *, as_set: bool = False, item: Callable[[str], str] = str) -> None:
        self.text_type = "set (;)" if as_set else "list (;)"
        self.as_set = as_set
        self.item = item

    def parse(self, text: str) -> tuple[str, ...] | frozenset[str]:
        items = tuple(self.item(unescape(i)) for i in split_items(text))
        return frozenset(items) if self.as_set else items

    def format(self, value: Any) -> str:
        return cells.ITEM_SEP.join(escape(item) for item in self._ordered(value))

    def from_json_native(self, value: Any) -> tuple[str, ...] | frozenset[str]:
        items = expect_type(value, list, "an array of strings")
        texts = tuple(self.item(expect_type(i, str, "a string").strip()) for i in items)
        return frozenset(texts) if self.as_set else texts

    def to_json(self, value: Any) -> Any:
        return list(self._ordered(value))

    def _ordered(self, value: Any) -> list[str]:
        return sorted(value) if self.as_set else list(value)


class OptionalSet(TextList):
    """None (no limit: blank cell, JSON null) or a set; ``-`` is the empty set."""

    json_type = "array of strings, or null for no limit"

    def __init__(self) -> None:
        super().__init__(as_set=True)
        self.text_type = "set (;), - or blank"

    def parse(self, text: str) -> frozenset[str]:
        return frozenset() if text == "-" else frozenset(super().parse(text))

    def format(self, value: Any) -> str:
        if value is None:
            return ""
        text = super().format(value)
        return "\\-" if text == "-" else text or "-"  # a service named "-" is escaped

    def to_json(self, value: Any) -> Any:
        return None if value is None else super().to_json(value)


class Structured(Codec):
    """A tuple of items, each a fixed list of parts; subclasses say how to build one."""

    json_type = "array of objects"
    sep = cells.PART_SEP
    keys: tuple[str, ...] = ()

    def parse(self, text: str) -> tuple[Any, ...]:
        return tuple(self.build(split(item, self.sep), item) for item in split_items(text))

    def format(self, value: Any) -> str:
        return cells.ITEM_SEP.join(self.sep.join(self.parts(item)) for item in value)

    def from_json_native(self, value: Any) -> tuple[Any, ...]:
        items = expect_type(value, list, self.json_type)
        return tuple(self.build_json(expect_type(i, dict, "an object")) for i in items)

    def to_json(self, value: Any) -> Any:
        return [self.as_json(item) for item in value]

    def build(self, parts: list[str], raw: str) -> Any:
        raise NotImplementedError

    def parts(self, item: Any) -> list[str]:
        raise NotImplementedError

    def build_json(self, obj: dict[str, Any]) -> Any:
        raise NotImplementedError

    def as_json(self, item: Any) -> dict[str, Any]:
        raise NotImplementedError

    def arity(self, parts: list[str], raw: str, low: int, example: str) -> list[str]:
        if not low <= len(parts) <= len(self.keys):
            raise CellError(
                "bad_value", f"'{raw}' should look like '{example}' ({self.sep.join(self.keys)})"
            )
        # Parts stay escaped: a part may hold a sub-list that is split further.
        return [p.strip() for p in parts] + [""] * (len(self.keys) - len(parts))


_proficiency = cells.enum_parser(Proficiency)
_severity = cells.enum_parser(Severity)


class Languages(Structured):
    """``fas:native;eng:basic`` (ISO 639-3 code and proficiency)."""

    sep = cells.PAIR_SEP
    keys = ("code", "proficiency")
    text_type = "list of code:proficiency"
    json_type = "array of {code, proficiency}"

    def build(self, parts: list[str], raw: str) -> LanguageSkill:
        code, level = self.arity(parts, raw, 2, "fas:native")
        return LanguageSkill(unescape(code).lower(), _proficiency(level))

    def parts(self, item: Any) -> list[str]:
        return [escape(item.code), item.proficiency.value]

    def build_json(self, obj: dict[str, Any]) -> LanguageSkill:
        code = expect_type(obj.get("code"), str, "a language code")
        return LanguageSkill(code.strip().lower(), _proficiency(str(obj.get("proficiency"))))

    def as_json(self, item: Any) -> dict[str, Any]:
        return {"code": item.code, "proficiency": item.proficiency.value}


class Conditions(Structured):
    """``diabetes|moderate|endocrinology+dialysis`` (name, severity, services)."""

    keys = ("name", "severity", "services")
    text_type = "list of name|severity|services"
    json_type = "array of {name, severity, services: [...]}"

    def build(self, parts: list[str], raw: str) -> MedicalCondition:
        name, level, services = self.arity(parts, raw, 2, "diabetes|moderate|dialysis")
        items = tuple(unescape(s) for s in split_items(services, cells.SUB_SEP))
        return MedicalCondition(unescape(name), _severity(level), items)

    def parts(self, item: Any) -> list[str]:
        parts = [escape(item.name), item.severity.value]
        if item.services:
            parts.append(cells.SUB_SEP.join(escape(s) for s in item.services))
        return parts

    def build_json(self, obj: dict[str, Any]) -> MedicalCondition:
        name = expect_type(obj.get("name"), str, "a condition name").strip()
        services = expect_type(obj.get("services", []), list, "an array of services")
        return MedicalCondition(
            name,
            _severity(str(obj.get("severity"))),
            tuple(expect_type(s, str, "a service").strip() for s in services),
        )

    def as_json(self, item: Any) -> dict[str, Any]:
        return {"name": item.name, "severity": item.severity.value, "services": list(item.services)}


class Relatives(Structured):
    """``Leila Ahmadi|sister|FRA|yes`` (name, relation, country, contact established)."""

    keys = ("name", "relation", "country", "contact")
    text_type = "list of name|relation|country|contact"
    json_type = "array of {name, relation, country, contact_established}"

    def build(self, parts: list[str], raw: str) -> Relative:
        name, relation, country, contact = self.arity(parts, raw, 3, "Leila Ahmadi|sister|FRA|yes")
        return Relative(
            unescape(name),
            unescape(relation),
            unescape(country).upper(),
            cells.parse_bool(contact or "no"),
        )

    def parts(self, item: Any) -> list[str]:
        contact = cells.format_bool(item.contact_established)
        return [escape(item.name), escape(item.relation), escape(item.country), contact]

    def build_json(self, obj: dict[str, Any]) -> Relative:
        def text(key: str) -> str:
            return str(expect_type(obj.get(key, ""), str, f"a {key}")).strip()

        contact = obj.get("contact_established", False)
        return Relative(
            text("name"),
            text("relation"),
            text("country").upper(),
            bool(expect_type(contact, bool, "true or false")),
        )

    def as_json(self, item: Any) -> dict[str, Any]:
        return {
            "name": item.name,
            "relation": item.relation,
            "country": item.country,
            "contact_established": item.contact_established,
        }
