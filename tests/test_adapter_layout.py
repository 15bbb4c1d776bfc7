"""The adapters' own layout: only shared infrastructure at the top of each adapter (the rest
in its stage's folder), a stage for every CLI command module, and the web on the database only
through the store classes, never with SQL of its own (a short list of named exceptions).

The rank between packages is :mod:`test_architecture`'s; this file is its continuation.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

from test_architecture import SRC, STAGES

# What may sit at the top of each adapter, beside its stage folders: shared infrastructure,
# each with why. Everything else lives in the folder of its stage (adapters/<kind>/<stage>/).
ADAPTER_TOP: dict[str, dict[str, str]] = {
    "web": {
        "__init__": "the package",
        "app": "the FastAPI application: every stage's routers mounted",
        "config": "the web app's settings: database, keys, cookies",
        "guards": "the request's context: session, user, permission, audit",
        "problems": "errors as RFC 9457 problems and error pages",
        "server": "uvicorn's entry (what `resettle serve` starts)",
        "sessions": "login sessions' cookies",
        "api": "the /api router's shared pieces: paging, the audit trail, login",
        "pages": "the page renderer and the pages of no stage: home, login, audit trail",
        "forms": "typed form values shown again after a refusal",
        "labels": "the words templates show for codes, shared by every stage's pages",
    },
    "db": {
        "__init__": "the package",
        "base": "the declarative base every stage's tables derive from",
        "bulk": "bulk inserts shared by the stores",
        "engine": "engines, sessions and the write intent",
        "inspection": "what a database holds (for `resettle db status`)",
        "migrate": "alembic's migrations, run from the CLI and the web",
        "sealing": "encryption of sensitive columns at rest, for every stage's tables",
        "writer_lock": "one writer at a time on SQLite",
    },
    "cli": {
        "__init__": "the package",
        "main": "the command tree, built lazily",
        "options": "options every command shares (the database URL)",
        "output": "consoles and clean failures",
        "serve": "`resettle serve`: starts the web app",
    },
}
# The folders at the top of an adapter that are not a stage's.
ADAPTER_FOLDERS = {"db": {"migrations"}, "cli": {"demo"}}
# The CLI has one module (or a few) per stage, named for it: command module -> its stage.
CLI_COMMANDS = {
    "registry": "registry", "registry_cases": "registry", "dedup": "registry",
    "dedup_review": "registry", "scenario": "simulation", "simulate": "simulation",
    "screening": "screening", "screening_actions": "screening",
    "placement_files": "placement", "placement_runs": "placement",
    "placement_dynamic": "placement", "prediction": "prediction", "referral": "referral",
    "reporting": "reporting", "security": "security", "departures": "departures",
}


def misplaced_in_adapter(kind: str, top: Path) -> list[str]:
    """Modules and folders at the top of ``adapters/<kind>`` that belong in a stage folder."""
    allowed = set(ADAPTER_TOP[kind]) | (set(CLI_COMMANDS) if kind == "cli" else set())
    found = [f"{kind}/{path.name}" for path in top.glob("*.py") if path.stem not in allowed]
    found.extend(f"{kind}/{folder.name}/" for folder in top.iterdir()
                 if (folder / "__init__.py").exists()
                 and folder.name not in set(STAGES) | ADAPTER_FOLDERS.get(kind, set()))
    return sorted(found)


@pytest.mark.parametrize("kind", sorted(ADAPTER_TOP))
def test_only_shared_infrastructure_sits_at_the_top_of_an_adapter(kind: str) -> None:
    assert misplaced_in_adapter(kind, SRC / "adapters" / kind) == []


def service_named_adapters(adapters: Path) -> list[str]:
    """Adapter modules named like a use-case home: use cases live in ``<stage>/service.py``,
    an adapter's modules authorize, call, render and audit (``actions``, ``access``, ...)."""
    return sorted(str(path.relative_to(adapters)) for path in adapters.rglob("*service*.py"))


def test_no_adapter_module_is_named_a_service() -> None:
    assert service_named_adapters(SRC / "adapters") == []


def test_the_service_name_check_sees_one(tmp_path: Path) -> None:
    (tmp_path / "web" / "registry").mkdir(parents=True)
    (tmp_path / "web" / "registry" / "duplicates_service.py").write_text("")
    (tmp_path / "web" / "registry" / "duplicate_actions.py").write_text("")
    assert service_named_adapters(tmp_path) == ["web/registry/duplicates_service.py"]


def test_every_cli_command_module_names_a_stage() -> None:
    assert set(CLI_COMMANDS.values()) <= set(STAGES)
    stale = [name for name in CLI_COMMANDS if not (SRC / "adapters" / "cli" / f"{name}.py")
             .exists()]
    assert stale == []


def test_the_top_check_sees_a_stray_module(tmp_path: Path) -> None:
    (tmp_path / "services.py").write_text("")
    (tmp_path / "guards.py").write_text("")
    (tmp_path / "screening").mkdir()
    (tmp_path / "screening" / "__init__.py").write_text("")
    (tmp_path / "misc").mkdir()
    (tmp_path / "misc" / "__init__.py").write_text("")
    assert misplaced_in_adapter("web", tmp_path) == ["web/misc/", "web/services.py"]


# The web reads and writes the database through the stores (classes named *Store or *Reader
# in adapters/db), never with SQL of its own: it may hold a session or an engine, as a type.
WEB_SQLALCHEMY_TYPES = {"Engine", "Session", "sessionmaker"}
# Where the web uses the database adapter otherwise: (web module, db module) -> why.
WEB_DB_EXCEPTIONS: dict[tuple[str, str], str] = {
    # Infrastructure: opening the database, the request's transaction and audit entry.
    ("web/config.py", "db.engine"): "opens the database for the app",
    ("web/config.py", "db.writer_lock"): "one writer at a time on SQLite",
    ("web/guards.py", "db.writer_lock"): "the request waits its turn to write",
    ("web/guards.py", "db.security.audit_store"): "every request's audit entry",
    ("web/guards.py", "db.security.store"): "the login session and its user, per request",
    ("web/problems.py", "db.security.audit_store"): "a refused request is audited",
    # The audit trail's own pages read it as it is stored (no use case to share).
    ("web/pages.py", "db.security.audit_store"): "the audit trail page",
    ("web/pages.py", "db.security.audit_status"): "whether the hash chain verifies",
    ("web/api.py", "db.security.audit_store"): "the audit trail in the API",
    # Logging in: users, sessions and throttling, before there is a user to act.
    ("web/security/login.py", "db.security.store"): "the login",
    # The dashboard's stored forecast: the latest run's figures, read as stored.
    ("web/reporting/pages.py", "db.simulation.run_store"): "the stored forecast",
    # Dedup review: the queue's names of both records (a read helper, not a store), the
    # screening workflow's merge as the dedup stage's Workflow port, an upload's duplicate
    # check beside the registry import.
    ("web/registry/duplicate_actions.py", "db.registry.dedup_import"): "both records' names",
    ("web/registry/duplicate_actions.py", "db.registry.dedup_workflow"): "the Workflow port",
    ("web/registry/uploads.py", "db.registry.dedup_import"): "dedup review of an upload",
}


def _store_classes(module: str) -> set[str]:
    path = SRC / Path(*module.split(".")[1:])
    if not path.with_suffix(".py").exists():
        return set()
    tree = ast.parse(path.with_suffix(".py").read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.ClassDef)
            and node.name.endswith(("Store", "Reader"))}


def web_database_uses(root: Path = SRC) -> dict[tuple[str, str], list[str]]:
    """(web module, db module or 'sqlalchemy') -> the names it imports that are neither a
    store class nor a constant (an UPPER_CASE limit a form shows), nor a SQLAlchemy type."""
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in (root / "adapters" / "web").rglob("*.py"):
        here = str(path.relative_to(root / "adapters"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith(("sqlalchemy", "resettle.adapters.db")):
                        found[(here, _short(alias.name))].append(alias.name)
            elif isinstance(node, ast.ImportFrom) and node.module:
                if node.module.split(".")[0] == "sqlalchemy":
                    names = [a.name for a in node.names if a.name not in WEB_SQLALCHEMY_TYPES]
                elif node.module.startswith("resettle.adapters.db"):
                    stores = _store_classes(node.module)
                    names = [a.name for a in node.names
                             if a.name not in stores and not a.name.isupper()]
                else:
                    continue
                if names:
                    found[(here, _short(node.module))].extend(names)
    return found


def _short(module: str) -> str:
    return module.removeprefix("resettle.adapters.")


def test_the_web_uses_the_database_only_through_stores() -> None:
    offenders = [f"{web} imports {', '.join(names)} from {db}"
                 for (web, db), names in web_database_uses().items()
                 if (web, db) not in WEB_DB_EXCEPTIONS]
    assert sorted(offenders) == []


def test_every_web_database_exception_is_still_needed() -> None:
    used = web_database_uses()
    stale = [f"{web} -> {db} ({why})" for (web, db), why in WEB_DB_EXCEPTIONS.items()
             if (web, db) not in used]
    assert stale == []


def test_no_web_module_writes_sql() -> None:
    """SQLAlchemy in the web: at most the types of a session or an engine, never a query,
    not even in an exception above."""
    queries = [f"{web}: {', '.join(names)}" for (web, lib), names in web_database_uses().items()
               if lib.startswith("sqlalchemy")]
    assert queries == []


def test_the_web_check_sees_sql_and_a_store_function(tmp_path: Path) -> None:
    web = tmp_path / "adapters" / "web" / "screening"
    web.mkdir(parents=True)
    (web / "sample.py").write_text(
        "from sqlalchemy import select\nfrom sqlalchemy.orm import Session\n"
        "from resettle.adapters.db.screening.store import SqlScreeningStore\n"
        "from resettle.adapters.db.registry.store import get_case\n"
        "from resettle.adapters.db.registry.name_search import SEARCH_CAP\n")
    assert web_database_uses(tmp_path) == {
        ("web/screening/sample.py", "sqlalchemy"): ["select"],
        ("web/screening/sample.py", "db.registry.store"): ["get_case"]}
