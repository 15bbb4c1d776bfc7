"""Through the API: a liaison's refusal returns the case to placement; the next run places it
in another state (a "refused" pair rule), and the case still held by a state keeps its place."""

from __future__ import annotations

from web_world import World


def test_refused_case_is_re_placed_elsewhere_and_held_places_are_kept(
        placement_world: World) -> None:
    liaison = placement_world.login("liaison_alb")
    refused = liaison.post(f"/api/referrals/{placement_world.referral_ids['C-001']}/decision",
                           json={"decision": "refused", "reason": "vetting"})
    assert refused.status_code == 200, refused.text
    officer = placement_world.login("placement")
    started = officer.post("/api/placements", json={"label": "after the refusal"})
    assert started.status_code == 201, started.text
    run = officer.get(f"/api/placements/{started.json()['run_id']}").json()
    cases = {c["case_id"]: c for c in run["cases"]}
    returned = cases["C-001"]
    assert returned["locality_id"] == "DEU-BER"  # never ALB again
    assert returned["refused_by"] and returned["refused_by"][0].startswith("ALB: refused")
    assert ["ALB-TIR", returned["refused_by"][0].join(["refused: ", ""])] in \
        returned["not_allowed"]
    # C-002 (2 persons, accepted by nobody yet but with DEU) keeps its DEU places: DEU-BER
    # had 3, so only C-001 fits there and one ready case stays unplaced.
    assert "C-002" not in cases
    assert sum(c["locality_id"] == "DEU-BER" for c in cases.values()) == 1
    assert sum(c["locality_id"] is None for c in cases.values()) == 1
    assert run["held_persons"] == 2
