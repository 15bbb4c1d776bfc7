"""Fixtures of the web tests: a world built once, copied per test or per module."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from web_world import World, build_world

from resettle.adapters.db.engine import open_database
from resettle.adapters.web.app import create_app
from resettle.adapters.web.config import WebConfig


@pytest.fixture(scope="session")
def template_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, World]]:
    """Built once (argon2 hashing and migrations are slow on purpose), copied per test."""
    path = tmp_path_factory.mktemp("template") / "web.db"
    built = build_world(f"sqlite:///{path}")
    built.config.engine.dispose()
    yield path, built


def copy_world(template: tuple[Path, World], target: Path) -> World:
    path, built = template
    shutil.copyfile(path, target)
    engine = open_database(f"sqlite:///{target}")
    config = WebConfig(engine, built.config.keys)
    return World(config, create_app(config), built.totp, built.referral_ids)


@pytest.fixture
def world(template_world: tuple[Path, World], tmp_path: Path) -> Iterator[World]:
    """A world of one's own, for tests that change something."""
    built = copy_world(template_world, tmp_path / "web.db")
    yield built
    built.config.engine.dispose()


@pytest.fixture(scope="module")
def shared_world(
    template_world: tuple[Path, World], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """One world per test module, for tests that only read (their reads are audited)."""
    built = copy_world(template_world, tmp_path_factory.mktemp("shared") / "web.db")
    yield built
    built.config.engine.dispose()
