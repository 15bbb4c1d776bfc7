"""Whether the audit chain verifies, for the audit page: the same check as
``resettle audit verify``, bounded so that the page stays fast on a long trail.

Up to ``WHOLE_CHAIN_LIMIT`` entries the whole chain is verified exactly as the CLI does. Beyond
that only the newest ``WHOLE_CHAIN_LIMIT`` entries are (each link, each hash, and the head row),
and the page says so: the full check belongs to ``resettle audit verify``, run off-line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from resettle.adapters.db.security.audit_store import iter_audit, verify_audit
from resettle.adapters.db.security.tables import AuditHeadRow, AuditRow
from resettle.core.issues import Issue
from resettle.security.audit import ChainReport, verify_chain

WHOLE_CHAIN_LIMIT = 10_000  # about 0.2 s on one core
_log = cast(Table, AuditRow.__table__)
_head = cast(Table, AuditHeadRow.__table__)


@dataclass(frozen=True)
class ChainStatus:
    ok: bool
    checked: int  # entries verified
    whole: bool  # the whole chain (else only its newest entries)
    problems: tuple[Issue, ...]

    @property
    def summary(self) -> str:
        scope = "the whole chain" if self.whole else f"the newest {self.checked} entries"
        if self.ok:
            return f"Hash chain verified: {scope} ({self.checked} entries) intact."
        return (f"Hash chain BROKEN: {len(self.problems)} problem(s) in {scope}; run "
                "`resettle audit verify` and investigate.")


def chain_status(session: Session, *, key: bytes, limit: int = WHOLE_CHAIN_LIMIT) -> ChainStatus:
    head = session.execute(select(_head.c.seq, _head.c.entry_hash)).first()
    head_seq = int(head.seq) if head is not None else 0
    if head_seq <= limit:
        report = verify_audit(session, key=key)
        return ChainStatus(report.ok, report.count, True, report.problems)
    after = head_seq - limit
    first = session.execute(select(_log.c.prev_hash).where(_log.c.seq == after + 1)).first()
    if first is None:
        missing = Issue("sequence_gap", f"entry {after + 1} is missing", record=f"entry {after}")
        return ChainStatus(False, 0, False, (missing,))
    report = verify_chain(iter_audit(session, after=after), key,
                          start=(after + 1, str(first.prev_hash)))
    problems = report.problems + _head_problems(report, head_seq, str(head.entry_hash)
                                                if head is not None else "")
    return ChainStatus(not problems, report.count, False, problems)


def _head_problems(report: ChainReport, head_seq: int, head_hash: str) -> tuple[Issue, ...]:
    if (head_seq, head_hash) == (report.head_seq, report.head_hash):
        return ()
    return (Issue("head_mismatch", f"the head row says entry {head_seq} but the log ends at "
                  f"{report.head_seq}: newest entries were deleted or added"),)
