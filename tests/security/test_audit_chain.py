"""The audit chain detects every edit, insertion and deletion (tail deletion via anchors)."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resettle.security.audit import (
    GENESIS_HASH,
    AuditEntry,
    AuditEvent,
    chain_entry,
    parse_anchors,
    verify_chain,
)

KEY = b"k" * 32
T0 = datetime(2013, 5, 15, tzinfo=UTC)


def build(n: int) -> list[AuditEntry]:
    entries: list[AuditEntry] = []
    seq, prev = 0, GENESIS_HASH
    for i in range(n):
        event = AuditEvent(actor=f"user{i % 3}", role="protection_officer", action="case.read",
                           subject_type="case", subject_id=f"C-{i:04d}")
        entry = chain_entry(KEY, prev_seq=seq, prev_hash=prev, at=T0 + timedelta(seconds=i),
                            event=event)
        entries.append(entry)
        seq, prev = entry.seq, entry.entry_hash
    return entries


def codes(entries: list[AuditEntry], **kwargs: object) -> set[str]:
    return {p.code for p in verify_chain(entries, KEY, **kwargs).problems}  # type: ignore[arg-type]


def test_intact_chain_verifies() -> None:
    report = verify_chain(build(20), KEY)
    assert report.ok and report.count == 20 and report.head_seq == 20


def test_wrong_key_fails_every_entry() -> None:
    report = verify_chain(build(3), b"x" * 32)
    assert [p.code for p in report.problems] == ["edited_entry"] * 3


@settings(max_examples=60, deadline=None)
@given(n=st.integers(2, 12), data=st.data())
def test_any_edit_is_detected(n: int, data: st.DataObject) -> None:
    entries = build(n)
    i = data.draw(st.integers(0, n - 1))
    field = data.draw(st.sampled_from(["actor", "action", "subject_id", "outcome", "detail"]))
    edited = replace(entries[i], event=replace(entries[i].event, **{field: "tampered"}))
    entries[i] = edited
    assert "edited_entry" in codes(entries)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(3, 12), data=st.data())
def test_any_inner_deletion_is_detected(n: int, data: st.DataObject) -> None:
    entries = build(n)
    del entries[data.draw(st.integers(0, n - 2))]
    assert codes(entries) & {"sequence_gap", "broken_link"}


def test_insertion_is_detected_even_with_renumbering() -> None:
    entries = build(5)
    forged = chain_entry(b"attacker-key-000000000000000000!", prev_seq=2,
                         prev_hash=entries[1].entry_hash, at=T0,
                         event=AuditEvent("mallory", "auditor", "case.read"))
    tampered = [*entries[:2], forged, *(replace(e, seq=e.seq + 1) for e in entries[2:])]
    assert {"edited_entry", "broken_link"} <= codes(tampered)


def test_tail_deletion_needs_an_anchor() -> None:
    entries = build(6)
    anchors = parse_anchors(f"# copied out of the database\n6 {entries[-1].entry_hash}\n")
    assert codes(entries, anchors=anchors) == set()
    assert codes(entries[:-1], anchors=anchors) == {"anchor_mismatch"}


@pytest.mark.parametrize("swap", [(0, 1), (2, 4)])
def test_reordering_is_detected(swap: tuple[int, int]) -> None:
    entries = build(5)
    a, b = swap
    entries[a], entries[b] = entries[b], entries[a]
    assert codes(entries)
