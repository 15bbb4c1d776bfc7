"""The placement file formats (docs/placement-format.md): read every row, report every issue.

Readers return records plus a list of issues (file, row, column, code, message); nothing is
solved while any blocking issue remains. Writers produce placements.csv and report.json.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

from resettle.core import Priority
from resettle.core.csv_cells import formula_safe_writer
from resettle.core.issues import Issue
from resettle.placement.budget import Budget
from resettle.placement.explain import explain_run, price_method
from resettle.placement.problem import PlacementProblem
from resettle.placement.records import PlacementCase, PlacementLocality
from resettle.placement.result import PlacementResult

Ranks = dict[tuple[str, str], int]


def _rows(path: Path, required: tuple[str, ...], issues: list[Issue]) -> Iterator[
        tuple[int, dict[str, str]]]:
    """(row number, row) for each data row; a missing file or column is one issue."""
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as error:
        issues.append(Issue("unreadable_file", f"cannot read: {error.strerror}", file=str(path)))
        return
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            issues.append(Issue("missing_column", f"missing column(s): {', '.join(missing)}",
                                file=str(path), row=1))
            return
        for number, row in enumerate(reader, start=2):
            yield number, {k: (v or "").strip() for k, v in row.items() if k is not None}


def count_data_rows(path: Path | None) -> int:
    """Data rows of a CSV file by counting its line ends (no parsing: ~0.1 s for 10,000,000
    rows), to size the work before reading it; 0 for a missing or unreadable file (the
    reader reports it)."""
    if path is None:
        return 0
    lines, last = 0, b"\n"
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 22):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
    except OSError:
        return 0
    lines += last != b"\n"  # a last line without its line end
    return max(lines - 1, 0)


def _columns(path: Path, required: tuple[str, ...], issues: list[Issue]) -> Iterator[
        tuple[int, list[str]]]:
    """As :func:`_rows`, only the required columns in that order, as a list (no dict per
    row: a national scores.csv has millions of rows)."""
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as error:
        issues.append(Issue("unreadable_file", f"cannot read: {error.strerror}", file=str(path)))
        return
    with handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        missing = [c for c in required if c not in header]
        if missing:
            issues.append(Issue("missing_column", f"missing column(s): {', '.join(missing)}",
                                file=str(path), row=1))
            return
        at = [header.index(c) for c in required]
        width = max(at) + 1
        for number, row in enumerate(reader, start=2):
            if not row:
                continue  # as DictReader: a blank line is no row
            padded = row if len(row) >= width else row + [""] * (width - len(row))
            yield number, [padded[k].strip() for k in at]


def _int(value: str, where: dict[str, Any], issues: list[Issue], *, minimum: int = 0) -> int:
    try:
        number = int(value)
    except ValueError:
        issues.append(Issue("bad_value", f"'{value}' is not a whole number", **where))
        return minimum
    if number < minimum:
        issues.append(Issue("bad_value", f"{number} is below {minimum}", **where))
    return number


def _codes(value: str) -> frozenset[str]:
    return frozenset(c.strip().upper() for c in value.split(";") if c.strip())


def read_cases(path: Path) -> tuple[list[PlacementCase], list[Issue]]:
    issues: list[Issue] = []
    cases = []
    for row_no, row in _rows(path, ("case_id", "size", "priority"), issues):
        def where(column: str, row_no: int = row_no, row: dict[str, str] = row) -> dict[str, Any]:
            return {"file": str(path), "row": row_no, "field": column, "record": row["case_id"]}

        if not row["case_id"]:
            issues.append(Issue("missing_value", "case_id is empty", **where("case_id")))
        if row["priority"] not in {p.value for p in Priority}:
            issues.append(Issue("bad_value", f"priority '{row['priority']}' is not emergency, "
                                "urgent or normal", **where("priority")))
        needs = {col[5:]: _int(val or "0", where(col), issues) for col, val in row.items()
                 if col.startswith("need_")}
        cases.append(PlacementCase(
            case_id=row["case_id"], size=_int(row["size"], where("size"), issues, minimum=1),
            priority=Priority(row["priority"]) if row["priority"] in set(Priority) else
            Priority.NORMAL,
            needs=needs, no_return=_codes(row.get("forbidden_countries", "")),
            relative_countries=_codes(row.get("relative_countries", "")),
            forbidden_localities=frozenset(
                x.strip() for x in row.get("forbidden_localities", "").split(";") if x.strip()),
            lock_locality=row.get("lock_locality") or None, group=row.get("group", ""),
        ))
    return cases, issues


def read_localities(path: Path) -> tuple[list[PlacementLocality], list[Issue]]:
    issues: list[Issue] = []
    localities = []
    for row_no, row in _rows(path, ("locality_id", "country", "capacity_persons"), issues):
        capacity = {
            col[9:]: _int(val or "0", {"file": str(path), "row": row_no, "field": col,
                                       "record": row["locality_id"]}, issues, minimum=-10**9)
            for col, val in row.items() if col.startswith("capacity_")
        }
        localities.append(PlacementLocality(row["locality_id"], row["country"].upper(),
                                            capacity))
    return localities, issues


def read_scores(path: Path) -> tuple[dict[tuple[str, str], float], list[Issue]]:
    issues: list[Issue] = []
    scores: dict[tuple[str, str], float] = {}
    for row_no, (case_id, locality_id, text) in _columns(
            path, ("case_id", "locality_id", "score"), issues):
        key = (case_id, locality_id)
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            issues.append(Issue("bad_value", f"score '{text}' is not a number",
                                file=str(path), row=row_no, field="score", record=key[0]))
        elif key in scores:
            issues.append(Issue("duplicate_id", f"second score for {key}", file=str(path),
                                row=row_no, record=key[0]))
        scores[key] = value
    return scores, issues


def read_ranks(path: Path, first: str, second: str) -> tuple[Ranks, list[Issue]]:
    """Preference (case_id, locality_id, rank) or priority (locality_id, case_id, rank) file;
    keys are always (case_id, locality_id)."""
    issues: list[Issue] = []
    ranks: Ranks = {}
    for row_no, row in _rows(path, (first, second, "rank"), issues):
        where: dict[str, Any] = {"file": str(path), "row": row_no, "field": "rank",
                                 "record": row[first]}
        rank = _int(row["rank"], where, issues, minimum=1)
        key = (row["case_id"], row["locality_id"])
        if key in ranks:
            issues.append(Issue("duplicate_id", f"second rank for {key}", **where))
        ranks[key] = rank
    return ranks, issues


def write_placements(path: Path, problem: PlacementProblem, result: PlacementResult) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = formula_safe_writer(handle)
        writer.writerow(["case_id", "locality_id", "score"])
        for case, loc in enumerate(result.assignment.tolist()):
            at = problem.pair_index(case, loc) if loc >= 0 else -1
            writer.writerow([problem.case_ids[case], problem.locality_ids[loc] if loc >= 0
                             else "", f"{problem.pair_score[at]:.6g}" if at >= 0 else ""])


def build_report(
    problem: PlacementProblem, result: PlacementResult, budget: Budget | None = None
) -> dict[str, Any]:
    """Everything report.json holds: figures, per-case explanations, shadow prices (within
    what is left of ``budget``)."""
    report: dict[str, Any] = {
        "status": str(result.status), "objective": result.objective, "bound": result.bound,
        "gap": result.gap, "seconds": round(result.seconds, 4), "solver": result.solver,
        "seed": result.seed, "tiers": dict(zip(result.tier_names, result.tiers, strict=True)),
        "tier_bounds": dict(zip(result.tier_names, result.tier_bounds, strict=True)),
        "persons_placed": result.persons_placed, "cases_placed": result.cases_placed,
        "message": result.message, "conflicts": list(result.conflicts),
        "fairness_shortfalls": list(result.fairness_shortfalls), "stats": result.stats,
    }
    if result.status.has_solution:
        cases, prices = explain_run(problem, result, budget or Budget(None))
        report["explanations"] = [_plain(e) for e in cases]
        report["shadow_prices"] = [_plain(p) for p in prices]
        report["shadow_price_method"] = price_method(prices)
    return report


def _plain(record: Any) -> dict[str, Any]:
    """``dataclasses.asdict`` for flat records (tuples as lists), without its deep copies:
    20,000 explanations took 3 s through ``asdict`` on a loaded machine."""
    return {f.name: _list(getattr(record, f.name)) for f in fields(record)}


def _list(value: Any) -> Any:
    return [_list(v) for v in value] if isinstance(value, tuple) else value
