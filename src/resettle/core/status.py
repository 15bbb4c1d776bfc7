"""Vocabulary shared by every stage: case status, submission category, priority."""

from __future__ import annotations

from enum import StrEnum


class CaseStatus(StrEnum):
    """Where a case stands in the pipeline (DOMAIN.md); the transitions live in screening."""

    REGISTERED = "registered"
    NEEDS_ASSESSED = "needs_assessed"
    INTERVIEW_SCHEDULED = "interview_scheduled"
    INTERVIEWED = "interviewed"
    ASSESSED = "assessed"
    RECOGNIZED = "recognized"
    REJECTED = "rejected"
    APPEAL = "appeal"
    EXCLUSION_REVIEW = "exclusion_review"
    SUBMISSION_DRAFTED = "submission_drafted"
    SUBMISSION_REVISE = "submission_revise"
    NOT_RECOMMENDED = "not_recommended"
    READY_FOR_REFERRAL = "ready_for_referral"
    REFERRED = "referred"
    MORE_INFORMATION = "more_information"
    ACCEPTED = "accepted"
    PRE_DEPARTURE = "pre_departure"
    DEPARTED = "departed"
    ARRIVED = "arrived"  # arrival reported by the host state
    ON_HOLD = "on_hold"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"
    EXCLUDED = "excluded"


class Category(StrEnum):
    """UNHCR resettlement submission categories (Resettlement Handbook, 2022)."""

    LEGAL_PHYSICAL = "LEGAL_PHYSICAL"
    SURVIVOR_VIOLENCE_TORTURE = "SURVIVOR_VIOLENCE_TORTURE"
    MEDICAL = "MEDICAL"
    WOMEN_GIRLS_AT_RISK = "WOMEN_GIRLS_AT_RISK"
    FAMILY_UNITY = "FAMILY_UNITY"
    CHILDREN_AT_RISK = "CHILDREN_AT_RISK"
    NO_ALTERNATIVE_SOLUTION = "NO_ALTERNATIVE_SOLUTION"


class Priority(StrEnum):
    """Processing or submission priority; order matters (emergency first)."""

    EMERGENCY = "emergency"
    URGENT = "urgent"
    NORMAL = "normal"

    @property
    def rank(self) -> int:
        return _PRIORITY_RANK[self]


_PRIORITY_RANK = {Priority.EMERGENCY: 0, Priority.URGENT: 1, Priority.NORMAL: 2}
