"""HiGHS prints its banner from the first instance's constructor; nothing may reach stdout.

Run in a fresh interpreter: the banner is written once per process, so within the test
process an earlier solve would already have used it up.
"""

from __future__ import annotations

import subprocess
import sys

SOLVE = """
import sys
print("before")
from resettle.placement.solvers import get_solver
from resettle.placement.synthetic import random_problem
result = get_solver("exact").solve(random_problem(6, 2, seed=1), seed=1)
print("after", result.status)
"""


def test_a_solve_prints_no_highs_banner_on_stdout() -> None:
    done = subprocess.run([sys.executable, "-c", SOLVE], capture_output=True, text=True,
                          timeout=120, check=True)
    assert "HiGHS" not in done.stdout and "HiGHS" not in done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "before" and lines[1].startswith("after ")  # our own output survives
    assert len(lines) == 2


def test_raw_highspy_does_print_the_banner() -> None:
    """The check above could fail: unsilenced, HiGHS does write to stdout."""
    done = subprocess.run([sys.executable, "-c", "import highspy; highspy.Highs()"],
                          capture_output=True, text=True, timeout=60, check=True)
    assert "Running HiGHS" in done.stdout
