"""``resettle case ...`` (part one): workflow actions on one case from a terminal.

Every command is one unit of work through the screening service: it checks the case's
version, records who did what, when and why, and prints the new status; a refused action
prints every reason and exits non-zero. ``--version`` guards against overwriting a change
someone else made since you looked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Annotated, TypeVar

import typer
from rich.markup import escape
from rich.table import Table

from resettle.adapters.cli.options import DEFAULT_URL, DatabaseUrl, open_engine
from resettle.adapters.cli.output import console, failing_cleanly
from resettle.adapters.db.referral.store import SqlReferralStore
from resettle.adapters.db.screening.store import SqlScreeningStore, screening_store
from resettle.core import Case, Category, Priority
from resettle.errors import PermissionDeniedError
from resettle.referral import service as referral_service
from resettle.screening import service
from resettle.screening.deadlines import DueList
from resettle.screening.records import Attendee, AttendeeKind, Interview
from resettle.screening.workflow import TRANSITIONS, Action, ClosureReason, allowed_actions

T = TypeVar("T")
case_app = typer.Typer(help="Screening actions on one case: advance, interview, consent, "
                       "decide, exclusion review, split, merge, deadlines.",
                       no_args_is_help=True)

Actor = Annotated[str, typer.Option("--actor", help="Who takes the action (staff id).")]
Reason = Annotated[str, typer.Option("--reason", help="Why: recorded in the case history.")]
Version = Annotated[int | None, typer.Option(
    "--version", help="The case version you looked at; refused if it changed since.")]
At = Annotated[datetime | None, typer.Option(
    "--at", help="When it happened (UTC, e.g. 2013-05-15T09:00); default now.")]


@contextmanager
def unit_of_work(database_url: str) -> Iterator[SqlScreeningStore]:
    """One transaction on the database; any refusal prints its reasons and exits 1."""
    with failing_cleanly():
        engine = open_engine(database_url)
        try:
            with screening_store(engine) as store:
                yield store
        finally:
            engine.dispose()


def do(database_url: str, work: Callable[[SqlScreeningStore], T]) -> T:
    with unit_of_work(database_url) as store:
        return work(store)


def show_case(case: Case) -> None:
    allowed = ", ".join(allowed_actions(case.status)) or "none"
    console().print(f"case [bold]{escape(case.case_id)}[/] is [bold]{case.status}[/] "
                    f"(version {case.version}, {case.size} member(s)); next: {allowed}")


@case_app.command("advance")
def advance_command(
    *,
    case_id: Annotated[str, typer.Argument(help="The case.")],
    action: Annotated[str, typer.Argument(help="The workflow action: " + ", ".join(
        str(a) for a in TRANSITIONS) + ".")],
    actor: Actor, reason: Reason,
    country: Annotated[str | None, typer.Option(
        help="Host state (ISO3) for refer; never one on the no-return list.")] = None,
    submission_priority: Annotated[Priority | None, typer.Option(
        help="Submission priority, for refer.")] = None,
    closure: Annotated[ClosureReason | None, typer.Option(help="Why, for close.")] = None,
    version: Version = None, at: At = None, database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Take one workflow action; an illegal one names the actions allowed now."""
    if action in REFERRAL_STEPS:
        with failing_cleanly():
            raise PermissionDeniedError(
                f"'{action}' is a host state's answer or a withdrawal: use `resettle referral "
                "decide` or `resettle referral withdraw`, so the referral's record follows")
    data = {key: str(value) for key, value in (("country", country),
            ("submission_priority", submission_priority), ("closure", closure)) if value}
    if action == Action.REFER:  # through the referral stage: one record, same transaction
        case = do(database_url, lambda s: _refer(s, case_id, country or "", actor=actor,
                                                 reason=reason, at=at, version=version,
                                                 priority=str(submission_priority or "")))
    else:
        case = do(database_url, lambda s: service.advance_case(
            s, case_id, action, actor=actor, reason=reason, at=at, data=data,
            expected_version=version))
    show_case(case)


# Steps only the referral stage takes (``resettle referral ...``).
REFERRAL_STEPS = frozenset({Action.ACCEPT, Action.REFUSE, Action.REQUEST_INFORMATION,
                            Action.PROVIDE_INFORMATION, Action.WITHDRAW_REFERRAL})


def _refer(store: SqlScreeningStore, case_id: str, country: str, *, actor: str, reason: str,
           at: datetime | None, version: int | None, priority: str) -> Case:
    referral_service.refer_case(SqlReferralStore(store.session), case_id, country,
                                actor=actor, reason=reason, at=at, expected_version=version,
                                submission_priority=priority)
    return store.get_case(case_id)


@case_app.command("decide")
def decide_command(
    *,
    case_id: Annotated[str, typer.Argument(help="The case.")],
    decision: Annotated[str, typer.Argument(
        help="recognize, reject, grant_appeal or dismiss_appeal (an appeal needs another "
             "officer than the first decision).")],
    actor: Actor, reason: Reason, version: Version = None, at: At = None,
    database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Record a written status decision with its reasons."""
    case = do(database_url, lambda s: service.decide_status(
        s, case_id, decision, actor=actor, reason=reason, at=at, expected_version=version))
    show_case(case)


def _attendee(text: str) -> Attendee:
    kind, _, name = text.partition(":")
    try:
        return Attendee(AttendeeKind(kind), name)
    except ValueError:
        kinds = ", ".join(AttendeeKind)
        raise typer.BadParameter(f"'{kind}' is not one of {kinds} (KIND[:NAME])") from None


@case_app.command("interview")
def interview_command(
    *,
    case_id: Annotated[str, typer.Argument(help="The case.")],
    person_id: Annotated[str, typer.Argument(help="The one adult interviewed.")],
    interviewer: Annotated[str, typer.Option(help="Interviewing officer.")],
    language: Annotated[str, typer.Option(help="Language (ISO 639-3), e.g. fas.")] = "",
    present: Annotated[list[str] | None, typer.Option(
        help="Anyone else in the room, as KIND[:NAME] (case_member, organisation, "
             "interpreter, legal_representative, caregiver, other); repeat. A case member "
             "or the organisation present makes the interview not private.")] = None,
    notes: Annotated[str, typer.Option(help="Notes (kept with the interview).")] = "",
    version: Version = None, at: At = None, database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Record an individual interview of one adult, and whether it was private."""
    attendees = tuple(_attendee(p) for p in present or ())

    def work(store: SqlScreeningStore) -> Case:
        interview = Interview(store.new_id("IV"), case_id, person_id, interviewer,
                              at or service.utc_now(), language, attendees, notes)
        return service.record_interview(store, interview, expected_version=version)

    case = do(database_url, work)
    private = not any(a.kind in (AttendeeKind.CASE_MEMBER, AttendeeKind.ORGANISATION)
                      for a in attendees)
    console().print(f"interview of {escape(person_id)} recorded ("
                    f"{'private' if private else '[bold red]not private[/]: repeat it alone'})")
    show_case(case)


@case_app.command("consent")
def consent_command(
    *,
    case_id: Annotated[str, typer.Argument(help="The case.")],
    person_id: Annotated[str, typer.Argument(help="The adult whose own consent this is.")],
    recorded_by: Annotated[str, typer.Option(help="Officer recording it.")],
    withdraw: Annotated[bool, typer.Option(
        "--withdraw", help="Record a withdrawal (always possible; a referred case goes on "
                           "hold).")] = False,
    private: Annotated[bool, typer.Option(
        "--private/--not-private", help="Whether it was given away from the group; one given "
                                        "in front of others does not count.")] = True,
    note: Annotated[str, typer.Option(help="Note recorded with it.")] = "",
    version: Version = None, at: At = None, database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Record one adult's own consent to resettlement, or its withdrawal."""
    record = service.withdraw_consent if withdraw else service.record_consent
    case = do(database_url, lambda s: record(s, case_id, person_id, recorded_by=recorded_by,
                                             private=private, at=at, note=note,
                                             expected_version=version))
    show_case(case)


@case_app.command("categories")
def categories_command(
    *,
    case_id: Annotated[str, typer.Argument(help="The case.")],
    primary: Annotated[Category, typer.Option(help="Primary submission category.")],
    actor: Actor, reason: Reason,
    secondary: Annotated[Category | None, typer.Option(help="Secondary category.")] = None,
    version: Version = None, at: At = None, database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Set the primary and secondary submission categories."""
    case = do(database_url, lambda s: service.set_categories(
        s, case_id, primary=primary, secondary=secondary, actor=actor, reason=reason, at=at,
        expected_version=version))
    show_case(case)


@case_app.command("priority")
def priority_command(
    *,
    case_id: Annotated[str, typer.Argument(help="The case.")],
    priority: Annotated[Priority, typer.Argument(help="New processing priority.")],
    actor: Actor, reason: Reason, version: Version = None, at: At = None,
    database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Revise the processing priority (the submission priority is set at referral)."""
    case = do(database_url, lambda s: service.set_priority(
        s, case_id, priority, actor=actor, reason=reason, at=at, expected_version=version))
    show_case(case)


@case_app.command("history")
def history_command(
    *,
    case_id: Annotated[str, typer.Argument(help="The case.")],
    database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Every event of a case, in order: action, who, when, why, status before and after."""
    events = do(database_url, lambda s: service.case_history(s, case_id))
    table = Table(title=f"history of {case_id}", title_justify="left")
    for heading in ("#", "at", "action", "actor", "from", "to", "reason"):
        table.add_column(heading, overflow="fold")
    for e in events:
        table.add_row(str(e.sequence), e.at.isoformat(timespec="minutes"), str(e.action),
                      escape(e.actor), str(e.from_status), str(e.to_status), escape(e.reason))
    console().print(table)


@case_app.command("due")
def due_command(
    *,
    today: Annotated[datetime | None, typer.Option(
        help="The day to count from (default today; for records that stand at a past day, "
             "such as a loaded scenario's, that day).",
        formats=["%Y-%m-%d"])] = None,
    within: Annotated[int | None, typer.Option(
        help="Due soon means within this many days (default from the settings).")] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many per list.")] = 30,
    database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Overdue and due-soon cases, most urgent first (priority, then due date)."""
    def work(store: SqlScreeningStore) -> tuple[date, DueList]:
        day = today.date() if today else service.due_day(store, date.today())
        return day, service.list_due(store, day, within)

    day, due = do(database_url, work)
    if today is None and day != date.today():
        console().print(f"Counted as of {day:%d %B %Y}: the records stand at that day, not "
                        "at today's date.")
    for title, items in (("overdue", due.overdue), ("due soon", due.due_soon)):
        table = Table(title=f"{title}: {len(items)} case(s)", title_justify="left")
        for heading in ("case", "status", "priority", "milestone", "due", "days"):
            table.add_column(heading)
        for d in items[:limit]:
            table.add_row(escape(d.case_id), str(d.status), str(d.priority), str(d.milestone),
                          d.due.isoformat(), str(d.days_left(day)))
        console().print(table)
