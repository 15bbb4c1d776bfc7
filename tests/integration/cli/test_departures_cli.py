"""``resettle departures ...``: an accepted case made ready, booked, flown and reported
arrived from the command line, on a real database."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine
from typer.testing import CliRunner

from departures_helpers import T0, accept, family, make_ready
from resettle.adapters.cli.main import app
from resettle.adapters.db.departures.store import departures_store
from resettle.adapters.db.engine import make_session_factory
from resettle.core import CaseStatus, Priority
from resettle.departures.records import ItemKind
from screening_helpers import load_cases

runner = CliRunner()
WIDE = {"COLUMNS": "250"}
FLIGHT_AT = T0 + timedelta(days=2)


def invoke(url: str, *args: str, ok: bool = True) -> str:
    result = runner.invoke(app, ["departures", *args, "--database-url", url], env=WIDE)
    assert (result.exit_code == 0) == ok, result.output
    return result.output


def test_a_case_departs_and_arrives_from_the_command_line(engine: Engine,
                                                          tmp_path: Path) -> None:
    url = engine.url.render_as_string(hide_password=False)
    cases = [family("K1", 2, Priority.EMERGENCY), family("K2", 3)]
    with make_session_factory(engine)() as session:
        load_cases(session, *cases)
    with departures_store(engine) as store:
        for case in cases:
            accept(store.screening, case, "ALB", case.processing_priority)
            make_ready(store, case.case_id, FLIGHT_AT, skip=ItemKind.EXIT_PERMIT)
    for case in cases:
        assert "exit_permit missing" in invoke(url, "readiness", case.case_id, "--at",
                                               FLIGHT_AT.isoformat(), ok=False)
        for member in case.members:
            invoke(url, "item", case.case_id, member.person_id, "exit_permit",
                   "--valid-from", (T0 - timedelta(days=3)).isoformat(), "--actor", "mo-1")
    invoke(url, "readiness", "K1", "--at", FLIGHT_AT.isoformat())
    checklist = tmp_path / "alb.json"
    checklist.write_text(json.dumps({"items": [{"kind": k} for k in ItemKind if k not in (
        ItemKind.MEDICAL_EXAM, ItemKind.FIT_TO_TRAVEL)] + [
        {"kind": "fit_to_travel", "window_hours": 72}], "arrival_cap_per_day": 160}))
    assert "version 1" in invoke(url, "checklist", "ALB", "--file", str(checklist),
                                 "--actor", "mo-1")
    invoke(url, "flight-add", "TIA-1", "--departs-at", FLIGHT_AT.isoformat(), "--to", "alb",
           "--seats", "4", "--actor", "mo-1")
    invoke(url, "flight-add", "TIA-2", "--departs-at",
           (FLIGHT_AT + timedelta(days=1)).isoformat(), "--to", "ALB", "--seats", "150",
           "--actor", "mo-1")
    out = invoke(url, "plan", "--actor", "mo-1", "--at", T0.isoformat())
    assert "plan complete: 5 person(s) in 2 case(s)" in out
    assert "K1: - -> TIA-1" in out and "K2: - -> TIA-2" in out
    assert "off TIA-2" in invoke(url, "flight-cancel", "TIA-2", "--actor", "mo-1",
                                 "--reason", "aircraft unavailable")
    out = invoke(url, "plan", "--actor", "mo-1", "--at", T0.isoformat())
    assert "K2 not booked: TIA-1: no seats (2 free for 3)" in out
    invoke(url, "manifest", "TIA-1", "--output", str(tmp_path / "m.csv"))
    rows = list(csv.DictReader(io.StringIO((tmp_path / "m.csv").read_text())))
    assert [r["person_id"] for r in rows] == ["K1-P1", "K1-P2"]
    assert set(rows[0]) == {"flight_id", "case_id", "person_id", "family_name", "given_name",
                            "sex", "birth_date", "nationality", "escort", "status"}
    invoke(url, "manifest", "TIA-1", "--output", str(tmp_path / "m.html"))
    assert "<caption>Persons boarding</caption>" in (tmp_path / "m.html").read_text()
    assert "K1: departed" in invoke(url, "depart", "TIA-1", "--actor", "mo-1", "--at",
                                    FLIGHT_AT.isoformat())
    invoke(url, "arrive", "K1", "--place", "Tirana", "--on", FLIGHT_AT.date().isoformat(),
           "--state", "DEU", "--actor", "liaison", ok=False)
    invoke(url, "arrive", "K1", "--place", "Tirana", "--on", FLIGHT_AT.date().isoformat(),
           "--state", "ALB", "--actor", "liaison", "--at",
           (FLIGHT_AT + timedelta(hours=5)).isoformat())
    assert "TIA-1" in invoke(url, "flights")
    with departures_store(engine) as store:
        assert store.screening.get_case("K1").status == CaseStatus.ARRIVED
        assert store.screening.get_case("K2").status == CaseStatus.PRE_DEPARTURE
