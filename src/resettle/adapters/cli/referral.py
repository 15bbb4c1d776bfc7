"""``resettle referral ...``: referrals to host states from a terminal — list, show, refer,
a host state's decision, withdrawal, more information sent, and a split decision resolved.

Every command is one unit of work through the referral service, which moves the case through
the screening workflow in the same transaction; a refused action prints every reason and exits
non-zero.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.markup import escape
from rich.table import Table

from resettle.adapters.cli.options import DEFAULT_URL, DatabaseUrl, open_engine
from resettle.adapters.cli.output import console, failing_cleanly
from resettle.adapters.db.referral.store import SqlReferralStore, referral_store
from resettle.core import Priority
from resettle.referral import service
from resettle.referral.agreements import AgreementBook, load_agreements
from resettle.referral.records import HostDecision, Referral, label

T = TypeVar("T")
app = typer.Typer(help="Referrals to host states: list, show, refer, decide, withdraw, "
                  "information, split.", no_args_is_help=True)
Actor = Annotated[str, typer.Option("--actor", help="Who takes the action (staff id, or the "
                                    "host state's officer for a decision).")]
Reason = Annotated[str, typer.Option("--reason", help="Why: recorded with the referral and "
                                     "in the case history.")]
ReferralId = Annotated[int, typer.Argument(help="The referral's number.")]


agreements_app = typer.Typer(help="The operation's data-sharing agreements with host states: "
                             "load the file once, show what is in force.",
                             no_args_is_help=True)
app.add_typer(agreements_app, name="agreements")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="referral")


@contextmanager
def unit_of_work(database_url: str) -> Iterator[SqlReferralStore]:
    with failing_cleanly():
        engine = open_engine(database_url)
        try:
            with referral_store(engine) as store:
                yield store
        finally:
            engine.dispose()


def do(database_url: str, work: Callable[[SqlReferralStore], T]) -> T:
    with unit_of_work(database_url) as store:
        return work(store)


def _show(referral: Referral) -> None:
    decided = referral.decision
    by = f" by {escape(decided.decided_by)} on {decided.decided_at:%Y-%m-%d}" if decided else ""
    reason = f": {escape(referral.reason)}" if referral.reason else ""
    console().print(f"referral [bold]{referral.referral_id}[/] of case "
                    f"{escape(referral.case_id)} to {referral.country}: "
                    f"[bold]{label(referral.state)}[/]{by}{reason}")


@app.command("list")
def list_command(
    *,
    country: Annotated[str | None, typer.Option(help="Only this host state (ISO3).")] = None,
    case_id: Annotated[str | None, typer.Option("--case", help="Only this case.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="How many.")] = 50,
    database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """List referrals, newest first."""
    referrals, total = do(database_url, lambda s: s.list_referrals(
        country=country.upper() if country else None, case_id=case_id, limit=limit))
    table = Table("referral", "case", "state", "referred", "where it stands", "reason")
    for r in referrals:
        table.add_row(str(r.referral_id), escape(r.case_id), r.country,
                      f"{r.referred_at:%Y-%m-%d}", label(r.state), escape(r.reason))
    console().print(table)
    console().print(f"{total} referral(s)")


@app.command("show")
def show_command(referral_id: ReferralId, database_url: DatabaseUrl = DEFAULT_URL) -> None:
    """Show one referral and where it stands."""
    _show(do(database_url, lambda s: service.get_referral(s, referral_id)))


@app.command("refer")
def refer_command(
    *,
    case_id: Annotated[str, typer.Argument(help="The case (ready for referral).")],
    country: Annotated[str, typer.Argument(help="A host state (ISO3) that pledged places.")],
    actor: Actor, reason: Reason = "submitted to the host state",
    submission_priority: Annotated[Priority, typer.Option(
        help="Submission priority.")] = Priority.NORMAL,
    database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Refer a case to a host state (same as `resettle case advance CASE refer`)."""
    _show(do(database_url, lambda s: service.refer_case(
        s, case_id, country, actor=actor, reason=reason,
        submission_priority=str(submission_priority))))


@app.command("decide")
def decide_command(
    *,
    referral_id: ReferralId,
    decision: Annotated[HostDecision, typer.Argument(help="The host state's answer.")],
    actor: Actor, reason: Reason = "",
    accepted: Annotated[list[str] | None, typer.Option(
        help="For a split decision: a member accepted (repeat for several).")] = None,
    database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Record a host state's decision (refused, not_considered, more_information and split
    need a reason); the case moves through the workflow with it."""
    _show(do(database_url, lambda s: service.decide_referral(
        s, referral_id, decision, actor=actor, reason=reason, accepted_persons=accepted or ())))


@app.command("withdraw")
def withdraw_command(referral_id: ReferralId, *, actor: Actor, reason: Reason,
                     database_url: DatabaseUrl = DEFAULT_URL) -> None:
    """Take the file back from the host state: it loses access; the case is ready for
    referral again."""
    _show(do(database_url, lambda s: service.withdraw_referral(
        s, referral_id, actor=actor, reason=reason)))


@app.command("information")
def information_command(referral_id: ReferralId, *, actor: Actor, reason: Reason,
                        database_url: DatabaseUrl = DEFAULT_URL) -> None:
    """The information the host state asked for was sent: the referral waits again."""
    _show(do(database_url, lambda s: service.provide_information(
        s, referral_id, actor=actor, reason=reason)))


@app.command("split")
def split_command(
    referral_id: ReferralId, *, actor: Actor, reason: Reason,
    decline: Annotated[bool, typer.Option(
        "--decline/--split", help="Decline (keep the family together) or split the case as "
        "the state accepted.")] = True,
    database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """A protection officer resolves a split decision: split the case, or decline."""
    resolved = do(database_url, lambda s: service.resolve_split(
        s, referral_id, split=not decline, actor=actor, reason=reason))
    _show(resolved.referral)
    if resolved.accepted_case is not None:
        console().print(f"accepted members now form case {escape(resolved.accepted_case.case_id)}")


@agreements_app.command("load")
def agreements_load_command(
    path: Annotated[Path, typer.Argument(help="The agreements file (TOML or JSON, format in "
                                         "docs/referral-agreements.md).")],
    database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Check the agreements file and store it, replacing the agreements stored before; a
    file with a problem is refused whole (every problem listed) and nothing changes."""
    def store_book(store: SqlReferralStore) -> tuple[AgreementBook, frozenset[str]]:
        book = load_agreements(path)
        return book, service.configure_agreements(store, book)

    book, uncovered = do(database_url, store_book)
    console().print(f"{len(book.agreements)} agreement version(s) of {len(book.states)} "
                    f"state(s) loaded from {escape(path.name)}")
    if uncovered:
        console().print("no agreement, so no referral possible, with host state(s): "
                        + ", ".join(sorted(uncovered)))


@agreements_app.command("show")
def agreements_show_command(
    on: Annotated[str | None, typer.Option(help="Day (YYYY-MM-DD); default today.")] = None,
    database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Show each host state's agreement in force on a day and the fields it allows."""
    day = date.fromisoformat(on) if on else date.today()
    book, states = do(database_url, lambda s: (s.agreements(), s.host_states()))
    table = Table("state", "version", "retention (days)", "fields")
    for country in sorted(states | book.states):
        found = book.find(country, day)
        table.add_row(country, found.version if found else "none in force",
                      str(found.retention_days) if found else "",
                      ", ".join(sorted(found.fields)) if found else "")
    console().print(table)
