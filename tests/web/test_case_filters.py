"""Case list filtered by needs (page and API), and the placement runs list in pages."""

from __future__ import annotations

import pytest
from web_world import World

# In the sample world only C-001 has a member needing a medical place (a severe condition);
# nobody is of school age, uses a wheelchair, or lives in a family of six.
NEEDING = {"medical_places": ["C-001"], "school_places": [], "accessible_units": [],
           "large_family_units": []}


@pytest.mark.parametrize(("need", "expected"), sorted(NEEDING.items()))
def test_api_filters_by_need(shared_world: World, need: str, expected: list[str]) -> None:
    answer = shared_world.login("registrar").get("/api/cases", params={"needs": need})
    assert answer.status_code == 200
    assert [c["case_id"] for c in answer.json()["items"]] == expected
    assert answer.json()["total"] == len(expected)


def test_need_filter_combines_with_the_others(shared_world: World) -> None:
    client = shared_world.login("placement")
    both = client.get("/api/cases", params={"needs": "medical_places", "priority": "urgent"})
    assert [c["case_id"] for c in both.json()["items"]] == ["C-001"]
    none = client.get("/api/cases", params={"needs": "medical_places", "priority": "normal"})
    assert none.json()["total"] == 0
    liaison = shared_world.login("liaison_deu").get("/api/cases",
                                                    params={"needs": "medical_places"})
    assert liaison.status_code == 403  # a liaison sees cases only as its state's dossiers


def test_persons_is_no_need_filter(shared_world: World) -> None:
    answer = shared_world.login("registrar").get("/api/cases", params={"needs": "persons"})
    assert answer.status_code == 422 and answer.json()["error"]["issues"][0]["field"] == "needs"


@pytest.mark.parametrize("username", ["admin", "auditor"])
def test_roles_that_do_not_see_needs_cannot_filter_by_them(shared_world: World,
                                                           username: str) -> None:
    client = shared_world.login(username)
    answer = client.get("/api/cases", params={"needs": "medical_places"})
    assert answer.status_code == 403
    page = client.get("/cases", params={"needs": "medical_places"})
    assert page.status_code == 200 and 'name="needs"' not in page.text
    assert "C-002" in page.text  # the filter is not applied either


def test_page_filters_by_need_and_keeps_it_when_paging(shared_world: World) -> None:
    page = shared_world.login("registrar").get("/cases", params={"needs": "medical_places"})
    assert page.status_code == 200
    assert 'href="/cases/C-001"' in page.text and 'href="/cases/C-002"' not in page.text
    assert '<option value="medical_places" selected>' in page.text
    everything = shared_world.login("registrar").get("/cases", params={"limit": 1})
    assert "needs=&amp;offset=1" in everything.text or "needs=&offset=1" in everything.text


def test_placement_runs_are_paged(placement_world: World) -> None:
    officer = placement_world.login("placement")
    for label in ("first", "second", "third"):
        assert officer.post("/api/placements", json={"label": label}).status_code == 201
    first = officer.get("/placements", params={"limit": 2})
    assert first.status_code == 200 and "1–2 of 3 runs" in first.text
    assert 'rel="next"' in first.text and 'rel="prev"' not in first.text
    last = officer.get("/placements", params={"limit": 2, "offset": 2})
    assert "3–3 of 3 runs" in last.text and "first" in last.text and "third" not in last.text
    assert 'rel="prev"' in last.text and 'rel="next"' not in last.text
