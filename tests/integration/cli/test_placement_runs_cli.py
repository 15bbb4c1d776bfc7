"""`resettle placement run/runs/show/accept/override` on a real database (SQLite, PostgreSQL)."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from resettle.adapters.cli.main import app
from resettle.adapters.db.engine import make_session_factory, open_database
from resettle.adapters.db.placement.run_store import decisions_for_run, get_run, list_runs
from resettle.adapters.db.referral.store import SqlReferralStore

runner = CliRunner()
ENV = {"COLUMNS": "200"}


@pytest.fixture
def loaded(database_url: str) -> str:
    result = runner.invoke(app, ["scenario", "ashraf", "--seed", "3", "--population", "400",
                                 "--load", "--database-url", database_url], env=ENV)
    assert result.exit_code == 0, result.output
    return database_url


def test_run_is_stored_reproducible_and_decisions_recorded(loaded: str) -> None:
    args = ["placement", "run", "--database-url", loaded, "--on", "2015-06-30",
            "--time-limit", "60"]
    first = runner.invoke(app, args, env=ENV)
    assert first.exit_code == 0, first.output
    second = runner.invoke(app, args, env=ENV)
    run_ids = re.findall(r"run (PR-[0-9a-f]+)", first.output + second.output)
    assert len(run_ids) == 2
    engine = open_database(loaded)
    with make_session_factory(engine)() as session:
        one, two = (get_run(session, run_id=r) for r in run_ids)
        assert len(list_runs(session)) == 2
        referrals = SqlReferralStore(session).referrals_of([c for c, _, _ in one.assignments])
    assert one.inputs_hash == two.inputs_hash and one.assignments == two.assignments
    assert one.status == "optimal" and one.assignments
    assert not any(loc and loc.startswith(("IRQ", "IRN")) for _, loc, _ in one.assignments)
    refused_by_alb = {r.case_id for r in referrals if r.country == "ALB" and r.excludes_state}
    assert refused_by_alb  # the scenario has refusals: those cases are placed elsewhere
    assert not any(loc and loc.startswith("ALB") for c, loc, _ in one.assignments
                   if c in refused_by_alb)
    back = runner.invoke(app, ["placement", "override", one.run_id, min(refused_by_alb),
                               "--reason", "try", "--locality", "ALB-TIR",
                               "--database-url", loaded], env=ENV)
    assert back.exit_code == 1 and "not placed in ALB again" in back.output
    case_id = next(c for c, loc, _ in one.assignments if loc and c not in refused_by_alb)

    accepted = runner.invoke(app, ["placement", "accept", one.run_id, case_id,
                                   "--database-url", loaded, "--actor", "officer1"], env=ENV)
    assert accepted.exit_code == 0, accepted.output
    no_reason = runner.invoke(app, ["placement", "override", one.run_id, case_id, "--reason",
                                    " ", "--database-url", loaded], env=ENV)
    assert no_reason.exit_code == 1 and "needs a reason" in no_reason.output
    moved = runner.invoke(app, ["placement", "override", one.run_id, case_id, "--reason",
                                  "family", "--locality", "ALB-TIR", "--database-url", loaded],
                            env=ENV)
    assert moved.exit_code == 0, moved.output
    shown = runner.invoke(app, ["placement", "show", one.run_id, "--database-url", loaded],
                          env=ENV)
    assert "override" in shown.output and "family" in shown.output
    listed = runner.invoke(app, ["placement", "runs", "--database-url", loaded], env=ENV)
    assert one.run_id in listed.output
    with make_session_factory(engine)() as session:
        decisions = decisions_for_run(session, run_id=one.run_id)
    engine.dispose()
    assert [(d.action, d.decided_by) for d in decisions] == [("accept", "officer1"),
                                                             ("override", "cli")]
    assert decisions[1].locality_id == "ALB-TIR" and decisions[1].reason == "family"
