"""Words, not codes: every code the interface shows, in one place, and dates as people read them.

``LABELS`` maps each enum the pages show to English words. Other languages are catalogues from
the English words to theirs (``CATALOGUES``, gettext's msgid -> msgstr, empty for now: Persian
and Arabic translators fill them); ``RTL_LANGUAGES`` lay the page out right to left. The
templates use the filters registered by :func:`install`: ``words`` (a code or enum member),
``day`` (30 June 2015), ``birth`` (a birth date with its precision), ``age`` and ``country``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

from fastapi.templating import Jinja2Templates

from resettle.core import CaseStatus, Category, Dimension, Priority
from resettle.core.case import Relationship
from resettle.core.codes import country_name
from resettle.core.person import DatePrecision, EducationLevel, Proficiency, Severity, Sex
from resettle.departures.planner import PlanStatus
from resettle.departures.records import FlightKind, FlightStatus, ItemKind
from resettle.placement.result import SolveStatus
from resettle.placement.runs import DecisionAction
from resettle.referral.records import HostDecision, ReferralState
from resettle.reporting.queue import Kind
from resettle.screening.exclusion import Clause, Recommendation, ReviewDecision, ReviewState
from resettle.screening.workflow import Action
from resettle.security.policy import PERMISSION_WORDS, ROLE_WORDS, Permission, Role, Section

LABELS: Mapping[type[Enum], Mapping[str, str]] = {
    CaseStatus: {
        "registered": "Registered", "needs_assessed": "Needs assessed",
        "interview_scheduled": "Interview scheduled", "interviewed": "Interviewed",
        "assessed": "Claim assessed", "recognized": "Recognized as refugee",
        "rejected": "Rejected", "appeal": "On appeal", "exclusion_review": "Exclusion review",
        "submission_drafted": "Submission drafted", "submission_revise": "Submission to revise",
        "not_recommended": "Not recommended", "ready_for_referral": "Ready for referral",
        "referred": "Referred to a host state", "more_information": "More information asked",
        "accepted": "Accepted by a host state", "pre_departure": "Preparing departure",
        "departed": "Departed", "arrived": "Arrived", "on_hold": "On hold",
        "withdrawn": "Withdrawn", "closed": "Closed", "excluded": "Excluded",
    },
    Category: {
        "LEGAL_PHYSICAL": "Legal or physical protection needs",
        "SURVIVOR_VIOLENCE_TORTURE": "Survivor of violence or torture",
        "MEDICAL": "Medical needs", "WOMEN_GIRLS_AT_RISK": "Women and girls at risk",
        "FAMILY_UNITY": "Family reunification", "CHILDREN_AT_RISK": "Children at risk",
        "NO_ALTERNATIVE_SOLUTION": "Lack of foreseeable alternative durable solutions",
    },
    Priority: {"emergency": "Emergency", "urgent": "Urgent", "normal": "Normal"},
    Dimension: {"persons": "Persons", "large_family_units": "Large family homes",
                "medical_places": "Medical places", "accessible_units": "Accessible homes",
                "school_places": "School places"},
    Sex: {"F": "Female", "M": "Male", "X": "Other"},
    DatePrecision: {"exact": "exact", "year": "year only", "estimated": "estimated"},
    Proficiency: {"basic": "basic", "intermediate": "intermediate", "fluent": "fluent",
                  "native": "native"},
    EducationLevel: {"none": "None", "primary": "Primary", "secondary": "Secondary",
                     "vocational": "Vocational", "university": "University",
                     "postgraduate": "Postgraduate"},
    Severity: {"mild": "Mild", "moderate": "Moderate", "severe": "Severe",
               "critical": "Critical"},
    Relationship: {"principal": "Principal applicant", "spouse": "Spouse", "child": "Child",
                   "parent": "Parent", "sibling": "Sibling", "grandchild": "Grandchild",
                   "grandparent": "Grandparent", "other_relative": "Other relative",
                   "non_relative": "Not related"},
    Action: {
        "assess_needs": "Assess needs", "schedule_interview": "Schedule the interview",
        "complete_interviews": "Complete the interviews", "assess_claim": "Assess the claim",
        "recognize": "Recognize as refugee", "reject": "Reject the claim",
        "lodge_appeal": "Lodge an appeal", "grant_appeal": "Grant the appeal",
        "dismiss_appeal": "Dismiss the appeal",
        "start_exclusion_review": "Start an exclusion review",
        "clear_exclusion": "Clear of exclusion", "exclude": "Exclude",
        "draft_submission": "Draft the submission", "recommend": "Recommend for referral",
        "request_revision": "Ask for a revision", "not_recommend": "Do not recommend",
        "revise_submission": "Revise the submission", "reconsider": "Reconsider",
        "refer": "Refer to a host state", "request_information": "Ask for more information",
        "provide_information": "Provide the information asked", "accept": "Accept",
        "refuse": "Refuse", "withdraw_referral": "Withdraw the referral",
        "prepare_departure": "Prepare the departure", "depart": "Record the departure",
        "report_arrival": "Report the arrival", "hold": "Put on hold", "resume": "Resume",
        "withdraw": "Withdraw the case", "close": "Close the case",
        "set_categories": "Set the categories", "set_priority": "Set the priority",
        "record_interview": "Record an interview", "record_consent": "Record consent",
        "withdraw_consent": "Withdraw consent",
        "open_exclusion_review": "Open an exclusion review",
        "assess_exclusion": "Assess exclusion", "review_exclusion": "Review the assessment",
        "declare_no_return": "Declare a country of no return",
        "record_relative": "Record a relative", "split": "Split the case",
        "split_from": "Split from another case", "merge": "Merge cases",
        "merged_into": "Merged into another case",
    },
    Role: ROLE_WORDS,
    Permission: PERMISSION_WORDS,
    Section: {"case": "Case", "identity": "Identity", "needs": "Needs",
              "relatives": "Relatives", "history": "History", "medical": "Medical",
              "violence": "Violence survived", "exclusion": "Exclusion",
              "confidential": "Confidential"},
    ReferralState: {"pending": "Waiting for the host state", "more_information":
                    "More information asked", "accepted": "Accepted",
                    "split": "Part of the family accepted", "refused": "Refused",
                    "not_considered": "Not considered", "split_declined": "Split declined",
                    "withdrawn": "Withdrawn"},
    HostDecision: {"accepted": "Accept", "refused": "Refuse",
                   "not_considered": "Decline to consider",
                   "more_information": "Ask for more information",
                   "split": "Accept part of the family"},
    ReviewState: {"open": "Open, waiting for an assessment",
                  "assessed": "Assessed, waiting for a second reviewer", "decided": "Decided"},
    Recommendation: {"include": "Include (not excluded)", "exclude": "Exclude"},
    ReviewDecision: {"confirm": "Confirm the assessment", "return": "Send it back"},
    Clause: {"1F(a)": "Article 1F(a): crimes against peace, war crimes, crimes against "
             "humanity", "1F(b)": "Article 1F(b): serious non-political crime",
             "1F(c)": "Article 1F(c): acts contrary to the purposes of the United Nations"},
    SolveStatus: {"optimal": "Best possible", "within_gap": "Near the best possible",
                  "time_limit": "Stopped at the time limit", "feasible": "Valid placement",
                  "infeasible": "No valid placement exists", "error": "Failed"},
    DecisionAction: {"accept": "Accepted", "override": "Overridden"},
    ItemKind: {"travel_document": "Travel document", "entry_permit": "Entry permit or visa",
               "exit_permit": "Exit permit", "medical_exam": "Medical examination",
               "fit_to_travel": "Fit to travel", "orientation": "Pre-departure orientation",
               "escort_assessment": "Escort assessment"},
    FlightKind: {"charter": "Charter", "scheduled": "Scheduled flight"},
    FlightStatus: {"planned": "Planned", "cancelled": "Cancelled", "departed": "Departed"},
    PlanStatus: {"complete": "Complete", "partial": "Partial", "nothing": "Nothing booked",
                 "failed": "Failed"},
    Kind: {
        "overdue": "Cases past their deadline", "due_soon": "Cases due soon",
        "departures_overdue": "Accepted cases past their departure target",
        "departures_due": "Departures due soon",
        "referrals_overdue": "Referred cases past their departure target, no answer yet",
        "to_assess": "Exclusion reviews to assess",
        "second_review": "Assessments waiting for a second reviewer",
        "new_referrals": "Referrals waiting for your decision",
        "more_information": "Host states asking for more information",
        "split_decisions": "Split decisions to resolve",
        "runs_to_decide": "Placement runs with proposals to decide",
        "pledges_expiring": "Pledges about to expire",
    },
}
# Codes without an enum: specific needs and the like, as the registry writes them.
NEED_WORDS: Mapping[str, str] = {
    "wheelchair_user": "Uses a wheelchair", "survivor_of_torture": "Survivor of torture",
    "single_parent": "Single parent", "unaccompanied_child": "Unaccompanied child",
    "older_person_at_risk": "Older person at risk", "serious_medical_condition":
    "Serious medical condition", "disability": "Disability",
}
_BY_CODE: dict[str, str] = {}  # code -> words, for codes passed as plain strings
for _table in LABELS.values():
    for _code, _words in _table.items():
        _BY_CODE.setdefault(_code, _words)

# Translations: English words -> the language's words. Filled by translators; a missing entry
# shows the English words.
CATALOGUES: dict[str, dict[str, str]] = {"en": {}, "fa": {}, "ar": {}}
RTL_LANGUAGES = frozenset({"fa", "ar", "ckb", "ur", "he"})
LANGUAGE_ENV = "RESETTLE_UI_LANGUAGE"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def interface_language() -> str:
    """The interface's language (``RESETTLE_UI_LANGUAGE``, default English)."""
    language = os.environ.get(LANGUAGE_ENV, "en").strip().lower() or "en"
    return language if language in CATALOGUES else "en"


def direction(language: str) -> str:
    return "rtl" if language in RTL_LANGUAGES else "ltr"


def translate(text: str, language: str | None = None) -> str:
    return CATALOGUES.get(language or interface_language(), {}).get(text, text)


def words(value: Any, kind: str = "") -> str:
    """The words for a code: an enum member, or a string code (``kind`` "need" or
    "language" for codes without an enum). Unknown codes read as words, not as a code."""
    if value is None or value == "":
        return ""
    if isinstance(value, Enum):
        table = LABELS.get(type(value), {})
        found = table.get(str(value.value))
    elif kind == "language":
        return _language(str(value))
    elif kind == "country":
        return country_name(str(value))
    else:
        found = (NEED_WORDS if kind == "need" else _BY_CODE).get(str(value))
    return translate(found if found is not None else _humane(str(value)))


def _humane(code: str) -> str:
    """``LEGAL_PHYSICAL`` -> "Legal physical"; ``wheelchair_user`` -> "Wheelchair user"."""
    text = code.replace("_", " ").replace(".", " ").strip().lower()
    return text[:1].upper() + text[1:]


def _language(code: str) -> str:
    """``fas:native`` -> "Persian (native)"; ``ara`` -> "Arabic"."""
    import pycountry  # noqa: PLC0415 - the registry's code lists, loaded once used

    language, _, level = code.partition(":")
    found = pycountry.languages.get(alpha_3=language)
    name = str(found.name) if found is not None else language
    return f"{name} ({translate(words(Proficiency(level)))})" if level in set(
        Proficiency) else name


def step_words(what: str) -> str:
    """A history line in words: ``assess_needs: registered → needs_assessed`` -> "Assess
    needs (now Needs assessed)"; ``status: a → b`` -> "Status changed to B"."""
    head, _, change = what.partition(": ")
    before, arrow, after = change.partition(" → ")
    if not arrow:
        return words(what)
    if head == "status":
        return f"Status changed to {words(after)}"
    done = words(Action(head)) if head in set(Action) else words(head)
    return done if before == after else f"{done} (now {words(after)})"


def day(value: Any) -> str:
    """30 June 2015 (dates and moments alike); an ISO text is read first."""
    if isinstance(value, str):
        text = value
        try:
            value = datetime.fromisoformat(text) if "T" in text or " " in text \
                else date.fromisoformat(text)
        except ValueError:
            return text
    if isinstance(value, datetime):
        shown = f"{value.day} {MONTHS[value.month - 1]} {value.year}"
        return shown if (value.hour, value.minute) == (0, 0) else f"{shown}, {value:%H:%M}"
    if isinstance(value, date):
        return f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    return "" if value is None else str(value)


def birth(value: Any, precision: Any = "exact") -> str:
    """A birth date as known: "1975" when only the year is, "about 1975" when estimated."""
    text = str(precision.value if isinstance(precision, Enum) else precision or "exact")
    parsed = value if isinstance(value, date) else _date_or_none(value)
    if parsed is None:
        return "" if value is None else str(value)
    if text == DatePrecision.YEAR:
        return str(parsed.year)
    if text == DatePrecision.ESTIMATED:
        return f"about {parsed.year}"
    return day(parsed)


def age(value: Any, on: date | None = None) -> str:
    """Age in whole years on ``on`` (default today): "41 years", "8 months" for a baby."""
    born = value if isinstance(value, date) else _date_or_none(value)
    if born is None:
        return ""
    on = on or date.today()
    months = (on.year - born.year) * 12 + on.month - born.month - (on.day < born.day)
    if months < 24:
        return f"{max(months, 0)} months"
    return f"{months // 12} years"


def _date_or_none(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def install(templates: Jinja2Templates) -> None:
    """Register the filters and the page language with the app's templates."""
    env = templates.env
    env.filters["words"] = words
    env.filters["day"] = day
    env.filters["birth"] = birth
    env.filters["age"] = age
    env.filters["step_words"] = step_words
    env.filters["country"] = lambda code: words(code, "country")
    env.filters["t"] = translate
    env.globals["ui_language"] = interface_language
    env.globals["ui_direction"] = lambda: direction(interface_language())
