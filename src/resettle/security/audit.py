"""A tamper-evident audit trail: append-only entries chained by keyed hashes (HMAC-SHA256).

Each entry's hash covers its own fields and the previous entry's hash, keyed with a secret kept
outside the database. Editing an entry breaks its hash; inserting or deleting one breaks the
sequence and the chain; someone holding only the database cannot recompute the chain. Deleting
the newest entries is caught by comparing with anchors (sequence number and hash) copied out of
the database earlier, e.g. by ``resettle audit verify --anchor FILE``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from resettle.core.issues import Issue

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class AuditEvent:
    """What happened, before it is placed in the chain. ``detail`` never holds personal data."""

    actor: str  # username, or "system"
    role: str
    action: str  # e.g. "case.read", "login.failed"
    subject_type: str = ""  # e.g. "case", "user", "placement_run"
    subject_id: str = ""
    outcome: str = "ok"  # ok | denied | failed
    detail: str = ""


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: datetime
    event: AuditEvent
    prev_hash: str
    entry_hash: str


def _canonical(seq: int, at: datetime, event: AuditEvent, prev_hash: str) -> bytes:
    fields = {
        "seq": seq,
        "at": at.isoformat(timespec="microseconds"),
        "actor": event.actor,
        "role": event.role,
        "action": event.action,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "outcome": event.outcome,
        "detail": event.detail,
        "prev": prev_hash,
    }
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def hash_entry(key: bytes, seq: int, at: datetime, event: AuditEvent, prev_hash: str) -> str:
    return hmac.new(key, _canonical(seq, at, event, prev_hash), hashlib.sha256).hexdigest()


def chain_entry(
    key: bytes, *, prev_seq: int, prev_hash: str, at: datetime, event: AuditEvent
) -> AuditEntry:
    """The next entry after (``prev_seq``, ``prev_hash``)."""
    seq = prev_seq + 1
    return AuditEntry(seq, at, event, prev_hash, hash_entry(key, seq, at, event, prev_hash))


@dataclass(frozen=True)
class ChainReport:
    count: int
    head_seq: int
    head_hash: str
    problems: tuple[Issue, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_chain(
    entries: Iterable[AuditEntry], key: bytes, *, anchors: Mapping[int, str] | None = None,
    start: tuple[int, str] = (1, GENESIS_HASH),
) -> ChainReport:
    """Check every entry, in ``seq`` order; report every problem, not just the first.

    ``start`` is the first entry's expected (seq, prev_hash): the genesis for the whole chain,
    or a trusted point for checking only its newest part.
    """
    problems: list[Issue] = []
    (expected_seq, prev_hash), count = start, 0
    seen: dict[int, str] = {}
    for entry in entries:
        count += 1
        where = f"entry {entry.seq}"
        if entry.seq != expected_seq:
            problems.append(
                Issue("sequence_gap", f"expected entry {expected_seq}, found {entry.seq}: "
                      "an entry was deleted or inserted", record=where)
            )
        if entry.prev_hash != prev_hash:
            problems.append(
                Issue("broken_link", "does not point to the entry before it: an entry was "
                      "deleted, inserted or reordered", record=where, field="prev_hash")
            )
        recomputed = hash_entry(key, entry.seq, entry.at, entry.event, entry.prev_hash)
        if not hmac.compare_digest(recomputed, entry.entry_hash):
            problems.append(
                Issue("edited_entry", "its hash does not match its content: it was edited "
                      "(or the audit key is wrong)", record=where, field="entry_hash")
            )
        seen[entry.seq] = entry.entry_hash
        expected_seq, prev_hash = entry.seq + 1, entry.entry_hash
    for seq, anchored in sorted((anchors or {}).items()):
        if seen.get(seq) != anchored:
            problems.append(
                Issue("anchor_mismatch", f"the anchored hash of entry {seq} is missing or "
                      "differs: entries were deleted or rewritten", record=f"entry {seq}")
            )
    return ChainReport(count, expected_seq - 1, prev_hash, tuple(problems))


def parse_anchors(text: str) -> dict[int, str]:
    """Anchor lines are ``<seq> <hash>``; blank lines and ``#`` comments are ignored."""
    anchors: dict[int, str] = {}
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            seq, digest = line.split()
            anchors[int(seq)] = digest
    return anchors
