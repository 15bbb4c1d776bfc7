"""A user's time limit held end to end: solve, check, explanations and shadow prices.

``resettle place --time-limit T``, the database run and the web's run all start a
:class:`Budget` when they begin. The solver gets what is left minus ``REPORT_SHARE`` of it (when
explanations follow); the explanations and shadow prices get the rest, and the shadow-price
LPs run under a watchdog with what is left at that point (or fall back on the solver's own
duals, marked approximate: :mod:`resettle.placement.explain`). What is not budgeted is writing
the files and the process's own start and exit: the stated margin (``MARGIN_SECONDS``, checked
by tests/integration/cli/test_place_budget.py at 20,000 cases).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

REPORT_SHARE = 0.15  # of the time left when the solve starts, kept for explanations + prices
OVERSHOOT_SHARE = 0.08  # a solver may pass its own limit by this share (checker, last poll)
REPORT_SECONDS_PER_CASE = 60e-6  # explanations + report.json, measured: ~1.2 s at 20,000 cases
MARGIN_SECONDS = 3.0  # what the whole command may take beyond the user's limit
UNTIMED_PRICE_SECONDS = 30.0  # no limit given: prices get max(this, twice the solve)


@dataclass(frozen=True)
class Budget:
    """A deadline on the monotonic clock, or none (no time limit given)."""

    deadline: float | None
    started: tuple[float, float] = (0.0, 0.0)  # (monotonic, process CPU) at the start

    @classmethod
    def of(cls, seconds: float | None) -> Budget:
        now = time.monotonic()
        return cls(None if seconds is None else now + max(float(seconds), 0.0),
                   (now, time.process_time()))

    def slowness(self) -> float:
        """Wall over CPU seconds since the start (1 on an idle machine, ~3 on this 2-core
        one shared by eight developers), so that fixed work is reserved in wall time."""
        wall = time.monotonic() - self.started[0]
        cpu = time.process_time() - self.started[1]
        return min(max(wall / cpu, 1.0), 4.0) if cpu > 0.2 else 1.0

    def left(self) -> float | None:
        return None if self.deadline is None else max(self.deadline - time.monotonic(), 0.0)

    def for_solve(self, *, explaining: bool, n_cases: int = 0) -> float | None:
        """The solver's time limit: what is left, less the report's share when explaining
        (at least what explaining ``n_cases`` takes, at most half of what is left)."""
        left = self.left()
        if left is None:
            return None
        if not explaining:
            return max(left, 0.05)
        work = (0.5 + REPORT_SECONDS_PER_CASE * n_cases) * self.slowness()
        reserve = max(REPORT_SHARE * left, work + OVERSHOOT_SHARE * left)
        return max(left - min(reserve, 0.5 * left), 0.05)

    def for_prices(self, solve_seconds: float) -> float:
        """Seconds the shadow prices may take from now."""
        left = self.left()
        if left is None:
            return max(UNTIMED_PRICE_SECONDS, 2.0 * solve_seconds)
        return left
