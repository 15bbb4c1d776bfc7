"""``resettle case ...``: screening from a terminal. Workflow actions are in
:mod:`case_actions`; here exclusion review, split, merge, no-return lists, relatives,
confidential statements, the pipeline funnel and the screening settings."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from resettle.adapters.cli.options import DEFAULT_URL, DatabaseUrl
from resettle.adapters.cli.output import console
from resettle.adapters.cli.screening_actions import At, Version, case_app, do, show_case
from resettle.adapters.db.referral.store import SqlReferralStore
from resettle.adapters.db.screening.store import SqlScreeningStore
from resettle.core import CaseStatus, Priority, Relative
from resettle.core.protection import ProtectionSettings
from resettle.referral import service as referral_service
from resettle.screening import service
from resettle.screening.deadlines import DeadlineTargets
from resettle.screening.exclusion import (
    Assessment,
    Clause,
    ExclusionReview,
    ExclusionTriggers,
    Indicators,
    Recommendation,
    ReviewDecision,
)

exclusion_app = typer.Typer(help="Exclusion review (Article 1F): open, assess, review, list.",
                            no_args_is_help=True)
Actor = Annotated[str, typer.Option("--actor", help="Who takes the action (staff id).")]
Reason = Annotated[str, typer.Option("--reason", help="Why: recorded in the case history.")]
Many = Annotated[list[str] | None, typer.Option(help="Repeat for several.")]


def register(app: typer.Typer) -> None:
    app.add_typer(case_app, name="case")
    case_app.add_typer(exclusion_app, name="exclusion")
    for name, command in (("split", split_command), ("merge", merge_command),
                          ("no-return", no_return_command), ("relative", relative_command),
                          ("statement", statement_command), ("funnel", funnel_command),
                          ("settings", settings_command)):
        case_app.command(name)(command)


def show_review(review: ExclusionReview) -> None:
    outcome = f", outcome {review.outcome}" if review.outcome else ""
    console().print(f"review [bold]{review.review_id}[/] of {escape(review.person_id)}: "
                    f"{review.state}{outcome}; triggers {', '.join(review.triggers)}")


@exclusion_app.command("open")
def open_command(
    *,
    case_id: Annotated[str, typer.Argument(help="The case.")],
    person_id: Annotated[str, typer.Argument(help="The one person reviewed.")],
    actor: Actor, reason: Reason,
    trigger: Many = None, armed_unit: Many = None, event: Many = None, role: Many = None,
    at: At = None, database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Open an individual review: named triggers, or indicators matched against the
    configured ones (--armed-unit, --event, --role). Family members are not touched."""
    indicators = Indicators(frozenset(armed_unit or ()), frozenset(event or ()),
                            frozenset(role or ()))
    review = do(database_url, lambda s: service.open_exclusion_review(
        s, case_id, person_id, actor=actor, reason=reason, indicators=indicators,
        triggers=tuple(trigger or ()), at=at))
    show_review(review)


@exclusion_app.command("assess")
def assess_command(
    *,
    review_id: Annotated[str, typer.Argument(help="The review.")],
    assessor: Annotated[str, typer.Option(help="The assessing officer.")],
    recommendation: Annotated[Recommendation, typer.Option(help="exclude or include.")],
    acts: Annotated[str, typer.Option(help="The individual acts (never membership alone).")] = "",
    clause: Annotated[Clause | None, typer.Option(help="1F(a), 1F(b) or 1F(c).")] = None,
    responsible: Annotated[bool, typer.Option(
        help="Serious reasons for considering the person individually responsible.")] = False,
    responsibility_reasons: Annotated[str, typer.Option(help="Why (or why not).")] = "",
    defences: Annotated[str, typer.Option(help="Defences considered.")] = "",
    proportionality: Annotated[str, typer.Option(help="Proportionality assessment.")] = "",
    at: At = None, database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Record the assessment: acts, individual responsibility and defences, proportionality."""
    assessment = Assessment(assessor, at or service.utc_now(), recommendation, acts, clause,
                            responsible, responsibility_reasons, defences, proportionality)
    show_review(do(database_url, lambda s: service.assess_exclusion(s, review_id, assessment)))


@exclusion_app.command("review")
def review_command(
    *,
    review_id: Annotated[str, typer.Argument(help="The review.")],
    reviewer: Annotated[str, typer.Option(help="A second person: never the assessor.")],
    decision: Annotated[ReviewDecision, typer.Option(help="confirm or return.")],
    reason: Reason, at: At = None, database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Confirm the assessment's recommendation or return it; self-approval is refused."""
    show_review(do(database_url, lambda s: service.review_exclusion(
        s, review_id, reviewer=reviewer, decision=decision, reason=reason, at=at)))


@exclusion_app.command("list")
def list_reviews_command(
    *,
    case_id: Annotated[str, typer.Argument(help="The case.")],
    database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Every exclusion review of the case's members."""

    def work(store: SqlScreeningStore) -> list[ExclusionReview]:
        return store.reviews_of(m.person_id for m in store.get_case(case_id).members)

    for review in do(database_url, work):
        show_review(review)


def split_command(
    *,
    case_id: Annotated[str, typer.Argument(help="The case to split.")],
    member: Annotated[list[str], typer.Option(help="A member who moves to the new case; "
                                              "repeat.")],
    new_principal: Annotated[str, typer.Option(help="Principal of the new case.")],
    actor: Actor, reason: Reason,
    remaining_principal: Annotated[str | None, typer.Option(
        help="Principal of those who stay, if the principal moves.")] = None,
    version: Version = None, at: At = None, database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Split a case whose adults want different things; both keep the whole history."""
    source, new = do(database_url, lambda s: service.split_case(
        s, case_id, frozenset(member), new_principal_id=new_principal, actor=actor,
        reason=reason, remaining_principal_id=remaining_principal, at=at,
        expected_version=version))
    show_case(source)
    show_case(new)


def merge_command(
    *,
    target: Annotated[str, typer.Argument(help="The case that receives the members.")],
    source: Annotated[str, typer.Argument(help="The case that joins it (then closed).")],
    actor: Actor, reason: Reason,
    relationship: Annotated[str, typer.Option(
        help="The joining principal's relationship to the target's principal.")] =
    "other_relative",
    at: At = None, database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Merge two cases (a family found); the merged case continues from the earlier stage."""
    show_case(do(database_url, lambda s: service.merge_cases(
        s, target, source, actor=actor, reason=reason, relationship=relationship, at=at)))


def no_return_command(
    *,
    case_id: Annotated[str, typer.Argument(help="The case.")],
    person_id: Annotated[str | None, typer.Argument(help="Person declaring a country.")] = None,
    country: Annotated[str | None, typer.Argument(help="Country feared (ISO3).")] = None,
    actor: Annotated[str, typer.Option(help="Officer recording it.")] = "",
    reason: Annotated[str, typer.Option(help="What the person said.")] = "",
    database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Show the case's no-return list; with PERSON_ID and COUNTRY, add a declared country."""

    def work(store: SqlScreeningStore) -> frozenset[str]:
        if person_id and country:
            # Through the referral stage: a referral to that country is withdrawn with it.
            referral_service.declare_no_return(SqlReferralStore(store.session), case_id,
                                               person_id, country.upper(), actor=actor,
                                               reason=reason)
        return service.no_return_list(store, case_id)

    countries = do(database_url, work)
    console().print(f"never to be sent to: {', '.join(sorted(countries))}")


def relative_command(
    *,
    case_id: Annotated[str, typer.Argument(help="The case.")],
    person_id: Annotated[str, typer.Argument(help="The member whose relative this is.")],
    name: Annotated[str, typer.Option(help="Relative's name.")],
    relation: Annotated[str, typer.Option(help="e.g. brother, daughter.")],
    country: Annotated[str, typer.Option(help="Where they live (ISO3).")],
    actor: Actor,
    contact: Annotated[bool, typer.Option(help="Contact established.")] = False,
    database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Record or update a relative outside the case (family tracing; feeds placement ties)."""
    show_case(do(database_url, lambda s: service.record_relative(
        s, case_id, person_id, Relative(name, relation, country.upper(), contact),
        actor=actor)))


def statement_command(
    *,
    case_id: Annotated[str, typer.Argument(help="The case.")],
    person_id: Annotated[str, typer.Argument(help="The member it belongs to.")],
    recorded_by: Annotated[str, typer.Option(help="Officer recording or reading it.")],
    text: Annotated[str | None, typer.Option(
        help="Record this statement; without it, show the member's own statements.")] = None,
    database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """A confidential statement, kept from the other members; shown only as the member's own."""
    if text:
        do(database_url, lambda s: service.record_statement(s, case_id, person_id, text,
                                                            recorded_by=recorded_by))
        console().print("statement recorded apart from the case file")
        return
    for statement in do(database_url, lambda s: service.read_statements(
            s, case_id, person_id, viewer_person_id=person_id)):
        console().print(f"{statement.at:%Y-%m-%d}: {escape(statement.text)}")


def funnel_command(
    *,
    today: Annotated[str | None, typer.Option(
        help="Day to count deadlines from (default as `case due`).")] = None,
    database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Cases per status in pipeline order, with overdue and due-soon counts."""
    def work(store: SqlScreeningStore) -> service.Funnel:
        day = date.fromisoformat(today) if today else service.due_day(store, date.today())
        return service.pipeline_funnel(store, day)

    funnel = do(database_url, work)
    table = Table(title="pipeline", title_justify="left")
    table.add_column("status")
    table.add_column("cases", justify="right")
    for status in CaseStatus:
        if funnel.counts.get(status):
            table.add_row(str(status), str(funnel.counts[status]))
    console().print(table)
    console().print(f"overdue: {funnel.overdue}, due soon: {funnel.due_soon}")


def settings_command(
    *,
    first_asylum: Annotated[str | None, typer.Option(
        help="Country of first asylum, added to every no-return list (e.g. IRQ).")] = None,
    armed_unit: Many = None, event: Many = None, role: Many = None,
    target: Annotated[list[str] | None, typer.Option(
        help="A deadline target as CLOCK:PRIORITY=DAYS, e.g. processing:urgent=30 or "
             "submission:emergency=7; repeat.")] = None,
    due_soon_days: Annotated[int | None, typer.Option(
        min=0, help="How many days ahead counts as due soon.")] = None,
    database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Show the screening settings; options replace the first-asylum country, triggers or
    deadline targets."""
    targets = [_parse_target(t) for t in target or ()]

    def work(store: SqlScreeningStore) -> service.ScreeningSettings:
        current = store.settings()
        deadlines = _with_targets(current.deadlines, targets, due_soon_days)
        triggers = current.triggers
        changed = ExclusionTriggers(
            frozenset(armed_unit) if armed_unit else triggers.armed_units,
            frozenset(event) if event else triggers.named_events,
            frozenset(role) if role else triggers.roles)
        protection = (ProtectionSettings(first_asylum.upper()) if first_asylum
                      else current.protection)
        updated = service.ScreeningSettings(protection, changed, deadlines,
                                            current.require_private_interview,
                                            current.require_private_consent,
                                            current.appeal_days)
        if updated != current:
            store.save_settings(updated)
        return updated

    settings = do(database_url, work)
    console().print(f"first asylum (no return): {settings.protection.first_asylum_country}")
    t = settings.triggers
    console().print(f"triggers: armed units {sorted(t.armed_units)}, events "
                    f"{sorted(t.named_events)}, roles {sorted(t.roles)}")
    d = settings.deadlines
    console().print(f"targets (days): processing {_days(d.processing_days)}; submission "
                    f"{_days(d.submission_days)}; due soon {d.due_soon_days}")
    if d.records_as_of:
        console().print(f"the records are a snapshot as of {d.records_as_of}: deadlines count "
                        "from that day")


def _days(targets: Mapping[Priority, int]) -> str:
    return ", ".join(f"{level}={days}" for level, days in targets.items())


def _parse_target(text: str) -> tuple[str, Priority, int]:
    clock, _, rest = text.partition(":")
    level, _, days = rest.partition("=")
    try:
        if clock not in ("processing", "submission") or int(days) < 1:
            raise ValueError(text)
        return clock, Priority(level), int(days)
    except ValueError:
        raise typer.BadParameter(f"'{text}': write CLOCK:PRIORITY=DAYS with CLOCK processing "
                                 "or submission, PRIORITY emergency, urgent or normal, "
                                 "DAYS at least 1") from None


def _with_targets(current: DeadlineTargets, targets: list[tuple[str, Priority, int]],
                  due_soon_days: int | None) -> DeadlineTargets:
    processing, submission = dict(current.processing_days), dict(current.submission_days)
    for clock, level, days in targets:
        (processing if clock == "processing" else submission)[level] = days
    soon = current.due_soon_days if due_soon_days is None else due_soon_days
    return DeadlineTargets(processing, submission, soon, current.records_as_of)
