"""``resettle place --solver large --time-limit 15 --report report.json`` as a user runs it
(issue 17 item 0): one process per run, wall and CPU seconds, peak memory, load average.

Instance: ``random_problem(20_000, 300, seed=1, n_dimensions=2, tightness=0.95, density=0.1)``
(600,000 pairs) written as CSV. Baseline in the same run: the same command without
``--report`` (the solve alone), so the report's cost shows as the difference. The program's
start-up (importing the CLI) is measured apart: ``python -c 'import resettle.adapters.cli.main'``.
Set ``PLACEMENT_BUDGET_LIMIT`` to change the limit.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.machine import describe_machine
from resettle.placement.budget import MARGIN_SECONDS
from resettle.placement.synthetic import random_problem, write_problem_files


def _run(args: list[str]) -> tuple[float, float, float]:
    """(wall s, CPU s, peak MiB) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, env={**os.environ})
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss / 1024


def main() -> None:
    limit = float(os.environ.get("PLACEMENT_BUDGET_LIMIT", "15"))
    print(describe_machine())
    problem = random_problem(20_000, 300, seed=1, n_dimensions=2, tightness=0.95, density=0.1)
    with tempfile.TemporaryDirectory() as folder:
        paths = write_problem_files(problem, Path(folder))
        place = [sys.executable, "-m", "resettle", "place", "--cases", str(paths["cases"]),
                 "--localities", str(paths["localities"]), "--scores", str(paths["scores"]),
                 "--out", str(Path(folder) / "out.csv"), "--solver", "large",
                 "--time-limit", str(limit)]
        report = Path(folder) / "report.json"
        runs = [("start-up only (import the CLI)",
                 [sys.executable, "-c", "import resettle.adapters.cli.main"]),
                ("baseline: place, no report", place),
                ("place --report", [*place, "--report", str(report)])]
        for name, args in runs:
            load = os.getloadavg()[0]
            wall, cpu, peak = _run(args)
            line = (f"{name}: {wall:.1f} s wall, {cpu:.1f} s CPU, peak {peak:.0f} MiB, "
                    f"load {load:.1f}")
            if name.startswith("place --report"):
                data = json.loads(report.read_text(encoding="utf-8"))
                line += (f"; status {data['status']}, gap {100 * data['gap']:.2f}%, prices: "
                         f"{data['shadow_price_method']}; limit {limit:.0f} s + margin "
                         f"{MARGIN_SECONDS:.0f} s: "
                         f"{'held' if wall <= limit + MARGIN_SECONDS else 'NOT held'} in wall")
            print(line, flush=True)
