"""Registration deduplication: the same person across scripts, spellings and calendars.

Features (``features``: romanized names, consonant skeletons, date variants) feed a Splink
model (``settings``: blocking and comparisons as data) trained by EM and clustered by Splink
(``linkage``); ``service`` holds the use cases the CLI calls.
"""

from resettle.registry.dedup.records import (
    Agreement,
    Backend,
    Decision,
    DedupResult,
    MatchPair,
    PairDecision,
)
from resettle.registry.dedup.service import (
    check_person,
    decide_pair,
    find_duplicates,
    load_model,
    review_queue,
    save_model,
)

__all__ = [
    "Agreement",
    "Backend",
    "Decision",
    "DedupResult",
    "MatchPair",
    "PairDecision",
    "check_person",
    "decide_pair",
    "find_duplicates",
    "load_model",
    "review_queue",
    "save_model",
]
