"""Past placements and their outcomes: the training data of outcome models (CSV, validated).

One row per placed case. The schema is documented in docs/history-format.md; reading collects
every problem (row, column, code) into an :class:`~resettle.core.IssueLog` and raises one
:class:`~resettle.errors.ValidationError` listing them all, so a file is fixed in one pass.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from resettle.core import IssueLog, Proficiency, is_country_code, is_language_code
from resettle.core.csv_cells import FormulaSafeDictWriter
from resettle.prediction.features import (
    DEFAULT_UNEMPLOYMENT,
    EDUCATION_ORDER,
    LANGUAGES,
    PROFICIENCY_LEVEL,
    SECTORS,
    CaseTable,
    LocalityTable,
)

REQUIRED_COLUMNS = (
    "case_id", "locality_id", "principal_sex", "principal_age", "case_size", "adults",
    "education", "locality_country", "employed_90d",
)  # fmt: skip
OPTIONAL_COLUMNS = (
    "arrival_date", "occupation_sector", "languages", "relative_countries", "medical_services",
    "locality_languages", "locality_urban", "locality_services", "locality_sectors_in_demand",
    "locality_unemployment_rate",
)  # fmt: skip
OUTCOME_PREFIX = "outcome_"  # further optional outcomes: outcome_<name>, 0/1 or empty
LEVEL_NAME = {level: str(p) for p, level in PROFICIENCY_LEVEL.items()}
TRUE_WORDS = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}


@dataclass(frozen=True, eq=False)
class History:
    """Placed cases (a :class:`CaseTable`), where each went, and what came of it."""

    cases: CaseTable
    localities: LocalityTable
    locality_index: NDArray[np.int64]  # (n,) row of ``localities`` each case went to
    employed: NDArray[np.int8]  # (n,) employed within 90 days
    other_outcomes: dict[str, NDArray[np.float64]] = field(default_factory=dict)  # NaN: unknown

    def __len__(self) -> int:
        return len(self.cases)

    def fingerprint(self) -> str:
        """SHA-256 of the training content, recorded in model artifacts."""
        digest = hashlib.sha256()
        for part in (self.locality_index, self.employed, self.cases.language_level):
            digest.update(np.ascontiguousarray(part).tobytes())
        digest.update("|".join(self.cases.case_ids).encode())
        digest.update("|".join(self.localities.locality_ids).encode())
        return digest.hexdigest()


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def _join(values: Any) -> str:
    return ";".join(sorted(values))


def write_history(history: History, path: Path) -> None:
    """Write a history file that :func:`read_history` reads back unchanged."""
    c, locs = history.cases, history.localities
    extra = sorted(history.other_outcomes)
    columns = [*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS, *(OUTCOME_PREFIX + k for k in extra)]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = FormulaSafeDictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for i, j in enumerate(history.locality_index.tolist()):
            languages = [
                f"{code}:{LEVEL_NAME[int(level)]}"
                for code, level in zip(LANGUAGES, c.language_level[i], strict=True)
                if level >= 1
            ]
            row = {
                "case_id": c.case_ids[i],
                "locality_id": locs.locality_ids[j],
                "principal_sex": "F" if c.female[i] else "M",
                "principal_age": int(c.age_years[i]),
                "case_size": int(c.size[i]),
                "adults": int(c.adults[i]),
                "education": EDUCATION_ORDER[int(c.education[i])].value,
                "locality_country": locs.countries[j],
                "employed_90d": int(history.employed[i]),
                "arrival_date": "",
                "occupation_sector": SECTORS[c.sector[i]] if c.sector[i] >= 0 else "",
                "languages": ";".join(languages),
                "relative_countries": _join(c.relative_countries[i]),
                "medical_services": _join(c.medical_services[i]),
                "locality_languages": _join(locs.languages[j]),
                "locality_urban": "true" if locs.urban[j] else "false",
                "locality_services": _join(locs.services[j]),
                "locality_sectors_in_demand": _join(locs.sectors_in_demand[j]),
                "locality_unemployment_rate": f"{locs.unemployment_rate[j]:.4f}",
            }
            for key in extra:
                value = history.other_outcomes[key][i]
                row[OUTCOME_PREFIX + key] = "" if np.isnan(value) else str(int(value))
            writer.writerow(row)


class _RowReader:
    """Parses one row's cells, logging every problem with its row and column."""

    def __init__(self, row: dict[str, str], number: int, log: IssueLog, file: str) -> None:
        self.row, self.number, self.log, self.file = row, number, log, file

    def issue(self, column: str, code: str, message: str) -> None:
        self.log.add(code, message, row=self.number, field=column, file=self.file)

    def text(self, column: str) -> str:
        return (self.row.get(column) or "").strip()

    def parse(self, column: str, convert: Callable[[str], Any], hint: str, default: Any) -> Any:
        raw = self.text(column)
        if not raw:
            if column in REQUIRED_COLUMNS:
                self.issue(column, "missing_value", f"{column} is required")
            return default
        try:
            return convert(raw)
        except (ValueError, KeyError):
            self.issue(column, "bad_value", f"'{raw}' is not valid: {hint}")
            return default


def _int_in(low: int, high: int) -> Callable[[str], int]:
    def convert(raw: str) -> int:
        value = int(raw)
        if not low <= value <= high:
            raise ValueError(raw)
        return value

    return convert


def _unit_rate(raw: str) -> float:
    value = float(raw)
    if not 0.0 <= value <= 1.0:
        raise ValueError(raw)
    return value


def _countries(reader: _RowReader, column: str) -> frozenset[str]:
    found = _split(reader.text(column))
    for code in found:
        if not is_country_code(code):
            reader.issue(column, "unknown_country", f"'{code}' is not ISO 3166-1 alpha-3")
    return frozenset(found)


def _languages(reader: _RowReader) -> NDArray[np.float64]:
    levels = np.zeros(len(LANGUAGES))
    for part in _split(reader.text("languages")):
        code, _, level = part.partition(":")
        if not is_language_code(code):
            reader.issue("languages", "unknown_language", f"'{code}' is not ISO 639-3")
        elif level not in {p.value for p in Proficiency}:
            reader.issue("languages", "bad_value", f"'{part}': write code:basic|intermediate|"
                         "fluent|native, e.g. fas:native;eng:basic")
        elif code in LANGUAGES:
            column = LANGUAGES.index(code)
            levels[column] = max(levels[column], PROFICIENCY_LEVEL[Proficiency(level)])
    return levels


def _locality_languages(reader: _RowReader) -> frozenset[str]:
    found = _split(reader.text("locality_languages"))
    for code in found:
        if not is_language_code(code):
            reader.issue("locality_languages", "unknown_language", f"'{code}' is not ISO 639-3")
    return frozenset(found)


def _parse_row(reader: _RowReader) -> dict[str, Any]:
    p = reader.parse
    out: dict[str, Any] = {
        "case_id": reader.text("case_id"),
        "locality_id": reader.text("locality_id"),
        "female": p("principal_sex", lambda r: {"F": True, "M": False, "X": False}[r.upper()],
                    "F, M or X", False),
        "age": p("principal_age", _int_in(0, 120), "whole years, 0-120", 0),
        "size": p("case_size", _int_in(1, 50), "persons in the case, 1-50", 1),
        "adults": p("adults", _int_in(0, 50), "adults in the case", 0),
        "education": p("education", lambda r: EDUCATION_ORDER.index(r.lower()),  # type: ignore[arg-type,unused-ignore]
                       "none|primary|secondary|vocational|university|postgraduate", 0),
        "sector": p("occupation_sector", lambda r: SECTORS.index(r.lower()),
                    "one of " + ", ".join(SECTORS), -1),
        "employed": p("employed_90d", lambda r: int(TRUE_WORDS[r.lower()]), "0 or 1", 0),
        "languages": _languages(reader),
        "relatives": _countries(reader, "relative_countries"),
        "medical": frozenset(_split(reader.text("medical_services"))),
        "country": reader.text("locality_country"),
        "loc_languages": _locality_languages(reader),
        "urban": p("locality_urban", lambda r: TRUE_WORDS[r.lower()], "true or false", True),
        "services": frozenset(_split(reader.text("locality_services"))),
        "demand": frozenset(s.lower() for s in _split(reader.text("locality_sectors_in_demand"))),
        "unemployment": p("locality_unemployment_rate", _unit_rate, "a share 0-1",
                          DEFAULT_UNEMPLOYMENT),
    }
    for column in ("case_id", "locality_id", "locality_country"):
        if not reader.text(column):
            reader.issue(column, "missing_value", f"{column} is required")
    if out["country"] and not is_country_code(out["country"]):
        reader.issue("locality_country", "unknown_country", f"'{out['country']}' is not alpha-3")
    if out["adults"] > out["size"]:
        reader.issue("adults", "bad_value", "more adults than persons in the case")
    return out


def read_history(path: Path) -> History:
    """Read and validate a history CSV; raises ValidationError listing every problem."""
    log = IssueLog()
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        for column in missing:
            log.add("missing_column", f"add the column {column}", field=column, file=path.name)
        log.raise_if_any()
        outcomes = [c for c in header if c.startswith(OUTCOME_PREFIX)]
        rows = []
        for number, row in enumerate(reader, start=2):  # row 1 is the header
            parsed = _parse_row(_RowReader(row, number, log, path.name))
            parsed["outcomes"] = [_outcome(row, c, number, log, path.name) for c in outcomes]
            rows.append(parsed)
    _check_duplicates(rows, log, path.name)
    log.raise_if_any()
    return _assemble(rows, [c.removeprefix(OUTCOME_PREFIX) for c in outcomes])


def _outcome(row: dict[str, str], column: str, number: int, log: IssueLog, file: str) -> float:
    raw = (row.get(column) or "").strip().lower()
    if not raw:
        return float("nan")
    if raw not in TRUE_WORDS:
        log.add("bad_value", f"'{raw}' is not 0, 1 or empty", row=number, field=column, file=file)
        return float("nan")
    return float(TRUE_WORDS[raw])


def _check_duplicates(rows: list[dict[str, Any]], log: IssueLog, file: str) -> None:
    seen: dict[str, int] = {}
    localities: dict[str, tuple[Any, ...]] = {}
    for number, row in enumerate(rows, start=2):
        if row["case_id"] in seen:
            log.add("duplicate", f"case {row['case_id']} is also on row {seen[row['case_id']]}",
                    row=number, field="case_id", file=file)
        seen.setdefault(row["case_id"], number)
        facts = _locality_facts(row)
        first = localities.setdefault(row["locality_id"], facts)
        if facts != first:
            log.add("inconsistent_locality",
                    f"locality {row['locality_id']} is described differently on an earlier "
                    "row; give every row of a locality the same locality_* values",
                    row=number, field="locality_id", file=file)


def _locality_facts(row: dict[str, Any]) -> tuple[Any, ...]:
    return (row["country"], row["loc_languages"], row["urban"], row["services"],
            row["demand"], row["unemployment"])


def _assemble(rows: list[dict[str, Any]], outcome_names: list[str]) -> History:
    facts: dict[str, tuple[Any, ...]] = {}
    for row in rows:
        facts.setdefault(row["locality_id"], _locality_facts(row))
    ids = tuple(facts)
    localities = LocalityTable(
        locality_ids=ids,
        countries=tuple(facts[i][0] for i in ids),
        languages=tuple(facts[i][1] for i in ids),
        urban=np.array([facts[i][2] for i in ids], dtype=bool),
        services=tuple(facts[i][3] for i in ids),
        sectors_in_demand=tuple(facts[i][4] for i in ids),
        unemployment_rate=np.array([facts[i][5] for i in ids], dtype=np.float64),
    )
    n = len(rows)
    cases = CaseTable(
        case_ids=tuple(r["case_id"] for r in rows),
        female=np.array([r["female"] for r in rows], dtype=bool),
        age_years=np.array([r["age"] for r in rows], dtype=np.float64),
        size=np.array([r["size"] for r in rows], dtype=np.int64),
        adults=np.array([r["adults"] for r in rows], dtype=np.int64),
        education=np.array([r["education"] for r in rows], dtype=np.int64),
        sector=np.array([r["sector"] for r in rows], dtype=np.int64),
        language_level=np.array([r["languages"] for r in rows]).reshape(n, len(LANGUAGES)),
        relative_countries=tuple(r["relatives"] for r in rows),
        medical_services=tuple(r["medical"] for r in rows),
    )
    where = {lid: k for k, lid in enumerate(ids)}
    return History(
        cases=cases,
        localities=localities,
        locality_index=np.array([where[r["locality_id"]] for r in rows], dtype=np.int64),
        employed=np.array([r["employed"] for r in rows], dtype=np.int8),
        other_outcomes={
            name: np.array([r["outcomes"][k] for r in rows], dtype=np.float64)
            for k, name in enumerate(outcome_names)
        },
    )
