"""``resettle case ...``: every screening action from the command line, on a real database."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine
from typer.testing import CliRunner

from resettle.adapters.cli.main import app
from resettle.adapters.db.engine import make_session_factory
from resettle.adapters.db.registry.store import store_batch
from resettle.core import Pledge, RegistryBatch
from resettle.referral.agreements import ASHRAF_AGREEMENTS_FILE
from screening_helpers import family_case, load_cases

runner = CliRunner()
WIDE = {"COLUMNS": "250"}
CASE_COMMANDS = ["advance", "decide", "interview", "consent", "categories", "priority",
                 "history", "due", "split", "merge", "no-return", "relative", "statement",
                 "funnel", "settings", "exclusion"]


def stored(engine: Engine) -> str:
    with make_session_factory(engine)() as session:
        load_cases(session, family_case("F1"), family_case("F2", adults=1, children=0))
        # Albania pledged places: a host state the cases may be referred to.
        store_batch(session, batch=RegistryBatch(pledges=(
            Pledge("PL-ALB", "ALB", date(2012, 1, 1), date(2013, 12, 31), 50),)))
        session.commit()
    return engine.url.render_as_string(hide_password=False)


def invoke(url: str, *args: str, ok: bool = True) -> str:
    result = runner.invoke(app, ["case", *args, "--database-url", url], env=WIDE)
    assert (result.exit_code == 0) == ok, result.output
    return result.output


def test_every_case_command_has_help() -> None:
    for command in CASE_COMMANDS:
        result = runner.invoke(app, ["case", command, "--help"], env=WIDE)
        assert result.exit_code == 0, command
        assert "Usage" in result.output


def test_a_case_is_screened_from_the_command_line(engine: Engine) -> None:
    url = stored(engine)
    who = ["--actor", "officer-a", "--reason", "ok"]
    invoke(url, "advance", "F1", "assess_needs", *who)
    invoke(url, "advance", "F1", "schedule_interview", *who)
    for person in ("F1-A1", "F1-A2", "F1-K1"):  # born 2008: an adult today
        out = invoke(url, "interview", "F1", person, "--interviewer", "officer-a",
                     "--present", "interpreter:independent")
        assert "private" in out
        invoke(url, "consent", "F1", person, "--recorded-by", "officer-a")
    invoke(url, "advance", "F1", "complete_interviews", *who)
    invoke(url, "advance", "F1", "assess_claim", *who)
    invoke(url, "decide", "F1", "recognize", *who)
    invoke(url, "categories", "F1", "--primary", "LEGAL_PHYSICAL", "--secondary",
           "NO_ALTERNATIVE_SOLUTION", *who)
    invoke(url, "advance", "F1", "draft_submission", *who)
    out = invoke(url, "advance", "F1", "recommend", *who, ok=False)
    assert "permission_denied" in out  # the drafter cannot recommend their own submission
    invoke(url, "advance", "F1", "recommend", "--actor", "reviewer-b", "--reason", "sound")
    out = invoke(url, "advance", "F1", "refer", *who, "--country", "IRN",
                 "--submission-priority", "urgent", ok=False)
    assert "refoulement_forbidden" in out
    out = invoke(url, "advance", "F1", "refer", *who, "--country", "ALB",
                 "--submission-priority", "urgent", ok=False)
    assert "no_agreement" in out and "agreements load" in out  # no agreements loaded yet
    loaded = runner.invoke(app, ["referral", "agreements", "load", str(ASHRAF_AGREEMENTS_FILE),
                                 "--database-url", url], env=WIDE)
    assert loaded.exit_code == 0, loaded.output
    assert "loaded from ashraf_agreements.toml" in loaded.output
    out = invoke(url, "advance", "F1", "refer", *who, "--country", "ALB",
                 "--submission-priority", "urgent")
    assert "referred" in out
    out = invoke(url, "history", "F1")
    assert "recommend" in out and "reviewer-b" in out
    assert "referred   │     1" in invoke(url, "funnel")
    assert "overdue" in invoke(url, "due", "--today", "2013-01-01")


def test_refusals_print_every_reason_and_exit_non_zero(engine: Engine) -> None:
    url = stored(engine)
    out = invoke(url, "advance", "F1", "recognize", "--actor", "", "--reason", "", ok=False)
    assert "actor" in out and "reason" in out  # both problems, not just the first
    out = invoke(url, "advance", "F1", "recognize", "--actor", "a", "--reason", "r", ok=False)
    assert "allowed actions: assess_needs" in out
    out = invoke(url, "advance", "F1", "assess_needs", "--actor", "a", "--reason", "r",
                 "--version", "7", ok=False)
    assert "conflict" in out


def test_exclusion_split_merge_and_protection_commands(engine: Engine) -> None:
    url = stored(engine)
    invoke(url, "settings", "--first-asylum", "IRQ", "--armed-unit", "NLA")
    out = invoke(url, "settings", "--target", "processing:urgent=20", "--target",
                 "submission:emergency=5")
    assert "urgent=20" in out and "emergency=5" in out
    assert "processing:urgent" in invoke(url, "settings", "--target", "processing:urgent",
                                         ok=False)
    out = invoke(url, "exclusion", "open", "F1", "F1-A1", "--actor", "officer-a",
                 "--reason", "declared", "--armed-unit", "nla")
    review_id = out.split("review ")[1].split(" ")[0]
    invoke(url, "exclusion", "assess", review_id, "--assessor", "officer-a",
           "--recommendation", "include")
    out = invoke(url, "exclusion", "review", review_id, "--reviewer", "officer-a",
                 "--decision", "confirm", "--reason", "self", ok=False)
    assert "permission_denied" in out
    out = invoke(url, "exclusion", "review", review_id, "--reviewer", "reviewer-b",
                 "--decision", "confirm", "--reason", "no serious reasons")
    assert "decided" in out and "include" in out
    assert "IRQ" in invoke(url, "no-return", "F1", "F1-A2", "TUR", "--actor", "o",
                           "--reason", "fear")
    out = invoke(url, "split", "F1", "--member", "F1-A2", "--new-principal", "F1-A2",
                 "--actor", "o", "--reason", "wants Canada")
    assert "F1-1" in out
    out = invoke(url, "merge", "F1", "F2", "--actor", "o", "--reason", "brother found")
    assert "3 member(s)" in out
    invoke(url, "relative", "F1", "F1-A1", "--name", "Ali", "--relation", "brother",
           "--country", "SWE", "--actor", "tracing", "--contact")
    invoke(url, "statement", "F1", "F1-A1", "--recorded-by", "o", "--text", "private words")
    assert "private words" in invoke(url, "statement", "F1", "F1-A1", "--recorded-by", "o")
