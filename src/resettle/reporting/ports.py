"""What reporting reads from storage. The database adapter implements it; an in-memory one
(:mod:`resettle.reporting.memory`) serves tests and the simulator.

Referral decisions and movements are separate methods on purpose: today both come from the
screening workflow's case events (refer, accept, refuse, withdraw_referral; prepare_departure,
depart, report_arrival), which every stage keeps writing. When the referral and departures
stages hold their own records, a store can read those instead without reporting changing.

Every method takes ``until``: a report as of a day sees only what was recorded by then.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol

from resettle.core.locality import Pledge
from resettle.reporting.records import (
    CaseProfile,
    ForecastBand,
    MovementFact,
    ReferralFact,
    StatusChange,
)
from resettle.screening.deadlines import DeadlineTargets


class ReportingStore(Protocol):
    def case_profiles(self) -> Sequence[CaseProfile]:
        """Every case with its members' sex, birth date and nationality (never names)."""
        ...

    def status_changes(self, until: datetime, *,
                       changed_after: datetime | None = None) -> Sequence[StatusChange]:
        """Status-changing events recorded at or before ``until``, oldest first; with
        ``changed_after``, only those of cases whose status changed after that moment (the
        others stand as the registry holds them, so their history is not needed)."""
        ...

    def referral_facts(self, until: datetime) -> Sequence[ReferralFact]:
        """Referrals and host-state decisions at or before ``until``, oldest first."""
        ...

    def movement_facts(self, until: datetime) -> Sequence[MovementFact]:
        """Pre-departure, departures and arrivals at or before ``until``, oldest first."""
        ...

    def pledges(self) -> Sequence[Pledge]: ...

    def deadline_targets(self) -> DeadlineTargets:
        """The operation's deadline targets (screening's settings, the ones `case due` uses)."""
        ...


class ForecastSource(Protocol):
    """The operation simulator's forecast band as of a day, or None. Reporting ranks below the
    simulator, so it only names what it needs: the simulator's ``StoredForecast`` (the latest
    stored run) fills it, handed in by the CLI and the web app."""

    def forecast_band(self, as_of: date) -> ForecastBand | None: ...


class NoForecast:
    """No forecast (tests, or a caller without stored runs): the report's section says so."""

    def forecast_band(self, as_of: date) -> ForecastBand | None:
        return None
