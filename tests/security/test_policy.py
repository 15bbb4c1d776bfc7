"""Authorization tables: deny by default, scopes, sections, second factor."""

import pytest

from resettle.errors import NotFoundError, PermissionDeniedError
from resettle.security.policy import (
    GRANTS,
    SENSITIVE_SECTIONS,
    WRITE_ACTIONS,
    Permission,
    Principal,
    RecordFacts,
    Role,
    Scope,
    Section,
    authorize,
    check_grants,
    needs_second_factor,
    visible_sections,
)

ALB_LIAISON = Principal(1, "liaison", Role.HOST_STATE_LIAISON, state="ALB")


def test_tables_are_consistent() -> None:
    assert check_grants() == []


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Permission))
def test_deny_by_default(role: Role, action: Permission) -> None:
    principal = Principal(1, "u", role, state="ALB" if role is Role.HOST_STATE_LIAISON else None)
    if action in GRANTS[role]:
        authorize(principal, action)
    else:
        with pytest.raises(PermissionDeniedError):
            authorize(principal, action)


def test_auditor_is_read_only() -> None:
    assert not set(GRANTS[Role.AUDITOR]) & WRITE_ACTIONS


def test_liaison_sees_only_referrals_its_state_holds() -> None:
    read = Permission.REFERRAL_READ
    authorize(ALB_LIAISON, read, RecordFacts("C-1", frozenset({"ALB"})))
    with pytest.raises(NotFoundError):
        authorize(ALB_LIAISON, read, RecordFacts("C-2", frozenset({"DEU"})))
    with pytest.raises(NotFoundError):
        authorize(ALB_LIAISON, read, RecordFacts("C-3"))
    unbound = Principal(2, "x", Role.HOST_STATE_LIAISON, state=None)
    with pytest.raises(NotFoundError):
        authorize(unbound, read, RecordFacts("C-1", frozenset({"ALB"})))


def test_liaison_gets_no_view_of_a_case_but_its_dossier() -> None:
    """A host state receives the dossier of its agreement (referral routes), never a
    role-section view of the case: no case list, read or export."""
    assert not visible_sections(Role.HOST_STATE_LIAISON) & SENSITIVE_SECTIONS
    grants = GRANTS[Role.HOST_STATE_LIAISON]
    assert not {Permission.CASE_LIST, Permission.CASE_READ, Permission.CASE_EXPORT} & set(grants)
    assert grants[Permission.REFERRAL_READ] is Scope.OWN_STATE


def test_sensitive_sections_only_where_needed() -> None:
    holders = {s: {r for r in Role if s in visible_sections(r)} for s in SENSITIVE_SECTIONS}
    assert holders[Section.MEDICAL] == {Role.PROTECTION_OFFICER}
    assert holders[Section.EXCLUSION] == {Role.EXCLUSION_REVIEWER}
    assert holders[Section.CONFIDENTIAL] == {Role.PROTECTION_OFFICER}


@pytest.mark.parametrize("role", list(Role))
def test_second_factor_for_sensitive_roles(role: Role) -> None:
    """Sensitive sections, account management, or disclosing a case to a state."""
    refers = Permission.REFERRAL_CREATE in GRANTS[role]
    expected = (bool(visible_sections(role) & SENSITIVE_SECTIONS)
                or role is Role.ADMINISTRATOR or refers)
    assert needs_second_factor(role) == expected


def test_step_permissions_name_real_workflow_steps() -> None:
    from resettle.screening.workflow import Action as Step
    from resettle.security.policy import EXCLUSION_STEPS, STEPS_TAKEN_ELSEWHERE

    steps = {step.value for step in Step}
    assert steps >= EXCLUSION_STEPS
    assert steps >= STEPS_TAKEN_ELSEWHERE
    assert not EXCLUSION_STEPS & STEPS_TAKEN_ELSEWHERE


def test_step_permissions() -> None:
    from resettle.security.policy import Permission, action_for_step

    assert action_for_step("exclude") is Permission.EXCLUSION_DECIDE
    assert action_for_step("assess_claim") is Permission.SCREENING_ACT
    assert action_for_step("refer") is None  # the referral pages take it
    assert action_for_step("accept") is None  # the host state's liaison answers there


def test_referral_has_its_own_permissions() -> None:
    """Referring is not borrowed from placement: its own actions, granted as data."""
    referring = {r for r in Role if Permission.REFERRAL_CREATE in GRANTS[r]}
    assert referring == {Role.PLACEMENT_OFFICER, Role.PROTECTION_OFFICER}
    assert {r for r in Role if Permission.REFERRAL_WITHDRAW in GRANTS[r]} == referring
    assert {r for r in Role if Permission.REFERRAL_SPLIT in GRANTS[r]} == {Role.PROTECTION_OFFICER}
    assert {r for r in Role if Permission.REFERRAL_DECIDE in GRANTS[r]} == {Role.HOST_STATE_LIAISON}
