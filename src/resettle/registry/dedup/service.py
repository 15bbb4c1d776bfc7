"""Deduplication use cases, the one place the CLI (and later the web) call.

- ``find_duplicates``: the whole registry, trained on itself (or with a saved model), scored
  and clustered; the pairs are candidates for a registration officer, never merged here.
- ``check_person``: one new person against the registry before it is stored: likely matches
  with the fields that agree.
- ``decide_pair`` and ``review_queue``: an officer confirms or rejects a candidate pair; the
  queue holds the pairs nobody has decided yet. Merging records is the screening workflow's
  business, not this module's.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from resettle.core.case import Case
from resettle.core.issues import Issue
from resettle.core.person import Person
from resettle.errors import DedupModelNeededError, ValidationError
from resettle.registry.dedup.blocking import TF_COLUMNS, blocking_keys
from resettle.registry.dedup.features import FeatureRow, person_features, registry_rows
from resettle.registry.dedup.linkage import PAIR_THRESHOLD, deduplicate, find_matches
from resettle.registry.dedup.merging import (
    MergeStatus,
    PersonMerge,
    check_not_merged_away,
    check_principal_stays,
    confirmed,
    refused,
    reversed_merge,
)
from resettle.registry.dedup.ports import (
    CandidateSource,
    DecisionStore,
    MergeStore,
    PairStore,
    Workflow,
)
from resettle.registry.dedup.realtime import with_frequencies
from resettle.registry.dedup.records import (
    Backend,
    Decision,
    DedupResult,
    MatchPair,
    PairDecision,
    pair_key,
)
from resettle.registry.dedup.scoring import score_pairs

MIN_PERSONS_TO_TRAIN = 200  # EM needs enough pairs; below this, use a saved model


def find_duplicates(cases: Iterable[Case], *, model: dict[str, Any] | None = None,
                    backend: Backend = Backend.DUCKDB, spark: Any = None,
                    seed: int = 0) -> DedupResult:
    """Likely duplicate pairs and clusters of the registry's persons."""
    rows = list(registry_rows(cases))
    if model is None and len(rows) < MIN_PERSONS_TO_TRAIN:
        raise DedupModelNeededError(
            f"the registry holds {len(rows)} persons; training needs at least "
            f"{MIN_PERSONS_TO_TRAIN}: give a model saved by 'resettle dedup run --save-model'")
    return deduplicate(rows, model=model, backend=backend, spark=spark, seed=seed)


def check_person(person: Person, cases: Iterable[Case], model: dict[str, Any], *,
                 household: Iterable[Person] = (), threshold: float = PAIR_THRESHOLD,
                 ) -> tuple[MatchPair, ...]:
    """Registry persons likely to be ``person``, most likely first, with their reasons."""
    rows = [row for row in registry_rows(cases) if row["unique_id"] != person.person_id]
    return find_matches(rows, person_features(person, household), model, threshold=threshold)


# Scores (left, right) pairs with a model at a threshold: ``scoring.score_pairs`` (Python, the
# default) or ``realtime.score_pairs`` (Splink's SQL in DuckDB), which give the same answer.
PairScorer = Callable[..., tuple[MatchPair, ...]]


def check_new_person(source: CandidateSource, person: Person, model: dict[str, Any], *,
                     household: Iterable[Person] = (), threshold: float = PAIR_THRESHOLD,
                     scorer: PairScorer = score_pairs) -> tuple[MatchPair, ...]:
    """Registry persons likely to be ``person``, from the registry's index: the persons
    sharing a blocking key, scored by the trained model (most likely first, with reasons)."""
    found = check_persons(source, [(person, tuple(household))], model, threshold=threshold,
                          scorer=scorer)
    return found.get(person.person_id, ())


def check_persons(source: CandidateSource,
                  persons: Sequence[tuple[Person, tuple[Person, ...]]], model: dict[str, Any],
                  *, threshold: float = PAIR_THRESHOLD, scorer: PairScorer = score_pairs,
                  ) -> dict[str, tuple[MatchPair, ...]]:
    """Likely matches of each (person, household) among the registry's indexed persons (an
    import's rows: one query for them all); persons with none are left out."""
    rows = [person_features(person, household) for person, household in persons]
    keyed = [blocking_keys(row) for row in rows]
    candidates = source.candidates(sorted({key for keys in keyed for key in keys}))
    spelled = {column: [r.get(column) or "" for r in (*rows, *candidates)]
               for column in TF_COLUMNS}
    frequencies = source.frequencies(spelled)
    pairs: list[tuple[FeatureRow, FeatureRow]] = []
    for row, met in zip(rows, _candidates_met(keyed, candidates), strict=True):
        met.pop(row["unique_id"], None)
        left = with_frequencies(row, frequencies)
        pairs.extend((left, with_frequencies(c, frequencies)) for c in met.values())
    found: dict[str, list[MatchPair]] = {}
    for pair in scorer(pairs, model, threshold=threshold):
        found.setdefault(pair.left_id, []).append(pair)
    return {person_id: tuple(sorted(matches, key=lambda p: -p.match_probability))
            for person_id, matches in found.items()}


def _candidates_met(keyed: Sequence[tuple[tuple[str, str], ...]],
                    candidates: Sequence[FeatureRow]) -> list[dict[str, FeatureRow]]:
    """For each row's keys, the candidates (by id) sharing one of them. One row (a
    registration check) meets every candidate, found by its keys alone."""
    if len(keyed) == 1:
        return [{c["unique_id"]: c for c in candidates}]
    by_key: dict[tuple[str, str], list[FeatureRow]] = {}
    for candidate in candidates:
        for key in blocking_keys(candidate):
            by_key.setdefault(key, []).append(candidate)
    return [{c["unique_id"]: c for key in keys for c in by_key.get(key, ())} for keys in keyed]


def save_model(model: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(model, indent=1), encoding="utf-8")


def load_model(path: Path) -> dict[str, Any]:
    model: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return model


def decide_pair(store: DecisionStore, person_id: str, other_person_id: str, decision: Decision,
                *, officer: str, reason: str, now: datetime) -> PairDecision:
    """Record an officer's answer about two records (a later answer replaces an earlier one)."""
    problems = []
    if person_id == other_person_id:
        problems.append(Issue("same_record", "a person cannot be a duplicate of themselves: "
                              "give two different ids", field="other_person_id"))
    if not officer.strip():
        problems.append(Issue("missing_value", "say which officer decided", field="officer"))
    if not reason.strip():
        problems.append(Issue("missing_value", "give the reason for the decision (what you "
                              "compared)", field="reason"))
    if problems:
        raise ValidationError(problems)
    first, second = pair_key(person_id, other_person_id)
    made = PairDecision(first, second, decision, officer.strip(), reason.strip(), now)
    store.save_decision(made)
    return made


def review_queue(result: DedupResult, store: DecisionStore) -> tuple[MatchPair, ...]:
    """Candidate pairs no officer has decided yet, most likely first."""
    decided = store.decisions()
    waiting = (p for p in result.pairs if pair_key(p.left_id, p.right_id) not in decided)
    return tuple(sorted(waiting, key=lambda p: -p.match_probability))


# Review and merge ---------------------------------------------------------------------------
OPEN_MERGES = frozenset({MergeStatus.PROPOSED, MergeStatus.MERGED})


def duplicate_queue(pairs: PairStore, decisions: DecisionStore, merges: MergeStore, *,
                    limit: int = 100) -> list[MatchPair]:
    """Likely duplicates an officer has not decided on yet, most likely first."""
    decided = set(decisions.decisions())
    decided.update(pair_key(m.kept_person_id, m.duplicate_person_id)
                   for m in merges.merges() if m.status in OPEN_MERGES)
    waiting = [p for p in pairs.pairs(limit + len(decided))
               if pair_key(p.left_id, p.right_id) not in decided]
    return waiting[:limit]


def merge_persons(workflow: Workflow, merges: MergeStore, kept_person_id: str,
                  duplicate_person_id: str, *, officer: str, reason: str,
                  now: datetime) -> PersonMerge:
    """Merge the duplicate into the kept person: at once, or proposed for a second officer
    when either has been interviewed."""
    _check_merge_request(kept_person_id, duplicate_person_id, officer, reason)
    _check_both_members(merges, kept_person_id, duplicate_person_id)
    kept = workflow.case_of_person(kept_person_id)
    duplicate = workflow.case_of_person(duplicate_person_id)
    merge = PersonMerge(merges.new_merge_id(), kept_person_id, duplicate_person_id,
                        kept.case_id, duplicate.case_id, MergeStatus.PROPOSED, officer.strip(),
                        now, reason.strip(), kept.interviewed or duplicate.interviewed)
    if merge.needs_second_officer:
        merges.save_merge(merge)
        return merge
    return _carry_out(workflow, merges, merge, officer=officer.strip(), now=now)


def confirm_merge(workflow: Workflow, merges: MergeStore, merge_id: str, *, officer: str,
                  now: datetime) -> PersonMerge:
    """A second officer confirms a proposed merge (not the one who proposed it)."""
    return _carry_out(workflow, merges, merges.get_merge(merge_id), officer=officer, now=now)


def refuse_merge(merges: MergeStore, merge_id: str, *, officer: str,
                 now: datetime) -> PersonMerge:
    merge = refused(merges.get_merge(merge_id), officer=officer, at=now)
    merges.save_merge(merge)
    return merge


def reverse_merge(workflow: Workflow, merges: MergeStore, merge_id: str, *, officer: str,
                  reason: str, now: datetime) -> PersonMerge:
    """Undo a merge: the members that joined are split back out into a case of their own."""
    merge = merges.get_merge(merge_id)
    _check_merge_request(merge.kept_person_id, merge.duplicate_person_id, officer, reason)
    undone = reversed_merge(merge, officer=officer, at=now, case_id="")
    # Reversed first: the duplicate is a member again, so the split can move it back out.
    merges.save_merge(undone)
    if merge.moved_ids:
        case = workflow.case_of_person(merge.kept_person_id)
        case_id = workflow.split_out(case.case_id, frozenset(merge.moved_ids),
                                     principal_id=merge.source_principal_id, actor=officer,
                                     reason=f"merge {merge.merge_id} reversed: {reason}")
        undone = replace(undone, reversal_case_id=case_id)
        merges.save_merge(undone)
    return undone


def _carry_out(workflow: Workflow, merges: MergeStore, merge: PersonMerge, *, officer: str,
               now: datetime) -> PersonMerge:
    _check_both_members(merges, merge.kept_person_id, merge.duplicate_person_id)
    kept = workflow.case_of_person(merge.kept_person_id)
    duplicate = workflow.case_of_person(merge.duplicate_person_id)
    check_principal_stays(merge.duplicate_person_id, same_case=kept.case_id == duplicate.case_id,
                          principal_id=kept.principal_id)
    done = confirmed(merge, officer=officer, at=now, moved=(), source_principal_id="")
    moved: tuple[str, ...] = ()
    if kept.case_id != duplicate.case_id:
        workflow.merge_cases(kept.case_id, duplicate.case_id, actor=officer,
                             reason=f"duplicate registration ({merge.merge_id}): "
                                    f"{merge.reason}")
        moved = duplicate.member_ids
    done = replace(done, moved_ids=moved, source_principal_id=duplicate.principal_id,
                   target_case_id=kept.case_id, source_case_id=duplicate.case_id)
    merges.save_merge(done)
    return done


def _check_both_members(merges: MergeStore, kept: str, duplicate: str) -> None:
    """Neither record may already be merged away (merge into its survivor instead)."""
    merged = merges.survivors([kept, duplicate])
    check_not_merged_away(kept, merged.get(kept), role="person kept")
    check_not_merged_away(duplicate, merged.get(duplicate), role="duplicate")


def _check_merge_request(kept: str, duplicate: str, officer: str, reason: str) -> None:
    problems = []
    if kept == duplicate:
        problems.append(Issue("same_record", "a person cannot be merged with themselves: give "
                              "two different ids", field="duplicate_person_id"))
    if not officer.strip():
        problems.append(Issue("missing_value", "say which officer acts", field="officer"))
    if not reason.strip():
        problems.append(Issue("missing_value", "give the reason (what you compared)",
                              field="reason"))
    if problems:
        raise ValidationError(problems)
