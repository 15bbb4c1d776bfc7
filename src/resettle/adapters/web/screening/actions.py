"""Screening workflow actions from the web: which the user may take, and taking them.

The screening service decides what the case's state and records allow (``case_standing``:
the same rules as taking the step); the authorization tables decide who may ask. A step the
role could take but the case is not ready for is not offered: it is listed with the reason
(e.g. which adults are still to be heard). Host-state answers and referrals have their own
pages (referrals, placement).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from resettle.adapters.db.screening.store import SqlScreeningStore
from resettle.adapters.web.guards import Ctx
from resettle.adapters.web.screening import case_access
from resettle.core import Case
from resettle.errors import PermissionDeniedError
from resettle.screening.service import advance_case, decide_status
from resettle.screening.standing import CaseStanding
from resettle.screening.workflow import Action as Step
from resettle.security.policy import DECISION_STEPS, Permission, action_for_step, may


def policy_for(step: Step) -> Permission | None:
    """The permission ``step`` needs here (data in security/policy.py); None: not taken here."""
    return action_for_step(step.value)


@dataclass(frozen=True)
class Offer:
    """What the case page offers this user now."""

    steps: list[Step] = field(default_factory=list)  # workflow steps, ready to take
    decisions: list[Step] = field(default_factory=list)  # written status decisions, ready
    waiting: list[tuple[Step, str]] = field(default_factory=list)  # the role may; not yet


def offer(ctx: Ctx, standing: CaseStanding | None) -> Offer:
    if standing is None:
        return Offer()
    mine = [s for s in (*standing.ready, *standing.waiting)
            if (needed := policy_for(s)) is not None and may(ctx.user, needed)]
    ready = [s for s in mine if s in standing.ready]
    return Offer([s for s in ready if s not in DECISION_STEPS],
                 [s for s in ready if s in DECISION_STEPS],
                 [(s, standing.waiting[s]) for s in mine if s in standing.waiting])


def take_step(ctx: Ctx, case_id: str, step: Step, reason: str,
              data: Mapping[str, str] | None = None) -> Case:
    needed = policy_for(step)
    if needed is None:
        raise PermissionDeniedError(f"'{step}' is not taken here: use the referral pages")
    case_access.load_case_for(ctx, needed, case_id)
    store = SqlScreeningStore(ctx.session)
    if step in DECISION_STEPS:  # a written decision: the service checks it as one
        case = decide_status(store, case_id, step, actor=ctx.user.username, reason=reason)
    else:
        case = advance_case(store, case_id, step, actor=ctx.user.username, reason=reason,
                            data=data)  # screening keeps its own clock
    ctx.audit(f"screening.{step}", subject_type="case", subject_id=case_id,
              detail=f"now {case.status}")
    return case
