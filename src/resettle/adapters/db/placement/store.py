"""The placement store on SQLAlchemy: implements :class:`resettle.placement.ports.
PlacementStore`.

Two ways to hold it: on one session (a web request or a CLI unit of work: the caller commits),
or on a session factory, where each read is a short session and each write its own committed
transaction — so a run's solve holds no lock. Declared fears come from screening's table,
refusals and held places from the referral stage's.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from typing import cast

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session, sessionmaker

from resettle.adapters.db.engine import write_session
from resettle.adapters.db.placement import run_store as placement_store
from resettle.adapters.db.placement.explain_store import (
    case_explanations,
    save_explanations,
    shadow_prices_of_run,
)
from resettle.adapters.db.placement.tables import PlacementDecisionRow, PlacementRunRow
from resettle.adapters.db.referral.tables import ReferralRow
from resettle.adapters.db.registry.store import get_case, get_cases, load_batch
from resettle.adapters.db.registry.tables import LocalityRow, PledgeRow
from resettle.adapters.db.screening.store import SqlScreeningStore
from resettle.adapters.db.screening.tables import NoReturnDeclarationRow
from resettle.core import Case, Locality, RegistryBatch
from resettle.errors import NotFoundError
from resettle.placement.explain import CaseExplanation, ShadowPrice
from resettle.placement.ports import PlacementInputs
from resettle.placement.runs import PlacementDecision, PlacementRun
from resettle.referral.records import ACCESS_STATES, EXCLUDING_STATES, label

_referrals = cast(Table, ReferralRow.__table__)
_declarations = cast(Table, NoReturnDeclarationRow.__table__)
_decisions = cast(Table, PlacementDecisionRow.__table__)


class SqlPlacementStore:
    def __init__(self, session: Session | None = None, *,
                 factory: sessionmaker[Session] | None = None) -> None:
        if (session is None) == (factory is None):
            raise TypeError("give a session or a session factory")
        self._session, self._factory = session, factory

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        if self._session is not None:
            yield self._session
        else:
            assert self._factory is not None
            with self._factory() as session:
                yield session

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        if self._session is not None:
            yield self._session  # the caller's unit of work commits
            return
        assert self._factory is not None
        with write_session(self._factory) as session:
            yield session
            session.commit()

    def placement_inputs(self, case_ids: Sequence[str] | None = None) -> PlacementInputs:
        with self._reading() as session:
            if case_ids is None:
                batch = load_batch(session)
            else:
                batch = RegistryBatch(cases=tuple(get_cases(session, case_ids=case_ids)
                                                  .values()))
            ids = [c.case_id for c in batch.cases]
            return PlacementInputs(
                batch=batch, protection=SqlScreeningStore(session).settings().protection,
                declared=_declared(session, [m.person_id for c in batch.cases
                                             for m in c.members]),
                refused=_refused(session, ids), holding=_holding(session, ids),
                decided_localities=_decided(session, ids))

    def get_locality(self, locality_id: str) -> Locality:
        with self._reading() as session:
            if session.get(LocalityRow, locality_id) is None:
                raise NotFoundError(f"no locality {locality_id}")
            batch = load_batch(session, cases=False, pledges=False)
        return next(loc for loc in batch.localities if loc.locality_id == locality_id)

    def get_case(self, case_id: str) -> Case:
        with self._reading() as session:
            return get_case(session, case_id=case_id)

    def get_run(self, run_id: str) -> PlacementRun:
        with self._reading() as session:
            return placement_store.get_run(session, run_id=run_id)

    def save_run(self, run: PlacementRun, cases: Sequence[CaseExplanation],
                 prices: Sequence[ShadowPrice]) -> None:
        with self._writing() as session:
            placement_store.save_run(session, run=run)
            save_explanations(session, run_id=run.run_id, cases=cases, prices=prices)

    def record_decision(self, decision: PlacementDecision) -> None:
        with self._writing() as session:
            placement_store.record_decision(session, decision=decision)

    def run_decisions(self, run_id: str) -> list[PlacementDecision]:
        with self._reading() as session:
            return placement_store.decisions_for_run(session, run_id=run_id)

    def run_places(self, run_id: str) -> list[ShadowPrice]:
        with self._reading() as session:
            return shadow_prices_of_run(session, run_id=run_id)


    # What reviewing the stored runs reads (PlacementRunStore).

    def count_runs(self) -> int:
        with self._reading() as session:
            return int(session.scalar(select(func.count()).select_from(PlacementRunRow)) or 0)

    def list_runs(self, *, offset: int, limit: int) -> list[PlacementRun]:
        with self._reading() as session:
            return placement_store.list_runs(session, offset=offset, limit=limit)

    def case_explanations(self, run_id: str,
                          placed: Mapping[str, tuple[str | None, float | None]]
                          ) -> dict[str, CaseExplanation]:
        with self._reading() as session:
            return case_explanations(session, run_id=run_id, placed=dict(placed))

    def localities(self) -> Sequence[Locality]:
        with self._reading() as session:
            return load_batch(session, cases=False, pledges=False).localities

    def get_cases(self, case_ids: Sequence[str]) -> Mapping[str, Case]:
        with self._reading() as session:
            return get_cases(session, case_ids=case_ids)

    def pledges_active_on(self, day: date) -> bool:
        with self._reading() as session:
            return bool(session.scalar(select(func.count()).select_from(PledgeRow).where(
                PledgeRow.period_start <= day, PledgeRow.period_end >= day)))

    def last_pledge_end(self, day: date) -> date | None:
        with self._reading() as session:
            return session.scalar(select(func.max(PledgeRow.period_end)).where(
                PledgeRow.period_start <= day))


def _chunks(ids: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(ids), 1000):
        yield ids[start : start + 1000]


def _declared(session: Session, person_ids: Sequence[str]) -> Mapping[str, list[str]]:
    found: dict[str, list[str]] = {}
    for chunk in _chunks(person_ids):
        rows = session.execute(select(_declarations.c.person_id, _declarations.c.country)
                               .where(_declarations.c.person_id.in_(chunk)))
        for person_id, country in rows:
            found.setdefault(person_id, []).append(country)
    return found


def _refused(session: Session, case_ids: Sequence[str]) -> Mapping[str, dict[str, str]]:
    """By case: each host state that refused it, with what happened and when."""
    found: dict[str, dict[str, str]] = {}
    states = [str(s) for s in EXCLUDING_STATES]
    for chunk in _chunks(case_ids):
        rows = session.execute(select(
            _referrals.c.case_id, _referrals.c.country, _referrals.c.state,
            _referrals.c.decided_at).where(_referrals.c.case_id.in_(chunk),
                                           _referrals.c.state.in_(states)))
        for case_id, country, state, decided_at in rows:
            when = f" on {decided_at:%Y-%m-%d}" if decided_at else ""
            found.setdefault(case_id, {})[country] = f"{country}: {label(state)}{when}"
    return found


def _holding(session: Session, case_ids: Sequence[str]) -> Mapping[str, str]:
    found: dict[str, str] = {}
    states = [str(s) for s in ACCESS_STATES]
    for chunk in _chunks(case_ids):
        rows = session.execute(select(_referrals.c.case_id, _referrals.c.country).where(
            _referrals.c.case_id.in_(chunk), _referrals.c.state.in_(states)))
        found.update({case_id: country for case_id, country in rows})
    return found


def _decided(session: Session, case_ids: Sequence[str]) -> Mapping[str, str]:
    """The locality of each case's latest accepted or overridden placement."""
    found: dict[str, str] = {}
    for chunk in _chunks(case_ids):
        rows = session.execute(select(_decisions.c.case_id, _decisions.c.locality_id)
                               .where(_decisions.c.case_id.in_(chunk),
                                      _decisions.c.locality_id.is_not(None))
                               .order_by(_decisions.c.decision_id))
        for case_id, locality_id in rows:
            found[case_id] = locality_id
    return found
