"""Re-placement after host-state decisions: refusals become prohibitions, acceptances locks.

A refusal (or "not considered") returns the case to placement with that state excluded for it
from then on; a case a state accepted stays where it is. :func:`replacement_problem` applies
both to a built :class:`~resettle.placement.problem.PlacementProblem` (a pure function: the
problem given is not changed), so the next run of any solver places the returned cases among
the remaining places without moving an accepted case. Each removed pair keeps its reason
(``refused: ...``) for the run's explanations.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace

import numpy as np

from resettle.core.issues import Issue, IssueLog
from resettle.placement.problem import PlacementProblem


def refusal_reason(country: str) -> str:
    """The exclusion reason recorded for a (case, locality) pair in a refusing state."""
    return (f"refused: {country} refused this case (or did not consider it); it is not "
            "proposed there again")


def replacement_problem(
    problem: PlacementProblem,
    *,
    refused: Mapping[str, Collection[str]],
    accepted: Mapping[str, str],
) -> PlacementProblem:
    """``problem`` with every refused (case, state) pair removed and accepted cases locked.

    ``refused``: case id -> ISO3 codes of the states that refused it (or did not consider it).
    ``accepted``: case id -> locality id where the state accepted it. Raises ValidationError
    listing every unknown id and every acceptance that cannot hold (a pair that is not
    allowed, e.g. in a state that also refused the case, or a conflict with an existing lock).
    """
    case_at = {case_id: i for i, case_id in enumerate(problem.case_ids)}
    loc_at = {loc_id: j for j, loc_id in enumerate(problem.locality_ids)}
    log = IssueLog([Issue("unknown_id", "refusal for a case that is not in this run",
                          record=case_id, field="refused")
                    for case_id in refused if case_id not in case_at])
    refused_at = {case_at[c]: frozenset(countries) for c, countries in refused.items()
                  if c in case_at and countries}
    keep = np.array([problem.locality_countries[j] not in refused_at.get(i, ())
                     for i, j in zip(problem.pair_case.tolist(),
                                     problem.pair_locality.tolist(), strict=True)], dtype=bool)
    locks = _locks(problem, accepted=accepted, case_at=case_at, loc_at=loc_at,
                   refused_at=refused_at, log=log)
    log.raise_if_any("the host decisions do not fit this placement run; nothing was solved")
    reasons = dict(problem.exclusion_reasons)
    for pair in np.flatnonzero(~keep).tolist():
        i, j = int(problem.pair_case[pair]), int(problem.pair_locality[pair])
        reasons[(i, j)] = refusal_reason(problem.locality_countries[j])
    return replace(
        problem,
        pair_case=problem.pair_case[keep],
        pair_locality=problem.pair_locality[keep],
        pair_score=problem.pair_score[keep],
        pair_pref_rank=None if problem.pair_pref_rank is None else problem.pair_pref_rank[keep],
        pair_priority_rank=(None if problem.pair_priority_rank is None
                            else problem.pair_priority_rank[keep]),
        locks=locks,
        exclusion_reasons=reasons,
    )


def _locks(
    problem: PlacementProblem,
    *,
    accepted: Mapping[str, str],
    case_at: Mapping[str, int],
    loc_at: Mapping[str, int],
    refused_at: Mapping[int, frozenset[str]],
    log: IssueLog,
) -> dict[int, int]:
    """The problem's locks plus one per accepted case; problems go to ``log``."""
    locks = dict(problem.locks)
    for case_id, loc_id in accepted.items():
        i, j = case_at.get(case_id), loc_at.get(loc_id)
        if i is None or j is None:
            log.add("unknown_id", f"acceptance in {loc_id} for a case or locality that is not "
                    "in this run", record=case_id, field="accepted")
            continue
        country = problem.locality_countries[j]
        if country in refused_at.get(i, ()):
            log.add("lock_not_allowed", f"accepted in {loc_id} but {country} also refused the "
                    "case: record one decision per referral", record=case_id, field="accepted")
        elif problem.pair_index(i, j) < 0:
            why = problem.exclusion_reasons.get((i, j), "the pair is not allowed")
            log.add("lock_not_allowed", f"accepted in {loc_id}, which this run does not allow: "
                    f"{why}", record=case_id, field="accepted")
        elif locks.get(i, j) != j:
            log.add("conflicting_locks", f"accepted in {loc_id} but locked to "
                    f"{problem.locality_ids[locks[i]]}", record=case_id, field="accepted")
        else:
            locks[i] = j
    log.extend(_lock_capacity_issues(problem, locks))
    return locks


def _lock_capacity_issues(problem: PlacementProblem, locks: Mapping[int, int]) -> list[Issue]:
    """Cases kept where they were accepted must fit their localities together."""
    used = np.zeros_like(problem.capacity)
    for i, j in locks.items():
        used[j] += problem.needs[i]
    found = []
    for j, d in zip(*np.nonzero(used > problem.capacity), strict=True):
        dim = problem.dimensions[d]
        found.append(Issue("conflicting_locks", f"cases kept here need {used[j, d]} {dim}, "
                           f"capacity is {problem.capacity[j, d]}",
                           record=problem.locality_ids[j], field=f"capacity_{dim}"))
    return found
