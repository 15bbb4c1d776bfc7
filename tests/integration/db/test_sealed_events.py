"""Free text of the case history is sealed: event reasons, exclusion triggers, no-return reasons.

Security finding 1 (issue 18): the reason typed when opening or deciding an Article 1F review,
and the review's triggers, were stored in clear in ``case_events`` although the review itself
is encrypted. Every event reason (it can name a diagnosis, violence or an alleged crime) and
every no-return reason is now stored encrypted; an exclusion event references its sealed
review instead of copying the triggers.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select, text, update
from sqlalchemy.orm import Session

from resettle.adapters.db.engine import make_session_factory
from resettle.adapters.db.screening.tables import CaseEventRow
from resettle.adapters.db.security.rotation import reencrypt_all
from resettle.screening import service
from resettle.security.crypto import load_keyring
from screening_helpers import Clock, family_case, load_cases, run

REASON = "armed-wing REASON-SECRET declared at interview"
TRIGGER = "armed_unit:TRIGGER-SECRET"
FEAR = "tortured in FEAR-SECRET prison"


def _stored(engine: Engine) -> str:
    with engine.connect() as connection:
        events = connection.execute(text("SELECT reason, data FROM case_events")).all()
        declarations = connection.execute(
            text("SELECT reason FROM no_return_declarations")).all()
    return repr(events) + repr(declarations)


def _open_review(engine: Engine, clock: Clock) -> None:
    run(engine, lambda s: service.open_exclusion_review(
        s, "F1", "F1-A1", actor="officer-a", reason=REASON, triggers=(TRIGGER,),
        at=clock.tick()))
    run(engine, lambda s: service.declare_no_return(s, "F1", "F1-A2", "TUR", actor="officer-a",
                                                    reason=FEAR, at=clock.tick()))


def test_event_reasons_and_triggers_are_not_stored_in_clear(session: Session,
                                                             engine: Engine) -> None:
    load_cases(session, family_case())
    _open_review(engine, Clock())
    stored = _stored(engine)
    for secret in ("REASON-SECRET", "TRIGGER-SECRET", "FEAR-SECRET"):
        assert secret not in stored
    history = run(engine, lambda s: s.history("F1"))
    opened = next(e for e in history if e.action == "open_exclusion_review")
    assert opened.reason == REASON  # the application reads it back
    assert "triggers" not in opened.data and opened.data["review"]  # a reference to the review
    review = run(engine, lambda s: s.get_review(opened.data["review"]))
    assert review.triggers == (TRIGGER,)
    declarations = run(engine, lambda s: s.declarations_of(["F1-A2"]))
    assert [d.reason for d in declarations] == [FEAR]


def test_rotation_seals_event_text_left_from_before(session: Session, engine: Engine) -> None:
    """Rows written before migration 0600 keep clear text until the migration (with keys) or
    `resettle keys rotate` seals it."""
    load_cases(session, family_case())
    _open_review(engine, Clock())
    events: Any = CaseEventRow.__table__
    with engine.begin() as connection:  # as an old row looked
        connection.execute(update(events).values(reason=REASON, reason_enc=None))
        connection.execute(update(events).where(events.c.action == "open_exclusion_review")
                           .values(data={"triggers": TRIGGER, "review": "XR-1"}))
        connection.execute(text("UPDATE no_return_declarations SET reason = :r, reason_enc = "
                                "NULL"), {"r": FEAR})
    assert "REASON-SECRET" in _stored(engine)
    assert run(engine, lambda s: s.history("F1"))[0].reason == REASON  # still readable
    keys = load_keyring()
    with make_session_factory(engine, keys=keys)() as rotating, rotating.begin():
        counts = reencrypt_all(rotating, keys=keys)
    assert counts.sealed >= 2
    stored = _stored(engine)
    for secret in ("REASON-SECRET", "TRIGGER-SECRET", "FEAR-SECRET"):
        assert secret not in stored
    history = run(engine, lambda s: s.history("F1"))
    assert {e.reason for e in history} == {REASON}
    assert all("triggers" not in e.data for e in history)
    with engine.connect() as connection:
        assert connection.execute(select(events.c.reason_enc)).scalars().all()[0]
