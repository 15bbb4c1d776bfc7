"""The forecast pages: an analyst reads stored runs and starts scenarios; the run goes on in
the background and is stored with its inputs and seed; an analyst sees no personal data."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.routing import APIRoute
from web_world import USERS, World

from resettle.adapters.db.security.audit_store import list_audit
from resettle.adapters.db.simulation.run_store import DbForecastRunStore
from resettle.adapters.web.guards import Guard
from resettle.adapters.web.simulation.runner import close_interrupted
from resettle.security.policy import GRANTS, Permission, Role
from resettle.simulation.operation.runs import DONE, ForecastRequest
from resettle.simulation.operation.service import start_stored_run

ANALYST = USERS[Role.ANALYST]


def wait_for(client: Any, url: str, seconds: float = 120.0) -> str:
    """The run's page once the background run finished (it refreshes itself meanwhile)."""
    deadline = time.monotonic() + seconds
    while True:
        page = client.get(url)
        assert page.status_code == 200, page.text
        if 'id="progress"' not in page.text:
            return str(page.text)
        assert time.monotonic() < deadline, "the run did not finish"
        time.sleep(0.5)


def test_an_analyst_runs_a_scenario_in_the_background_and_it_is_stored(world: World) -> None:
    client = world.login(ANALYST)
    empty = client.get("/forecast")
    assert empty.status_code == 200 and 'id="no-run"' in empty.text
    started = client.post("/forecast/runs", data={
        "replications": "3", "seed": "5", "interviewers": "8", "risk_rate": "2.3",
        "levers": ["interviewers", "flights"], "csrf_token": client.headers["X-CSRF-Token"]},
        follow_redirects=False)
    assert started.status_code == 303, started.text
    url = started.headers["location"]
    assert re.fullmatch(r"/forecast/runs/\d+", url)
    page = wait_for(client, url)
    assert 'id="forecast-lines"' in page and 'id="band"' in page and 'id="levers"' in page
    assert page.count('src="data:image/png;base64,') == 2  # the forecast and the tornado
    assert all(f'alt="{t}' in page for t in ("Persons still in the camp", "Levers ranked"))
    assert "The figure in words" in page
    run_id = int(url.rsplit("/", 1)[1])
    with world.config.sessions() as session:
        stored = DbForecastRunStore(session).get_run(run_id)
        assert stored is not None and stored.status == DONE and stored.seed == 5
        assert stored.done == 3 * 3  # baseline and two levers
        asked = ForecastRequest.from_record(stored.inputs)
        assert asked.levers == ("interviewers", "flights") and asked.replications == 3
        assert stored.results is not None and len(stored.results["levers"]) == 2
        entries, _ = list_audit(session, action="forecast.run")
    assert [e.event.subject_id for e in entries] == [str(run_id)]
    assert entries[0].event.actor == ANALYST
    latest = client.get("/forecast")  # the latest finished run is the page's default
    assert f"Run {run_id}" in latest.text


def test_a_scenario_beyond_the_web_limit_is_refused_in_words(world: World) -> None:
    client = world.login(ANALYST)
    answer = client.post("/forecast/runs", data={
        "replications": "5000", "csrf_token": client.headers["X-CSRF-Token"]})
    assert answer.status_code == 422 and "resettle simulate" in answer.text
    unknown = client.post("/forecast/runs", data={
        "replications": "3", "levers": ["teleport"],
        "csrf_token": client.headers["X-CSRF-Token"]})
    assert unknown.status_code == 422 and "unknown lever teleport" in unknown.text
    with world.config.sessions() as session:
        assert DbForecastRunStore(session).list_runs() == []


@pytest.mark.parametrize("role", [Role.REGISTRATION_OFFICER, Role.HOST_STATE_LIAISON])
def test_roles_without_the_grant_are_refused_the_forecast(world: World, role: Role) -> None:
    client = world.login(USERS[role])
    assert client.get("/forecast").status_code == 403
    refused = client.post("/forecast/runs", data={
        "replications": "3", "csrf_token": client.headers["X-CSRF-Token"]})
    assert refused.status_code == 403


def all_routes(routes: list[Any]) -> list[Any]:
    flat: list[Any] = []
    for route in routes:
        inner = getattr(route, "original_router", None)  # an included router
        flat.extend(all_routes(inner.routes) if inner is not None else [route])
    return flat


def _guard(route: APIRoute) -> Guard | None:
    guards = [d.call for d in route.dependant.dependencies if isinstance(d.call, Guard)]
    return guards[0] if guards else None


def test_an_analyst_is_refused_every_route_of_a_permission_it_lacks(
        shared_world: World) -> None:
    """Every route guarded by a permission analysts do not hold (every case, person,
    referral, placement, departure, audit and user route) answers 403 to an analyst."""
    client = shared_world.login(ANALYST)
    held = set(GRANTS[Role.ANALYST])
    tried = []
    for route in all_routes(shared_world.app.routes):
        if not isinstance(route, APIRoute) or (guard := _guard(route)) is None:
            continue
        if guard.action is None or guard.action in held:
            continue
        path = re.sub(r"\{[^}]+\}", "1", route.path)
        for method in sorted(route.methods):
            answer = client.request(method, path)
            assert answer.status_code == 403, (method, route.path, answer.status_code)
            assert "Shirin" not in answer.text and "Karimi" not in answer.text
            tried.append(route.path)
    assert "/cases/{case_id}" in tried and "/api/cases" in tried and len(tried) > 40
    assert Permission.CASE_READ not in held and Permission.FORECAST_VIEW in held


def test_a_run_cut_off_by_a_server_stop_shows_failed_after_the_next_start(world: World) -> None:
    with world.config.sessions() as session:
        run_id = start_stored_run(DbForecastRunStore(session), ForecastRequest(replications=3),
                                  started_by=ANALYST, now=datetime.now(UTC))
        session.commit()
    assert close_interrupted(world.config) == [run_id]  # what ``server.serve`` does first
    page = world.login(ANALYST).get(f"/forecast/runs/{run_id}")
    assert page.status_code == 200 and 'id="progress"' not in page.text
    assert "interrupted: the server stopped" in page.text
