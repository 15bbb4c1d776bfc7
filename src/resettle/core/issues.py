"""Collect every validation problem instead of stopping at the first one."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from resettle.errors import ValidationError


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
