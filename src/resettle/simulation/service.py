"""Loading a synthetic scenario (the CLI's `resettle scenario --load`, the demo, the benches):
the registry batch plus the screening history replayed for it.

A scenario is only ever loaded into a database that holds nothing else:
``reset_synthetic_database`` empties a database only when every case in it is synthetic
(scenario ids), so a demo can never wipe a real registry by mistake.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from resettle.core import RegistryBatch
from resettle.errors import ConflictError
from resettle.simulation.memory_store import MemoryScreeningStore
from resettle.simulation.ports import ScenarioDatabase, ScenarioStore

__all__ = [
    "SYNTHETIC_CASE_ID",
    "ScenarioDatabase",
    "ScenarioStore",
    "real_case_ids",
    "reset_synthetic_database",
    "store_scenario",
]

# Case ids the scenario generators make (generate_ashraf, generate_random), and the ids that
# screening derives from them when it splits a case.
SYNTHETIC_CASE_ID = re.compile(r"(ASH-\d{5}|RC\d{7})(-\d+)*")


def real_case_ids(database: ScenarioDatabase, limit: int = 3) -> list[str]:
    """A few ids of cases that no scenario generator made (empty if there are none)."""
    return [i for i in database.case_ids() if not SYNTHETIC_CASE_ID.fullmatch(i)][:limit]


def reset_synthetic_database(database: ScenarioDatabase) -> None:
    """Drop every table of a database that holds only synthetic cases; refuse otherwise."""
    real = real_case_ids(database)
    if real:
        raise ConflictError(
            f"the database holds cases no scenario made (e.g. {', '.join(real)}); it will not "
            "be emptied. Give another --database-url for the scenario or demo"
        )
    database.drop_everything()


def store_scenario(
    store: ScenarioStore, *, batch: RegistryBatch, history: MemoryScreeningStore | None = None,
    progress: Callable[[int], None] | None = None,
) -> bool:
    """Store the batch and its replayed history; False if exactly this is already stored.

    Idempotent: loading the same scenario again changes nothing. Loading a different one over
    cases that already have a history is refused (histories are append-only)."""
    with_history = store.cases_with_history([c.case_id for c in batch.cases])
    if with_history:
        stored = {c.case_id: replace(c, version=1) for c in store.stored_cases()}
        if all(stored.get(c.case_id) == replace(c, version=1) for c in batch.cases):
            return False
        raise ConflictError(
            f"{len(with_history)} of these cases already have a screening history that differs "
            "from this scenario; load it into an empty database (--replace empties a "
            "database that holds only synthetic data)"
        )
    store.store_batch(batch, progress)
    if history is not None:
        store.store_history(history)
    return True
