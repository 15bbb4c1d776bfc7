"""Collect every validation problem instead of stopping at the first one.

:class:`Issue` lives in the error catalogue (``resettle.errors``) and is re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from resettle.errors import Issue as Issue  # noqa: PLC0414 (re-exported)
from resettle.errors import ValidationError


@dataclass
class IssueLog:
    """A mutable collector; call ``raise_if_any`` once everything has been checked."""

    issues: list[Issue] = field(default_factory=list)

    def add(self, code: str, message: str, **where: str | int | None) -> None:
        self.issues.append(Issue(code, message, **where))  # type: ignore[arg-type]

    def extend(self, issues: Iterable[Issue]) -> None:
        self.issues.extend(issues)

    def __bool__(self) -> bool:
        return bool(self.issues)

    def __len__(self) -> int:
        return len(self.issues)

    def __iter__(self) -> Iterator[Issue]:
        return iter(self.issues)

    def raise_if_any(self, message: str | None = None) -> None:
        if self.issues:
            raise ValidationError(self.issues, message)
