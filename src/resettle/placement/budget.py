"""A user's time limit held end to end: solve, check, explanations and shadow prices.

``resettle place --time-limit T``, the database run and the web's run all start a
:class:`Budget` when they begin. The solver gets what is left minus ``REPORT_SHARE`` of it (when
explanations follow); the explanations and shadow prices get the rest, and the shadow-price
LPs run under a watchdog with what is left at that point (or fall back on the solver's own
duals, marked approximate: :mod:`resettle.placement.explain`). What is not budgeted is writing
the files and the process's own start and exit: the stated margin (``MARGIN_SECONDS``, checked
by tests/integration/cli/test_place_budget.py at 20,000 cases).

Some work does not shrink with the limit: reading and building the problem, the solver's
set-up, fill, tier bounds and checker, the explanations. At 10,000,000 pairs it alone takes
longer than a short limit, so a limit below it is refused before any work
(:func:`refuse_short_limit`, called by the CLI, the database run and the web alike), with the
smallest limit the instance needs, from measured rates (``*_SECONDS_PER_*``, CPU seconds on
an idle core, bench/RESULTS.md "Short limits") times how busy the machine is now.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass

from resettle.errors import BadParameterError

REPORT_SHARE = 0.15  # of the time left when the solve starts, kept for explanations + prices
OVERSHOOT_SHARE = 0.08  # a solver may pass its own limit by this share (checker, last poll)
REPORT_SECONDS_PER_CASE = 60e-6  # explanations + report.json, measured: ~1.2 s at 20,000 cases
MARGIN_SECONDS = 3.0  # what the whole command may take beyond the user's limit
UNTIMED_PRICE_SECONDS = 30.0  # no limit given: prices get max(this, twice the solve)
# Fixed work, CPU seconds on an idle core (issue 17 item 0; measured at 600,000 and
# 10,000,000 pairs): reading scores.csv and building the problem, per allowed pair ...
READ_SECONDS_PER_PAIR = 3.5e-6  # 3.6 at 600,000 pairs, 3.3 at 10,000,000
# ... and the solver's part that no limit shortens (the large solver's: tier coefficients,
# the dual's set-up, one priced fill, the tier bounds, the checker), per allowed pair.
SOLVE_SECONDS_PER_PAIR = 1.8e-6  # 1.5 at 600,000 pairs, 1.7 at 10,000,000
FIXED_SHARE = 0.7  # at most this share of a limit may go to the fixed work: the rest solves
MAX_SLOWNESS = 4.0
MEASURED_CPU = 0.2  # CPU seconds after which wall/CPU since the start means something


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
        return min(max(wall / cpu, 1.0), MAX_SLOWNESS) if cpu > MEASURED_CPU else 1.0

    def slowness_or_expected(self) -> float:
        """:meth:`slowness` once measured, else what the machine's load promises."""
        measured = time.process_time() - self.started[1] > MEASURED_CPU
        return self.slowness() if measured else expected_slowness()

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


def expected_slowness() -> float:
    """Wall over CPU seconds to expect before anything is measured: one more runnable process
    (this one) over the cores, from the 1-minute load average (1 on an idle machine)."""
    cores = os.cpu_count() or 1
    return min(max((os.getloadavg()[0] + 1.0) / cores, 1.0), MAX_SLOWNESS)


def minimum_seconds(n_cases: int, n_pairs: int, *, reading: bool, explaining: bool,
                    slowness: float) -> float:
    """The smallest time limit an instance needs: its fixed work at this slowness, as
    ``FIXED_SHARE`` of the limit (rounded up: to 0.1 s below 10 s, else to whole seconds)."""
    cpu = SOLVE_SECONDS_PER_PAIR * n_pairs
    cpu += READ_SECONDS_PER_PAIR * n_pairs if reading else 0.0
    cpu += REPORT_SECONDS_PER_CASE * n_cases if explaining else 0.0
    seconds = cpu * slowness / FIXED_SHARE
    return math.ceil(seconds * 10) / 10 if seconds < 10 else float(math.ceil(seconds))


def refuse_short_limit(budget: Budget, n_cases: int, n_pairs: int, *, reading: bool,
                       explaining: bool) -> None:
    """Raise :class:`BadParameterError` before any work if ``budget``'s limit is shorter than
    what has been spent so far plus :func:`minimum_seconds` (no limit: nothing to refuse)."""
    if budget.deadline is None:
        return
    limit = budget.deadline - budget.started[0]
    spent = time.monotonic() - budget.started[0]
    slowness = budget.slowness_or_expected()
    needed = spent + minimum_seconds(n_cases, n_pairs, reading=reading, explaining=explaining,
                                     slowness=slowness)
    if limit >= needed:
        return
    needed = float(math.ceil(needed)) if needed >= 10 else math.ceil(needed * 10) / 10
    what = "reading, " if reading else ""
    what += "the solver's fixed work" + (" and the explanations" if explaining else "")
    fixed = math.ceil(FIXED_SHARE * (needed - spent))
    raise BadParameterError(
        f"a time limit of {limit:g} s is too short for {n_cases:,} cases and {n_pairs:,} "
        f"allowed pairs: {what} alone take about {fixed} s on this machine now "
        f"({slowness:.1f}x slower than an idle core, load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count() or 1} cores), and the solve needs time "
        f"beyond that. Nothing was placed. Give a time limit of at least {needed:g} s, or "
        "none, or run it when the machine is less busy."
    )
