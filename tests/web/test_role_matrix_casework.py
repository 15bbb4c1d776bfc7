"""The role matrix for casework (#19): every CLI casework command's API route and page form,
tried for every role; the answer follows the authorization tables (see test_role_matrix)."""

from __future__ import annotations

from typing import Any

import pytest
from test_role_matrix import assert_no_leak
from web_world import USERS, World

from resettle.adapters.db.security.audit_store import list_audit
from resettle.security.policy import GRANTS, Permission, Role

# Every CLI casework command (`resettle case ...`) and its API route (#19); C-003 is
# interviewed, its one adult C-003-P1. The page forms are in CASEWORK_FORMS.
CASEWORK_ROUTES = [
    (Permission.INTERVIEW_RECORD, "post", "/api/cases/C-003/interviews",  # case interview
     {"person_id": "C-003-P1", "others_present": ["interpreter"]}),
    (Permission.INTERVIEW_RECORD, "post", "/api/cases/C-003/consents",  # case consent
     {"person_id": "C-003-P1"}),
    (Permission.SCREENING_DECIDE, "post", "/api/cases/C-003/decision",  # case decide
     {"decision": "recognize", "reason": "matrix"}),
    (Permission.SCREENING_DECIDE, "post", "/api/cases/C-003/priority",  # case priority
     {"priority": "urgent", "reason": "matrix"}),
    (Permission.SCREENING_DECIDE, "post", "/api/cases/C-003/categories",  # case categories
     {"primary": "LEGAL_PHYSICAL", "secondary": "FAMILY_UNITY", "reason": "matrix"}),
    (Permission.NO_RETURN_DECLARE, "post", "/api/cases/C-003/no-return",  # case no-return
     {"person_id": "C-003-P1", "country": "IRQ", "reason": "matrix"}),
    (Permission.CASE_MEMBERSHIP, "post", "/api/cases/C-003/relatives",  # case relative
     {"person_id": "C-003-P1", "name": "Matrix Kin", "relation": "brother", "country": "DEU"}),
    (Permission.STATEMENT_RECORD, "post", "/api/cases/C-003/statements",  # case statement
     {"person_id": "C-003-P1", "text": "matrix"}),
    (Permission.STATEMENT_RECORD, "get", "/api/cases/C-003/members/C-003-P1/statements", None),
    (Permission.CASE_MEMBERSHIP, "post", "/api/cases/C-003/split",  # case split
     {"members": ["C-003-P1"], "new_principal": "C-003-P1", "reason": "matrix"}),
    (Permission.CASE_MEMBERSHIP, "post", "/api/cases/C-003/merge",  # case merge
     {"source_case_id": "C-002", "reason": "matrix"}),
    (Permission.CASE_LIST, "get", "/api/due", None),  # case due
    (Permission.CASE_READ, "get", "/api/cases/C-003/screening", None),  # case show
    (Permission.CASE_REGISTER, "post", "/api/registry/records",  # registration form
     {"persons": [{"person_id": "C-003-P2", "case_id": "C-003", "given_name": "Nima",
                   "family_name": "Hosseini", "sex": "M", "birth_date": "2005",
                   "nationality": "IRN", "relationship": "child"}]}),
]


# Granted, then refused by the stage: C-003 is interviewed, not assessed (no decision yet);
# a one-member case cannot be split; C-002 is with a host state (its members stay).
REFUSED_AT = {"/api/cases/C-003/decision": "illegal_transition",
              "/api/cases/C-003/split": "validation_failed",
              "/api/cases/C-003/merge": "illegal_transition"}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(("action", "method", "path", "body"), CASEWORK_ROUTES)
def test_casework_routes_follow_the_grants(world: World, role: Role, action: Permission, *,
                                           method: str, path: str,
                                           body: dict[str, Any] | None) -> None:
    answer = world.login(USERS[role]).request(method.upper(), path, json=body)
    if action not in GRANTS[role]:
        assert answer.status_code == 403
        assert answer.json()["error"]["code"] == "permission_denied"
        return
    if path in REFUSED_AT:
        assert answer.json()["error"]["code"] == REFUSED_AT[path], answer.text
        return
    assert answer.status_code in (200, 201), answer.text
    assert_no_leak(role, answer.text)


# The case page's casework forms (#19): the same grants as their API routes.
CASEWORK_FORMS = [
    (Permission.INTERVIEW_RECORD, "/cases/C-003/interviews", {"person_id": "C-003-P1"}),
    (Permission.INTERVIEW_RECORD, "/cases/C-003/consents",
     {"person_id": "C-003-P1", "private": "true"}),
    (Permission.SCREENING_DECIDE, "/cases/C-003/priority",
     {"priority": "urgent", "reason": "matrix"}),
    (Permission.SCREENING_DECIDE, "/cases/C-003/categories",
     {"primary": "LEGAL_PHYSICAL", "secondary": "FAMILY_UNITY", "reason": "matrix"}),
    (Permission.NO_RETURN_DECLARE, "/cases/C-003/no-return",
     {"person_id": "C-003-P1", "country": "IRQ", "reason": "matrix"}),
    (Permission.CASE_MEMBERSHIP, "/cases/C-003/relatives",
     {"person_id": "C-003-P1", "name": "Matrix Kin", "relation": "brother", "country": "DEU"}),
    (Permission.STATEMENT_RECORD, "/cases/C-003/statements",
     {"person_id": "C-003-P1", "text": "matrix"}),
    (Permission.CASE_MEMBERSHIP, "/cases/C-003/merge", {"source": "C-002", "reason": "matrix"}),
]


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(("action", "path", "body"), CASEWORK_FORMS)
def test_casework_forms_follow_the_grants(world: World, role: Role, action: Permission,
                                          path: str, body: dict[str, str]) -> None:
    client = world.login(USERS[role])
    form = {"csrf_token": world.sessions[USERS[role]][1], **body}
    answer = client.post(path, data=form, follow_redirects=False)
    if action not in GRANTS[role]:
        assert answer.status_code == 403
        with world.config.sessions() as session:
            entries, _ = list_audit(session, actor=USERS[role])
            assert [e.event.outcome for e in entries] == ["denied"]
        return
    refused_on_page = "Not done:" in answer.text and 'id="top"' in answer.text
    assert answer.status_code == 303 or refused_on_page, answer.text
    assert_no_leak(role, answer.text)
