"""Registry commands: ``db upgrade``, ``import`` and ``export``.

An import reads every file, checks each one and then all of them together, and writes in one
transaction: if anything is wrong, every problem is printed and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, TaskID
from rich.table import Table

from resettle.adapters.cli.options import DEFAULT_URL, DatabaseUrl, open_engine
from resettle.adapters.cli.output import console, failing_cleanly, progress_bar
from resettle.adapters.db.engine import make_session_factory
from resettle.adapters.db.migrate import current_revisions, head_revisions, upgrade_database
from resettle.adapters.db.registry.dedup_import import DuplicateCheck, duplicates_after_import
from resettle.adapters.db.registry.store import registry_reader, registry_store
from resettle.errors import ValidationError
from resettle.registry import FileFormat, RecordKind
from resettle.registry import service as registry_service
from resettle.registry.service import ImportProgress, ImportReport

db_app = typer.Typer(help="Create or upgrade the database schema.", no_args_is_help=True)
_commands: list[tuple[str, Callable[..., None]]] = []


class ExportKind(StrEnum):
    PERSONS = "persons"
    CASES = "cases"
    LOCALITIES = "localities"
    PLEDGES = "pledges"
    ALL = "all"


def app_command(name: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Collect a top-level command here; ``register`` adds them to the app."""

    def collect(function: Callable[..., None]) -> Callable[..., None]:
        _commands.append((name, function))
        return function

    return collect


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
    for name, function in _commands:
        app.command(name)(function)


@db_app.command("upgrade")
def upgrade_database_command(database_url: DatabaseUrl = DEFAULT_URL) -> None:
    """Apply every pending migration (a new database is created with the full schema)."""
    with failing_cleanly():
        # open_engine already migrates a new or outdated database; say what it did.
        engine = open_engine(database_url)
        upgrade_database(engine)
        with engine.connect() as connection:
            revisions = current_revisions(connection)
        engine.dispose()
    at_head = revisions == head_revisions()
    state = "up to date" if at_head else "NOT at the latest revision"
    console().print(f"Database schema {state} (revision {', '.join(sorted(revisions))}).")
    if not at_head:
        raise typer.Exit(code=1)


@app_command("import")
def import_files(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Files of persons, cases, localities or pledges (.csv, .xlsx, .json), "
            "imported together in one transaction.",
            show_default=False,
        ),
    ],
    kind: Annotated[
        RecordKind | None,
        typer.Option(help="What every file holds; by default each file's columns tell."),
    ] = None,
    database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Import registry files: all of them, or (on any problem) none of them.

    Every problem in every file is listed (file, row, column, code, message) and the
    database is left unchanged. Importing the same files again duplicates nothing.
    """
    with failing_cleanly():
        engine = open_engine(database_url)
        try:
            with progress_bar() as bar:
                factory = make_session_factory(engine)
                report = registry_service.import_files(
                    lambda: registry_store(factory),
                    paths=paths,
                    kind=kind,
                    progress=_import_hooks(bar),
                )
                duplicates = duplicates_after_import(factory, report.parsed, report.batch)
        finally:
            engine.dispose()
    _print_import_report(report, duplicates)


@app_command("export")
def export_records(
    kind: Annotated[ExportKind, typer.Option(help="What to export; 'all' writes one file each.")],
    out: Annotated[
        Path,
        typer.Option(help="File to write (a directory with --kind all).", show_default=False),
    ],
    file_format: Annotated[
        FileFormat | None,
        typer.Option("--format", help="csv, xlsx or json; by default the extension of --out."),
    ] = None,
    hxl: Annotated[
        bool,
        typer.Option(help="Add the HXL hashtag row. Personal data: share under agreement only."),
    ] = False,
    database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Export stored records to CSV, XLSX or JSON, in the format `resettle import` reads."""
    with failing_cleanly():
        targets = _export_targets(kind, out, file_format)
        engine = open_engine(database_url)
        factory = make_session_factory(engine)
        try:
            with progress_bar() as bar:
                for record_kind, path in targets:
                    task = bar.add_task(f"writing {path.name}", total=None)

                    def advance(done: int, total: int, task: TaskID = task) -> None:
                        bar.update(task, completed=done, total=total)

                    with registry_reader(factory) as store:
                        rows = registry_service.export_records(
                            store, kind=record_kind, path=path, hxl=hxl, progress=advance
                        )
                    bar.update(task, completed=rows, total=rows)
                    bar.console.print(f"{rows} {record_kind.value} written to {path}")
        finally:
            engine.dispose()


def _export_targets(
    kind: ExportKind, out: Path, file_format: FileFormat | None
) -> list[tuple[RecordKind, Path]]:
    if kind is ExportKind.ALL:
        if file_format is None:
            raise _usage("--kind all needs --format (csv, xlsx or json)")
        out.mkdir(parents=True, exist_ok=True)
        return [(k, out / f"{k.value}.{file_format.value}") for k in RecordKind]
    suffix_format = FileFormat.of(out)
    if file_format is None and suffix_format is None:
        raise _usage(f"cannot tell the format of {out}: give --format or a .csv/.xlsx/.json name")
    if file_format is not None and suffix_format is None:
        out = out.with_name(f"{out.name}.{file_format.value}")
    elif file_format is not None and suffix_format is not file_format:
        raise _usage(
            f"--format {file_format.value} but --out ends in {out.suffix}; make them agree"
        )
    if not out.parent.is_dir():
        raise _usage(f"the directory {out.parent} does not exist; create it first")
    return [(RecordKind(kind.value), out)]


def _usage(message: str) -> ValidationError:
    return ValidationError([], message)


def _import_hooks(bar: Progress) -> ImportProgress:
    def reading(path: Path) -> Callable[[int, int], None]:
        task = bar.add_task(f"reading {path.name}", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return advance

    def checking() -> None:
        bar.console.print("Checking every file together…")

    def writing(persons: int) -> Callable[[int], None]:
        bar.console.print(f"Writing {persons} persons and their cases in one transaction…")
        task = bar.add_task("writing persons", total=persons)
        return lambda written: bar.advance(task, written)

    return ImportProgress(reading=reading, checking=checking, writing=writing)


def _print_import_report(report: ImportReport, duplicates: DuplicateCheck) -> None:
    table = Table(title="Imported", title_justify="left")
    for heading in ("file", "kind", "records"):
        table.add_column(heading)
    for path, kind, records in report.files:
        table.add_row(str(path), kind.value if kind else "", str(records))
    out = console()
    out.print(table)
    counts, batch = report.counts, report.batch
    out.print(
        f"{len(batch.cases)} cases ({batch.persons_count} persons), {len(batch.localities)} "
        f"localities, {len(batch.pledges)} pledges checked. Records: {counts.inserted} new, "
        f"{counts.updated} updated, {counts.unchanged} unchanged, {counts.removed} removed."
    )
    print_duplicates(out, duplicates)


def print_duplicates(out: Console, check: DuplicateCheck, limit: int = 50) -> None:
    """Rows that look like persons already registered: reported, the import stands."""
    if check.note:
        out.print(check.note)
    if not check.duplicates:
        if check.checked:
            out.print(f"{check.checked} person rows checked: no likely duplicate.")
        return
    table = Table(title=f"Likely duplicates ({len(check.duplicates)}; imported all the same: "
                  "review them with 'resettle dedup queue')", title_justify="left")
    for heading in ("file", "row", "person", "names", "likely the same as", "their names",
                    "score", "what agrees"):
        table.add_column(heading, justify="right" if heading in ("row", "score") else "left")
    for dup in check.duplicates[:limit]:
        table.add_row(Path(dup.file).name, str(dup.row or ""), dup.person_id, dup.names,
                      f"{dup.other_person_id} ({dup.other_case_id})", dup.other_names,
                      f"{dup.probability:.2f}", dup.reasons)
    out.print(table)

