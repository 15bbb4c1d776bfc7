"""Schemathesis against the OpenAPI document: no generated request makes the server fail.

Bounded: a few examples per operation, as a logged-in protection officer (the role with the
most write actions). Logging in and out are left out: they would end the session under test
and spend seconds on argon2 per example.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from web_world import World, copy_world


@pytest.fixture(scope="module")
def api_world(template_world: tuple[Path, World],
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    built = copy_world(template_world, tmp_path_factory.mktemp("schema") / "web.db")
    yield built
    built.config.engine.dispose()


CALLS: list[int] = []


def operations(world: World) -> list[Any]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", world.app)
    found = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path != "/api/session":
            found.append(operation)
    return found


def check_operation(operation: Any, world: World) -> None:
    token, csrf = world.sessions["protection"]

    @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck),
              database=None)
    @given(case=operation.as_strategy())
    def examples(case: Any) -> None:
        response = case.call(headers={"X-CSRF-Token": csrf},
                             cookies={"resettle_session": token})
        CALLS.append(response.status_code)
        case.validate_response(response, checks=(not_a_server_error,))
        if response.status_code >= 400 and "json" in response.headers.get("content-type", ""):
            assert set(response.json()) == {"error"}, response.text  # one error shape

    examples()


def test_every_operation_is_covered(api_world: World) -> None:
    assert len(operations(api_world)) >= 10


def test_no_server_errors(api_world: World) -> None:
    failures = []
    for operation in operations(api_world):
        try:
            check_operation(operation, api_world)
        except Exception as error:  # collect every operation's failure, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    assert failures == []
    assert len(CALLS) >= 50  # the generated requests really reached the app
