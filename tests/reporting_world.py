"""A small operation whose aggregates are worked out by hand (see the test module).

Four cases, registered 10 January 2013 unless said otherwise:
- ALPHA (2 persons, urgent): referred to ALB 5 Mar, accepted 1 Apr, pre-departure 1 May,
  departed 15 May 2013.
- BRAVO (1 person, normal): referred to DEU 10 Mar, refused 20 Apr ("security vetting"),
  referred to ALB 2 May, accepted 10 Jun 2013.
- CHARLIE (3 persons, emergency): registered 20 Jun 2013, no event yet.
- DELTA (1 person, normal): imported as closed, no history.
Pledges: ALB 10 places from 1 Mar 2013, DEU 5 from 1 Feb 2013, USA 20 from 1 Jul 2013.
``copies`` repeats the world with other ids, so every count is multiplied (for reports whose
cells must not all be suppressed).
"""

from __future__ import annotations

from datetime import date, datetime

from registry_samples import make_case, make_person
from resettle.core import Case, CaseStatus, Pledge, Priority, Sex
from resettle.screening.workflow import Action, CaseEvent

S = CaseStatus
NAMES = ("Zubeida", "Khorrami", "Farrokhzad", "Nasrin")


def _case(case_id: str, size: int, priority: Priority, status: CaseStatus,
          registered: date = date(2013, 1, 10)) -> Case:
    sexes = [Sex.MALE, Sex.FEMALE, Sex.FEMALE]
    births = [date(1970, 3, 1), date(1975, 8, 1), date(2009, 2, 1)]
    members = [make_person(f"PERSON-{case_id}-{n}", case_id, sex=sexes[n], birth_date=births[n],
                           given_name=NAMES[n % 2], family_name=NAMES[2 + n % 2],
                           relationship="principal" if n == 0 else "spouse" if n == 1
                           else "child")
               for n in range(size)]
    return make_case(case_id, members, processing_priority=priority, status=status,
                     registered_on=registered)


def _events(case_id: str, steps: list[tuple[Action, datetime, S, S, dict[str, str], str]]
            ) -> list[CaseEvent]:
    return [CaseEvent(case_id, n + 1, action, "officer-01", at, reason, before, after, data)
            for n, (action, at, before, after, data, reason) in enumerate(steps)]


def world(copies: int = 1) -> tuple[list[Case], list[CaseEvent], list[Pledge]]:
    cases: list[Case] = []
    events: list[CaseEvent] = []
    for n in range(copies):
        alpha, bravo = f"CASE-ALPHA-{n:04d}", f"CASE-BRAVO-{n:04d}"
        cases += [
            _case(alpha, 2, Priority.URGENT, S.DEPARTED),
            _case(bravo, 1, Priority.NORMAL, S.ACCEPTED),
            _case(f"CASE-CHARLIE-{n:04d}", 3, Priority.EMERGENCY, S.REGISTERED,
                  date(2013, 6, 20)),
            _case(f"CASE-DELTA-{n:04d}", 1, Priority.NORMAL, S.CLOSED),
        ]
        events += _events(alpha, [
            (Action.REFER, datetime(2013, 3, 5, 10), S.READY_FOR_REFERRAL, S.REFERRED,
             {"country": "ALB", "submission_priority": "urgent"}, "submitted"),
            (Action.ACCEPT, datetime(2013, 4, 1, 10), S.REFERRED, S.ACCEPTED, {}, "accepted"),
            (Action.PREPARE_DEPARTURE, datetime(2013, 5, 1, 10), S.ACCEPTED, S.PRE_DEPARTURE,
             {}, "travel booked"),
            (Action.DEPART, datetime(2013, 5, 15, 10), S.PRE_DEPARTURE, S.DEPARTED, {},
             "flight"),
        ])
        events += _events(bravo, [
            (Action.REFER, datetime(2013, 3, 10, 10), S.READY_FOR_REFERRAL, S.REFERRED,
             {"country": "DEU", "submission_priority": "normal"}, "submitted"),
            (Action.REFUSE, datetime(2013, 4, 20, 10), S.REFERRED, S.READY_FOR_REFERRAL,
             {"refusal_reason": "security vetting"}, "host state refused: place elsewhere"),
            (Action.REFER, datetime(2013, 5, 2, 10), S.READY_FOR_REFERRAL, S.REFERRED,
             {"country": "ALB", "submission_priority": "normal"}, "submitted"),
            (Action.ACCEPT, datetime(2013, 6, 10, 10), S.REFERRED, S.ACCEPTED, {}, "accepted"),
        ])
    pledges = [
        Pledge("P-ALB", "ALB", date(2013, 3, 1), date(2016, 12, 31), 10 * copies),
        Pledge("P-DEU", "DEU", date(2013, 2, 1), date(2016, 12, 31), 5 * copies),
        Pledge("P-USA", "USA", date(2013, 7, 1), date(2016, 12, 31), 20 * copies),
    ]
    return cases, events, pledges


def secrets_of(cases: list[Case]) -> list[str]:
    """What must never appear in an aggregate output: ids and names."""
    found = {c.case_id for c in cases} | {m.person_id for c in cases for m in c.members}
    found |= {m.given_name for c in cases for m in c.members}
    found |= {m.family_name for c in cases for m in c.members}
    found |= {"CASE-", "PERSON-"}
    return sorted(found)
