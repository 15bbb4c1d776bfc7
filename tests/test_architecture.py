"""Imports point one way: adapters -> stages -> core. Stages never import the edges' libraries."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "resettle"
EDGE_LIBRARIES = {"sqlalchemy", "alembic", "fastapi", "starlette", "typer", "jinja2", "uvicorn"}
STAGES = ["core", "registry", "screening", "prediction", "placement", "referral", "departures",
          "simulation",
          "reporting", "security"]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("stage", STAGES)
def test_stages_do_not_import_edges(stage: str) -> None:
    offenders = []
    for path in (SRC / stage).rglob("*.py"):
        for module in imported_modules(path):
            root = module.split(".")[0]
            if root in EDGE_LIBRARIES or module.startswith("resettle.adapters"):
                offenders.append(f"{path.relative_to(SRC)} imports {module}")
    assert offenders == []


def test_core_imports_no_stage() -> None:
    offenders = [
        f"{path.relative_to(SRC)} imports {module}"
        for path in (SRC / "core").rglob("*.py")
        for module in imported_modules(path)
        if module.startswith("resettle.") and module.split(".")[1] in STAGES[1:]
    ]
    assert offenders == []
