"""The referral store on SQLAlchemy: implements :class:`resettle.referral.ports.ReferralStore`.

One :class:`SqlReferralStore` wraps one session (one unit of work), with the screening store
of the same session, so a referral and its workflow step commit together. Never commits.
Times are naive UTC in the domain (as screening's) and stored with their zone.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Engine, Table, case, func, select, update
from sqlalchemy.orm import Session

from resettle.adapters.db.engine import make_session_factory
from resettle.adapters.db.referral.access import with_access
from resettle.adapters.db.referral.tables import ReferralRow
from resettle.adapters.db.registry.tables import PledgeRow
from resettle.adapters.db.screening.store import SqlScreeningStore
from resettle.adapters.db.screening.tables import ScreeningSettingsRow
from resettle.errors import NotFoundError
from resettle.referral.agreements import AgreementBook, agreements_to_data, parse_agreements
from resettle.referral.records import (
    WAITING_STATES,
    DecisionRecord,
    HostDecision,
    Referral,
    ReferralState,
    Withdrawal,
)
from resettle.security.crypto import KeyRing

_referrals = cast(Table, ReferralRow.__table__)
PENDING = "pending"
# The operation's agreements file, parsed and checked, is kept as one row of the operation's
# settings table (key, JSON value): loaded once by `resettle referral agreements load FILE`.
AGREEMENTS_KEY = "data_sharing_agreements"


@contextmanager
def referral_store(engine: Engine, *, keys: KeyRing | None = None
                   ) -> Iterator[SqlReferralStore]:
    """One unit of work: commit if the block succeeds, roll back everything if it raises."""
    with make_session_factory(engine, keys=keys)() as session, session.begin():
        yield SqlReferralStore(session)


def _stored(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def _domain(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def _row_values(referral: Referral) -> dict[str, Any]:
    decision, withdrawal = referral.decision, referral.withdrawal
    return {
        "case_id": referral.case_id, "country": referral.country,
        "referred_at": _stored(referral.referred_at), "referred_by": referral.referred_by,
        "state": str(referral.state), "submission_priority": referral.submission_priority,
        "decision": str(decision.decision) if decision else PENDING,
        "reason": decision.reason if decision else "",
        "decided_by": decision.decided_by if decision else None,
        "decided_at": _stored(decision.decided_at) if decision else None,
        "accepted_persons": ",".join(sorted(decision.accepted_persons)) if decision else "",
        "withdrawn_at": _stored(withdrawal.withdrawn_at) if withdrawal else None,
        "withdrawn_by": withdrawal.withdrawn_by if withdrawal else None,
        "withdrawal_reason": withdrawal.reason if withdrawal else "",
        "resolved_by": referral.resolved_by,
    }


def referral_of_row(row: Any) -> Referral:
    decision = None
    if row["decision"] != PENDING and row["decided_at"] is not None:
        decision = DecisionRecord(
            HostDecision(row["decision"]), row["reason"], row["decided_by"] or "",
            cast(datetime, _domain(row["decided_at"])),
            frozenset(p for p in row["accepted_persons"].split(",") if p))
    withdrawal = None
    if row["withdrawn_at"] is not None:
        withdrawal = Withdrawal(row["withdrawal_reason"], row["withdrawn_by"] or "",
                                cast(datetime, _domain(row["withdrawn_at"])))
    return Referral(row["referral_id"], row["case_id"], row["country"],
                    cast(datetime, _domain(row["referred_at"])), row["referred_by"],
                    ReferralState(row["state"]), row["submission_priority"], decision,
                    withdrawal, row["resolved_by"])


class SqlReferralStore:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._screening = SqlScreeningStore(session)

    @property
    def screening(self) -> SqlScreeningStore:
        return self._screening

    def host_states(self) -> frozenset[str]:
        """Countries that pledged places (any period): the operation's host states."""
        return frozenset(self.session.scalars(select(PledgeRow.country).distinct()))

    def agreements(self) -> AgreementBook:
        row = self.session.get(ScreeningSettingsRow, AGREEMENTS_KEY)
        if row is None:
            return AgreementBook()
        return parse_agreements(row.value, source=str(row.value.get("source", "")))

    def save_agreements(self, book: AgreementBook) -> None:
        self.session.merge(ScreeningSettingsRow(key=AGREEMENTS_KEY,
                                                value=agreements_to_data(book)))
        self.session.flush()

    def add_referral(self, referral: Referral) -> Referral:
        referral_id = self.session.execute(
            _referrals.insert().values(**_row_values(referral))
            .returning(_referrals.c.referral_id)).scalar_one()
        return self.get_referral(int(referral_id))

    def add_referrals(self, referrals: Sequence[Referral]) -> None:
        """Bulk insert (a loaded scenario's referrals); the database gives the ids."""
        if referrals:
            self.session.execute(_referrals.insert(), [_row_values(r) for r in referrals])

    def save_referral(self, referral: Referral) -> None:
        result = self.session.execute(update(_referrals).where(
            _referrals.c.referral_id == referral.referral_id).values(**_row_values(referral)))
        if result.rowcount == 0:  # type: ignore[attr-defined]
            raise NotFoundError(f"no referral {referral.referral_id}")

    def get_referral(self, referral_id: int) -> Referral:
        row = self.session.execute(select(_referrals).where(
            _referrals.c.referral_id == referral_id)).mappings().first()
        if row is None:
            raise NotFoundError(f"no referral {referral_id}")
        return referral_of_row(row)

    def referrals_of(self, case_ids: Sequence[str]) -> list[Referral]:
        found: list[Referral] = []
        for start in range(0, len(case_ids), 1000):
            rows = self.session.execute(select(_referrals).where(
                _referrals.c.case_id.in_(case_ids[start : start + 1000]))
                .order_by(_referrals.c.referral_id)).mappings()
            found.extend(referral_of_row(r) for r in rows)
        return sorted(found, key=lambda r: r.referral_id)

    def list_referrals(self, *, country: str | None = None, case_id: str | None = None,
                       with_access_only: bool = False, offset: int = 0,
                       limit: int = 50, states: Collection[str] | None = None
                       ) -> tuple[list[Referral], int]:
        query = select(_referrals)
        if states is not None:
            query = query.where(_referrals.c.state.in_(sorted(str(s) for s in states)))
        if country is not None:
            query = query.where(_referrals.c.country == country)
        if case_id is not None:
            query = query.where(_referrals.c.case_id == case_id)
        if with_access_only:
            query = query.where(with_access())
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        waiting = case((_referrals.c.state.in_(sorted(WAITING_STATES)), 0), else_=1)
        rows = self.session.execute(query.order_by(waiting, _referrals.c.referral_id.desc())
                                    .offset(offset).limit(limit)).mappings()
        return [referral_of_row(r) for r in rows], int(total)
