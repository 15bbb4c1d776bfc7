"""A documented placeholder score for demos until a prediction model is trained.

``simple_score`` is NOT a prediction: it is a transparent rule of thumb in [0, 1] so the
placement pipeline can run on registry data before the prediction stage has a model.

    0.40 base
  + 0.25 if a member speaks (intermediate or better) a language of the locality
  + 0.15 if the locality offers every medical service the case needs (else - 0.15)
  + 0.10 x the share of working-age adults (18-64) in the case, if the locality is urban
  + 0.05 if an adult member has secondary education or more

Relatives abroad are not part of it: ties are applied by the problem builder (bonus or hard
requirement), so they are counted once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from resettle.core import Case, EducationLevel, Locality, Proficiency

_USABLE = frozenset({Proficiency.INTERMEDIATE, Proficiency.FLUENT, Proficiency.NATIVE})
_EDUCATED = frozenset({EducationLevel.SECONDARY, EducationLevel.VOCATIONAL,
                       EducationLevel.UNIVERSITY, EducationLevel.POSTGRADUATE})


def simple_score(case: Case, locality: Locality, *, on: date) -> float:
    speaks = {s.code for m in case.members for s in m.languages if s.proficiency in _USABLE}
    score = 0.40
    if speaks & set(locality.languages):
        score += 0.25
    needed = case.services_needed
    score += 0.15 if needed <= locality.services else -0.15
    if locality.urban and case.members:
        working = sum(18 <= m.age_on(on) <= 64 for m in case.members)
        score += 0.10 * working / len(case.members)
    if any(m.education in _EDUCATED and m.is_adult_on(on) for m in case.members):
        score += 0.05
    return round(min(max(score, 0.0), 1.0), 4)


def simple_scores(
    cases: Iterable[Case], localities: Iterable[Locality], *, on: date
) -> dict[tuple[str, str], float]:
    """Every (case, locality) pair's simple score."""
    locs = list(localities)
    return {
        (case.case_id, loc.locality_id): simple_score(case, loc, on=on)
        for case in cases
        for loc in locs
    }
