"""Placement solvers behind one interface; see :mod:`resettle.placement.solvers.base`."""

from resettle.placement.solvers.base import Solver, get_solver, register_solver, solver_names

__all__ = ["Solver", "get_solver", "register_solver", "solver_names"]
