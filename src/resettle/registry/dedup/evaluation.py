"""Precision, recall and F1 of a deduplication against the truth: pairwise and B-cubed.

Pairwise counts every pair of records put in one cluster; B-cubed averages, over records, the
share of a record's cluster that truly is the same person (precision) and the share of the
person's records its cluster found (recall), so a big wrong merge costs what it should.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def _groups(assignment: Mapping[str, str]) -> dict[str, set[str]]:
    groups: dict[str, set[str]] = defaultdict(set)
    for record, group in assignment.items():
        groups[group].add(record)
    return groups


def _pairs(assignment: Mapping[str, str]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for members in _groups(assignment).values():
        found.update(combinations(sorted(members), 2))
    return found


def pairwise_scores(found: Mapping[str, str], truth: Mapping[str, str]) -> Scores:
    """Pairs put together by ``found`` clusters against the true pairs."""
    found_pairs, true_pairs = _pairs(found), _pairs(truth)
    correct = len(found_pairs & true_pairs)
    return Scores(correct / len(found_pairs) if found_pairs else 1.0,
                  correct / len(true_pairs) if true_pairs else 1.0)


def bcubed_scores(found: Mapping[str, str], truth: Mapping[str, str]) -> Scores:
    """B-cubed precision and recall over every record of ``truth``."""
    found_groups, true_groups = _groups(found), _groups(truth)
    precision = recall = 0.0
    for record, entity in truth.items():
        cluster = found_groups.get(found.get(record, record), {record})
        same = len(cluster & true_groups[entity])
        precision += same / len(cluster)
        recall += same / len(true_groups[entity])
    count = len(truth) or 1
    return Scores(precision / count, recall / count)


def pair_recall(found: Mapping[str, str], pairs: Iterable[tuple[str, str]]) -> float:
    """Share of the given true pairs that ``found`` puts in one cluster."""
    wanted = list(pairs)
    hits = sum(found.get(a, a) == found.get(b, b) for a, b in wanted)
    return hits / len(wanted) if wanted else 1.0
