"""Every error resettle raises on purpose. One place, so adapters can map them.

Each error carries a stable ``code`` and the HTTP status the web API answers with; the CLI
prints the same message and exits non-zero. Messages say what to do next.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from resettle.core.issues import Issue


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

    code = "too_large"
    http_status = 413


class IllegalTransitionError(ResettleError):
    """A workflow action that the case's current state does not allow."""

    code = "illegal_transition"
    http_status = 409


class RefoulementError(ResettleError):
    """An attempt to send someone to a country on their no-return list. Never allowed."""

    code = "refoulement_forbidden"
    http_status = 422


class DedupModelNeededError(ResettleError):
    """Too few persons to train the deduplication model on, and no saved model given."""

    code = "dedup_model_needed"
    http_status = 422


class AuthenticationError(ResettleError):
    """No valid session (or wrong credentials): log in again."""

    code = "not_authenticated"
    http_status = 401


class PlacementCheckError(ValidationError):
    """A placement broke a hard rule (capacity, allowed pair, lock, non-refoulement).

    Raised by the independent checker after every solve: a solver bug, never user input.
    """

    code = "placement_check_failed"
    http_status = 500
