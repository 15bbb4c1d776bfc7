"""Referral's demo step: the host states' data-sharing agreements of the Ashraf scenario."""

from __future__ import annotations

from typing import TYPE_CHECKING

from resettle.adapters.cli.referral import do
from resettle.adapters.db.referral.store import SqlReferralStore
from resettle.referral import service
from resettle.referral.agreements import ASHRAF_AGREEMENTS_FILE, AgreementBook, load_agreements

if TYPE_CHECKING:
    from resettle.adapters.cli.demo import DemoContext


def step_referral_agreements(ctx: DemoContext) -> None:
    """Demo: load the Ashraf scenario's data-sharing agreements (what each host state may
    receive of a referred case)."""
    def store_book(store: SqlReferralStore) -> tuple[AgreementBook, frozenset[str]]:
        book = load_agreements(ASHRAF_AGREEMENTS_FILE)
        return book, service.configure_agreements(store, book)

    book, uncovered = do(ctx.database_url, store_book)
    line = (f"{len(book.agreements)} agreement versions of {len(book.states)} host states "
            f"loaded from {ASHRAF_AGREEMENTS_FILE.name}"
            + (f"; none with {', '.join(sorted(uncovered))}" if uncovered else ""))
    ctx.console.rule("referral: data-sharing agreements")
    ctx.console.print(line)
    ctx.summary["agreements"] = line
