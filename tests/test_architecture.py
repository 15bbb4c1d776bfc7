"""The layering of the whole house: imports point down an explicit rank, and nowhere else.

Rank (a package imports only packages of a lower rank):

    core, errors < registry, screening, placement, security < referral, departures, reporting
    < prediction < simulation < adapters.db < adapters.web, adapters.cli

plus: ``errors.py`` imports nothing of resettle (it is the ground); the web never imports the
CLI; the database adapter never imports web or CLI; no circle between packages; stages never
import the edges' libraries; no stage folder without code. Imports under ``TYPE_CHECKING`` count:
a type is a dependency too.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "resettle"
EDGE_LIBRARIES = {"sqlalchemy", "alembic", "fastapi", "starlette", "typer", "jinja2", "uvicorn",
                  "rich"}

RANK: dict[str, int] = {
    "core": 0, "errors": 0,
    "registry": 1, "screening": 1, "placement": 1, "security": 1,
    "referral": 2, "departures": 2, "reporting": 2,
    "prediction": 3,
    "simulation": 4,
    "adapters.db": 5,
    "adapters.web": 6, "adapters.cli": 6,
}
STAGES = [name for name in RANK if not name.startswith("adapters") and name != "errors"]
# Same-rank imports that are allowed, and why.
ALLOWED_SIDEWAYS = {
    ("core", "errors"),  # the domain's validation raises the catalogue's errors
    ("adapters.cli", "adapters.web"),  # `resettle serve` and the demo start the web app
}
# Imports that break the rank in files another branch is rewriting; the lead deletes each entry
# once that branch is merged (the test then keeps them out for good).
KNOWN_EXCEPTIONS: set[tuple[str, str]] = set()
# Stage folders that exist with no code yet, filled by a branch not merged yet.
EMPTY_STAGE_EXCEPTIONS: set[str] = set()


def package_of(module: str) -> str | None:
    """``resettle.adapters.web.pages`` -> ``adapters.web``; ``resettle.errors`` -> ``errors``."""
    parts = module.split(".")
    if parts[0] != "resettle" or len(parts) < 2 or parts[1].startswith("__"):
        return None  # outside resettle, or the package root (its version)
    if parts[1] == "adapters":
        return ".".join(parts[1:3]) if len(parts) > 2 and parts[2] != "__init__" else "adapters"
    return parts[1]


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports (for ``from a import b``: ``a``, and ``a.b`` if a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names
                         if _is_module(f"{node.module}.{alias.name}"))
    return names


def _is_module(dotted: str) -> bool:
    relative = Path(*dotted.split(".")[1:])
    return (SRC / relative).with_suffix(".py").exists() or (SRC / relative).is_dir()


def source_files() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def own_package(path: Path) -> str | None:
    return package_of(".".join(("resettle", *path.relative_to(SRC).with_suffix("").parts)))


def imports_between_packages() -> dict[tuple[str, str], set[str]]:
    """(importer, imported) -> 'file imports module' lines, for every pair of packages."""
    edges: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path in source_files():
        here = own_package(path)
        if here is None:
            continue
        for module in imported_modules(path):
            there = package_of(module)
            if there is not None and there != here:
                edges[(here, there)].add(f"{path.relative_to(SRC)} imports {module}")
    return edges


def test_every_package_has_a_rank() -> None:
    packages = {own_package(path) for path in source_files()} - {None, "adapters"}
    assert packages - set(RANK) == set(), "add the new package to RANK (and to the README)"


def test_imports_point_down_the_rank() -> None:
    offenders = []
    for (here, there), lines in imports_between_packages().items():
        if there == "adapters" or (here, there) in ALLOWED_SIDEWAYS:
            continue
        if RANK.get(there, 99) >= RANK.get(here, -1):
            offenders.extend(line for line in lines if not _known(line))
    assert sorted(offenders) == []


def _known(line: str) -> bool:
    file, _, module = line.partition(" imports ")
    return (file, module) in KNOWN_EXCEPTIONS


def test_known_exceptions_still_exist() -> None:
    """An exception nobody needs any more is deleted, so the rule holds again."""
    lines = {line for found in imports_between_packages().values() for line in found}
    stale = [f"{file} imports {module}" for file, module in KNOWN_EXCEPTIONS
             if f"{file} imports {module}" not in lines]
    assert stale == []


def test_errors_is_the_ground() -> None:
    imported = {module for module in imported_modules(SRC / "errors.py")
                if module.startswith("resettle")}
    assert imported == set()


@pytest.mark.parametrize(("importer", "forbidden"), [
    ("adapters.web", "adapters.cli"),
    ("adapters.db", "adapters.web"),
    ("adapters.db", "adapters.cli"),
])
def test_adapters_do_not_import_the_wrong_adapter(importer: str, forbidden: str) -> None:
    lines = imports_between_packages().get((importer, forbidden), set())
    assert sorted(line for line in lines if not _known(line)) == []


def test_no_circle_between_packages() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for (here, there), lines in imports_between_packages().items():
        if any(not _known(line) for line in lines):
            graph[here].add(there)
    circles = []
    for start in list(graph):
        seen: set[str] = set()
        stack = list(graph[start])
        while stack:
            node = stack.pop()
            if node == start:
                circles.append(start)
                break
            if node not in seen:
                seen.add(node)
                stack.extend(graph.get(node, ()))
    assert circles == []


@pytest.mark.parametrize("stage", STAGES)
def test_stages_do_not_import_edges(stage: str) -> None:
    offenders = []
    for path in (SRC / stage).rglob("*.py"):
        for module in imported_modules(path):
            root = module.split(".")[0]
            if root in EDGE_LIBRARIES or module.startswith("resettle.adapters"):
                offenders.append(f"{path.relative_to(SRC)} imports {module}")
    assert offenders == []


def has_code(path: Path) -> bool:
    """More than a docstring: a definition, an assignment or an import."""
    body = ast.parse(path.read_text(encoding="utf-8")).body
    return any(not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
               for node in body)


def stage_folders() -> list[Path]:
    folders = [SRC / name for name in STAGES if (SRC / name).is_dir()]
    for adapter in ("db", "web"):
        folders.extend(folder for folder in (SRC / "adapters" / adapter).iterdir()
                       if folder.is_dir() and (folder / "__init__.py").exists())
    return folders


@pytest.mark.parametrize("folder", stage_folders(), ids=lambda folder: str(folder.relative_to(SRC)))
def test_no_stage_folder_without_code(folder: Path) -> None:
    if folder.name in EMPTY_STAGE_EXCEPTIONS and folder.parent == SRC:
        pytest.skip(f"{folder.name}/ is filled by a branch not merged yet")
    assert any(has_code(path) for path in folder.rglob("*.py"))


def test_the_rank_test_sees_a_violation(tmp_path: Path) -> None:
    """The checker itself: a stage importing an adapter, or core importing a stage, is caught."""
    assert package_of("resettle.adapters.db.registry.store") == "adapters.db"
    assert package_of("resettle.screening.service") == "screening"
    assert RANK[package_of("resettle.adapters.web.app") or ""] > RANK["adapters.db"]
    assert RANK["core"] < RANK["screening"] < RANK["referral"] < RANK["prediction"]
    sample = tmp_path / "sample.py"
    sample.write_text("from resettle.adapters.db import engine\nimport sqlalchemy\n")
    assert imported_modules(sample) >= {"resettle.adapters.db", "resettle.adapters.db.engine"}
