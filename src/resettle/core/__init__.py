"""Pure domain model shared by every stage: no database, web or CLI imports here."""

from resettle.core.batch import RegistryBatch
from resettle.core.case import Case, Relationship
from resettle.core.codes import is_country_code, is_language_code
from resettle.core.issues import Issue, IssueLog
from resettle.core.locality import Capacity, Locality, Pledge, PledgeCriteria
from resettle.core.needs import Dimension, Needs
from resettle.core.person import (
    DatePrecision,
    EducationLevel,
    LanguageSkill,
    MedicalCondition,
    Person,
    Proficiency,
    Relative,
    Severity,
    Sex,
)
from resettle.core.status import CaseStatus, Category, Priority

__all__ = [
    "Capacity",
    "Case",
    "CaseStatus",
    "Category",
    "DatePrecision",
    "Dimension",
    "EducationLevel",
    "Issue",
    "IssueLog",
    "LanguageSkill",
    "Locality",
    "MedicalCondition",
    "Needs",
    "Person",
    "Pledge",
    "PledgeCriteria",
    "Priority",
    "Proficiency",
    "RegistryBatch",
    "Relationship",
    "Relative",
    "Severity",
    "Sex",
    "is_country_code",
    "is_language_code",
]
