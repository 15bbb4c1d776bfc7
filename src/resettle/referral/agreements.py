"""Per-state data-sharing agreements as data: which fields a host state receives, why, how long.

An agreement names a host state (ISO 3166-1 alpha-3), a version, the day it comes into force
(and optionally the last day), its purpose, how many days the state may keep what it received,
and the fields it allows (names from :mod:`resettle.referral.fields`). A state's agreement in
force on a day is its latest version that started on or before that day and has not ended.

Files are TOML or JSON (docs/referral-agreements.md); :func:`load_agreements` checks every entry
and raises one :class:`~resettle.errors.ValidationError` listing every problem (unknown field,
unknown country, bad date...) before anything is used. A state with no agreement of its own
can be given the default, the RRF minimum (:func:`default_agreement`).
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn

from resettle.core.codes import country_name, is_country_code
from resettle.core.issues import Issue, IssueLog
from resettle.errors import NotFoundError, ValidationError
from resettle.referral.fields import CATALOGUE, MINIMUM_TOKEN, REQUIRED_FIELDS, RRF_MINIMUM

DEFAULT_VERSION = "default"
DEFAULT_PURPOSE = "resettlement submission: the state's decision on admitting the case"
DEFAULT_RETENTION_DAYS = 365
MAX_RETENTION = 36_500  # a century: anything longer is a typing error
_KEYS = frozenset({"country", "version", "valid_from", "valid_until", "purpose",
                   "retention_days", "fields"})


@dataclass(frozen=True)
class DataSharingAgreement:
    country: str  # ISO 3166-1 alpha-3
    version: str
    valid_from: date
    purpose: str
    retention_days: int
    fields: frozenset[str] = RRF_MINIMUM
    valid_until: date | None = None  # last day in force; None: until a newer version

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    def allows(self, field_name: str) -> bool:
        return field_name in self.fields


def default_agreement(country: str, *, valid_from: date = date.min) -> DataSharingAgreement:
    """The RRF minimum, for a configured host state that has no agreement of its own."""
    return DataSharingAgreement(country, DEFAULT_VERSION, valid_from, DEFAULT_PURPOSE,
                                DEFAULT_RETENTION_DAYS, RRF_MINIMUM)


@dataclass(frozen=True)
class AgreementBook:
    """Every version of every state's agreement."""

    agreements: tuple[DataSharingAgreement, ...] = ()
    source: str = ""  # the file it was read from, for messages
    _by_state: Mapping[str, tuple[DataSharingAgreement, ...]] = field(
        init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        by_state: dict[str, list[DataSharingAgreement]] = {}
        for agreement in self.agreements:
            by_state.setdefault(agreement.country, []).append(agreement)
        object.__setattr__(self, "_by_state", {
            c: tuple(sorted(a, key=lambda x: x.valid_from)) for c, a in by_state.items()})

    @property
    def states(self) -> frozenset[str]:
        return frozenset(self._by_state)

    def versions(self, country: str) -> tuple[DataSharingAgreement, ...]:
        """The state's versions, oldest first."""
        return self._by_state.get(country, ())

    def find(self, country: str, on: date) -> DataSharingAgreement | None:
        """The state's agreement in force on ``on``, or None."""
        started = [a for a in self.versions(country) if a.valid_from <= on]
        latest = started[-1] if started else None
        return latest if latest is not None and latest.in_force_on(on) else None

    def in_force(self, country: str, on: date) -> DataSharingAgreement:
        """The state's agreement in force on ``on``; NotFoundError if it has none."""
        found = self.find(country, on)
        if found is None:
            raise NotFoundError(
                f"no data-sharing agreement with {country_name(country)} ({country}) is in "
                f"force on {on.isoformat()}: nothing can be shared with it. Refer the case to "
                "a host state with an agreement, or add the agreement to the agreements file",
                code="no_agreement")
        return found

    def with_defaults(self, countries: Iterable[str]) -> AgreementBook:
        """This book plus the default (RRF minimum) for each state that has no agreement."""
        missing = sorted(set(countries) - self.states)
        return AgreementBook(self.agreements + tuple(default_agreement(c) for c in missing),
                             self.source)


def load_agreements(path: Path | str) -> AgreementBook:
    """Read a TOML or JSON agreements file; ValidationError lists every problem in it."""
    path = Path(path)
    problem = Issue("unreadable", "", file=path.name)
    try:
        text = path.read_text(encoding="utf-8")
        data: Any = (json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text))
    except (OSError, UnicodeDecodeError) as error:
        _raise_one(problem, f"cannot read the file ({error.__class__.__name__}): check the path")
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as error:
        _raise_one(problem, f"not valid {path.suffix.lstrip('.').upper()}: {error}")
    return parse_agreements(data, source=path.name)


def _raise_one(issue: Issue, message: str) -> NoReturn:
    raise ValidationError([Issue(issue.code, message, file=issue.file)],
                          "the agreements file cannot be read; nothing was loaded")


def parse_agreements(data: Any, *, source: str = "") -> AgreementBook:
    """Check and build agreements from parsed data: ``{"agreement": [{...}, ...]}``."""
    log = IssueLog()
    entries = data.get("agreement") if isinstance(data, Mapping) else None
    if not isinstance(entries, list) or not entries:
        log.add("missing_value", "the file needs a list named 'agreement' with at least one "
                "entry (TOML: [[agreement]] blocks)", file=source)
        log.raise_if_any("the agreements file has problems; nothing was loaded")
    assert isinstance(entries, list)  # raise_if_any raised otherwise
    agreements = []
    for number, entry in enumerate(entries, start=1):
        found = _entry(entry, number, source, log)
        if found is not None:
            agreements.append(found)
    log.extend(_version_issues(agreements, source))
    log.raise_if_any("the agreements file has problems; nothing was loaded")
    return AgreementBook(tuple(agreements), source)


class _Where:
    """Where an entry's problems are: file, entry number, country."""

    def __init__(self, log: IssueLog, source: str, number: int, record: str) -> None:
        self.log, self.source, self.number, self.record = log, source, number, record

    def add(self, code: str, field_name: str, message: str) -> None:
        self.log.add(code, message, file=self.source, row=self.number, record=self.record,
                     field=field_name)


def _entry(entry: Any, number: int, source: str,
           log: IssueLog) -> DataSharingAgreement | None:
    if not isinstance(entry, Mapping):
        log.add("bad_value", "each agreement must be a table of keys", file=source, row=number)
        return None
    where = _Where(log, source, number, str(entry.get("country", "")))
    for key in sorted(set(entry) - _KEYS):
        where.add("unknown_key", str(key), f"unknown key '{key}'; the keys are: "
                  + ", ".join(sorted(_KEYS)))
    before = len(log)
    country = _country(entry.get("country"), where)
    version = _required_text(entry, "version", where)
    purpose = _required_text(entry, "purpose", where)
    valid_from = _date(entry.get("valid_from"), "valid_from", where, required=True)
    valid_until = _date(entry.get("valid_until"), "valid_until", where, required=False)
    if valid_from and valid_until and valid_until < valid_from:
        where.add("bad_date", "valid_until", f"valid_until {valid_until} is before valid_from "
                  f"{valid_from}")
    retention = _retention(entry.get("retention_days"), where)
    fields = _fields(entry.get("fields", [MINIMUM_TOKEN]), where)
    if len(log) > before or valid_from is None:
        return None
    return DataSharingAgreement(country, version, valid_from, purpose, retention, fields,
                                valid_until)


def _country(value: Any, where: _Where) -> str:
    if not isinstance(value, str) or not value.strip():
        where.add("missing_value", "country", "give the host state's ISO 3166-1 alpha-3 code")
        return ""
    if not is_country_code(value):
        where.add("unknown_country", "country", f"'{value}' is not an ISO 3166-1 alpha-3 "
                  "country code (e.g. ALB, DEU, USA)")
    return value


def _required_text(entry: Mapping[str, Any], key: str, where: _Where) -> str:
    value = entry.get(key)
    if isinstance(value, int) and not isinstance(value, bool) and key == "version":
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        where.add("missing_value", key, f"give the agreement's {key} (text)")
        return ""
    return value.strip()


def _date(value: Any, key: str, where: _Where, *, required: bool) -> date | None:
    if value is None:
        if required:
            where.add("missing_value", key, f"give {key} as a date, e.g. 2014-01-01")
        return None
    if isinstance(value, datetime):  # TOML dates arrive parsed
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    where.add("bad_date", key, f"'{value}' is not a date; write it as YYYY-MM-DD")
    return None


def _retention(value: Any, where: _Where) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_RETENTION:
        where.add("bad_value", "retention_days", f"retention_days is {value!r}: give a whole "
                  f"number of days from 1 to {MAX_RETENTION} (how long the state may keep "
                  "the dossier)")
        return 0
    return value


def _fields(value: Any, where: _Where) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        where.add("bad_value", "fields", "fields must be a list of field names")
        return frozenset()
    names: set[str] = set()
    for name in value:
        if name == MINIMUM_TOKEN:
            names |= RRF_MINIMUM
        elif name in CATALOGUE:
            names.add(name)
        else:
            where.add("unknown_field", "fields", f"'{name}' is not a field of the catalogue "
                      f"(docs/referral-agreements.md); known: {MINIMUM_TOKEN}, "
                      + ", ".join(CATALOGUE))
    for name in sorted(REQUIRED_FIELDS - names):
        where.add("required_field", "fields", f"every agreement must allow '{name}' (add it, "
                  f"or '{MINIMUM_TOKEN}', to the fields)")
    return frozenset(names)


def _version_issues(agreements: Sequence[DataSharingAgreement], source: str) -> list[Issue]:
    """Two versions of one state with the same name or the same first day are ambiguous."""
    found: list[Issue] = []
    seen_version: set[tuple[str, str]] = set()
    seen_start: set[tuple[str, date]] = set()
    for a in agreements:
        if (a.country, a.version) in seen_version:
            found.append(Issue("duplicate_version", f"version {a.version} of {a.country} "
                               "appears twice; give each version its own name", file=source,
                               record=a.country, field="version"))
        if (a.country, a.valid_from) in seen_start:
            found.append(Issue("ambiguous_version", f"two versions of {a.country} start on "
                               f"{a.valid_from}: which one is in force is unclear", file=source,
                               record=a.country, field="valid_from"))
        seen_version.add((a.country, a.version))
        seen_start.add((a.country, a.valid_from))
    return found


# The example agreements of the Camp Ashraf scenario's twelve host states (shipped).
ASHRAF_AGREEMENTS_FILE = Path(__file__).with_name("ashraf_agreements.toml")


def agreements_to_data(book: AgreementBook) -> dict[str, Any]:
    """The book as parsed data (dates as text): :func:`parse_agreements` reads it back, so a
    stored book passes the same checks as a file."""
    entries: list[dict[str, Any]] = []
    for a in book.agreements:
        entry: dict[str, Any] = {"country": a.country, "version": a.version,
                                 "valid_from": a.valid_from.isoformat(), "purpose": a.purpose,
                                 "retention_days": a.retention_days,
                                 "fields": sorted(a.fields)}
        if a.valid_until is not None:
            entry["valid_until"] = a.valid_until.isoformat()
        entries.append(entry)
    return {"agreement": entries, "source": book.source}
