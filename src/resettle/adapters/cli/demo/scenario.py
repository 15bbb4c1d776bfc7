"""The registry's demo step: a fresh database holding the Camp Ashraf scenario.

``DEMO_CONFIG`` is the scenario every demo step works on (its snapshot day, its population).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from resettle.adapters.cli.options import open_engine
from resettle.adapters.cli.scenario import load_scenario, make_ashraf
from resettle.adapters.db.engine import make_session_factory
from resettle.adapters.db.registry.store import load_batch
from resettle.reporting.stats import registry_stats, summarize_stats
from resettle.simulation.ashraf_config import AshrafConfig

if TYPE_CHECKING:  # demo imports this module for its STEPS
    from resettle.adapters.cli.demo import DemoContext


DEMO_CONFIG = AshrafConfig()


def step_load_ashraf(ctx: DemoContext, config: AshrafConfig = DEMO_CONFIG) -> None:
    """Demo: a fresh database with the Ashraf scenario (its screening history included)."""
    scenario = make_ashraf(ctx.seed, config)
    load_scenario(scenario, ctx.database_url, replace=True)
    engine = open_engine(ctx.database_url)
    try:
        with make_session_factory(engine)() as session:
            stored = load_batch(session)
    finally:
        engine.dispose()
    lines = summarize_stats(registry_stats(stored, config.as_of))
    ctx.console.rule("registry: the Camp Ashraf scenario (synthetic data)")
    for line in lines:
        ctx.console.print(line)
    ctx.summary["registry"] = lines[0] + " (synthetic)"
