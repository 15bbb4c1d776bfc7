"""Shared console output for commands: issue tables, errors, progress bars.

Errors go to stderr; every issue is printed (file, row, column, code, message), never just
the first, and the command exits non-zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from resettle.core import Issue
from resettle.errors import ResettleError, ValidationError


def console() -> Console:
    """Standard output; made per call so the terminal width (COLUMNS) is read each time."""
    return Console()


def error_console() -> Console:
    return Console(stderr=True)


def issues_table(issues: Iterable[Issue], title: str = "Problems found") -> Table:
    table = Table(title=title, title_justify="left", show_lines=False)
    for heading in ("file", "row", "column", "record", "code", "message"):
        table.add_column(heading, overflow="fold")
    for issue in issues:
        table.add_row(
            escape(issue.file),
            "" if issue.row is None else str(issue.row),
            escape(issue.field),
            escape(issue.record),
            f"[bold red]{escape(issue.code)}[/]",
            escape(issue.message),
        )
    return table


def fail(error: ResettleError) -> NoReturn:
    """Print the error (every issue of a ValidationError) and exit with status 1."""
    if isinstance(error, ValidationError) and error.issues:
        error_console().print(issues_table(error.issues))
    error_console().print(f"[bold red]error[/] {escape(f'[{error.code}] {error.message}')}")
    raise typer.Exit(code=1)


@contextmanager
def failing_cleanly() -> Iterator[None]:
    """Turn resettle's deliberate errors into a printed message and exit status 1."""
    try:
        yield
    except ResettleError as error:
        fail(error)


def progress_bar(*, transient: bool = False) -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=error_console(),
        transient=transient,
    )
