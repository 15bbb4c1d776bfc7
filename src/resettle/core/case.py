"""A case: a household resettled together, with one principal applicant."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from resettle.core.issues import Issue
from resettle.core.needs import Needs
from resettle.core.person import SCHOOL_AGE_YEARS, Person
from resettle.core.status import CaseStatus, Category, Priority

# A household of this many persons needs a large-family housing unit.
LARGE_FAMILY_SIZE = 6


class Relationship(StrEnum):
    """A member's relationship to the principal applicant."""

    PRINCIPAL = "principal"
    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    SIBLING = "sibling"
    GRANDCHILD = "grandchild"
    GRANDPARENT = "grandparent"
    OTHER_RELATIVE = "other_relative"
    NON_RELATIVE = "non_relative"


@dataclass(frozen=True)
class Case:
    case_id: str
    principal_id: str
    members: tuple[Person, ...]
    processing_priority: Priority = Priority.NORMAL
    status: CaseStatus = CaseStatus.REGISTERED
    primary_category: Category | None = None
    secondary_category: Category | None = None
    registered_on: date | None = None
    version: int = 1

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def principal(self) -> Person | None:
        return next((m for m in self.members if m.person_id == self.principal_id), None)

    def needs(self, on: date) -> Needs:
        """Case-level needs on a given day (school age depends on it)."""
        return Needs(
            persons=self.size,
            large_family_units=int(self.size >= LARGE_FAMILY_SIZE),
            medical_places=sum(m.needs_medical_place for m in self.members),
            accessible_units=int(any(m.needs_accessible_housing for m in self.members)),
            school_places=sum(m.age_on(on) in SCHOOL_AGE_YEARS for m in self.members),
        )

    @property
    def services_needed(self) -> frozenset[str]:
        return frozenset().union(*(m.services_needed for m in self.members))

    @property
    def no_return_countries(self) -> frozenset[str]:
        """No member may be sent to any of these, so neither may the case."""
        return frozenset().union(*(m.no_return_countries for m in self.members))

    @property
    def relative_countries(self) -> frozenset[str]:
        return frozenset(r.country for m in self.members for r in m.relatives)

    @property
    def profiles(self) -> frozenset[str]:
        return frozenset(p for m in self.members for p in m.profiles)

    def with_members(self, members: tuple[Person, ...]) -> Case:
        return replace(self, members=members)

    def issues(self, *, declared_size: int | None = None) -> list[Issue]:
        """Every rule this case breaks, its members' included."""
        found = self.own_issues(declared_size=declared_size)
        for member in self.members:
            found.extend(member.issues())
        return found

    def own_issues(self, *, declared_size: int | None = None) -> list[Issue]:
        """The rules of the case as a whole, without each member's own rules."""
        found: list[Issue] = []

        def add(code: str, field_name: str, message: str) -> None:
            found.append(Issue(code, message, field=field_name, record=self.case_id))

        if not self.members:
            add("empty_case", "members", "a case needs at least its principal applicant")
        if self.members and self.principal is None:
            add(
                "missing_principal",
                "principal_id",
                f"principal {self.principal_id} is not a member of the case",
            )
        principals = [m for m in self.members if m.relationship == Relationship.PRINCIPAL]
        if len(principals) > 1:
            add("two_principals", "relationship", "only one member can be the principal")
        if declared_size is not None and declared_size != self.size:
            add(
                "size_mismatch",
                "size",
                f"size says {declared_size} but the case has {self.size} member(s); "
                "fix the size or the members",
            )
        principal = self.principal
        if principal is not None and principal.relationship != Relationship.PRINCIPAL:
            add(
                "principal_relationship",
                "relationship",
                f"the principal {self.principal_id} has relationship '{principal.relationship}'; "
                "it should be 'principal'",
            )
        for member in self.members:
            if member.case_id != self.case_id:
                add("wrong_case", "members", f"{member.person_id} belongs to {member.case_id}")
        return found
