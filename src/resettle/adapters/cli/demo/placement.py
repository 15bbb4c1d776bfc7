"""Placement's demo step: the Ashraf cases ready for referral placed optimally, the run stored."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from rich.markup import escape

from resettle.adapters.cli.demo.scenario import DEMO_CONFIG
from resettle.adapters.cli.placement_runs import open_session, place_from_database
from resettle.adapters.db.placement.explain_store import case_explanations, shadow_prices_of_run
from resettle.adapters.db.placement.run_store import get_run
from resettle.core import Case, Locality
from resettle.placement.explain import rank_shadow_prices
from resettle.placement.review import summarise
from resettle.placement.service import Scoring
from resettle.placement.wording import dimension_words, helps, price_in_words
from resettle.prediction.scoring import score_pairs_by_id

if TYPE_CHECKING:
    from resettle.adapters.cli.demo import DemoContext


def step_place_ashraf(ctx: DemoContext) -> None:
    """Demo: place the Ashraf cases ready for referral, optimally, and store the run."""
    scoring = _demo_scoring(ctx)
    run, result = place_from_database(ctx.database_url, on=DEMO_CONFIG.as_of, solver="exact",
                                      time_limit=60.0, seed=ctx.seed, label="demo: Ashraf",
                                      actor="demo", scoring=scoring)
    countries = Counter(loc.split("-")[0] for _, loc, _ in run.assignments if loc)
    score_name = scoring[0] if scoring else "simple placeholder score"
    ctx.console.rule(f"placement: cases ready for referral ({score_name})")
    ctx.console.print(escape(result.summary()))
    top = ", ".join(f"{c} {n}" for c, n in countries.most_common(3))
    ctx.summary["placement"] = (
        f"{result.cases_placed}/{len(run.assignments)} ready cases "
        f"({result.total_persons_placed} persons) placed, {result.status} in "
        f"{result.seconds:.1f}s, gap {0 if result.gap is None else 100 * result.gap:.3f}%; "
        f"cases by country: {top}; {run.parameters.get('held_persons', 0)} persons keep the "
        f"places host states hold for them; run {run.run_id}"
        f"{_scarcest(ctx.database_url, run.run_id)}; shadow prices: "
        f"{run.parameters.get('shadow_prices', 'exact LP duals')} (solve, explanations and "
        f"prices within the 60 s limit)"
    )


def _scarcest(url: str, run_id: str) -> str:
    """Who was left unplaced and why, and where one more pledged place would help most, in
    words (``placement.review`` and ``placement.wording``, as the review page says them)."""
    with open_session(url) as session:
        run = get_run(session, run_id=run_id)
        placed = {case_id: (loc, score) for case_id, loc, score in run.assignments}
        why = case_explanations(session, run_id=run_id, placed=placed)
        ranked = rank_shadow_prices(shadow_prices_of_run(session, run_id=run_id))
    left = summarise(run, {}, why).why_unplaced
    unplaced = "; left unplaced: " + ", ".join(f"{n} as {reason}" for reason, n in left) \
        if left else ""
    helping = [p for p in ranked if helps(p)]
    if not helping:
        return f"{unplaced}; no place is scarce"
    top = helping[0]
    return (f"{unplaced}; where one more place helps most: {top.locality_id} "
            f"({dimension_words(top.dimension)}): {price_in_words(top)}")


def _demo_scoring(ctx: DemoContext) -> Scoring | None:
    """The outcome model the prediction step trained, when it ran; else the simple score."""
    model = ctx.models.get("outcome")
    if model is None:
        return None

    def model_scores(
        cases: Sequence[Case], localities: Sequence[Locality], on: date
    ) -> dict[tuple[str, str], float]:
        return score_pairs_by_id(model, cases, localities, on)

    return "outcome model (pooled, synthetic history)", model_scores
