"""The layering of the whole house: imports point down an explicit rank, and nowhere else.

Rank (a package imports only packages of a lower rank):

    core, errors < registry, screening, placement, security < referral, departures, reporting
    < prediction < simulation < adapters.db < adapters.web, adapters.cli

plus: ``errors.py`` imports nothing of resettle (it is the ground); the web never imports the
CLI; the database adapter never imports web or CLI; no adapter imports another adapter's
commands (the CLI reaches the web app only through its entry, from ``cli/serve.py``; one
stage's CLI module never imports another's, only ``main.py`` and the demo wire them); the
adapters call a stage's use cases (functions over its store Protocol in ``ports.py``) only
through its ``service.py``; no circle between packages; stages never import the edges'
libraries; no stage folder without code. Imports under ``TYPE_CHECKING`` count: a type is a
dependency too. The adapters' own layout (only shared modules at the top of each, the web on
the database only through stores) is checked in ``test_adapter_layout.py``.
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


# The CLI's own infrastructure, which every command module may use; and the wiring, which
# may import every command module (the app's command tree, and the demo's steps).
CLI_SHARED = {"options", "output"}
CLI_WIRING = {"main", "demo"}
# One stage's commands in two modules: (importer, imported).
CLI_SAME_STAGE = {("screening", "screening_actions"), ("dedup_review", "dedup")}
# What the CLI may use of the web app: its entry (config, server), not its routes or pages.
WEB_ENTRY = {"resettle.adapters.web", "resettle.adapters.web.config",
             "resettle.adapters.web.server"}
CLI_SERVES_WEB = {"adapters/cli/serve.py"}


def cli_module(module: str) -> str | None:
    """``resettle.adapters.cli.demo.web`` -> ``demo``; None outside the CLI."""
    parts = module.split(".")
    return parts[3] if parts[:3] == ["resettle", "adapters", "cli"] and len(parts) > 3 else None


def test_cli_command_modules_do_not_import_each_other() -> None:
    offenders = []
    for path in (SRC / "adapters" / "cli").rglob("*.py"):
        here = path.relative_to(SRC / "adapters" / "cli").parts[0].removesuffix(".py")
        if here in CLI_WIRING:
            continue
        for module in imported_modules(path):
            there = cli_module(module)
            if there is None or there in CLI_SHARED or there == here:
                continue
            if (here, there) not in CLI_SAME_STAGE:
                offenders.append(f"{path.relative_to(SRC)} imports {module}")
    assert sorted(offenders) == []


def test_the_cli_reaches_the_web_app_only_through_its_entry() -> None:
    offenders = []
    for path in (SRC / "adapters" / "cli").rglob("*.py"):
        where = str(path.relative_to(SRC))
        for module in imported_modules(path):
            if package_of(module) != "adapters.web":
                continue
            if module not in WEB_ENTRY or where not in CLI_SERVES_WEB:
                offenders.append(f"{where} imports {module}")
    assert sorted(offenders) == []


def store_protocols(ports: Path) -> set[str]:
    tree = ast.parse(ports.read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.ClassDef)
            and any("Protocol" in ast.unparse(base) for base in node.bases)}


def dotted(path: Path) -> str:
    return ".".join(("resettle", *path.relative_to(SRC).with_suffix("").parts))


def stage_use_cases() -> dict[tuple[str, str], str]:
    """(module, function) -> its service, for every public function of a stage folder with a
    ``ports.py`` whose first parameter is one of that folder's store Protocols."""
    found: dict[tuple[str, str], str] = {}
    for ports in SRC.rglob("ports.py"):
        if "adapters" in ports.parts:
            continue
        protocols = store_protocols(ports)
        for path in ports.parent.glob("*.py"):
            for node in ast.parse(path.read_text(encoding="utf-8")).body:
                if (isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
                        and node.args.args and node.args.args[0].annotation is not None
                        and any(name in ast.unparse(node.args.args[0].annotation)
                                for name in protocols)):
                    found[(dotted(path), node.name)] = dotted(ports.parent / "service.py")
    return found


def test_every_stage_with_ports_has_a_service() -> None:
    missing = [str(ports.parent.relative_to(SRC)) for ports in SRC.rglob("ports.py")
               if "adapters" not in ports.parts and not (ports.parent / "service.py").exists()]
    assert missing == []


def test_adapters_call_use_cases_only_through_the_service() -> None:
    """A function over a stage's store is a use case: adapters import it from service.py."""
    use_cases = stage_use_cases()
    assert len(use_cases) > 20, "the use-case scan found too little to be trusted"
    offenders = []
    for path in (SRC / "adapters").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                offenders.extend(
                    f"{path.relative_to(SRC)}: {alias.name} from {use_cases[key]}, "
                    f"not {node.module}"
                    for alias in node.names
                    if (key := (node.module, alias.name)) in use_cases
                    and node.module != use_cases[key])
    assert sorted(offenders) == []


def test_the_use_case_scan_sees_service_functions() -> None:
    use_cases = stage_use_cases()
    assert ("resettle.screening.actions", "advance_case") in use_cases
    assert ("resettle.registry.service", "import_files") in use_cases
    assert ("resettle.security.service", "add_account") in use_cases
    assert use_cases[("resettle.screening.actions", "advance_case")] == \
        "resettle.screening.service"

