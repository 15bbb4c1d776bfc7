"""Run benchmarks: ``python -m bench`` runs all, ``python -m bench NAME ...`` runs some.

Each ``bench/<name>.py`` with a ``main()`` is one benchmark. It prints its figures and the
machine it ran on; copy them into bench/RESULTS.md.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def available() -> list[str]:
    here = Path(__file__).parent
    return sorted(
        info.name
        for info in pkgutil.iter_modules([str(here)])
        if not info.name.startswith("_") and info.name != "machine"
    )


def run(names: list[str]) -> None:
    for name in names or available():
        module = importlib.import_module(f"bench.{name}")
        print(f"== bench/{name}.py", flush=True)
        module.main()


if __name__ == "__main__":
    run(sys.argv[1:])
