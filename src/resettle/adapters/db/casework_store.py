"""Sensitive case notes (encrypted at rest) and referrals of cases to host states."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.orm import Session

from resettle.adapters.db.screening.tables import CaseEventRow
from resettle.adapters.db.sealing import open_event_reason
from resettle.adapters.db.security.store import as_utc
from resettle.adapters.db.security.tables import CaseNoteRow, ReferralRow
from resettle.core.issues import Issue
from resettle.errors import ConflictError, NotFoundError, ValidationError
from resettle.security.crypto import KeyRing
from resettle.security.policy import SENSITIVE_SECTIONS, Section
from resettle.security.views import CaseNote

_notes = cast(Table, CaseNoteRow.__table__)
_referrals = cast(Table, ReferralRow.__table__)


def _note_context(case_id: str, section: str) -> str:
    # Bound to case and section: a ciphertext moved to another case or section fails to open.
    return f"case_notes:{case_id}:{section}"


def add_note(
    session: Session, *, keys: KeyRing, case_id: str, section: Section, text: str,
    author: str, now: datetime,
) -> int:
    if section not in SENSITIVE_SECTIONS:
        raise ValidationError([Issue("bad_value", f"notes go in a sensitive section: "
                                     f"{sorted(SENSITIVE_SECTIONS)}", field="section")])
    if not text.strip():
        raise ValidationError([Issue("missing_value", "write the note's text", field="text")])
    return int(session.execute(
        _notes.insert().values(
            case_id=case_id, section=section.value, author=author, created_at=now,
            text_enc=keys.encrypt(text, context=_note_context(case_id, section.value)),
        ).returning(_notes.c.note_id)
    ).scalar_one())


def list_notes(
    session: Session, *, keys: KeyRing, case_id: str, sections: frozenset[Section]
) -> list[CaseNote]:
    """Decrypts only the sections asked for: the rest never leave the database."""
    wanted = [s.value for s in sections & SENSITIVE_SECTIONS]
    if not wanted:
        return []
    rows = session.execute(
        select(_notes).where(_notes.c.case_id == case_id, _notes.c.section.in_(wanted))
        .order_by(_notes.c.note_id)
    ).mappings()
    return [
        CaseNote(r["note_id"], r["case_id"], Section(r["section"]),
                 keys.decrypt(r["text_enc"], context=_note_context(r["case_id"], r["section"])),
                 r["author"], cast(datetime, as_utc(r["created_at"])))
        for r in rows
    ]


class Decision(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    MORE_INFORMATION = "more_information"


@dataclass(frozen=True)
class Referral:
    referral_id: int
    case_id: str
    country: str
    referred_at: datetime
    referred_by: str
    decision: Decision
    reason: str
    decided_by: str | None
    decided_at: datetime | None


def _referral(row: Any) -> Referral:
    return Referral(row["referral_id"], row["case_id"], row["country"],
                    cast(datetime, as_utc(row["referred_at"])), row["referred_by"],
                    Decision(row["decision"]), row["reason"], row["decided_by"],
                    as_utc(row["decided_at"]))


def refer_case(
    session: Session, *, case_id: str, country: str, referred_by: str, now: datetime
) -> int:
    open_one = session.scalar(select(_referrals.c.referral_id).where(
        _referrals.c.case_id == case_id, _referrals.c.decision.in_(
            [Decision.PENDING.value, Decision.MORE_INFORMATION.value])))
    if open_one is not None:
        raise ConflictError(f"case {case_id} already has an open referral; wait for its answer")
    return int(session.execute(
        _referrals.insert().values(case_id=case_id, country=country, referred_at=now,
                                   referred_by=referred_by, decision=Decision.PENDING.value,
                                   reason="").returning(_referrals.c.referral_id)
    ).scalar_one())


def referred_states(session: Session, *, case_id: str) -> frozenset[str]:
    rows = session.scalars(select(_referrals.c.country).where(_referrals.c.case_id == case_id))
    return frozenset(rows)


def referred_case_ids_query(country: str) -> Any:
    """A subquery of the case ids referred to ``country``: the liaison's record scope in SQL."""
    return select(_referrals.c.case_id).where(_referrals.c.country == country)


def list_referrals(
    session: Session, *, country: str | None = None, case_id: str | None = None,
    offset: int = 0, limit: int = 50,
) -> tuple[list[Referral], int]:
    query = select(_referrals)
    if country is not None:
        query = query.where(_referrals.c.country == country)
    if case_id is not None:
        query = query.where(_referrals.c.case_id == case_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(_referrals.c.referral_id.desc())
                           .offset(offset).limit(limit)).mappings()
    return [_referral(r) for r in rows], total


def get_referral(session: Session, *, referral_id: int) -> Referral:
    row = session.execute(
        select(_referrals).where(_referrals.c.referral_id == referral_id)
    ).mappings().first()
    if row is None:
        raise NotFoundError(f"no referral {referral_id}")
    return _referral(row)


def decide_referral(
    session: Session, *, referral_id: int, decision: Decision, reason: str, decided_by: str,
    now: datetime,
) -> Referral:
    if decision is Decision.PENDING:
        raise ValidationError([Issue("bad_value", "decide accepted, refused or "
                                     "more_information", field="decision")])
    if decision is not Decision.ACCEPTED and not reason.strip():
        raise ValidationError([Issue("missing_value", "give a reason for refusing or asking "
                                     "for more information", field="reason")])
    current = get_referral(session, referral_id=referral_id)
    if current.decision not in (Decision.PENDING, Decision.MORE_INFORMATION):
        raise ConflictError(f"referral {referral_id} was already {current.decision}")
    session.execute(update(_referrals).where(_referrals.c.referral_id == referral_id).values(
        decision=decision.value, reason=reason.strip(), decided_by=decided_by, decided_at=now))
    return get_referral(session, referral_id=referral_id)


_HOST_ANSWERS = {"accept": Decision.ACCEPTED, "refuse": Decision.REFUSED,
                 "request_information": Decision.MORE_INFORMATION,
                 "provide_information": Decision.PENDING}


def sync_referrals_from_history(session: Session, *, now: datetime) -> int:
    """Index the screening workflow's ``refer`` events as host referrals (the liaisons' scope).

    Cases referred through the screening workflow (e.g. a loaded scenario) then show in their
    host state's portal. Existing referrals are left alone; returns how many were added.
    """
    events = cast(Table, CaseEventRow.__table__)
    known = {(r.case_id, r.country) for r in session.execute(
        select(_referrals.c.case_id, _referrals.c.country))}
    rows = session.execute(select(events).where(events.c.action.in_(
        ["refer", *_HOST_ANSWERS])).order_by(events.c.case_id, events.c.sequence)).mappings()
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    current: dict[str, str] = {}
    for row in rows:
        data = row["data"] or {}
        if row["action"] == "refer" and data.get("country"):
            current[row["case_id"]] = data["country"]
            latest[(row["case_id"], data["country"])] = {
                "referred_at": row["at"], "referred_by": row["actor"],
                "decision": Decision.PENDING.value, "reason": "", "decided_by": None,
                "decided_at": None}
        elif row["case_id"] in current:
            entry = latest[(row["case_id"], current[row["case_id"]])]
            entry.update(decision=_HOST_ANSWERS[row["action"]].value,
                         reason=open_event_reason(session, row),
                         decided_by=row["actor"], decided_at=row["at"])
    added = [{"case_id": case_id, "country": country, **values}
             for (case_id, country), values in latest.items() if (case_id, country) not in known]
    if added:
        session.execute(_referrals.insert(), added)
    return len(added)
