"""Short time limits at 10,000,000 pairs (issue 17 item 0): held, or refused before any work.

Instance B of bench/placement_scale.py (100,000 cases x 1,000 localities x 3 dimensions,
10,000,000 pairs). For every limit (``PLACEMENT_SHORT_LIMITS``, default 40,60,90 s):

- ``solve``: the ``large`` solver called directly with that limit (a fresh process that builds
  the instance, then solves and checks; the time of the solve alone);
- ``command``: ``resettle place --solver large --time-limit L --report`` on the instance
  written as CSV, the whole command (refused, or held within L + MARGIN_SECONDS).

Baseline in the same run: the same two with the code of ``PLACEMENT_SHORT_BASELINE`` (a commit,
default the merge before this work, 4c2250a), extracted with ``git archive`` and put first on
the child's PYTHONPATH. ``PLACEMENT_SHORT_PARTS=solve`` (or ``command``) runs one part;
``PLACEMENT_SHORT_COMMAND_LIMITS`` overrides the command's limits (each one that is not refused
reads 10,000,000 scores: minutes); ``least`` runs it at the smallest limit this branch states
at that moment. ``PLACEMENT_SHORT_BASELINE=`` (empty) runs no baseline. The 1-minute load
average before each run is beside it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path
from typing import Any

from bench.machine import describe_machine

ROOT = Path(__file__).resolve().parent.parent
BASELINE = os.environ.get("PLACEMENT_SHORT_BASELINE", "4c2250a")


def _solve_child(limit: float) -> None:
    """Child process: build B, solve with ``limit``, check, print one JSON line."""
    from bench.placement_scale import make_instance
    from resettle.placement.check import check_placement
    from resettle.placement.solvers import get_solver

    problem = make_instance("B")
    wall, cpu = time.perf_counter(), time.process_time()
    result = get_solver("large").solve(problem, time_limit=limit)
    out = {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
           "gap": result.gap, "status": str(result.status)}
    check_placement(problem, result.assignment)
    print(json.dumps(out))


def _run(args: list[str], source: Path) -> tuple[float, float, float, str]:
    """(wall s, CPU s, peak MiB, stdout + stderr) of one child with ``source`` first."""
    env = {**os.environ, "PYTHONPATH": f"{source}:{ROOT}"}
    started = time.perf_counter()
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          env=env) as child:
        output = child.stdout.read() if child.stdout else ""
        _, status, usage = os.wait4(child.pid, 0)  # this child's own CPU and peak memory
        child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output


def _baseline_source(folder: Path) -> Path:
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", BASELINE, "src"],
                             capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder / "baseline", filter="data")
    return folder / "baseline" / "src"


def _solve_row(name: str, source: Path, limit: float) -> str:
    load = os.getloadavg()[0]
    _, _, peak, output = _run([sys.executable, "-m", "bench.placement_short_limits",
                               "--solve", str(limit)], source)
    try:
        out: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return f"| solve | {name} | {limit:.0f} | failed: {' '.join(output.split())[-120:]} |"
    gap = "—" if out["gap"] is None else f"{100 * out['gap']:.2f}%"
    return (f"| solve | {name} | {limit:.0f} | {out['wall']:.1f} | {out['cpu']:.1f} | {gap} | "
            f"{peak:.0f} | {load:.1f} | {out['status']} |")


def _command_row(name: str, source: Path, limit: float, paths: dict[str, Path]) -> str:
    from resettle.placement.budget import MARGIN_SECONDS

    report = paths["folder"] / "report.json"
    report.unlink(missing_ok=True)
    load = os.getloadavg()[0]
    wall, cpu, peak, output = _run([
        sys.executable, "-m", "resettle", "place", "--cases", str(paths["cases"]),
        "--localities", str(paths["localities"]), "--scores", str(paths["scores"]),
        "--out", str(paths["folder"] / "out.csv"), "--solver", "large",
        "--time-limit", str(limit), "--report", str(report)], source)
    if "too short" in output:
        least = " ".join(output.split()).split("at least ")[-1].split(" s")[0]
        note, gap = f"refused before any work: at least {least} s", "—"
    else:
        held = "held" if wall <= limit + MARGIN_SECONDS else "NOT held"
        data = json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}
        gap = f"{100 * data['gap']:.2f}%" if data.get("gap") is not None else "—"
        note = f"{held} (limit + {MARGIN_SECONDS:.0f} s), status {data.get('status', '?')}"
    return (f"| command | {name} | {limit:.0f} | {wall:.1f} | {cpu:.1f} | {gap} | {peak:.0f} | "
            f"{load:.1f} | {note} |")


def _limits(variable: str, default: str) -> list[float]:
    return [float(v) for v in os.environ.get(variable, default).split(",") if v]


def _write_child(folder: Path) -> None:
    """Child process: write B as CSV, so that the parent never holds it (a child's peak memory
    starts from its parent's)."""
    from bench.placement_scale import make_instance
    from resettle.placement.synthetic import write_problem_files

    write_problem_files(make_instance("B"), folder)


def main() -> None:
    parts = os.environ.get("PLACEMENT_SHORT_PARTS", "solve,command").split(",")
    limits = _limits("PLACEMENT_SHORT_LIMITS", "40,60,90")
    command_limits = os.environ.get("PLACEMENT_SHORT_COMMAND_LIMITS", "")
    print(describe_machine())
    print("| part | code | limit s | wall s | CPU s | gap | peak MiB | load | outcome |")
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        codes = [("this branch", ROOT / "src")]
        if BASELINE:
            codes.insert(0, (f"baseline {BASELINE}", _baseline_source(Path(folder))))
        if "solve" in parts:
            for limit in limits:
                for name, source in codes:
                    print(_solve_row(name, source, limit), flush=True)
        if "command" in parts:
            env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}"}
            subprocess.run([sys.executable, "-m", "bench.placement_short_limits", "--write",
                            folder], check=True, env=env)
            paths = {name: Path(folder) / f"{name}.csv"
                     for name in ("cases", "localities", "scores")}
            paths["folder"] = Path(folder)
            if command_limits == "least":  # the smallest limit this branch states, right now
                row = _command_row("this branch", ROOT / "src", 1.0, paths)
                print(row, flush=True)
                limits = [float(row.split("at least ")[-1].split(" s")[0])]
                codes.reverse()  # this branch first, while the load is what it was told
            elif command_limits:
                limits = _limits("PLACEMENT_SHORT_COMMAND_LIMITS", "")
            for limit in limits:
                for name, source in codes:
                    print(_command_row(name, source, limit, paths), flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--solve":
        _solve_child(float(sys.argv[2]))
    elif len(sys.argv) == 3 and sys.argv[1] == "--write":
        _write_child(Path(sys.argv[2]))
    else:
        main()
