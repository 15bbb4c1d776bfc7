"""What the duplicates page and API both call: authorize, call the dedup stage's service
(registry/dedup/service.py), audit. No rule lives here.

Names of both records are identity data: the queue is shown only to roles that see identity
(``dedup.review`` is granted to registration officers), and every case it shows is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from resettle.adapters.db.registry.dedup_import import NamedPerson, named_persons
from resettle.adapters.db.registry.dedup_store import (
    SqlDecisionStore,
    SqlMergeStore,
    SqlPairStore,
)
from resettle.adapters.db.registry.dedup_workflow import ScreeningWorkflow
from resettle.adapters.web.guards import Ctx
from resettle.registry.dedup import Decision, MatchPair, decide_pair
from resettle.registry.dedup import service as dedup
from resettle.registry.dedup.merging import PersonMerge
from resettle.security.policy import Permission, authorize

QUEUE_SHOWN = 100


@dataclass(frozen=True)
class QueueRow:
    pair: MatchPair
    left: NamedPerson
    right: NamedPerson


def _unknown(person_id: str) -> NamedPerson:
    return NamedPerson(person_id, "", "", "")


def queue(ctx: Ctx, limit: int = QUEUE_SHOWN) -> list[QueueRow]:
    """Likely duplicates waiting for an officer, with both records' names."""
    authorize(ctx.user, Permission.DEDUP_REVIEW)
    session = ctx.session
    pairs = dedup.duplicate_queue(SqlPairStore(session), SqlDecisionStore(session),
                                  SqlMergeStore(session), limit=limit)
    names = named_persons(session, {i for p in pairs for i in (p.left_id, p.right_id)})
    rows = [QueueRow(p, names.get(p.left_id, _unknown(p.left_id)),
                     names.get(p.right_id, _unknown(p.right_id))) for p in pairs]
    ctx.audit("dedup.queue", detail=f"{len(rows)} pair(s) shown")
    ctx.audit_cases("dedup.queue", sorted({n.case_id for r in rows for n in (r.left, r.right)
                                           if n.case_id}))
    return rows


def merges(ctx: Ctx) -> list[PersonMerge]:
    authorize(ctx.user, Permission.DEDUP_REVIEW)
    return SqlMergeStore(ctx.session).merges()


def decide(ctx: Ctx, person_id: str, other_person_id: str, *, same: bool, reason: str) -> None:
    authorize(ctx.user, Permission.DEDUP_REVIEW)
    made = decide_pair(SqlDecisionStore(ctx.session), person_id, other_person_id,
                       Decision.SAME_PERSON if same else Decision.DIFFERENT_PERSONS,
                       officer=ctx.user.username, reason=reason, now=ctx.now)
    ctx.audit("dedup.decide", subject_type="person", subject_id=made.person_id,
              detail=f"{made.person_id} {made.other_person_id}: {made.decision.value}")


def merge(ctx: Ctx, kept_person_id: str, duplicate_person_id: str, *,
          reason: str) -> PersonMerge:
    authorize(ctx.user, Permission.DEDUP_REVIEW)
    done = dedup.merge_persons(ScreeningWorkflow(ctx.session), SqlMergeStore(ctx.session),
                               kept_person_id, duplicate_person_id, officer=ctx.user.username,
                               reason=reason, now=ctx.now)
    _audit(ctx, "dedup.merge", done)
    return done


def confirm(ctx: Ctx, merge_id: str) -> PersonMerge:
    authorize(ctx.user, Permission.DEDUP_REVIEW)
    done = dedup.confirm_merge(ScreeningWorkflow(ctx.session), SqlMergeStore(ctx.session),
                               merge_id, officer=ctx.user.username, now=ctx.now)
    _audit(ctx, "dedup.confirm", done)
    return done


def refuse(ctx: Ctx, merge_id: str) -> PersonMerge:
    authorize(ctx.user, Permission.DEDUP_REVIEW)
    done = dedup.refuse_merge(SqlMergeStore(ctx.session), merge_id,
                              officer=ctx.user.username, now=ctx.now)
    _audit(ctx, "dedup.refuse", done)
    return done


def reverse(ctx: Ctx, merge_id: str, *, reason: str) -> PersonMerge:
    authorize(ctx.user, Permission.DEDUP_REVIEW)
    done = dedup.reverse_merge(ScreeningWorkflow(ctx.session), SqlMergeStore(ctx.session),
                               merge_id, officer=ctx.user.username, reason=reason, now=ctx.now)
    _audit(ctx, "dedup.reverse", done)
    return done


def _audit(ctx: Ctx, action: str, merge: PersonMerge) -> None:
    ctx.audit(action, subject_type="person", subject_id=merge.duplicate_person_id,
              detail=f"{merge.merge_id}: {merge.duplicate_person_id} -> "
                     f"{merge.kept_person_id} ({merge.status.value})")
    ctx.audit_cases(action, sorted({merge.target_case_id, merge.source_case_id,
                                    *([merge.reversal_case_id] if merge.reversal_case_id
                                      else [])}))
