"""An in-memory :class:`~resettle.referral.ports.ReferralStore` over the in-memory screening
store: the scenario replays referrals through the real referral service here, and the loader
copies the records into the database with the rest of the history."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import replace

from resettle.errors import NotFoundError
from resettle.referral.agreements import AgreementBook
from resettle.referral.records import WAITING_STATES, Referral, state_may_see
from resettle.simulation.memory_store import MemoryScreeningStore


class MemoryReferralStore:
    def __init__(self, screening: MemoryScreeningStore, host_states: Iterable[str],
                 agreements: AgreementBook | None = None) -> None:
        self._screening = screening
        self._host_states = frozenset(host_states)
        # A synthetic world without agreements of its own: the RRF minimum for every state.
        self._agreements = (agreements if agreements is not None
                            else AgreementBook().with_defaults(self._host_states))

    @property
    def screening(self) -> MemoryScreeningStore:
        return self._screening

    def host_states(self) -> frozenset[str]:
        return self._host_states

    def agreements(self) -> AgreementBook:
        return self._agreements

    def save_agreements(self, book: AgreementBook) -> None:
        self._agreements = book

    @property
    def _records(self) -> dict[int, Referral]:
        return self._screening.referrals

    def add_referral(self, referral: Referral) -> Referral:
        stored = replace(referral, referral_id=len(self._records) + 1)
        self._records[stored.referral_id] = stored
        return stored

    def save_referral(self, referral: Referral) -> None:
        if referral.referral_id not in self._records:
            raise NotFoundError(f"no referral {referral.referral_id}")
        self._records[referral.referral_id] = referral

    def get_referral(self, referral_id: int) -> Referral:
        try:
            return self._records[referral_id]
        except KeyError:
            raise NotFoundError(f"no referral {referral_id}") from None

    def referrals_of(self, case_ids: Sequence[str]) -> list[Referral]:
        wanted = set(case_ids)
        return [r for r in self._records.values() if r.case_id in wanted]

    def list_referrals(self, *, country: str | None = None, case_id: str | None = None,
                       with_access_only: bool = False, offset: int = 0,
                       limit: int = 50, states: Collection[str] | None = None
                       ) -> tuple[list[Referral], int]:
        found = [r for r in reversed(self._records.values())
                 if (country is None or r.country == country)
                 and (states is None or r.state in states)
                 and (case_id is None or r.case_id == case_id)
                 and (not with_access_only or state_may_see(
                     r, self._screening.get_case(r.case_id).status))]
        found.sort(key=lambda r: r.state not in WAITING_STATES)  # stable: newest first within
        return found[offset : offset + limit], len(found)
