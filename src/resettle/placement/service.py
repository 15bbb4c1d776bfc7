"""The placement service: the one place the CLI and the web place ready cases and accept or
override a proposal. Non-refoulement is :mod:`resettle.core.protection`'s rule, asked here
with every member's declared fears and the stored protection settings; a host state that
refused a case is a pair rule ("refused: ...") in every later run and refuses accept and
override there too.

Re-placement: cases whose file a host state holds (an open or accepted referral) keep their
place — their persons are taken off their locality's capacity — and the run places the cases
ready for referral, including those a state returned, among the places that remain.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from resettle.core import Case, CaseStatus, Locality
from resettle.core.issues import Issue
from resettle.core.needs import Dimension
from resettle.core.protection import check_destination
from resettle.errors import ConflictError, NotFoundError, ValidationError
from resettle.placement import decision_rules as rules
from resettle.placement.budget import Budget, refuse_short_limit
from resettle.placement.build import WARNING_CODES, build_problem, validate
from resettle.placement.explain import (
    CaseExplanation,
    ShadowPrice,
    explain_run,
    price_method,
    rank_shadow_prices,
)
from resettle.placement.ports import PlacementInputs, PlacementRunStore, PlacementStore
from resettle.placement.records import placement_inputs_from_registry
from resettle.placement.result import PlacementResult
from resettle.placement.review import (
    Place,
    ReviewFilter,
    ReviewPage,
    latest_decisions,
    places_of_run,
    review_page,
)
from resettle.placement.runs import DecisionAction, PlacementDecision, PlacementRun, make_run
from resettle.placement.simple_score import simple_scores
from resettle.placement.solve import solve_placement

READY = frozenset({CaseStatus.READY_FOR_REFERRAL})
ScoreFunction = Callable[[Sequence[Case], Sequence[Locality], date], dict[tuple[str, str], float]]
Scoring = tuple[str, ScoreFunction]


def _simple_scoring(cases: Sequence[Case], localities: Sequence[Locality],
                    on: date) -> dict[tuple[str, str], float]:
    return simple_scores(cases, localities, on=on)


SIMPLE_SCORING: Scoring = ("simple_score v1", _simple_scoring)


@dataclass(frozen=True)
class RunOutcome:
    run: PlacementRun
    result: PlacementResult
    warnings: list[Issue]  # e.g. a case with no allowed locality: it stays unplaced
    held_persons: int  # persons keeping a place because a host state holds their file
    replacing: tuple[str, ...]  # ready cases a host state refused before: re-placements


def declared_of(inputs: PlacementInputs, case: Case) -> dict[str, Sequence[str]]:
    return {m.person_id: inputs.declared[m.person_id] for m in case.members
            if m.person_id in inputs.declared}


def remaining_localities(inputs: PlacementInputs) -> tuple[list[Locality], int]:
    """Localities with the places of cases a host state holds taken off; and how many
    persons keep their place."""
    capacity = {loc.locality_id: dict(loc.capacity) for loc in inputs.batch.localities}
    by_country: dict[str, list[str]] = {}
    for loc in inputs.batch.localities:
        by_country.setdefault(loc.country, []).append(loc.locality_id)
    held = 0
    for case in inputs.batch.cases:
        country = inputs.holding.get(case.case_id)
        if country is None or not by_country.get(country):
            continue
        decided = inputs.decided_localities.get(case.case_id)
        if decided not in by_country[country]:  # the most places left in the host state
            decided = max(by_country[country],
                          key=lambda j: capacity[j].get(Dimension.PERSONS, 0))
        places = capacity[decided]
        places[Dimension.PERSONS] = max(0, places.get(Dimension.PERSONS, 0) - case.size)
        held += case.size
    return [replace(loc, capacity=capacity[loc.locality_id])
            for loc in inputs.batch.localities], held


def place_ready_cases(
    store: PlacementStore, *, on: date, solver: str, time_limit: float | None, seed: int,
    label: str, actor: str, now: datetime, scoring: Scoring | None = None,
) -> RunOutcome:
    """Load, build (every placement rule, non-refoulement and refusals included), solve,
    explain and store the run, all within ``time_limit`` (plus budget.MARGIN_SECONDS).
    Returns warnings instead of printing them."""
    budget = Budget.of(time_limit)
    inputs = store.placement_inputs()
    ready = [c for c in inputs.batch.cases if c.status in READY]
    localities, held = remaining_localities(inputs)
    cases, places = placement_inputs_from_registry(
        ready, localities, inputs.batch.pledges, on=on, protection=inputs.protection,
        declared=inputs.declared, refused=inputs.refused)
    score_name, score_pairs = scoring or SIMPLE_SCORING
    scores = score_pairs(ready, localities, on)
    found = validate(cases, places, scores)
    warnings = [i for i in found if i.code in WARNING_CODES]
    problem = build_problem(cases, places, scores, validated=found)
    refuse_short_limit(budget, problem.n_cases, problem.n_pairs, reading=False, explaining=True)
    result = solve_placement(problem, solver=solver, seed=seed,
                             time_limit=budget.for_solve(explaining=True, n_cases=problem.n_cases))
    # Explained now: the inputs are not stored, only their fingerprint.
    explained = result.status.has_solution
    cases_why, prices = explain_run(problem, result, budget) if explained else ([], [])
    run = make_run(problem, result, run_id=f"PR-{uuid.uuid4().hex[:12]}", created_at=now,
                   created_by=actor, label=label or f"ready cases on {on}",
                   parameters={"on": on.isoformat(), "time_limit": time_limit,
                               "score": score_name, "ties": "bonus 0.05",
                               "first_asylum": inputs.protection.first_asylum_country,
                               "held_persons": held,
                               "shadow_prices": price_method(prices)})
    store.save_run(run, cases_why, prices)
    replacing = tuple(c.case_id for c in ready if inputs.refused.get(c.case_id))
    return RunOutcome(run, result, warnings, held, replacing)


def check_country_for_case(inputs: PlacementInputs, case: Case, country: str) -> None:
    """Non-refoulement (core.protection, with declared fears and the stored settings), then
    the refusals: raises RefoulementError or ConflictError."""
    check_destination(case, country, inputs.protection, declared_of(inputs, case))
    refusal = inputs.refused.get(case.case_id, {}).get(country)
    if refusal is not None:
        raise ConflictError(f"{refusal}: case {case.case_id} is not placed in {country} "
                            "again; choose a locality in another host state")


def decide_placement(
    store: PlacementStore, run_id: str, case_id: str, action: DecisionAction | str, *,
    actor: str, at: datetime, locality_id: str | None = None, reason: str = "",
    confirm_overrun: bool = False,
) -> PlacementDecision:
    """Accept the run's proposal for a case, or override it with a reason and another
    locality; never into a country on a member's no-return list or that refused the case.
    Refused (:mod:`resettle.placement.decision_rules`): accepting a case the run left
    unplaced, an override with no locality or an unknown one, and an override into a
    locality the run filled unless ``confirm_overrun`` (with the reason, recorded)."""
    action = DecisionAction(action)
    run = store.get_run(run_id)
    proposed = rules.check_case_in_run(run, case_id)
    if action == DecisionAction.ACCEPT:
        target = rules.check_accept(run, case_id, proposed)
    else:
        if issues := rules.check_override_form(case_id, locality_id, reason):
            raise ValidationError(issues)
        target = (locality_id or "").strip()
    try:
        locality = store.get_locality(target)
    except NotFoundError as missing:
        raise rules.unknown_locality(target, case_id) from missing
    case = store.get_case(case_id)
    check_country_for_case(store.placement_inputs([case_id]), case, locality.country)
    if action == DecisionAction.OVERRIDE and target != proposed:
        reason = _room_checked(store, run, case, locality, confirmed=confirm_overrun,
                               reason=reason)
    decision = PlacementDecision(run_id, case_id, action, target, reason, actor, at)
    store.record_decision(decision)
    return decision


def run_day(run: PlacementRun) -> date:
    """The day whose pledges (and school ages) the run used."""
    on = run.parameters.get("on")
    return date.fromisoformat(on) if isinstance(on, str) else run.created_at.date()


def _room_checked(store: PlacementStore, run: PlacementRun, case: Case, locality: Locality,
                  *, confirmed: bool, reason: str) -> str:
    """The reason to record, once the locality has room for the case (or the overrun is
    confirmed with a reason)."""
    others = [d for d in store.run_decisions(run.run_id) if d.case_id != case.case_id]
    ids = set(rules.needed_cases(run, others, locality.locality_id))
    on = run_day(run)
    needs_of = {c.case_id: c.needs(on).as_dict()
                for c in store.placement_inputs(sorted(ids)).batch.cases
                if c.case_id in ids} if ids else {}
    rooms = rules.room_in(locality.locality_id, run, store.run_places(run.run_id), others,
                          needs_of)
    return rules.check_room(case, locality, rooms, on=on, confirmed=confirmed, reason=reason)


# Reviewing stored runs: what the web's review page and API, and `resettle placement runs`,
# read. Authorization, the sections a role sees, and the audit stay with the adapter.


@dataclass(frozen=True)
class CaseName:
    latin: str
    original: str  # Persian/Arabic script: shown with dir="auto"


@dataclass(frozen=True)
class RunReview:
    run: PlacementRun
    decided: dict[str, PlacementDecision]
    explanations: dict[str, CaseExplanation]
    prices: list[ShadowPrice]  # ranked: where one more pledged place helps most first
    names: dict[str, CaseName] = field(default_factory=dict)  # only when asked for
    # Re-placements: per case, the host states that refused it (never proposed there again)
    refused: dict[str, list[str]] = field(default_factory=dict)
    page: ReviewPage | None = None  # the filtered page of rows (None: every case)
    places: list[Place] = field(default_factory=list)  # every locality, for the chooser

    @property
    def place_names(self) -> dict[str, str]:
        return {p.locality_id: f"{p.name}, {p.country_name}" for p in self.places}


def list_placement_runs(store: PlacementRunStore, *, offset: int, limit: int
                        ) -> tuple[list[PlacementRun], int]:
    """One page of stored runs, newest first, and how many there are."""
    return list(store.list_runs(offset=offset, limit=limit)), store.count_runs()


def pledge_day(store: PlacementRunStore, today: date) -> date:
    """The day whose active pledges a run uses by default: today if any pledge covers it,
    else the last day any pledge covered (so a past scenario, like the demo's, still places)."""
    if store.pledges_active_on(today):
        return today
    return store.last_pledge_end(today) or today


def review_run(store: PlacementRunStore, run_id: str, wanted: ReviewFilter | None = None, *,
               with_names: bool = False,
               redact: Callable[[CaseExplanation], CaseExplanation] = lambda e: e) -> RunReview:
    """The run with its explanations (each passed through ``redact``, before any summary
    counts them) and places; with ``wanted``, one filtered page of its cases. Names (with
    ``with_names``) are read for that page's cases only."""
    run = store.get_run(run_id)
    placed = {case_id: (loc, score) for case_id, loc, score in run.assignments}
    decided = latest_decisions(store.run_decisions(run_id))
    explanations = {case_id: redact(e) for case_id, e in
                    store.case_explanations(run_id, placed).items()}
    page = review_page(run, decided, explanations, wanted) if wanted is not None else None
    shown = [r.case_id for r in page.rows] if page is not None else list(placed)
    prices = list(store.run_places(run_id))
    refused = store.placement_inputs(shown).refused if shown else {}
    return RunReview(
        run=run, decided=decided, explanations=explanations,
        prices=rank_shadow_prices(prices),
        names=_names(store, shown) if with_names else {},
        refused={case_id: sorted(states.values()) for case_id, states in refused.items()},
        page=page, places=places_of_run(store.localities(), prices))


def _names(store: PlacementRunStore, case_ids: list[str]) -> dict[str, CaseName]:
    names = {}
    for case_id, case in store.get_cases(case_ids).items() if case_ids else ():
        head = case.principal or (case.members[0] if case.members else None)
        if head is not None:
            names[case_id] = CaseName(
                f"{head.given_name} {head.family_name}".strip(),
                f"{head.given_name_original} {head.family_name_original}".strip())
    return names
