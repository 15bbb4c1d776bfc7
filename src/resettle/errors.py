"""Every error resettle raises on purpose and every issue code it reports: one catalogue.

Each error carries a stable ``code`` and the HTTP status the web API answers with; the CLI
prints the same message and exits non-zero. Messages say what to do next. Validation collects
:class:`Issue` records (file, row, record, field, code, message) before anything is written and
raises one :class:`ValidationError` holding them all. :data:`CODES` lists every code once, with
its meaning; ``docs/errors.md`` documents the same codes (``tests/test_errors.py`` keeps the
two in step, and finds every code the source uses). This module imports nothing of resettle:
it is the ground every package stands on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# code -> what it means. Errors first (raised, one per request), then issues (collected).
CODES: dict[str, str] = {
    # errors: raised, answered with the error's HTTP status
    "error": "something was refused; the message says what",
    "validation_failed": "input broke one or more rules; every issue is listed",
    "not_found": "no such record, or not one this user may see",
    "conflict": "someone else changed the record first, or it already exists",
    "permission_denied": "this user's role or scope does not allow the action",
    "csrf_failed": "a form without its CSRF token (an old page): reload and retry",
    "too_many_attempts": "too many failed logins from one address: wait, then try again",
    "not_authenticated": "no valid session or wrong credentials: log in again",
    "file_too_large": "a file or upload above the size limit: split it",
    "illegal_transition": "the case's current state does not allow this workflow action",
    "refoulement_forbidden": "the destination is on the person's no-return list: never allowed",
    "dedup_model_needed": "too few persons to train the deduplication model: give a saved model",
    "merged_away": "the person was merged into another registration: act on the person kept",
    "not_travel_ready": "a pre-departure item missing or expired: not bookable, not flown",
    "placement_check_failed": "a solver's placement broke a hard rule (a bug, never user input)",
    "placement_failed": "the solver found no placement (infeasible or out of time)",
    "database_unavailable": "the database cannot be opened: check its URL and server",
    "key_problem": "an encryption key is missing, malformed or does not open the data",
    "unknown_choice": "a named option (model kind, policy, calibration) that does not exist",
    "unsuitable_data": "data that a model cannot learn from (e.g. outcomes not 0/1)",
    "internal_error": "an unexpected failure on the server; it was logged",
    "bad_parameter": "a parameter out of its range (a generator's size, an empty weight table)",
    "export_check_failed": "an export broke its published schema (a bug, never user input)",
    # issues: files and cells
    "unreadable_file": "the file cannot be opened or read",
    "empty_file": "the file holds no records",
    "unknown_format": "not a format resettle reads (csv, json, xlsx, hxl)",
    "bad_encoding": "the file is not UTF-8 text",
    "control_character": "a control character inside a value",
    "malformed_csv": "the CSV cannot be parsed",
    "malformed_json": "the JSON cannot be parsed, or a record is not an object",
    "malformed_xlsx": "the workbook cannot be parsed",
    "unknown_kind": "the file's record kind cannot be told (cases, persons, localities, ...)",
    "wrong_kind": "the file holds another kind of record than the one expected",
    "kind_not_taken": "a record kind this page does not import (use `resettle import`)",
    "too_many_rows": "a file with more rows than one upload takes: split it",
    "too_many_columns": "a sheet with more columns than any record kind has",
    "too_large_uncompressed": "a workbook that unpacks to more than the size limit allows",
    "section_not_writable": "a column of a section the user's role does not see: leave it empty",
    "too_many_files": "more files than one import takes",
    "status_not_imported": "a case status that only the workflow sets, never an import",
    "missing_column": "a column every record of this kind needs is missing",
    "unknown_column": "a column resettle does not know",
    "duplicate_column": "the same column twice",
    "missing_value": "a required value is empty",
    "bad_value": "a value that is not one of those allowed",
    "bad_date": "a date that is not YYYY-MM-DD",
    "bad_number": "a number that is not a whole number",
    "impossible_date": "a date in the future or before 1900",
    "duplicate_id": "the same id on two records",
    "duplicate": "the same case twice in a placement history file",
    "unknown_id": "an id that matches no record",
    "unknown_case": "a person whose case is in no cases file nor the database",
    "unknown_country": "not an ISO 3166-1 alpha-3 country code",
    "unknown_language": "not an ISO 639-3 language code",
    "unknown_dimension": "not a capacity dimension resettle knows",
    # issues: cases and localities
    "empty_case": "a case with no members",
    "missing_principal": "a case without its principal applicant",
    "two_principals": "a case with two principal applicants",
    "principal_relationship": "the principal applicant's relationship is not 'principal'",
    "size_mismatch": "the declared case size differs from its members",
    "wrong_case": "a member that names another case",
    "not_a_member": "a person who is not a member of this case",
    "negative_capacity": "a capacity below zero",
    "inconsistent_locality": "a locality described differently on two rows of a history file",
    # issues: screening
    "membership_alone": "exclusion argued from membership alone: describe the individual acts",
    "no_individual_responsibility": "an exclusion assessment without individual responsibility",
    "no_trigger": "an exclusion review asked for with no configured trigger met",
    # issues: placement
    "bad_problem": "the placement problem is not well formed",
    "wrong_length": "an assignment that does not have one entry per case",
    "bad_index": "an assignment naming a locality out of range",
    "placed_twice": "a case placed twice",
    "not_allowed": "a case placed in a locality not allowed for it",
    "capacity_exceeded": "a locality given more than its capacity",
    "lock_broken": "a locked case placed somewhere else",
    "lock_not_allowed": "a case locked to a locality not allowed for it",
    "conflicting_locks": "cases locked to one locality need more than its capacity",
    "no_allowed_locality": "a case no locality may take",
    "nothing_to_accept": "accepting a placement a run did not propose (it left the case "
                         "unplaced)",
    # issues: deduplication
    "same_record": "a person compared with themself: name two different registrations",
    # issues: referral
    "unknown_host_state": "a country that is not a host state of this operation (no pledge)",
    "unreadable": "an agreements file that cannot be read or parsed",
    "unknown_key": "a key an agreement entry does not take",
    "required_field": "an agreement without a field every dossier needs (case, person ids)",
    "unknown_field": "an agreement field that is not in the field catalogue",
    "duplicate_version": "two agreements of one state with the same version",
    "ambiguous_version": "two versions of one state's agreement in force on the same day",
    "no_agreement": "no data-sharing agreement with this state is in force: nothing may be sent",
    "agreement_not_in_force": "the agreement is not in force on the day of the disclosure",
    "consent_missing": "an adult of the case has not given their own current consent",
    "override_incomplete": "a consent override without a second officer or a reason",
    "same_officer": "the second officer of an override is the one who asked for it",
    # issues: departures
    "bad_file": "a checklist file that cannot be read or does not follow the format",
    "bad_status": "a checklist item recorded with a status that is not one of those allowed",
    "unknown_booking": "a booking of a case or flight the plan was not given",
    "wrong_state": "a case booked on a flight to another state than the one that accepted it",
    "not_ready": "a case booked while not travel-ready on the flight's day",
    "seats": "more persons booked on a flight than it has seats",
    "escorts": "fewer escorts on a flight than its passengers need",
    "arrival_cap": "more arrivals in a state on a day than its reception cap",
    # issues: simulation
    "nothing_to_simulate": "the registry holds no case still waiting: load or register cases first",
    # issues: security
    "weak_password": "a password that is too short",
    "broken_link": "an audit entry whose chain link does not match the one before",
    "edited_entry": "an audit entry whose hash does not match its content (edited)",
    "sequence_gap": "an audit entry missing from the chain",
    "anchor_mismatch": "an anchored audit hash is missing or differs: entries deleted or rewritten",
    "head_mismatch": "the audit head row disagrees with the last entry: entries deleted or added",
}


@dataclass(frozen=True, order=True)
class Issue:
    """One problem with one input: where it is (file, row, record, field) and what to do."""

    code: str
    message: str
    field: str = ""
    row: int | None = None
    file: str = ""
    record: str = ""

    def __str__(self) -> str:
        where = [
            part
            for part in (
                self.file,
                f"row {self.row}" if self.row is not None else "",
                self.record,
                self.field,
            )
            if part
        ]
        location = ", ".join(where)
        return f"[{self.code}] {location + ': ' if location else ''}{self.message}"


class ResettleError(Exception):
    """Base of every deliberate error; ``code`` is stable and machine-readable."""

    code = "error"
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class ValidationError(ResettleError):
    """Input broke one or more rules; ``issues`` lists every one of them, not just the first."""

    code = "validation_failed"
    http_status = 422

    def __init__(self, issues: Iterable[Issue], message: str | None = None) -> None:
        self.issues: tuple[Issue, ...] = tuple(issues)
        count = len(self.issues)
        plural = "s" if count != 1 else ""
        summary = message or f"{count} problem{plural} found; nothing was written"
        super().__init__(summary)

    def __str__(self) -> str:
        lines = [self.message, *(f"  - {issue}" for issue in self.issues)]
        return "\n".join(lines)


class NotFoundError(ResettleError):
    code = "not_found"
    http_status = 404


class ConflictError(ResettleError):
    """Someone else changed the record first (optimistic concurrency) or it already exists."""

    code = "conflict"
    http_status = 409


class PermissionDeniedError(ResettleError):
    code = "permission_denied"
    http_status = 403


class TooLargeError(ResettleError):
    """An upload above the size limit: refused before it is read."""

    code = "file_too_large"
    http_status = 413


class IllegalTransitionError(ResettleError):
    """A workflow action that the case's current state does not allow."""

    code = "illegal_transition"
    http_status = 409


class RefoulementError(ResettleError):
    """An attempt to send someone to a country on their no-return list. Never allowed."""

    code = "refoulement_forbidden"
    http_status = 422


class NotTravelReadyError(ResettleError):
    """A case with a missing or expired pre-departure item was to be booked or flown."""

    code = "not_travel_ready"
    http_status = 409


class DedupModelNeededError(ResettleError):
    """Too few persons to train the deduplication model on, and no saved model given."""

    code = "dedup_model_needed"
    http_status = 422


class MergedAwayError(ResettleError):
    """An action names, as a person to act on or keep, a record merged into another one (a
    duplicate registration, ``registry.dedup.merging``): act on the person it was merged into,
    or reverse the merge first."""

    code = "merged_away"
    http_status = 409


class AuthenticationError(ResettleError):
    """No valid session (or wrong credentials): log in again."""

    code = "not_authenticated"
    http_status = 401


class TooManyAttemptsError(ResettleError):
    """Too many failed logins from one address: it waits before its next try."""

    code = "too_many_attempts"
    http_status = 429


class PlacementCheckError(ValidationError):
    """A placement broke a hard rule (capacity, allowed pair, lock, non-refoulement).

    Raised by the independent checker after every solve: a solver bug, never user input.
    """

    code = "placement_check_failed"
    http_status = 500


class PlacementFailedError(ResettleError, RuntimeError):
    """The solver returned no placement (infeasible, or stopped before finding one)."""

    code = "placement_failed"
    http_status = 500


class DatabaseUnavailableError(ResettleError):
    """The database cannot be opened (wrong URL, server down)."""

    code = "database_unavailable"
    http_status = 503


class KeyProblemError(ResettleError):
    """An encryption key is missing or malformed, or does not open the stored data."""

    code = "key_problem"
    http_status = 500


class UnknownChoiceError(ResettleError, ValueError):
    """A named option that does not exist; a ``ValueError`` too (scikit-learn's convention)."""

    code = "unknown_choice"
    http_status = 422


class UnsuitableDataError(ResettleError, ValueError):
    """Data a model cannot learn from; a ``ValueError`` too (scikit-learn's convention)."""

    code = "unsuitable_data"
    http_status = 422


class BadParameterError(ResettleError, ValueError):
    """A parameter out of its range (e.g. a generator asked for no cases); a ``ValueError`` too,
    so callers that caught the bare one still do."""

    code = "bad_parameter"
    http_status = 422


class ExportCheckError(ResettleError):
    """An export failed the check of its published schema before leaving: a bug, never user
    input; nothing was published."""

    code = "export_check_failed"
    http_status = 500
