"""What the referral service needs from storage. The database adapter implements it.

A :class:`ReferralStore` is one unit of work that also holds the screening store of the same
unit of work (``screening``): a referral and the workflow step it records are written
together, or not at all.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol

from resettle.referral.agreements import AgreementBook
from resettle.referral.records import Referral
from resettle.screening.ports import ScreeningStore


class ReferralStore(Protocol):
    @property
    def screening(self) -> ScreeningStore:
        """The screening store of the same unit of work (same transaction)."""
        ...

    def host_states(self) -> frozenset[str]:
        """Countries configured as host states (ISO3): a case may be referred only there."""
        ...

    def agreements(self) -> AgreementBook:
        """The operation's data-sharing agreements as loaded (empty if none was loaded)."""
        ...

    def save_agreements(self, book: AgreementBook) -> None:
        """Replace the stored agreements with ``book`` (every version of every state)."""
        ...

    def add_referral(self, referral: Referral) -> Referral:
        """Store a new referral; returns it with its id."""
        ...

    def save_referral(self, referral: Referral) -> None:
        """Write a referral's state, decision and withdrawal."""
        ...

    def get_referral(self, referral_id: int) -> Referral:
        """The referral, or NotFoundError."""
        ...

    def referrals_of(self, case_ids: Sequence[str]) -> list[Referral]:
        """Every referral of these cases, oldest first."""
        ...

    def list_referrals(self, *, country: str | None = None, case_id: str | None = None,
                       with_access_only: bool = False, offset: int = 0,
                       limit: int = 50, states: Collection[str] | None = None
                       ) -> tuple[list[Referral], int]:
        """Those waiting for an answer (``records.WAITING_STATES``) first, then newest first,
        with the total; ``with_access_only``: those whose state still may see the case (open
        or accepted); ``states``: only referrals in these states."""
        ...
