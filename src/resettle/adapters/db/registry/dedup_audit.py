"""Audit entries for deduplication's reads and writes of personal data, outside the web.

The web's duplicates page audits through its request context (``web/registry/
duplicate_actions.py``); the command line has none, so its dedup commands write here, in
the same shape: action ``dedup.<command>``, an entry naming the person (or saying how many
were read), then entries naming every case concerned, at most ``IDS_PER_ENTRY`` ids each.
Entries join the command's transaction: a command that fails leaves neither its change nor
its entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from resettle.adapters.db.security.audit_store import append_audit
from resettle.registry.dedup.merging import PersonMerge
from resettle.security.audit import AuditEvent
from resettle.security.crypto import load_keyring

IDS_PER_ENTRY = 200  # as the web's guards.AUDIT_IDS_PER_ENTRY
CLI_ACTOR, CLI_ROLE = "cli", "operator"  # who acts when a command names no officer


@dataclass(frozen=True)
class DedupAudit:
    session: Session
    key: bytes
    actor: str = CLI_ACTOR
    role: str = CLI_ROLE
    now: datetime | None = None

    def entry(self, action: str, *, subject_type: str = "", subject_id: str = "",
              detail: str = "") -> None:
        event = AuditEvent(actor=self.actor, role=self.role, action=action,
                           subject_type=subject_type, subject_id=subject_id, detail=detail)
        append_audit(self.session, key=self.key, event=event,
                     now=self.now or datetime.now(UTC))

    def cases(self, action: str, case_ids: Iterable[str]) -> None:
        """Name every case a read or a change concerned."""
        ids = sorted(set(case_ids))
        for start in range(0, len(ids), IDS_PER_ENTRY):
            chunk = ids[start:start + IDS_PER_ENTRY]
            self.entry(action, subject_type="case",
                       subject_id=chunk[0] if len(chunk) == 1 else "",
                       detail="cases " + " ".join(chunk))

    def merge(self, action: str, merge: PersonMerge) -> None:
        """A merge proposed, done, confirmed, refused or reversed (the web's entries)."""
        self.entry(action, subject_type="person", subject_id=merge.duplicate_person_id,
                   detail=f"{merge.merge_id}: {merge.duplicate_person_id} -> "
                          f"{merge.kept_person_id} ({merge.status.value})")
        self.cases(action, [merge.target_case_id, merge.source_case_id,
                            *([merge.reversal_case_id] if merge.reversal_case_id else [])])


def command_audit(session: Session, officer: str = "") -> DedupAudit:
    """The audit of one command, keyed with the deployment's audit key (the key file or the
    environment, as every command reads its keys); the officer named, or the operator."""
    actor = officer.strip() or CLI_ACTOR
    return DedupAudit(session, load_keyring().audit_key, actor=actor, role=CLI_ROLE)
