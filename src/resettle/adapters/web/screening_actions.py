"""Screening workflow actions from the web: which the user may take, and taking them.

The screening service decides what the case's state allows; the authorization tables decide
who may ask. Host-state answers and referrals have their own pages (referrals, placement).
"""

from __future__ import annotations

from collections.abc import Mapping

from resettle.adapters.db.screening_repository import SqlScreeningStore
from resettle.adapters.web import services
from resettle.adapters.web.guards import Ctx
from resettle.core import Case, CaseStatus
from resettle.errors import PermissionDeniedError
from resettle.screening.service import advance_case
from resettle.screening.workflow import Action as Step
from resettle.screening.workflow import allowed_actions
from resettle.security.policy import Action, may

EXCLUSION_STEPS = frozenset({Step.START_EXCLUSION_REVIEW, Step.CLEAR_EXCLUSION, Step.EXCLUDE})
# Taken through the referral stage only (its record is written with the step): referral and
# withdrawal by the roles that refer, answers by the host state's liaison.
ELSEWHERE = frozenset({Step.REFER, Step.ACCEPT, Step.REFUSE, Step.REQUEST_INFORMATION,
                       Step.PROVIDE_INFORMATION, Step.WITHDRAW_REFERRAL})


def policy_for(step: Step) -> Action | None:
    if step in ELSEWHERE:
        return None
    return Action.EXCLUSION_DECIDE if step in EXCLUSION_STEPS else Action.SCREENING_ACT


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
