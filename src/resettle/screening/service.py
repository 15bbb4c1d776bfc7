"""The screening service API that the web app and the CLI call.

Every function takes a :class:`~resettle.screening.ports.ScreeningStore` (one unit of work)
first and keyword arguments after; every change checks the case's version, records events
with actor, time and reason, and raises the error that says what to do instead.
"""

from resettle.screening.actions import (
    advance_case,
    case_history,
    check_case_destination,
    decide_status,
    no_return_list,
    person_no_return_list,
    set_categories,
    set_priority,
    utc_now,
)
from resettle.screening.casework import (
    Funnel,
    assess_exclusion,
    due_day,
    list_due,
    merge_cases,
    open_exclusion_review,
    pipeline_funnel,
    review_exclusion,
    split_case,
)
from resettle.screening.people import (
    declare_no_return,
    read_statements,
    record_consent,
    record_interview,
    record_relative,
    record_statement,
    withdraw_consent,
)
from resettle.screening.ports import ScreeningSettings, ScreeningStore
from resettle.screening.standing import CaseStanding, case_standing

__all__ = [
    "CaseStanding",
    "Funnel",
    "ScreeningSettings",
    "ScreeningStore",
    "advance_case",
    "assess_exclusion",
    "case_history",
    "case_standing",
    "check_case_destination",
    "decide_status",
    "declare_no_return",
    "due_day",
    "list_due",
    "merge_cases",
    "no_return_list",
    "open_exclusion_review",
    "person_no_return_list",
    "pipeline_funnel",
    "read_statements",
    "record_consent",
    "record_interview",
    "record_relative",
    "record_statement",
    "review_exclusion",
    "set_categories",
    "set_priority",
    "split_case",
    "utc_now",
    "withdraw_consent",
]
