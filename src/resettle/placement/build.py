"""Turn placement records into a :class:`PlacementProblem`, applying every placement rule.

A (case, locality) pair is allowed only if, in this order of precedence (the first failing
rule is the recorded reason):

1. ``no_return``: the locality's country is on no member's no-return list (non-refoulement:
   nationality, declared fears, first asylum);
1b. ``refused``: the locality's state has not refused the case (refusal, "not considered",
   a declined split): a refusal returns the case to placement with that state excluded;
2. ``forbidden``: no caseworker prohibited the locality for the case;
3. ``criteria``: a pledge behind the locality admits the case (size, services, profiles);
4. ``no_capacity``: the locality has some capacity in every dimension the case needs;
5. ``no_score``: a score was given for the pair (a missing score means "not allowed");
6. ``no_tie``: with ``TieMode.REQUIRED``, a case with relatives abroad goes only to one of
   their countries;
7. ``below_floor``: with ``score_floor_ratio``, the score is at least that fraction of the
   case's best allowed score (a locked pair is never removed by this fairness rule).

With ``TieMode.BONUS``, ``tie_bonus`` is added to the score of pairs in a relative's country.
:func:`validate` collects every problem in the records before anything is solved.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from resettle.core.codes import is_country_code
from resettle.core.issues import Issue, IssueLog
from resettle.core.needs import Dimension
from resettle.placement.problem import PERSONS, GroupFloor, PlacementProblem
from resettle.placement.reasons import PairReasons
from resettle.placement.records import BuildOptions, PlacementCase, PlacementLocality, TieMode

Scores = Mapping[tuple[str, str], float]
WARNING_CODES = frozenset({"no_allowed_locality"})  # reported, but the solve can go ahead
_ORDER = {str(d): k for k, d in enumerate(Dimension)}


def build_problem(
    cases: Sequence[PlacementCase],
    localities: Sequence[PlacementLocality],
    scores: Scores,
    *,
    options: BuildOptions | None = None,
    validated: Sequence[Issue] | None = None,
) -> PlacementProblem:
    """Validate (unless ``validated`` holds what :func:`validate` returned for the same
    inputs), then build; raise ValidationError listing every blocking issue."""
    options = options or BuildOptions()
    if validated is None:
        validated = validate(cases, localities, scores, options=options)
    log = IssueLog([i for i in validated if i.code not in WARNING_CODES])
    log.raise_if_any("the placement inputs have problems; nothing was solved")
    return _assemble(cases, localities, scores, options)


def validate(
    cases: Sequence[PlacementCase],
    localities: Sequence[PlacementLocality],
    scores: Scores,
    *,
    options: BuildOptions | None = None,
) -> list[Issue]:
    """Every issue with the records: ids, values, scores, locks, reachability, groups."""
    options = options or BuildOptions()
    issues = _record_issues(cases, localities)
    case_ids = {c.case_id for c in cases}
    loc_by_id = {loc.locality_id: loc for loc in localities}
    for (case_id, loc_id), score in scores.items():
        if case_id not in case_ids or loc_id not in loc_by_id:
            issues.append(Issue("unknown_id", f"score for unknown pair ({case_id}, {loc_id})",
                                record=case_id, field="score"))
        elif not math.isfinite(score):
            issues.append(Issue("bad_value", f"score for {loc_id} is not a number",
                                record=case_id, field="score"))
    if issues:  # reachability needs sound records
        return issues
    issues.extend(_lock_and_reach_issues(cases, localities, scores, options))
    known_groups = {c.group for c in cases}
    issues.extend(
        Issue("unknown_id", f"fairness floor for group '{g}' that no case belongs to",
              field="group")
        for g in options.group_floors if g not in known_groups
    )
    return issues


def _record_issues(
    cases: Sequence[PlacementCase], localities: Sequence[PlacementLocality]
) -> list[Issue]:
    issues: list[Issue] = []
    issues.extend(_duplicates([c.case_id for c in cases], "case_id"))
    issues.extend(_duplicates([loc.locality_id for loc in localities], "locality_id"))
    declared = {d for loc in localities for d in loc.capacity}
    loc_ids = {loc.locality_id for loc in localities}
    for case in cases:
        if case.size < 1:
            issues.append(Issue("bad_value", "size must be at least 1", record=case.case_id,
                                field="size"))
        for dim, need in case.needs.items():
            if need < 0:
                issues.append(Issue("bad_value", f"need in {dim} is negative",
                                    record=case.case_id, field=f"need_{dim}"))
            elif need > 0 and dim not in declared:
                issues.append(Issue("unknown_dimension",
                                    f"needs {dim} but no locality declares capacity_{dim}",
                                    record=case.case_id, field=f"need_{dim}"))
        issues.extend(
            Issue("unknown_id", f"forbidden locality {loc} is unknown", record=case.case_id,
                  field="forbidden_localities")
            for loc in sorted(case.forbidden_localities - loc_ids)
        )
    for loc in localities:
        if not is_country_code(loc.country):
            issues.append(Issue("unknown_country", f"'{loc.country}' is not an ISO3 code",
                                record=loc.locality_id, field="country"))
        issues.extend(
            Issue("negative_capacity", f"capacity in {dim} is {cap}", record=loc.locality_id,
                  field=f"capacity_{dim}")
            for dim, cap in loc.capacity.items() if cap < 0
        )
    return issues


def _duplicates(ids: list[str], field: str) -> list[Issue]:
    seen: set[str] = set()
    found: list[Issue] = []
    for record in ids:
        if record in seen:
            found.append(Issue("duplicate_id", f"{field} {record} appears twice", record=record,
                               field=field))
        seen.add(record)
    return found


def _lock_and_reach_issues(
    cases: Sequence[PlacementCase],
    localities: Sequence[PlacementLocality],
    scores: Scores,
    options: BuildOptions,
) -> list[Issue]:
    issues: list[Issue] = []
    loc_by_id = {loc.locality_id: loc for loc in localities}
    profiles = _Profiles(localities)
    scored = _scored_by_case(cases, localities, scores)
    locked_use: dict[str, dict[str, int]] = {}
    for i, case in enumerate(cases):
        if case.lock_locality is not None:
            lock = case.lock_locality
            reason = (pair_rule(case, loc_by_id[lock], scores, options)[0]
                      if lock in loc_by_id else None)
            if lock not in loc_by_id:
                issues.append(Issue("unknown_id", f"locked to unknown locality {lock}",
                                    record=case.case_id, field="lock_locality"))
            elif reason is not None:
                issues.append(Issue("lock_not_allowed", f"locked to {lock}, which is not "
                                    f"allowed: {reason}", record=case.case_id,
                                    field="lock_locality"))
            else:
                use = locked_use.setdefault(lock, {})
                for dim, need in _all_needs(case).items():
                    use[dim] = use.get(dim, 0) + need
        if not _allowed_pairs(case, localities, profiles.rules(case), scored[i], options):
            reasons = [pair_rule(case, loc, scores, options)[0] for loc in localities]
            why = sorted({str(r).split(":")[0] for r in reasons})
            issues.append(Issue("no_allowed_locality", "no locality is allowed for this case "
                                f"({', '.join(why) or 'no localities'}); it will stay unplaced",
                                record=case.case_id))
    for loc_id, use in locked_use.items():
        for dim, total in use.items():
            cap = loc_by_id[loc_id].capacity.get(dim, 0)
            if total > cap:
                issues.append(Issue("conflicting_locks", f"cases locked here need {total} "
                                    f"{dim}, capacity is {cap}", record=loc_id,
                                    field=f"capacity_{dim}"))
    return issues


class _Profiles:
    """The score-free rules per locality, computed once per distinct case profile (cases
    with the same no-return list, refusals, prohibitions, size, needs and profiles)."""

    def __init__(self, localities: Sequence[PlacementLocality]) -> None:
        self.localities = localities
        self.seen: dict[tuple[object, ...], tuple[str | None, ...]] = {}

    def rules(self, case: PlacementCase) -> tuple[str | None, ...]:
        key = (case.no_return, tuple(sorted(case.refused.items())), case.forbidden_localities,
               case.size, case.services_needed, case.profiles, tuple(sorted(case.needs.items())))
        found = self.seen.get(key)
        if found is None:
            found = tuple(_protection_reason(case, loc) for loc in self.localities)
            self.seen[key] = found
        return found


def _scored_by_case(
    cases: Sequence[PlacementCase], localities: Sequence[PlacementLocality], scores: Scores
) -> list[dict[int, float]]:
    """Per case: {locality index: score} of the scored pairs, in locality order."""
    case_at = {c.case_id: i for i, c in enumerate(cases)}
    loc_at = {loc.locality_id: j for j, loc in enumerate(localities)}
    out: list[dict[int, float]] = [{} for _ in cases]
    for (case_id, loc_id), score in scores.items():
        i, j = case_at.get(case_id), loc_at.get(loc_id)
        if i is not None and j is not None:
            out[i][j] = score
    return [dict(sorted(found.items())) for found in out]


def _allowed_pairs(
    case: PlacementCase,
    localities: Sequence[PlacementLocality],
    rules: tuple[str | None, ...],
    scored: dict[int, float],
    options: BuildOptions,
    *,
    no_tie: dict[int, str] | None = None,
) -> list[tuple[int, float]]:
    """(locality, score with any tie bonus) of the allowed pairs: as :func:`pair_rule` for
    every locality, looking only at the scored ones. ``no_tie`` collects that rule's reasons."""
    if not case.relative_countries:  # no tie rule applies: the common case, kept fast
        return [(j, float(score)) for j, score in scored.items() if rules[j] is None]
    allowed = []
    required = options.ties == TieMode.REQUIRED
    for j, score in scored.items():
        if rules[j] is not None:
            continue
        tied = localities[j].country in case.relative_countries
        if required and not tied:
            if no_tie is not None:
                no_tie[j] = "no_tie: relatives are in " + ", ".join(
                    sorted(case.relative_countries))
            continue
        bonus = options.tie_bonus if options.ties == TieMode.BONUS and tied else 0.0
        allowed.append((j, float(score) + bonus))
    return allowed


def _all_needs(case: PlacementCase) -> dict[str, int]:
    return {PERSONS: case.size, **{d: n for d, n in case.needs.items() if n > 0}}


def pair_rule(
    case: PlacementCase, loc: PlacementLocality, scores: Scores, options: BuildOptions
) -> tuple[str | None, float]:
    """(reason the pair is not allowed or None, score with any tie bonus)."""
    reason = _protection_reason(case, loc)
    if reason is not None:
        return reason, 0.0
    score = scores.get((case.case_id, loc.locality_id))
    if score is None:
        return "no_score: no score was given for this pair", 0.0
    tied = loc.country in case.relative_countries
    if options.ties == TieMode.REQUIRED and case.relative_countries and not tied:
        return "no_tie: relatives are in " + ", ".join(sorted(case.relative_countries)), 0.0
    bonus = options.tie_bonus if options.ties == TieMode.BONUS and tied else 0.0
    return None, float(score) + bonus


def _protection_reason(case: PlacementCase, loc: PlacementLocality) -> str | None:
    """The rules that do not depend on scores: no-return, prohibitions, criteria, capacity."""
    if loc.country in case.no_return:
        return f"no_return: {loc.country} is on the case's no-return list"
    if loc.country in case.refused:
        return f"refused: {case.refused[loc.country]}"
    if loc.locality_id in case.forbidden_localities:
        return "forbidden: a caseworker prohibited this locality for the case"
    if loc.criteria is not None:
        verdicts = [c.admits_profile(case.size, case.services_needed, case.profiles)
                    for c in loc.criteria]
        if not any(ok for ok, _ in verdicts):
            why = verdicts[0][1] if verdicts else f"no active pledge from {loc.country}"
            return f"criteria: {why}"
    for dim, need in _all_needs(case).items():
        has = loc.capacity.get(dim, 0)
        if has < need:
            return f"no_capacity: needs {need} {dim}, the locality has {has}"
    return None


def _assemble(
    cases: Sequence[PlacementCase],
    localities: Sequence[PlacementLocality],
    scores: Scores,
    options: BuildOptions,
) -> PlacementProblem:
    dims = _dimensions(cases)
    loc_index = {loc.locality_id: j for j, loc in enumerate(localities)}
    profiles = _Profiles(localities)
    scored = _scored_by_case(cases, localities, scores)
    pair_case: list[int] = []
    pair_locality: list[int] = []
    pair_score: list[float] = []
    extra: dict[tuple[int, int], str] = {}
    protection = []
    for i, case in enumerate(cases):
        rules = profiles.rules(case)
        protection.append(rules)
        no_tie: dict[int, str] = {}
        allowed = _allowed_pairs(case, localities, rules, scored[i], options, no_tie=no_tie)
        extra.update(((i, j), why) for j, why in no_tie.items())
        locked = loc_index.get(case.lock_locality or "", -1)
        for j, score in _apply_floor(allowed, options.score_floor_ratio, locked,
                                     reasons=extra, case=i):
            pair_case.append(i)
            pair_locality.append(j)
            pair_score.append(score)
    reasons = PairReasons(len(localities), protection,
                          [frozenset(found) for found in scored], extra)
    locks = {i: loc_index[c.lock_locality] for i, c in enumerate(cases)
             if c.lock_locality is not None}
    return PlacementProblem(
        case_ids=tuple(c.case_id for c in cases),
        locality_ids=tuple(loc.locality_id for loc in localities),
        locality_countries=tuple(loc.country for loc in localities),
        dimensions=dims,
        needs=np.array([[_all_needs(c).get(d, 0) for d in dims] for c in cases],
                       dtype=np.int64).reshape(len(cases), len(dims)),
        capacity=np.array([[loc.capacity.get(d, 0) for d in dims] for loc in localities],
                          dtype=np.int64).reshape(len(localities), len(dims)),
        priority=np.array([c.priority.rank for c in cases], dtype=np.int8),
        pair_case=np.array(pair_case, dtype=np.int64),
        pair_locality=np.array(pair_locality, dtype=np.int64),
        pair_score=np.array(pair_score, dtype=np.float64),
        locks=locks,
        no_return=tuple(c.no_return for c in cases),
        outcome_per_person=options.outcome_per_person,
        coverage_tier=options.coverage_tier,
        group_floors=_group_floors(cases, options),
        exclusion_reasons=reasons,
    )


def _apply_floor(
    allowed: list[tuple[int, float]],
    ratio: float | None,
    locked: int,
    *,
    reasons: dict[tuple[int, int], str],
    case: int,
) -> list[tuple[int, float]]:
    if ratio is None or not allowed:
        return allowed
    best = max(score for _, score in allowed)
    kept = []
    for j, score in allowed:
        if best <= 0 or score >= ratio * best - 1e-12 or j == locked:
            kept.append((j, score))
        else:
            reasons[(case, j)] = (f"below_floor: score {score:.3f} is under {ratio:.0%} of "
                                  f"the case's best allowed score {best:.3f}")
    return kept


def _dimensions(cases: Sequence[PlacementCase]) -> tuple[str, ...]:
    needed = {d for c in cases for d, n in c.needs.items() if n > 0 and d != PERSONS}
    return (PERSONS, *sorted(needed, key=lambda d: (_ORDER.get(d, 99), d)))


def _group_floors(cases: Sequence[PlacementCase], options: BuildOptions) -> tuple[GroupFloor, ...]:
    floors = []
    for name, spec in sorted(options.group_floors.items()):
        members = np.array([i for i, c in enumerate(cases) if c.group == name], dtype=np.int64)
        floors.append(GroupFloor(name, members, spec.min_share_placed, spec.min_mean_score))
    return tuple(floors)


def with_preferences(
    problem: PlacementProblem,
    preferences: Mapping[tuple[str, str], int],
    priorities: Mapping[tuple[str, str], int],
) -> PlacementProblem:
    """Attach ranks per allowed pair: an unranked locality is unacceptable to the case (0);
    a case a locality did not rank comes after every case it did."""
    cases = [problem.case_ids[c] for c in problem.pair_case.tolist()]
    locs = [problem.locality_ids[j] for j in problem.pair_locality.tolist()]
    keys = list(zip(cases, locs, strict=True))
    last = max(priorities.values(), default=0) + 1
    return replace(
        problem,
        pair_pref_rank=np.array([preferences.get(k, 0) for k in keys], dtype=np.int64),
        pair_priority_rank=np.array([priorities.get(k, last) for k in keys], dtype=np.int64),
    )
