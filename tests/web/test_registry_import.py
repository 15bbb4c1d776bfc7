"""The registration officer's import in the browser and the API: all or nothing."""

from __future__ import annotations

from registry_uploads import BAD_CASES, BAD_PERSONS, GOOD_CASES, GOOD_PERSONS, files
from web_world import World

from resettle.adapters.db.inspection import digest_database
from resettle.adapters.db.security.audit_store import list_audit

REGISTRY = ("cases", "persons", "localities", "pledges")


def page_client(world: World, username: str = "registrar") -> tuple[object, str]:
    client = world.login(username)
    del client.headers["X-CSRF-Token"]  # the page sends the form field
    return client, world.sessions[username][1]


def test_a_bad_upload_lists_every_problem_and_writes_nothing(world: World) -> None:
    before = digest_database(world.config.engine, REGISTRY)
    client, csrf = page_client(world)
    answer = client.post("/registry/import", data={"csrf_token": csrf},  # type: ignore[attr-defined]
                         files=files(BAD_PERSONS, BAD_CASES))
    assert answer.status_code == 422
    assert answer.text.count('<tr class="issue">') >= 3
    for expected in ("persons.csv", "cases.csv", "birth_date", "nationality",
                     "processing_priority"):
        assert expected in answer.text
    assert "/tmp" not in answer.text and "resettle-upload" not in answer.text
    assert digest_database(world.config.engine, REGISTRY) == before
    api = world.login("registrar").post("/api/registry/import",
                                        files=files(BAD_PERSONS, BAD_CASES))
    assert api.status_code == 422
    issues = api.json()["error"]["issues"]
    assert {(i["file"], i["field"]) for i in issues} >= {("persons.csv", "birth_date"),
                                                         ("persons.csv", "nationality"),
                                                         ("cases.csv", "processing_priority")}
    assert all(i["row"] for i in issues if i["file"] == "persons.csv")
    assert digest_database(world.config.engine, REGISTRY) == before
    with world.config.sessions() as session:
        entries, _ = list_audit(session, action="registry.import")
        assert [e.event.outcome for e in entries] == ["invalid", "invalid"]
        assert all("Ahmadi" not in e.event.detail for e in entries)


def test_a_good_upload_is_stored_and_linked(world: World) -> None:
    client, csrf = page_client(world)
    answer = client.post("/registry/import", data={"csrf_token": csrf},  # type: ignore[attr-defined]
                         files=files(GOOD_PERSONS, GOOD_CASES))
    assert answer.status_code == 200, answer.text
    assert 'href="/cases/N-500"' in answer.text and "3 new" not in answer.text
    assert "2 cases (3 persons) stored" in answer.text
    found = world.login("registrar").get("/api/cases", params={"q": "رستمی"}).json()
    assert [c["case_id"] for c in found["items"]] == ["N-500"]
    again = world.login("registrar").post("/api/registry/import",
                                          files=files(GOOD_PERSONS, GOOD_CASES))
    assert again.status_code == 200
    assert again.json()["inserted"] == 0 and again.json()["unchanged"] == 5
    with world.config.sessions() as session:
        entries, _ = list_audit(session, action="registry.import")
        assert entries[0].event.outcome == "ok" and "Rostami" not in entries[0].event.detail
        assert "2 cases, 3 persons" in entries[0].event.detail


def test_an_upload_cannot_move_a_case_through_the_workflow(world: World) -> None:
    cases = GOOD_CASES.replace("urgent,registered", "urgent,ready_for_referral")
    answer = world.login("registrar").post("/api/registry/import",
                                           files=files(GOOD_PERSONS, cases))
    assert answer.status_code == 422
    assert [(i["record"], i["code"]) for i in answer.json()["error"]["issues"]] == [
        ("N-500", "status_not_imported")]


def test_only_persons_and_cases_are_taken(world: World) -> None:
    pledges = "pledge_id,country,period_start,period_end,places_persons\n" \
              "PL-9,ALB,2013-01-01,2013-12-31,10\n"
    answer = world.login("registrar").post(
        "/api/registry/import", files=[("files", ("pledges.csv", pledges.encode(), "text/csv"))])
    assert answer.status_code == 422
    assert answer.json()["error"]["issues"][-1]["code"] == "kind_not_taken"


def test_an_upload_above_the_limit_is_refused_clearly(world: World) -> None:
    world.config.max_upload_bytes = 100
    answer = world.login("registrar").post("/api/registry/import",
                                           files=files(GOOD_PERSONS, GOOD_CASES))
    assert answer.status_code == 413
    assert "above the limit" in answer.json()["error"]["message"]
    world.config.max_upload_bytes = 100_000
    huge = "x" * 200_000
    client, csrf = page_client(world)
    page = client.post("/registry/import", data={"csrf_token": csrf},  # type: ignore[attr-defined]
                       files=[("files", ("persons.csv", huge.encode(), "text/csv"))])
    assert page.status_code == 413 and "above the limit" in page.text


def test_no_file_is_an_error(world: World) -> None:
    client, csrf = page_client(world)
    answer = client.post("/registry/import", data={"csrf_token": csrf})  # type: ignore[attr-defined]
    assert answer.status_code == 422 and "files" in answer.text
