"""What the referral API and pages both call: authorize (policy data), call the referral
service, shape the answer for the role's field sections, audit. Nothing here decides a rule.

A liaison is bound to one host state: every read goes through the service with that state as
``viewer_state``, so a referral to another state, refused or withdrawn is *not found* — and
that refusal is audited.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from resettle.adapters.db.referral.store import SqlReferralStore
from resettle.adapters.web.guards import Ctx
from resettle.errors import NotFoundError, ValidationError
from resettle.referral import service
from resettle.referral.dossier import Dossier
from resettle.referral.records import HostDecision, Referral, ReferralFilter, label
from resettle.referral.service import Disclosure
from resettle.security.policy import Permission, Scope, authorize, scope_of, visible_sections
from resettle.security.views import view_case_summary

AUDIT_IDS_SHOWN = 100


@dataclass(frozen=True)
class ReferralPage:
    items: list[dict[str, Any]]
    total: int
    offset: int
    limit: int
    showing: ReferralFilter = ReferralFilter.ALL


def viewer_state(ctx: Ctx, action: Permission) -> str | None:
    """The host state a principal is bound to for ``action``, or None for every state."""
    authorize(ctx.user, action)
    if scope_of(ctx.user.role, action) is Scope.OWN_STATE:
        return ctx.user.state or "-"  # a liaison without a state sees nothing
    return None


def referral_row(referral: Referral) -> dict[str, Any]:
    decision = referral.decision
    return {
        "referral_id": referral.referral_id, "case_id": referral.case_id,
        "country": referral.country, "state": str(referral.state),
        "state_label": label(referral.state),
        "decision": str(decision.decision) if decision else "pending",
        "reason": referral.reason, "referred_at": referral.referred_at.isoformat(),
        "referred_by": referral.referred_by,
        "submission_priority": referral.submission_priority,
        "decided_at": decision.decided_at.isoformat() if decision else None,
        "decided_by": decision.decided_by if decision else None,
        "accepted_persons": sorted(decision.accepted_persons) if decision else [],
    }


def _store(ctx: Ctx) -> SqlReferralStore:
    return SqlReferralStore(ctx.session)


def list_visible_referrals(ctx: Ctx, *, offset: int, limit: int, case_id: str | None = None,
                           showing: ReferralFilter = ReferralFilter.ALL) -> ReferralPage:
    state = viewer_state(ctx, Permission.REFERRAL_LIST)
    store = _store(ctx)
    referrals, total = service.list_referrals(store, viewer_state=state, case_id=case_id,
                                              offset=offset, limit=limit, showing=showing)
    if state is not None:  # a host state: each row from its dossier, nothing else
        items, shown = _dossier_rows(ctx, store, referrals, state)
    else:
        sections = visible_sections(ctx.user.role)
        cases = {c: store.screening.get_case(c) for c in {r.case_id for r in referrals}}
        items = [{**view_case_summary(cases[r.case_id], sections), **referral_row(r)}
                 for r in referrals]
        shown = [r.case_id for r in referrals]
    ctx.audit("referral.list", subject_type="case", detail=" ".join(shown[:AUDIT_IDS_SHOWN]))
    return ReferralPage(items, total, offset, limit, showing)


def _dossier_rows(ctx: Ctx, store: SqlReferralStore, referrals: list[Referral],
                  state: str) -> tuple[list[dict[str, Any]], list[str]]:
    """A liaison's rows: the referral, and the case's size and principal's names only as
    far as the state's dossier holds them; a row whose dossier cannot be built (no
    agreement in force, an adult's consent missing) says so and shows nothing of the case."""
    items, shown = [], []
    for referral in referrals:
        try:
            disclosure = service.dossier_for(store, referral.referral_id, viewer_state=state,
                                             requested_by=ctx.user.username)
        except (NotFoundError, ValidationError) as withheld:
            items.append({**referral_row(referral), "withheld": withheld.message})
            shown.append(f"{referral.case_id}:withheld")
            continue
        items.append({**dossier_summary(disclosure.dossier), **referral_row(referral)})
        shown.append(f"{referral.case_id}:agreement {disclosure.dossier.agreement_version}:"
                     f"sha256 {disclosure.digest}")
    return items, shown


def dossier_summary(dossier: Dossier) -> dict[str, Any]:
    """A list row's case part, read from the dossier: only allow-listed values."""
    row: dict[str, Any] = {"case_id": dossier.case_id}
    if "case_size" in dossier.case:
        row["size"] = dossier.case["case_size"]
    principal = next((m for m in dossier.members if m.get("relationship") == "principal"),
                     None)
    if principal is not None:
        row.update({n: principal[n] for n in ("given_name", "family_name") if n in principal})
    return row


def _scoped(ctx: Ctx, action: Permission, referral_id: int) -> Referral:
    """The referral if the principal may act on it; else an audited, uniform 404."""
    state = viewer_state(ctx, action)
    try:
        return service.get_referral(_store(ctx), referral_id, viewer_state=state)
    except NotFoundError:
        ctx.audit(str(action), subject_type="referral", subject_id=str(referral_id),
                  outcome="denied", detail="not found or out of scope")
        raise


def scoped_referral(ctx: Ctx, referral_id: int) -> Referral:
    """The referral if the principal may read it; else an audited, uniform 404."""
    return _scoped(ctx, Permission.REFERRAL_READ, referral_id)


def read_referral(ctx: Ctx, referral_id: int) -> dict[str, Any]:
    """One referral: for a host state's liaison, its dossier and nothing else of the case;
    for the operation's staff, the case as the role may see it."""
    _scoped(ctx, Permission.REFERRAL_READ, referral_id)
    state = viewer_state(ctx, Permission.REFERRAL_READ)
    if state is not None:
        disclosure, _ = disclose(ctx, referral_id, "api")
        return {**referral_row(disclosure.referral), "dossier": disclosure.dossier.to_json()}
    view = service.referral_view(_store(ctx), referral_id, viewer_state=None)
    ctx.audit("referral.read", subject_type="case", subject_id=view.case.case_id,
              detail=f"referral {referral_id}")
    return {**referral_row(view.referral),
            "case": view_case_summary(view.case, visible_sections(ctx.user.role))}


def disclose(ctx: Ctx, referral_id: int, channel: str,
             render: Callable[[Dossier], bytes] | None = None) -> tuple[Disclosure, bytes]:
    """Build the referral's dossier for its state (in scope), render it if asked, and audit
    the disclosure: the channel, the agreement's version, the dossier's SHA-256 and, for a
    file, the SHA-256 of the bytes sent. A refusal (out of scope, no agreement, consent
    missing) is audited as denied."""
    state = viewer_state(ctx, Permission.REFERRAL_READ)
    try:
        disclosure = service.dossier_for(_store(ctx), referral_id, viewer_state=state,
                                         requested_by=ctx.user.username)
    except (NotFoundError, ValidationError) as refused:
        ctx.audit(str(Permission.REFERRAL_READ), subject_type="referral",
                  subject_id=str(referral_id), outcome="denied",
                  detail=f"dossier ({channel}) not disclosed: {refused.code}")
        raise
    dossier, body, sent = disclosure.dossier, b"", ""
    if render is not None:
        body = render(dossier)
        sent = f"; file sha256 {hashlib.sha256(body).hexdigest()}"
    ctx.audit("referral.read", subject_type="case", subject_id=dossier.case_id,
              detail=f"referral {referral_id} dossier via {channel} to {dossier.country}; "
                     f"agreement {dossier.agreement_version}; dossier sha256 "
                     f"{disclosure.digest}{sent}")
    return disclosure, body


def refer(ctx: Ctx, case_id: str, country: str, *, reason: str,
          submission_priority: str) -> Referral:
    authorize(ctx.user, Permission.REFERRAL_CREATE)
    referral = service.refer_case(_store(ctx), case_id, country, actor=ctx.user.username,
                                  reason=reason, submission_priority=submission_priority)
    ctx.audit("referral.create", subject_type="case", subject_id=case_id,
              detail=f"referral {referral.referral_id} to {referral.country}")
    return referral


def decide(ctx: Ctx, referral_id: int, decision: HostDecision | str, reason: str,
           accepted_persons: Iterable[str] = ()) -> Referral:
    referral = _scoped(ctx, Permission.REFERRAL_DECIDE, referral_id)
    decided = service.decide_referral(_store(ctx), referral_id, decision,
                                      actor=ctx.user.username, reason=reason,
                                      accepted_persons=accepted_persons)
    ctx.audit("referral.decide", subject_type="case", subject_id=referral.case_id,
              detail=f"referral {referral_id}: {decision}")
    return decided


def withdraw(ctx: Ctx, referral_id: int, reason: str) -> Referral:
    referral = _scoped(ctx, Permission.REFERRAL_WITHDRAW, referral_id)
    withdrawn = service.withdraw_referral(_store(ctx), referral_id, actor=ctx.user.username,
                                          reason=reason)
    ctx.audit("referral.withdraw", subject_type="case", subject_id=referral.case_id,
              detail=f"referral {referral_id} to {referral.country}")
    return withdrawn


def resolve_split(ctx: Ctx, referral_id: int, *, split: bool, reason: str) -> Referral:
    referral = _scoped(ctx, Permission.REFERRAL_SPLIT, referral_id)
    resolved = service.resolve_split(_store(ctx), referral_id, split=split,
                                     actor=ctx.user.username, reason=reason)
    ctx.audit("referral.split", subject_type="case", subject_id=referral.case_id,
              detail=f"referral {referral_id}: {'split' if split else 'declined'}")
    return resolved.referral
