"""`resettle place` on real files, as documented in docs/placement-format.md."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from resettle.adapters.cli.main import app

runner = CliRunner()


def write(path: Path, text: str) -> Path:
    path.write_text(text.strip() + "\n", encoding="utf-8")
    return path


def files_in(tmp_path: Path) -> dict[str, Path]:
    return {
        "cases": write(tmp_path / "cases.csv", """
case_id,size,priority,need_medical_places,forbidden_countries,lock_locality
C1,1,emergency,1,IRN;IRQ,
C2,3,urgent,0,IRN;IRQ,
C3,2,normal,0,IRN;IRQ;DEU,
C4,1,normal,0,IRN,BER
"""),
        "localities": write(tmp_path / "localities.csv", """
locality_id,country,capacity_persons,capacity_medical_places
TIR,ALB,4,1
BER,DEU,2,0
BAG,IRQ,10,5
"""),
        "scores": write(tmp_path / "scores.csv", """
case_id,locality_id,score
C1,TIR,0.7
C1,BAG,0.9
C2,TIR,0.6
C2,BER,0.8
C3,TIR,0.5
C3,BER,0.9
C4,BER,0.4
C4,TIR,0.9
"""),
    }


def test_place_writes_placements_and_report(tmp_path: Path) -> None:
    paths = files_in(tmp_path)
    out, report = tmp_path / "placements.csv", tmp_path / "report.json"
    result = runner.invoke(app, [
        "place", "--cases", str(paths["cases"]), "--localities", str(paths["localities"]),
        "--scores", str(paths["scores"]), "--out", str(out), "--report", str(report),
        "--time-limit", "30"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    placed = {r["case_id"]: r["locality_id"] for r in rows}
    assert placed["C4"] == "BER"  # locked
    assert placed["C1"] == "TIR"  # BAG is in Iraq: never, whatever the score
    assert placed["C2"] == "TIR"  # urgent first: BER has 1 place left after the lock
    assert placed["C3"] == ""  # DEU is on C3's no-return list and Tirana is full
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["status"] == "optimal" and data["solver"] == "exact"
    assert data["bound"] >= data["objective"]
    assert {e["case_id"] for e in data["explanations"]} == {"C1", "C2", "C3", "C4"}
    assert any(p["locality_id"] == "TIR" for p in data["shadow_prices"])


def test_bad_files_print_every_issue_and_exit_1(tmp_path: Path) -> None:
    paths = files_in(tmp_path)
    write(paths["cases"], """
case_id,size,priority
C1,zero,emergency
C2,1,soon
""")
    write(paths["localities"], "locality_id,country\nTIR,ALB")
    result = runner.invoke(app, [
        "place", "--cases", str(paths["cases"]), "--localities", str(paths["localities"]),
        "--scores", str(paths["scores"]), "--out", str(tmp_path / "p.csv")],
        env={"COLUMNS": "200"})
    assert result.exit_code == 1
    for text in ("bad_value", "missing_column", "zero", "soon"):
        assert text in result.output
    assert not (tmp_path / "p.csv").exists()


def test_stable_solver_from_preferences(tmp_path: Path) -> None:
    paths = files_in(tmp_path)
    prefs = write(tmp_path / "prefs.csv", """
case_id,locality_id,rank
C1,TIR,1
C2,TIR,2
C2,BER,1
C3,TIR,1
C4,BER,1
""")
    prio = write(tmp_path / "prio.csv", """
locality_id,case_id,rank
TIR,C3,1
TIR,C1,2
TIR,C2,3
BER,C2,1
""")
    out = tmp_path / "placements.csv"
    result = runner.invoke(app, [
        "place", "--cases", str(paths["cases"]), "--localities", str(paths["localities"]),
        "--solver", "stable", "--preferences", str(prefs), "--priorities", str(prio),
        "--out", str(out)])
    assert result.exit_code == 0, result.output
    placed = {r["case_id"]: r["locality_id"] for r in csv.DictReader(out.open())}
    assert placed == {"C1": "TIR", "C2": "", "C3": "TIR", "C4": "BER"}


def test_impossible_locks_are_reported_before_solving(tmp_path: Path) -> None:
    paths = files_in(tmp_path)
    write(paths["localities"], """
locality_id,country,capacity_persons,capacity_medical_places
TIR,ALB,4,1
BER,DEU,0,0
BAG,IRQ,10,5
""")
    result = runner.invoke(app, [
        "place", "--cases", str(paths["cases"]), "--localities", str(paths["localities"]),
        "--scores", str(paths["scores"]), "--out", str(tmp_path / "p.csv")],
        env={"COLUMNS": "200"})
    assert result.exit_code == 1  # the lock to BER needs a place BER does not have
    assert "lock_not_allowed" in result.output
