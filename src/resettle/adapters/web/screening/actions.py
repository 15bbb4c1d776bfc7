"""Screening workflow actions from the web: which the user may take, and taking them.

The screening service decides what the case's state allows; the authorization tables decide
who may ask. Host-state answers and referrals have their own pages (referrals, placement).
"""

from __future__ import annotations

from collections.abc import Mapping

from resettle.adapters.db.screening.store import SqlScreeningStore
from resettle.adapters.web import services
from resettle.adapters.web.guards import Ctx
from resettle.core import Case, CaseStatus
from resettle.errors import PermissionDeniedError
from resettle.screening.service import advance_case
from resettle.screening.workflow import Action as Step
from resettle.screening.workflow import allowed_actions
from resettle.security.policy import Permission, action_for_step, may


def policy_for(step: Step) -> Permission | None:
    """The permission ``step`` needs here (data in security/policy.py); None: not taken here."""
    return action_for_step(step.value)


def steps_for(ctx: Ctx, status: str | None) -> list[Step]:
    """Steps the case's status allows and the user's role may take (guards checked on taking)."""
    if status is None:
        return []
    return [s for s in allowed_actions(CaseStatus(status))
            if (needed := policy_for(s)) is not None and may(ctx.user, needed)]


def take_step(ctx: Ctx, case_id: str, step: Step, reason: str,
              data: Mapping[str, str] | None = None) -> Case:
    needed = policy_for(step)
    if needed is None:
        raise PermissionDeniedError(f"'{step}' is not taken here: use the referral pages")
    services.load_case_for(ctx, needed, case_id)
    case = advance_case(SqlScreeningStore(ctx.session), case_id, step, actor=ctx.user.username,
                        reason=reason, data=data)  # screening keeps its own clock
    ctx.audit(f"screening.{step}", subject_type="case", subject_id=case_id,
              detail=f"now {case.status}")
    return case
