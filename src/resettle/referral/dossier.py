"""The dossier a host state receives: built from its agreement's allow-list and nothing else.

:func:`build_dossier` checks, in order, that the agreement is in force, that every adult of
the case has consented to sharing (or that a second officer overrides, with a reason), then
reads each allowed field through the catalogue (:mod:`resettle.referral.fields`). A field the
agreement does not list is never read, so it cannot leak into the dossier, its HTML or PDF
rendering, or an API response built from :meth:`Dossier.to_json`.

The case is passed as the adapter loaded it: sealed values (medical conditions, exclusion
profiles, needs naming violence or illness) opened by the database adapter are simply dropped
when the agreement does not allow them. :func:`dossier_digest` is the SHA-256 of the canonical
JSON of the dossier, recorded in the audit entry of each disclosure.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any

from resettle.core.case import Case
from resettle.core.issues import Issue
from resettle.core.person import Person
from resettle.errors import ValidationError
from resettle.referral.agreements import DataSharingAgreement
from resettle.referral.fields import CASE_FIELDS, CATALOGUE, MEMBER_FIELDS, Value

# Fields whose values the database adapter stores sealed (encrypted): it must open them before
# building the dossier of an agreement that allows any of them.
SEALED_FIELDS = frozenset({"medical_conditions", "services_needed", "sensitive_needs",
                           "profiles"})


@dataclass(frozen=True)
class ConsentOverride:
    """Sharing without every adult's consent: a second officer (not the requester) and why."""

    officer: str
    reason: str


@dataclass(frozen=True, eq=False)
class Dossier:
    """What one host state receives about one case, under one version of its agreement."""

    country: str
    agreement_version: str
    purpose: str
    built_on: date
    retain_until: date  # the state deletes it after this day (agreement's retention)
    fields: frozenset[str]  # the allow-list it was built from
    case: Mapping[str, Value]  # allowed case-level fields, catalogue order
    members: tuple[Mapping[str, Value], ...]  # allowed member fields, one mapping per member

    @property
    def case_id(self) -> str:
        return str(self.case["case_id"])

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form (for the API and the digest): what is sent, and only that."""
        return {
            "country": self.country,
            "agreement_version": self.agreement_version,
            "purpose": self.purpose,
            "built_on": self.built_on.isoformat(),
            "retain_until": self.retain_until.isoformat(),
            "fields": sorted(self.fields),
            "case": {k: _plain(v) for k, v in self.case.items()},
            "members": [{k: _plain(v) for k, v in m.items()} for m in self.members],
        }


def _plain(value: Value) -> Any:
    if isinstance(value, tuple):
        return [dict(v) if isinstance(v, Mapping) else v for v in value]
    return value


def needs_sealed_values(agreement: DataSharingAgreement) -> bool:
    """Whether the adapter must open sealed values to build this agreement's dossiers."""
    return bool(agreement.fields & SEALED_FIELDS)


def adults_without_consent(case: Case, consenting: Collection[str], *, on: date) -> tuple[str, ...]:
    """Person ids of the case's adults (18 or over on ``on``) who have not consented."""
    given = frozenset(consenting)
    return tuple(m.person_id for m in case.members
                 if m.is_adult_on(on) and m.person_id not in given)


def check_consent(
    case: Case,
    consenting: Collection[str],
    *,
    on: date,
    requested_by: str,
    override: ConsentOverride | None = None,
) -> tuple[str, ...]:
    """Every adult must have consented to sharing with the receiving state.

    Returns the adults shared *without* consent (empty unless a valid override covered them)
    so the caller can audit the override. Raises ValidationError listing each adult who has
    not consented, or each problem with the override (second officer missing or the
    requester themself, reason missing).
    """
    missing = adults_without_consent(case, consenting, on=on)
    if not missing:
        return ()
    if override is None:
        raise ValidationError(
            [Issue("consent_missing", "has not consented to sharing with the receiving state",
                   record=pid, field="consent") for pid in missing],
            f"{len(missing)} adult(s) of case {case.case_id} have not consented: record each "
            "one's own consent (given in private) first, or ask a second officer to override "
            "with a reason",
        )
    problems = _override_issues(override, requested_by, case.case_id)
    if problems:
        raise ValidationError(problems, "the consent override is not valid; nothing was shared")
    return missing


def _override_issues(override: ConsentOverride, requested_by: str, case_id: str) -> list[Issue]:
    found: list[Issue] = []
    officer = override.officer.strip()
    if not officer:
        found.append(Issue("override_incomplete", "name the second officer who authorises "
                           "sharing without every adult's consent", record=case_id,
                           field="officer"))
    elif officer == requested_by.strip():
        found.append(Issue("same_officer", "the second officer must be someone other than the "
                           "officer asking for the dossier", record=case_id, field="officer"))
    if not override.reason.strip():
        found.append(Issue("override_incomplete", "give the reason for sharing without every "
                           "adult's consent", record=case_id, field="reason"))
    return found


def build_dossier(
    case: Case,
    agreement: DataSharingAgreement,
    *,
    consenting: Collection[str],
    requested_by: str,
    on: date,
    override: ConsentOverride | None = None,
) -> Dossier:
    """The dossier of ``case`` for ``agreement``'s state, on day ``on``.

    ``consenting``: person ids whose latest consent to sharing counts (screening's
    ``consenting_persons``). Raises ValidationError if the agreement is not in force on ``on``
    or consent is missing (see :func:`check_consent`).
    """
    if not agreement.in_force_on(on):
        raise ValidationError(
            [Issue("agreement_not_in_force", f"version {agreement.version} of the agreement "
                   f"with {agreement.country} is not in force on {on.isoformat()}",
                   record=case.case_id, field="agreement")],
            "this agreement cannot be used on that day; use the version in force")
    check_consent(case, consenting, on=on, requested_by=requested_by, override=override)
    allowed = agreement.fields
    case_part = {name: _read_case(name, case, on) for name in CASE_FIELDS if name in allowed}
    member_names = [name for name in MEMBER_FIELDS if name in allowed]
    members = tuple(
        MappingProxyType({name: _read_member(name, member, on) for name in member_names})
        for member in case.members
    )
    return Dossier(
        country=agreement.country,
        agreement_version=agreement.version,
        purpose=agreement.purpose,
        built_on=on,
        retain_until=on + timedelta(days=agreement.retention_days),
        fields=allowed,
        case=MappingProxyType(case_part),
        members=members,
    )


def _read_case(name: str, case: Case, on: date) -> Value:
    read = CATALOGUE[name].read_case
    assert read is not None  # the catalogue gives every case field a reader
    return read(case, on)


def _read_member(name: str, member: Person, on: date) -> Value:
    read = CATALOGUE[name].read_member
    assert read is not None  # the catalogue gives every member field a reader
    return read(member, on)


def dossier_digest(dossier: Dossier) -> str:
    """SHA-256 (hex) of the dossier's canonical JSON: sorted keys, no spaces, UTF-8."""
    canonical = json.dumps(dossier.to_json(), sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
