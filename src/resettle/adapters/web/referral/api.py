"""The referral API: refer a case, list and read referrals in scope, a host state's decision,
withdrawal, and a protection officer's resolution of a split decision."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from resettle.adapters.web.config import MAX_PAGE
from resettle.adapters.web.guards import Ctx, allowed
from resettle.adapters.web.problems import ERROR_RESPONSES
from resettle.adapters.web.referral import actions
from resettle.core import Priority
from resettle.referral.records import HostDecision, ReferralFilter
from resettle.security.policy import Permission

router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]
ReferralId = Annotated[int, Field(ge=1, le=2**31)]


class ReferralIn(BaseModel):
    country: str = Field(pattern=r"^[A-Z]{3}$")
    reason: str = Field(default="submitted to the host state", min_length=1, max_length=5000)
    submission_priority: Priority = Priority.NORMAL


class DecisionIn(BaseModel):
    decision: HostDecision
    reason: str = Field(default="", max_length=5000)
    accepted_persons: list[str] = Field(default_factory=list, max_length=100)


class ReasonIn(BaseModel):
    reason: str = Field(min_length=1, max_length=5000)


class SplitIn(BaseModel):
    split: bool  # True: split the case as the state decided; False: decline, keep together
    reason: str = Field(min_length=1, max_length=5000)


class ReferralPageOut(BaseModel):
    items: list[dict[str, Any]]
    total: int
    offset: int
    limit: int


@router.post("/cases/{case_id}/referrals", status_code=201)
def refer(case_id: str, body: ReferralIn,
          ctx: Annotated[Ctx, Depends(allowed(Permission.REFERRAL_CREATE))]) -> dict[str, Any]:
    """Refer a case to a host state (a state that pledged places); the workflow checks its
    status, every adult's consent and non-refoulement."""
    referral = actions.refer(ctx, case_id, body.country, reason=body.reason,
                             submission_priority=body.submission_priority)
    return {"id": referral.referral_id, **actions.referral_row(referral)}


@router.get("/referrals")
def referrals(ctx: Annotated[Ctx, Depends(allowed(Permission.REFERRAL_LIST))],
              offset: Offset = 0, limit: Limit = 50,
              case_id: Annotated[str | None, Query(max_length=64)] = None,
              showing: ReferralFilter = ReferralFilter.ALL) -> ReferralPageOut:
    """Referrals in your scope, those waiting for an answer first (``showing``: only
    ``waiting`` or ``answered`` ones): a liaison sees its own state's, while it has access."""
    page = actions.list_visible_referrals(ctx, offset=offset, limit=limit, case_id=case_id,
                                          showing=showing)
    return ReferralPageOut(items=page.items, total=page.total, offset=page.offset,
                           limit=page.limit)


@router.get("/referrals/{referral_id}")
def referral(referral_id: ReferralId,
             ctx: Annotated[Ctx, Depends(allowed(Permission.REFERRAL_READ))]) -> dict[str, Any]:
    """One referral with its case, as your role may see it."""
    return actions.read_referral(ctx, referral_id)


@router.post("/referrals/{referral_id}/decision")
def decide(referral_id: ReferralId, body: DecisionIn,
           ctx: Annotated[Ctx, Depends(allowed(Permission.REFERRAL_DECIDE))]) -> dict[str, Any]:
    """A host state's answer: accepted, refused or not_considered (with reason),
    more_information (not a refusal), or split (name the accepted members)."""
    decided = actions.decide(ctx, referral_id, body.decision, body.reason,
                             body.accepted_persons)
    return actions.referral_row(decided)


@router.post("/referrals/{referral_id}/withdrawal")
def withdraw(referral_id: ReferralId, body: ReasonIn,
             ctx: Annotated[Ctx, Depends(allowed(Permission.REFERRAL_WITHDRAW))]) -> dict[str, Any]:
    """Take the file back from the host state: it loses access from now on."""
    return actions.referral_row(actions.withdraw(ctx, referral_id, body.reason))


@router.post("/referrals/{referral_id}/split")
def resolve_split(referral_id: ReferralId, body: SplitIn,
                  ctx: Annotated[Ctx, Depends(allowed(Permission.REFERRAL_SPLIT))]
                  ) -> dict[str, Any]:
    """A protection officer resolves a split decision: split the case, or decline."""
    return actions.referral_row(actions.resolve_split(ctx, referral_id, split=body.split,
                                                      reason=body.reason))
