"""What encryption at rest costs the registry: store and load ~100,000 persons, sealed fields on.

``store_batch`` into a fresh SQLite file and ``load_batch`` of the whole registry, at the random
instances' share of persons with a medical condition (6%) and at Camp Ashraf's (~45% of persons
have a sealed value: a diagnosis, a profile or a sensitive specific need). Then the sealing work
alone: encrypting and decrypting every sealed value outside the database (AES-256-GCM + JSON).

    .venv/bin/python -m bench registry_sealing
    .venv/bin/python -m bench.registry_sealing 3000    # a quick, smaller run

To compare with the code before encryption, run the same file with ``PYTHONPATH`` pointing at
an older ``src`` (the sealing-only figures are then skipped).
"""

from __future__ import annotations

import base64
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.machine import describe_machine

CASES = 30_000
LOCALITIES = 60
SEED = 2016
SHARES = (0.06, 0.45)
BENCH_KEYS = {"RESETTLE_DATA_KEYS": f"k1={base64.b64encode(b'b' * 32).decode()}",
              "RESETTLE_AUDIT_KEY": base64.b64encode(b"c" * 32).decode()}


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _timed(action: Callable[[], Any]) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), _cpu()
    result = action()
    return result, time.perf_counter() - wall, _cpu() - cpu


def main(cases: int = CASES) -> None:
    for name, value in BENCH_KEYS.items():
        os.environ.setdefault(name, value)
    import resettle

    print(f"code: {Path(resettle.__file__).parent}")
    print("| medical share | persons | sealed | store s (CPU) | load s (CPU) |")
    print("|---|---|---|---|---|")
    for share in SHARES:
        _store_and_load(cases, share)
    _sealing_only(cases)
    print(f"machine: {describe_machine()}; load average {os.getloadavg()[0]:.1f}")


def _store_and_load(cases: int, share: float) -> None:
    from sqlalchemy import text

    from resettle.adapters.db.engine import make_session_factory, open_database
    from resettle.adapters.db.registry.store import load_batch, store_batch
    from resettle.simulation.random_instances import generate_random

    batch = generate_random(cases, LOCALITIES, SEED, share_medical=share)
    with tempfile.TemporaryDirectory(prefix="resettle-bench-") as tmp:
        engine = open_database(f"sqlite:///{Path(tmp) / 'sealing.db'}")
        factory = make_session_factory(engine)
        with factory.begin() as session:
            _, store_s, store_cpu = _timed(lambda: store_batch(session, batch=batch))
        with factory() as session:
            loaded, load_s, load_cpu = _timed(lambda: load_batch(session))
            sealed = _count_sealed(session, text)
        engine.dispose()
    assert loaded.cases == batch.cases
    print(f"| {share:.0%} | {batch.persons_count:,} | {sealed} | {store_s:.1f} "
          f"({store_cpu:.1f}) | {load_s:.1f} ({load_cpu:.1f}) |", flush=True)


def _count_sealed(session: Any, text: Any) -> str:
    try:
        count = session.execute(text(
            "SELECT count(*) FROM persons WHERE sealed_details IS NOT NULL")).scalar()
    except Exception:  # the code before encryption has no such column
        session.rollback()
        return "n/a"
    return f"{count:,}"


def _sealing_only(cases: int) -> None:
    try:
        from resettle.adapters.db.sealing import open_json, seal_json
    except ImportError:
        return
    from resettle.adapters.db.registry.mapping import case_member_rows
    from resettle.security.crypto import load_keyring
    from resettle.simulation.random_instances import generate_random

    batch = generate_random(cases, LOCALITIES, SEED, share_medical=SHARES[-1])
    keys = load_keyring()
    values = [(row["sealed_details"], row["person_id"]) for case in batch.cases
              for row in case_member_rows(case) if row["sealed_details"] is not None]
    tokens, seal_s, _ = _timed(lambda: [seal_json(keys, v, where=f"persons:sealed_details:{p}")
                                        for v, p in values])
    _, open_s, _ = _timed(lambda: [open_json(keys, t, where=f"persons:sealed_details:{p}")
                                   for t, (_, p) in zip(tokens, values, strict=True)])
    per = 1e6 / max(len(values), 1)
    print(f"sealing alone, {len(values):,} values: encrypt {seal_s:.2f} s "
          f"({seal_s * per:.0f} µs each), decrypt {open_s:.2f} s ({open_s * per:.0f} µs each)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else CASES)
