"""Authorization as data (after Primero): role x action -> record scope; role -> field sections.

Deny by default: a role may do only what ``GRANTS`` lists, on only the records its scope covers,
and sees only the field sections ``SECTIONS`` lists. Adapters ask ``authorize`` and
``visible_sections``; they never test role names themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from resettle.errors import NotFoundError, PermissionDeniedError


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    REGISTRATION_OFFICER = "registration_officer"
    PROTECTION_OFFICER = "protection_officer"
    EXCLUSION_REVIEWER = "exclusion_reviewer"
    PLACEMENT_OFFICER = "placement_officer"
    HOST_STATE_LIAISON = "host_state_liaison"  # bound to one host state
    MOVEMENT_OFFICER = "movement_officer"  # checklists, flights, manifests, departures
    AUDITOR = "auditor"  # read-only
    ANALYST = "analyst"  # forecasts and reports: aggregates only, no personal data


class Permission(StrEnum):
    DASHBOARD_VIEW = "dashboard.view"
    CASE_LIST = "case.list"
    CASE_READ = "case.read"
    CASE_EXPORT = "case.export"
    NOTE_WRITE = "note.write"  # add a sensitive note in a section the role may see
    SCREENING_ACT = "screening.act"  # interview, assessment and submission transitions
    EXCLUSION_DECIDE = "exclusion.decide"
    PLACEMENT_VIEW = "placement.view"
    PLACEMENT_RUN = "placement.run"
    PLACEMENT_ACCEPT = "placement.accept"
    PLACEMENT_OVERRIDE = "placement.override"
    REFERRAL_LIST = "referral.list"
    REFERRAL_READ = "referral.read"
    REFERRAL_CREATE = "referral.create"  # refer a case to a host state: its data is disclosed
    REFERRAL_WITHDRAW = "referral.withdraw"  # take the file back from a host state
    REFERRAL_DECIDE = "referral.decide"  # the host state's answer
    REFERRAL_SPLIT = "referral.split"  # resolve a split decision: split the case, or decline
    AUDIT_VIEW = "audit.view"
    USER_MANAGE = "user.manage"
    REGISTRY_IMPORT = "registry.import"  # upload files of persons and cases
    REPORT_VIEW = "report.view"  # monthly reports and HXL aggregates (counts only)
    DEPARTURE_VIEW = "departure.view"  # flights and their loads, the plan (no names)
    DEPARTURE_PLAN = "departure.plan"  # flights, caps, checklists, plan, record departure
    DEPARTURE_RECORD = "departure.record"  # a person's checklist items, readiness
    MANIFEST_READ = "departure.manifest"  # a flight's manifest (names of who boards)
    ARRIVAL_REPORT = "arrival.report"  # a case arrived in its host state
    # casework in the browser (#19): each CLI casework command has its permission
    SCREENING_DECIDE = "screening.decide"  # written status decisions, priority, categories
    INTERVIEW_RECORD = "interview.record"  # an adult's individual interview, their consent
    CASE_MEMBERSHIP = "case.membership"  # split, merge, relatives outside the case
    NO_RETURN_DECLARE = "no_return.declare"  # a country a person fears (confidential)
    STATEMENT_RECORD = "statement.record"  # a member's confidential statement
    CASE_REGISTER = "case.register"  # register and edit persons and cases from a form
    FORECAST_VIEW = "forecast.view"  # the operation simulator's stored runs (aggregates)
    FORECAST_RUN = "forecast.run"  # start a forecast run (stored with its inputs and seed)
    # Likely duplicates: the queue (names of both records), decisions, merges and reversals;
    # a merge of interviewed persons needs a second holder of this permission (four eyes).
    DEDUP_REVIEW = "dedup.review"


# Roles and actions in words, for refusals and pages (the web's labels take them from here).
ROLE_WORDS: Mapping[str, str] = {
    "administrator": "administrator", "registration_officer": "registration officer",
    "protection_officer": "protection officer", "exclusion_reviewer": "exclusion reviewer",
    "placement_officer": "placement officer", "host_state_liaison": "host state liaison",
    "movement_officer": "movement officer", "auditor": "auditor", "analyst": "analyst",
}
PERMISSION_WORDS: Mapping[str, str] = {
    "dashboard.view": "see the dashboard", "case.list": "list cases",
    "case.read": "read cases", "case.export": "export cases", "note.write": "write notes",
    "screening.act": "take screening steps", "exclusion.decide": "decide on exclusion",
    "placement.view": "see placement runs", "placement.run": "run placements",
    "placement.accept": "accept placements", "placement.override": "override placements",
    "referral.list": "list referrals", "referral.read": "read referrals",
    "referral.create": "refer cases", "referral.withdraw": "withdraw referrals",
    "referral.decide": "decide on referrals", "referral.split": "decide on split referrals",
    "audit.view": "read the audit log", "user.manage": "manage users",
    "registry.import": "import registry files", "report.view": "read reports",
    "departure.view": "see departures", "departure.plan": "plan departures",
    "departure.record": "record departure checks", "departure.manifest": "read flight manifests",
    "arrival.report": "report arrivals",
    "screening.decide": "record status decisions, priorities and categories",
    "interview.record": "record interviews and consent", "case.membership": "split and merge cases",
    "no_return.declare": "record countries a person fears", "statement.record":
    "record confidential statements", "case.register": "register and edit persons and cases",
    "forecast.view": "see forecasts", "forecast.run": "run forecasts",
    "dedup.review": "review likely duplicates",
}


class Scope(StrEnum):
    """Which records an action covers. Anything not granted is no record at all."""

    ALL = "all"
    OWN_STATE = "own_state"  # cases referred to the principal's host state
    NONE = "none"  # the action does not concern records (e.g. dashboards of aggregates)


class Section(StrEnum):
    """Field sections of a case; each role sees some of them."""

    CASE = "case"  # id, status, priority, categories (not the sensitive ones), size
    IDENTITY = "identity"  # names (Latin and original script), sex, birth date, nationality
    NEEDS = "needs"  # capacity needs, specific needs, languages, education
    RELATIVES = "relatives"
    HISTORY = "history"  # workflow timeline
    MEDICAL = "medical"  # diagnoses, severities and the services they need
    VIOLENCE = "violence"  # violence and torture survived
    EXCLUSION = "exclusion"  # Article 1F triggers, profiles, assessments
    CONFIDENTIAL = "confidential"  # what a member asked to keep from the others


# A specific need that names violence survived or an illness tells what those sections hold:
# it is shown only to roles that see them, not with the needs every caseworker and host sees.
_NEED_WORDS = {
    Section.VIOLENCE: ("survivor", "tortur", "violence", "sgbv", "rape", "traffick"),
    Section.MEDICAL: ("medical", "trauma", "illness", "disease"),
}


def section_of_need(code: str) -> Section:
    """The field section a specific need (e.g. ``survivor_of_torture``) belongs to."""
    lowered = code.lower()
    for section, words in _NEED_WORDS.items():
        if any(word in lowered for word in words):
            return section
    return Section.NEEDS


# Steps of the case history that concern a sensitive section: a role without that section sees
# only the status change they caused (if any), never the step, its actor or its reason.
EVENT_SECTIONS: Mapping[str, Section] = {
    "open_exclusion_review": Section.EXCLUSION, "assess_exclusion": Section.EXCLUSION,
    "review_exclusion": Section.EXCLUSION, "start_exclusion_review": Section.EXCLUSION,
    "clear_exclusion": Section.EXCLUSION, "exclude": Section.EXCLUSION,
    # why a person fears a country is what they confided (persecution, violence)
    "declare_no_return": Section.CONFIDENTIAL,
}


def section_of_event(action: str) -> Section:
    """The field section a step of the case history (e.g. ``assess_exclusion``) belongs to."""
    return EVENT_SECTIONS.get(action, Section.HISTORY)


# Submission categories that name violence survived or an illness: shown, and filterable,
# only for roles that see that section (the value reads "withheld" for the others).
CATEGORY_SECTIONS: Mapping[str, Section] = {
    "SURVIVOR_VIOLENCE_TORTURE": Section.VIOLENCE,
    "WOMEN_GIRLS_AT_RISK": Section.VIOLENCE,
    "MEDICAL": Section.MEDICAL,
}


def section_of_category(category: str) -> Section:
    """The field section a submission category (e.g. ``MEDICAL``) belongs to."""
    return CATEGORY_SECTIONS.get(str(category), Section.CASE)


SENSITIVE_SECTIONS = frozenset(
    {Section.MEDICAL, Section.VIOLENCE, Section.EXCLUSION, Section.CONFIDENTIAL}
)
_BASIC = frozenset({Section.CASE, Section.IDENTITY, Section.NEEDS})
_CASEWORK = _BASIC | {Section.RELATIVES, Section.HISTORY}

A = Permission
GRANTS: Mapping[Role, Mapping[Permission, Scope]] = {
    Role.ADMINISTRATOR: {
        A.DASHBOARD_VIEW: Scope.NONE, A.CASE_LIST: Scope.ALL, A.CASE_READ: Scope.ALL,
        A.USER_MANAGE: Scope.NONE, A.PLACEMENT_VIEW: Scope.NONE, A.REPORT_VIEW: Scope.NONE,
    },
    Role.REGISTRATION_OFFICER: {
        A.DASHBOARD_VIEW: Scope.NONE, A.CASE_LIST: Scope.ALL, A.CASE_READ: Scope.ALL,
        A.SCREENING_ACT: Scope.ALL, A.REGISTRY_IMPORT: Scope.NONE,
        A.CASE_MEMBERSHIP: Scope.ALL, A.CASE_REGISTER: Scope.ALL,
        A.DEDUP_REVIEW: Scope.ALL,
    },
    Role.PROTECTION_OFFICER: {
        A.DASHBOARD_VIEW: Scope.NONE, A.CASE_LIST: Scope.ALL, A.CASE_READ: Scope.ALL,
        A.CASE_EXPORT: Scope.ALL, A.NOTE_WRITE: Scope.ALL, A.SCREENING_ACT: Scope.ALL,
        A.PLACEMENT_VIEW: Scope.NONE, A.REFERRAL_LIST: Scope.ALL, A.REFERRAL_READ: Scope.ALL,
        A.REFERRAL_CREATE: Scope.ALL, A.REFERRAL_WITHDRAW: Scope.ALL,
        A.REFERRAL_SPLIT: Scope.ALL,
        A.SCREENING_DECIDE: Scope.ALL, A.INTERVIEW_RECORD: Scope.ALL,
        A.CASE_MEMBERSHIP: Scope.ALL, A.NO_RETURN_DECLARE: Scope.ALL,
        A.STATEMENT_RECORD: Scope.ALL,
    },
    Role.EXCLUSION_REVIEWER: {
        A.DASHBOARD_VIEW: Scope.NONE, A.CASE_LIST: Scope.ALL, A.CASE_READ: Scope.ALL,
        A.NOTE_WRITE: Scope.ALL, A.EXCLUSION_DECIDE: Scope.ALL,
    },
    Role.PLACEMENT_OFFICER: {
        A.DASHBOARD_VIEW: Scope.NONE, A.CASE_LIST: Scope.ALL, A.CASE_READ: Scope.ALL,
        A.CASE_EXPORT: Scope.ALL, A.PLACEMENT_VIEW: Scope.NONE, A.PLACEMENT_RUN: Scope.NONE,
        A.PLACEMENT_ACCEPT: Scope.ALL, A.PLACEMENT_OVERRIDE: Scope.ALL,
        A.DEPARTURE_VIEW: Scope.NONE,
        A.REFERRAL_LIST: Scope.ALL, A.REFERRAL_READ: Scope.ALL, A.REFERRAL_CREATE: Scope.ALL,
        A.REFERRAL_WITHDRAW: Scope.ALL,
    },
    # A liaison sees a case only as its state's dossier (the data-sharing agreement's fields),
    # through the referral routes: no case list, case page or case export.
    Role.HOST_STATE_LIAISON: {
        A.REFERRAL_LIST: Scope.OWN_STATE,
        A.REFERRAL_READ: Scope.OWN_STATE, A.REFERRAL_DECIDE: Scope.OWN_STATE,
        A.ARRIVAL_REPORT: Scope.OWN_STATE,  # arrivals in its own state only
    },
    Role.MOVEMENT_OFFICER: {
        A.DASHBOARD_VIEW: Scope.NONE, A.CASE_LIST: Scope.ALL, A.CASE_READ: Scope.ALL,
        A.DEPARTURE_VIEW: Scope.NONE, A.DEPARTURE_PLAN: Scope.NONE,
        A.DEPARTURE_RECORD: Scope.ALL, A.MANIFEST_READ: Scope.NONE,
        A.ARRIVAL_REPORT: Scope.ALL,  # as the host state's liaison reports it
    },
    Role.AUDITOR: {
        A.DASHBOARD_VIEW: Scope.NONE, A.CASE_LIST: Scope.ALL, A.CASE_READ: Scope.ALL,
        A.PLACEMENT_VIEW: Scope.NONE, A.AUDIT_VIEW: Scope.NONE, A.REPORT_VIEW: Scope.NONE,
        A.DEPARTURE_VIEW: Scope.NONE,
    },
    # Forecasts and the monthly reports: simulated and published aggregates, never a case.
    Role.ANALYST: {
        A.FORECAST_VIEW: Scope.NONE, A.FORECAST_RUN: Scope.NONE, A.REPORT_VIEW: Scope.NONE,
    },
}

SECTIONS: Mapping[Role, frozenset[Section]] = {
    Role.ADMINISTRATOR: frozenset({Section.CASE}),
    Role.REGISTRATION_OFFICER: _BASIC | {Section.RELATIVES, Section.HISTORY},
    Role.PROTECTION_OFFICER: _CASEWORK
    | {Section.MEDICAL, Section.VIOLENCE, Section.CONFIDENTIAL},
    Role.EXCLUSION_REVIEWER: _CASEWORK | {Section.EXCLUSION},
    Role.PLACEMENT_OFFICER: _CASEWORK,
    # Data minimisation: a host state gets what it needs to vet and receive, nothing more.
    Role.HOST_STATE_LIAISON: _BASIC,
    Role.AUDITOR: frozenset({Section.CASE, Section.HISTORY}),
    # Who boards, and needs that bear on travel (mobility, escorts); no sensitive section.
    Role.MOVEMENT_OFFICER: _BASIC,
    Role.ANALYST: frozenset(),  # no field of any case
}

# Roles that write: the auditor is read-only by construction (no writing action granted).
WRITE_ACTIONS = frozenset(
    {A.NOTE_WRITE, A.SCREENING_ACT, A.EXCLUSION_DECIDE, A.PLACEMENT_RUN, A.PLACEMENT_ACCEPT,
     A.PLACEMENT_OVERRIDE, A.REFERRAL_CREATE, A.REFERRAL_WITHDRAW, A.REFERRAL_DECIDE,
     A.REFERRAL_SPLIT, A.USER_MANAGE, A.REGISTRY_IMPORT, A.DEPARTURE_PLAN, A.DEPARTURE_RECORD,
     A.ARRIVAL_REPORT, A.SCREENING_DECIDE, A.INTERVIEW_RECORD, A.CASE_MEMBERSHIP,
     A.NO_RETURN_DECLARE, A.STATEMENT_RECORD, A.CASE_REGISTER, A.DEDUP_REVIEW}
)
# Actions that disclose a case to a state or take it back, or manage accounts: whoever holds
# one logs in with a second factor.
SECOND_FACTOR_ACTIONS = frozenset(
    {A.USER_MANAGE, A.REFERRAL_CREATE, A.REFERRAL_WITHDRAW, A.REFERRAL_SPLIT})


# Which permission each screening workflow step needs when taken from the case page, by the
# step's value (``resettle.screening.workflow.Action``; tests/security/test_policy.py checks the
# names). Exclusion steps need exclusion.decide, status decisions screening.decide; referral
# steps and host-state answers are taken on their own pages (None here); every other step
# needs screening.act.
EXCLUSION_STEPS = frozenset({"start_exclusion_review", "clear_exclusion", "exclude"})
# Written decisions on refugee status: a protection officer's (screening.decide).
DECISION_STEPS = frozenset({"recognize", "reject", "grant_appeal", "dismiss_appeal"})
STEPS_TAKEN_ELSEWHERE = frozenset({"refer", "accept", "refuse", "request_information",
                                   "provide_information", "withdraw_referral"})
DEFAULT_STEP_ACTION = A.SCREENING_ACT


def action_for_step(step: str) -> Permission | None:
    """The permission a workflow step needs on the case page; None: not taken there."""
    if step in STEPS_TAKEN_ELSEWHERE:
        return None
    if step in DECISION_STEPS:
        return A.SCREENING_DECIDE
    return A.EXCLUSION_DECIDE if step in EXCLUSION_STEPS else DEFAULT_STEP_ACTION


# The section a placement explanation's rule draws on (by the rule's kind, before its ':'):
# nationality and fears (identity), needs and services (needs); criteria naming excluded
# profiles draw on exclusion too. Without them a role reads the kind of rule only.
EXPLANATION_SECTIONS: Mapping[str, Section] = {
    "no_return": Section.IDENTITY, "no_capacity": Section.NEEDS,
    "capacity": Section.NEEDS, "criteria": Section.NEEDS,
}


def visible_rule(rule: str, sections: frozenset[Section]) -> str:
    """``rule`` as a role may read it: in full, or its kind when the detail would show a
    field section the role may not see."""
    kind = rule.split(":", 1)[0]
    needed = {EXPLANATION_SECTIONS[kind]} if kind in EXPLANATION_SECTIONS else set()
    if kind == "criteria" and "profiles" in rule:
        needed.add(Section.EXCLUSION)
    if needed <= sections:
        return rule
    return f"{kind}: details hidden from your role"


@dataclass(frozen=True)
class Principal:
    """Who is acting: a logged-in user, reduced to what authorization needs."""

    user_id: int
    username: str
    role: Role
    state: str | None = None  # ISO 3166-1 alpha-3 of a liaison's host state


@dataclass(frozen=True)
class RecordFacts:
    """What scope checks need to know about one case."""

    case_id: str
    referred_states: frozenset[str] = frozenset()  # states the case is or was referred to


def scope_of(role: Role, action: Permission) -> Scope | None:
    """The scope ``role`` has for ``action``; ``None`` means not granted at all."""
    return GRANTS.get(role, {}).get(action)


def may(principal: Principal, action: Permission) -> bool:
    return scope_of(principal.role, action) is not None


def in_scope(principal: Principal, scope: Scope, record: RecordFacts) -> bool:
    if scope is Scope.ALL:
        return True
    if scope is Scope.OWN_STATE:
        return principal.state is not None and principal.state in record.referred_states
    return False


def authorize(principal: Principal, action: Permission, record: RecordFacts | None = None) -> None:
    """Raise unless ``principal`` may do ``action`` (on ``record``, when one is concerned).

    A record outside the principal's scope answers *not found*, so its existence never leaks.
    """
    scope = scope_of(principal.role, action)
    if scope is None:
        raise PermissionDeniedError(
            f"Your role ({ROLE_WORDS.get(principal.role, principal.role)}) cannot "
            f"{PERMISSION_WORDS.get(action, action)}; ask an administrator if you need to."
        )
    if record is not None and not in_scope(principal, scope, record):
        raise NotFoundError(f"no case {record.case_id} that you may see")


def visible_sections(role: Role) -> frozenset[Section]:
    return SECTIONS.get(role, frozenset())


def needs_second_factor(role: Role) -> bool:
    """Roles that see sensitive sections, refer cases or manage users log in with a TOTP
    code."""
    return bool(visible_sections(role) & SENSITIVE_SECTIONS) or bool(
        SECOND_FACTOR_ACTIONS & set(GRANTS.get(role, {})))


def may_manage_users(role: Role) -> bool:
    return A.USER_MANAGE in GRANTS.get(role, {})


def check_grants() -> list[str]:
    """Problems in the tables themselves (e.g. a read-only role holding a write action)."""
    problems = [
        f"{role} holds write action {action}"
        for role in (Role.AUDITOR,)
        for action in GRANTS[role]
        if action in WRITE_ACTIONS
    ]
    problems.extend(f"{role} has no section list" for role in Role if role not in SECTIONS)
    problems.extend(f"{role} has no grants" for role in Role if role not in GRANTS)
    problems.extend(f"{role} has no words" for role in Role if role not in ROLE_WORDS)
    problems.extend(f"{a} has no words" for a in Permission if a not in PERMISSION_WORDS)
    return problems
