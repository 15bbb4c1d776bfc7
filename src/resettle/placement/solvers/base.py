"""One interface for every placement solver, and the registry that finds them by name.

A solver is any object with a ``name`` and a ``solve`` method returning a
:class:`~resettle.placement.result.PlacementResult` built by
:func:`~resettle.placement.objective.report_result` (which runs the independent checker).
Solver modules in this package register themselves at import time with
:func:`register_solver`; :func:`get_solver` imports every module of the package first, so a new
solver file is picked up (by the CLI and by the common test suite) without editing a list.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from resettle.errors import NotFoundError
from resettle.placement.problem import PlacementProblem
from resettle.placement.result import PlacementResult


@runtime_checkable
class Solver(Protocol):
    name: str

    def solve(
        self,
        problem: PlacementProblem,
        *,
        time_limit: float | None = None,
        gap: float | None = None,
        seed: int = 0,
    ) -> PlacementResult:
        """Place the cases; never raise for an infeasible problem, return a result."""
        ...


SolverFactory = Callable[[], Solver]
_REGISTRY: dict[str, SolverFactory] = {}
_loaded = False


def register_solver(name: str, factory: SolverFactory) -> None:
    """Make a solver available as ``get_solver(name)``; call at import time of its module."""
    _REGISTRY[name] = factory


def _load_solver_modules() -> None:
    global _loaded  # noqa: PLW0603 - import every solver module once per process
    if _loaded:
        return
    package = importlib.import_module("resettle.placement.solvers")
    for info in pkgutil.iter_modules(package.__path__):
        if not info.name.startswith("_") and info.name != "base":
            importlib.import_module(f"{package.__name__}.{info.name}")
    _loaded = True


def solver_names() -> tuple[str, ...]:
    """Every registered solver, sorted by name."""
    _load_solver_modules()
    return tuple(sorted(_REGISTRY))


def get_solver(name: str) -> Solver:
    """A fresh solver instance by name, e.g. ``get_solver("exact")``."""
    _load_solver_modules()
    if name not in _REGISTRY:
        known = ", ".join(sorted(_REGISTRY))
        raise NotFoundError(f"no placement solver named '{name}'; choose one of: {known}")
    return _REGISTRY[name]()
