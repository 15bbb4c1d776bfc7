"""Browsing cases through the registry service: a search finds by text and names the members
it matched, a list applies the filters, a need filter on persons is refused, and the host
state's scope reaches the reader. The reader is in memory; SQL is covered by the web tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from registry_samples import make_case, make_person
from resettle.core import Case, CaseStatus, Category, Dimension, Priority
from resettle.errors import NotFoundError, ValidationError
from resettle.registry.service import NEED_FILTERS, CaseFilters, browse_cases

DAY = date(2015, 6, 30)


@dataclass(frozen=True)
class Slice:
    cases: tuple[Case, ...]
    total: int
    capped: bool = False
    merged: tuple[tuple[str, str], ...] = ()


class MemoryReader:
    def __init__(self, cases: list[Case], seen_by: dict[str, str]) -> None:
        self.cases, self.seen_by = cases, seen_by
        self.asked: list[dict[str, object]] = []
        self.merged_away: dict[str, tuple[str, str]] = {}  # record: (its name, merged into)

    def get_case(self, case_id: str) -> Case:
        found = [c for c in self.cases if c.case_id == case_id]
        if not found:
            raise NotFoundError(case_id)
        return found[0]

    def host_states_seeing(self, case_id: str) -> frozenset[str]:
        return frozenset({self.seen_by[case_id]} if case_id in self.seen_by else set())

    def _scoped(self, host_state: str | None) -> list[Case]:
        return [c for c in self.cases
                if host_state is None or self.seen_by.get(c.case_id) == host_state]

    def list_cases(self, *, status: CaseStatus | None, priority: Priority | None,
                   category: Category | None, nationality: str | None, need: Dimension | None,
                   on: date, offset: int, limit: int, host_state: str | None) -> Slice:
        self.asked.append({"status": status, "need": need, "on": on,
                           "nationality": nationality})
        found = [c for c in self._scoped(host_state) if status in (None, c.status)]
        return Slice(tuple(found[offset : offset + limit]), len(found))

    def find_cases(self, *, text: str, offset: int, limit: int,
                   host_state: str | None) -> Slice:
        found = [c for c in self._scoped(host_state)
                 if any(text.lower() in m.family_name.lower() for m in c.members)]
        merged = tuple((gone, into) for gone, (name, into) in self.merged_away.items()
                       if text.lower() in name.lower())
        return Slice(tuple(found[offset : offset + limit]), len(found), merged=merged)


def reader() -> MemoryReader:
    one = make_case("C-1", [make_person("C-1-P1", "C-1", family_name="Karimi"),
                            make_person("C-1-P2", "C-1", family_name="Ahmadi")])
    two = make_case("C-2", [make_person("C-2-P1", "C-2", family_name="Ahmadi")],
                    status=CaseStatus.READY_FOR_REFERRAL)
    return MemoryReader([one, two], {"C-2": "DEU"})


def test_a_search_names_the_members_it_matched() -> None:
    found = browse_cases(reader(), CaseFilters(q="karimi"), on=DAY, offset=0, limit=10,
                         host_state=None)
    assert [c.case_id for c in found.cases] == ["C-1"]
    assert [m.person_id for m in found.matched["C-1"]] == ["C-1-P1"]


def test_a_list_applies_the_filters_and_the_host_states_scope() -> None:
    store = reader()
    ready = browse_cases(store, CaseFilters(status=CaseStatus.READY_FOR_REFERRAL), on=DAY,
                         offset=0, limit=10, host_state=None)
    assert [c.case_id for c in ready.cases] == ["C-2"] and ready.matched == {}
    assert store.asked[-1]["on"] == DAY
    browse_cases(store, CaseFilters(nationality="irn"), on=DAY, offset=0, limit=10,
                 host_state=None)
    assert store.asked[-1]["nationality"] == "IRN"
    scoped = browse_cases(store, CaseFilters(q="ahmadi"), on=DAY, offset=0, limit=10,
                          host_state="DEU")
    assert [c.case_id for c in scoped.cases] == ["C-2"]
    assert browse_cases(store, CaseFilters(), on=DAY, offset=0, limit=10,
                        host_state="ITA").total == 0


def test_every_case_needs_persons_places_so_that_filter_is_refused() -> None:
    store = reader()
    with pytest.raises(ValidationError):
        browse_cases(store, CaseFilters(need=Dimension.PERSONS), on=DAY, offset=0, limit=10,
                     host_state=None)
    assert store.asked == []
    browse_cases(store, CaseFilters(need=NEED_FILTERS[0]), on=DAY, offset=0, limit=10,
                 host_state=None)
    assert store.asked[-1]["need"] == NEED_FILTERS[0]


def test_a_search_says_which_found_records_were_merged_into_whom() -> None:
    cases = reader()
    cases.merged_away["C-3-P1"] = ("Karimy", "C-1-P1")
    found = browse_cases(cases, CaseFilters(q="karim"), on=DAY, offset=0, limit=10,
                         host_state=None)
    assert found.merged == (("C-3-P1", "C-1-P1"),)
    listed = browse_cases(cases, CaseFilters(), on=DAY, offset=0, limit=10, host_state=None)
    assert listed.merged == ()
