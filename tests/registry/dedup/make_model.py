"""Write ``trained_model.json``: a model trained by EM on a synthetic registry (seed 5, 3,000
first registrations), so tests that need a trained model do not train one each time.

    PYTHONPATH=src python tests/registry/dedup/make_model.py

Run it again whenever ``registry/dedup/settings.py`` changes the comparisons.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from resettle.registry.dedup import find_duplicates
from resettle.simulation.duplicates import generate_registry_with_duplicates

MODEL = Path(__file__).with_name("trained_model.json")


def trained_model() -> dict[str, Any]:
    model: dict[str, Any] = json.loads(MODEL.read_text(encoding="utf-8"))
    return model


if __name__ == "__main__":
    logging.getLogger("splink").setLevel(logging.WARNING)
    registry = generate_registry_with_duplicates(5, 3000)
    MODEL.write_text(json.dumps(find_duplicates(registry.cases).model, indent=1),
                     encoding="utf-8")
