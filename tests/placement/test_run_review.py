"""Reviewing stored runs through the placement service (what the web and the CLI share):
pages of runs, the default pledge day, redaction before the summary counts, names on demand."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date

from test_placement_service import DAY, NOW, MemoryPlacementStore, world

from resettle.core import Case, Locality
from resettle.placement.explain import CaseExplanation, ShadowPrice
from resettle.placement.ports import PlacementInputs
from resettle.placement.review import ReviewFilter, Show
from resettle.placement.runs import PlacementRun
from resettle.placement.service import (
    list_placement_runs,
    place_ready_cases,
    pledge_day,
    review_run,
)

HIDDEN = "a rule: details hidden from your role"


class MemoryRunStore(MemoryPlacementStore):
    """The memory store, keeping the explanations too, with what a review reads."""

    def __init__(self, inputs: PlacementInputs) -> None:
        super().__init__(inputs)
        self.explained: dict[str, list[CaseExplanation]] = {}

    def save_run(self, run: PlacementRun, cases: Sequence[CaseExplanation],
                 prices: Sequence[ShadowPrice]) -> None:
        super().save_run(run, cases, prices)
        self.explained[run.run_id] = list(cases)

    def count_runs(self) -> int:
        return len(self.runs)

    def list_runs(self, *, offset: int, limit: int) -> list[PlacementRun]:
        newest = sorted(self.runs.values(), key=lambda r: (r.created_at, r.run_id), reverse=True)
        return newest[offset : offset + limit]

    def case_explanations(self, run_id: str,
                          placed: Mapping[str, tuple[str | None, float | None]]
                          ) -> dict[str, CaseExplanation]:
        return {e.case_id: replace(e, locality_id=placed.get(e.case_id, (None, None))[0])
                for e in self.explained.get(run_id, [])}

    def localities(self) -> Sequence[Locality]:
        return self.inputs.batch.localities

    def get_cases(self, case_ids: Sequence[str]) -> Mapping[str, Case]:
        return {c.case_id: c for c in self.inputs.batch.cases if c.case_id in case_ids}

    def pledges_active_on(self, day: date) -> bool:
        return any(p.period_start <= day <= p.period_end for p in self.inputs.batch.pledges)

    def last_pledge_end(self, day: date) -> date | None:
        return max((p.period_end for p in self.inputs.batch.pledges if p.period_start <= day),
                   default=None)


def run_store(runs: int = 1) -> tuple[MemoryRunStore, list[PlacementRun]]:
    store = MemoryRunStore(world().inputs)
    made = [place_ready_cases(store, on=DAY, solver="exact", time_limit=30, seed=0,
                              label=f"run {i}", actor="t", now=NOW.replace(hour=i)).run
            for i in range(runs)]
    return store, made


def test_runs_come_a_page_at_a_time_newest_first_with_their_count() -> None:
    store, made = run_store(3)
    page, total = list_placement_runs(store, offset=1, limit=1)
    assert total == 3
    assert [r.run_id for r in page] == [made[1].run_id]


def test_the_default_pledge_day_is_today_or_the_last_day_a_pledge_covered() -> None:
    store, _ = run_store(0)
    assert pledge_day(store, DAY) == DAY
    assert pledge_day(store, date(2016, 3, 1)) == date(2015, 12, 31)
    assert pledge_day(store, date(2014, 3, 1)) == date(2014, 3, 1)  # no pledge yet


def test_a_review_redacts_every_explanation_before_anything_counts_it() -> None:
    store, (run, *_) = run_store()
    store.explained[run.run_id] = [CaseExplanation("A", None, None, "DEU-1", 0.5,
                                                   "exclusion: secret")]
    store.runs[run.run_id] = replace(run, assignments=(("A", None, None),
                                                       *run.assignments[1:]))
    review = review_run(store, run.run_id, ReviewFilter(Show.ALL),
                        redact=lambda e: replace(e, why_not=HIDDEN))
    assert review.explanations["A"].why_not == HIDDEN
    assert review.page is not None
    (reason, count), = review.page.summary.why_unplaced
    assert count == 1 and "hidden from your role" in reason


def test_names_are_read_only_when_asked_for_and_only_for_the_page() -> None:
    store, (run, *_) = run_store()
    assert review_run(store, run.run_id, ReviewFilter(Show.ALL)).names == {}
    shown = review_run(store, run.run_id, ReviewFilter(Show.ALL, limit=1), with_names=True)
    assert shown.page is not None
    assert set(shown.names) == {shown.page.rows[0].case_id}
