"""Placement runs through the API and the pages: started, reviewed with explanations and
shadow prices, accepted, overridden with a reason; the policy of every role."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from placement_world import READY_NAMES
from web_world import World

from resettle.adapters.db.registry.store import store_batch
from resettle.adapters.db.security.audit_store import list_audit, verify_audit
from resettle.core import Locality, RegistryBatch
from resettle.core.needs import Dimension
from resettle.security.policy import Section, visible_rule


def start(world: World) -> dict[str, Any]:
    answer = world.login("placement").post("/api/placements", json={"label": "week 1"})
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def test_run_started_reviewed_accepted_and_overridden(placement_world: World) -> None:
    run = start(placement_world)
    officer = placement_world.login("placement")
    listed = officer.get("/api/placements").json()
    assert listed["total"] == 1 and listed["items"][0]["run_id"] == run["run_id"]
    got = officer.get(f"/api/placements/{run['run_id']}")
    assert got.status_code == 200, got.text
    body = got.json()
    cases = {c["case_id"]: c for c in body["cases"]}
    assert set(cases) == set(READY_NAMES)
    # three places for four persons: somebody is left out, and says why
    assert sum(c["locality_id"] is not None for c in cases.values()) >= 2
    assert all(c["why_not"] for c in cases.values())
    (left_out,) = [c for c in cases.values() if c["locality_id"] is None]
    assert left_out["alternative_id"] and left_out["why_not"].startswith("capacity:")
    assert cases["C-101"]["name_original"] == "مریم رحیمی"
    prices = body["shadow_prices"]
    assert {(p["locality_id"], p["dimension"]) for p in prices} == {
        ("ALB-TIR", "persons"), ("DEU-BER", "persons")}
    assert prices[0]["persons_price"] > 0  # one more place lets someone in
    assert prices[0]["persons_price"] >= prices[1]["persons_price"]  # ranked
    placed = [c for c in cases.values() if c["locality_id"]]
    accepted = officer.post(f"/api/placements/{run['run_id']}/cases/{placed[0]['case_id']}"
                            "/accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["locality_id"] == placed[0]["locality_id"]
    path = f"/api/placements/{run['run_id']}/cases/{placed[1]['case_id']}/override"
    assert officer.post(path, json={"reason": "  "}).status_code == 422
    moved_to = "DEU-BER" if placed[1]["locality_id"] == "ALB-TIR" else "ALB-TIR"
    full = officer.post(path, json={"reason": "سه خواهر در تیرانا", "locality_id": moved_to})
    assert full.status_code == 422  # the run filled both places: an overrun is confirmed
    assert full.json()["error"]["issues"][0]["code"] == "capacity_exceeded"
    moved = officer.post(path, json={"reason": "سه خواهر در تیرانا", "locality_id": moved_to,
                                     "confirm_overrun": True})
    assert moved.status_code == 200, moved.text
    assert moved.json()["action"] == "override"
    after = {c["case_id"]: c for c in officer.get(f"/api/placements/{run['run_id']}")
             .json()["cases"]}
    assert after[placed[0]["case_id"]]["decision"]["action"] == "accept"
    assert after[placed[1]["case_id"]]["decision"]["reason"] == (
        "capacity overrun confirmed: سه خواهر در تیرانا")
    with placement_world.config.sessions() as session:
        entries, _ = list_audit(session, limit=100)
        actions = {e.event.action for e in entries}
        assert {"placement.run", "placement.view", "placement.accept",
                "placement.override"} <= actions
        assert verify_audit(session, key=placement_world.config.keys.audit_key).ok


def test_override_into_a_no_return_country_is_refused(placement_world: World) -> None:
    run = start(placement_world)
    with placement_world.config.sessions.begin() as session:
        store_batch(session, batch=RegistryBatch(localities=(
            Locality("IRN-TEH", "IRN", "Tehran", capacity={Dimension.PERSONS: 9}),)))
    answer = placement_world.login("placement").post(
        f"/api/placements/{run['run_id']}/cases/C-102/override",
        json={"reason": "moved", "locality_id": "IRN-TEH"})
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["code"] == "refoulement_forbidden"
    unknown = placement_world.login("placement").post(
        f"/api/placements/{run['run_id']}/cases/C-102/override",
        json={"reason": "moved", "locality_id": "NOWHERE"})
    assert unknown.status_code == 422  # a mistake in the form, answered on its field
    (issue,) = unknown.json()["error"]["issues"]
    assert issue["code"] == "unknown_id" and issue["field"] == "locality_id"


@pytest.mark.parametrize(("user", "status"), [
    ("auditor", 403), ("protection", 403), ("registrar", 403), ("liaison_alb", 403)])
def test_roles_without_placement_actions_are_refused(placement_world: World, user: str,
                                                     status: int) -> None:
    run = start(placement_world)
    client = placement_world.login(user)
    case_id = "C-101"
    assert client.post("/api/placements", json={"label": "x"}).status_code == status
    assert client.post(f"/api/placements/{run['run_id']}/cases/{case_id}/accept"
                       ).status_code == status
    refused = client.post(f"/api/placements/{run['run_id']}/cases/{case_id}/override",
                          json={"reason": "because"})
    assert refused.status_code == status
    assert refused.json()["error"]["code"] == "permission_denied"


def test_who_may_read_runs(placement_world: World) -> None:
    run = start(placement_world)
    path = f"/api/placements/{run['run_id']}"
    auditor = placement_world.login("auditor").get(path)
    assert auditor.status_code == 200
    assert "name" not in auditor.json()["cases"][0]  # the auditor does not see identities
    assert "رحیمی" not in auditor.text and "Rahimi" not in auditor.text
    # why a case was left out draws on its needs, which the auditor may not see
    (left_out,) = [c for c in auditor.json()["cases"] if c["locality_id"] is None]
    assert left_out["why_not"] == "capacity: details hidden from your role"
    assert placement_world.login("registrar").get(path).status_code == 403
    assert placement_world.login("liaison_alb").get("/api/placements").status_code == 403
    assert placement_world.login("placement").get("/api/placements/PR-nope").status_code == 404


def test_review_page_shows_explanations_and_shadow_prices(placement_world: World) -> None:
    run = start(placement_world)
    officer = placement_world.login("placement")
    page = officer.get(f"/placements/{run['run_id']}")
    assert page.status_code == 200
    assert "would suit it better" in page.text and "one more place would help" in page.text
    assert "LP relaxation" not in page.text and "objective" not in page.text.lower()
    assert '<span dir="auto" lang="fa">مریم رحیمی</span>' in page.text
    assert "Tirana, Albania" in page.text and "Accept" in page.text
    auditor = placement_world.login("auditor").get(f"/placements/{run['run_id']}")
    assert auditor.status_code == 200 and "one more place would help" in auditor.text
    assert "Accept" not in auditor.text and "رحیمی" not in auditor.text


def test_runs_are_paged_newest_first(placement_world: World) -> None:
    first, second = start(placement_world), start(placement_world)
    officer = placement_world.login("placement")
    one = officer.get("/api/placements", params={"limit": 1}).json()
    two = officer.get("/api/placements", params={"limit": 1, "offset": 1}).json()
    assert one["total"] == two["total"] == 2
    assert {one["items"][0]["run_id"], two["items"][0]["run_id"]} == {first["run_id"],
                                                                       second["run_id"]}
    assert first["inputs_hash"] == second["inputs_hash"]  # same inputs, same fingerprint


@pytest.mark.parametrize(("rule", "sections", "shown"), [
    ("no_return: IRN is on the case's no-return list", {Section.CASE}, False),
    ("no_return: IRN is on the case's no-return list", {Section.IDENTITY}, True),
    ("criteria: the pledge will not consider profiles ['former_combatant']",
     {Section.NEEDS, Section.IDENTITY}, False),
    ("criteria: the pledge will not consider profiles ['former_combatant']",
     {Section.NEEDS, Section.EXCLUSION}, True),
    ("criteria: needs services the pledge does not support: ['dialysis']", {Section.CASE},
     False),
    ("capacity: TIR is full in medical_places (0 left, the case needs 1)", {Section.NEEDS},
     True),
    ("forbidden: a caseworker prohibited this locality for the case", {Section.CASE}, True),
    ("objective: there was room", frozenset(), True),
])
def test_rules_show_only_the_sections_a_role_may_see(rule: str, sections: set[Section],
                                                     shown: bool) -> None:
    visible = visible_rule(rule, frozenset(sections))
    assert (visible == rule) is shown
    if not shown:
        assert visible.endswith("details hidden from your role")
        assert "former_combatant" not in visible and "IRN" not in visible


def test_a_refused_override_is_explained_on_the_run_page(placement_world: World) -> None:
    run = start(placement_world)
    with placement_world.config.sessions.begin() as session:
        store_batch(session, batch=RegistryBatch(localities=(
            Locality("IRN-TEH", "IRN", "Tehran", capacity={Dimension.PERSONS: 9}),)))
    officer = placement_world.login("placement")
    answer = officer.post(f"/placements/{run['run_id']}/decisions",
                          data={"case_id": "C-102", "action": "override",
                                "locality_id": "IRN-TEH", "reason": "family there"})
    assert answer.status_code == 422
    assert "Not done:" in answer.text and "no-return" in answer.text
    assert f"Placement run {run['run_id']}" in answer.text  # the run, ready to decide again
    assert 'aria-label="Accept C-102"' in answer.text  # nothing was recorded
    with placement_world.config.sessions() as session:
        refused, _ = list_audit(session, actor="placement", subject_id="C-102")
    assert [e.event.outcome for e in refused if e.event.outcome != "ok"] == ["refused"]


def test_a_run_opens_encrypted_fields_with_the_apps_keys(
    placement_world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The server was given its keys at start; a run must not look for others elsewhere."""
    for name in ("RESETTLE_DATA_KEYS", "RESETTLE_AUDIT_KEY", "RESETTLE_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # and no key file in the working directory
    assert start(placement_world)["status"] == "optimal"


def test_a_review_showing_names_names_its_cases_in_the_audit(placement_world: World) -> None:
    """Finding 11 (issue 18): the audit entry of a placement page showing names said only
    'with names', not whose."""
    run = start(placement_world)
    officer = placement_world.login("placement")
    assert officer.get(f"/placements/{run['run_id']}").status_code == 200
    placed = [c["case_id"] for c in officer.get(f"/api/placements/{run['run_id']}")
              .json()["cases"] if c.get("locality_id")]
    assert placed
    with placement_world.config.sessions() as session:
        entries, _ = list_audit(session, actor="placement", action="placement.view")
    named = " ".join(e.event.detail + " " + e.event.subject_id for e in entries)
    assert all(case_id in named for case_id in placed)
