"""``resettle cases list`` and ``resettle cases show``: browse the registry from a terminal."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from resettle.adapters.cli.options import DEFAULT_URL, DatabaseUrl, open_engine
from resettle.adapters.cli.output import console, failing_cleanly
from resettle.adapters.db.engine import make_session_factory
from resettle.adapters.db.registry.case_reader import SqlCaseReader
from resettle.core import Case, CaseStatus, Category, Person, Priority
from resettle.registry.service import CaseBrowse, CaseFilters, browse_cases

cases_app = typer.Typer(help="Browse the cases of the registry.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(cases_app, name="cases")


@cases_app.command("list")
def list_cases_command(
    *,
    status: Annotated[CaseStatus | None, typer.Option(help="Only cases in this status.")] = None,
    priority: Annotated[
        Priority | None, typer.Option(help="Only cases of this processing priority.")
    ] = None,
    category: Annotated[
        Category | None, typer.Option(help="Only cases of this primary category.")
    ] = None,
    nationality: Annotated[
        str | None, typer.Option(help="Only cases with a member of this nationality (ISO3).")
    ] = None,
    search: Annotated[
        str | None,
        typer.Option(help="Case or person id, or part of a name (Latin or original script)."),
    ] = None,
    offset: Annotated[int, typer.Option(min=0, help="Skip this many cases.")] = 0,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="Show at most this many.")] = 50,
    database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """List cases, most urgent first. Filters combine; page with --offset and --limit."""
    with failing_cleanly():
        engine = open_engine(database_url)
        with make_session_factory(engine)() as session:
            # The search, when given, is the web's search: the other filters then do not apply.
            filters = CaseFilters(q=search or "", status=status, priority=priority,
                                  category=category, nationality=nationality)
            page = browse_cases(SqlCaseReader(session), filters, on=date.today(),
                                offset=offset, limit=limit, host_state=None)
        engine.dispose()
    out = console()
    out.print(_cases_table(page))
    _print_paging(out, page)


@cases_app.command("show")
def show_case(
    case_id: Annotated[str, typer.Argument(help="The case id, e.g. ASH-0001.")],
    sensitive: Annotated[
        bool, typer.Option(help="Also show medical conditions and profiles (sensitive).")
    ] = False,
    database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Show one case: its details, derived needs and every member."""
    with failing_cleanly():
        engine = open_engine(database_url)
        with make_session_factory(engine)() as session:
            case = SqlCaseReader(session).get_case(case_id)
        engine.dispose()
    out = console()
    out.print(_case_panel(case))
    out.print(_members_table(case, sensitive=sensitive))


def _cases_table(page: CaseBrowse) -> Table:
    table = Table(title=f"{page.total} case(s)", title_justify="left")
    for heading in ("case", "principal", "size", "priority", "status", "category", "registered"):
        table.add_column(heading)
    for case in page.cases:
        principal = case.principal
        table.add_row(
            case.case_id,
            _name(principal) if principal else f"[red]missing {case.principal_id}[/]",
            str(case.size),
            case.processing_priority.value,
            case.status.value,
            case.primary_category.value if case.primary_category else "",
            case.registered_on.isoformat() if case.registered_on else "",
        )
    return table


def _print_paging(out: Console, page: CaseBrowse) -> None:
    shown = len(page.cases)
    if shown == 0:
        out.print("No case matches.")
        return
    last = page.offset + shown
    out.print(f"Showing {page.offset + 1}–{last} of {page.total}.")
    for person_id, survivor in page.merged:
        out.print(f"{person_id} matches, but was merged into {survivor} (a duplicate "
                  "registration): see its case above.")
    if last < page.total:
        out.print(f"Next page: add --offset {last}")


def _case_panel(case: Case) -> Panel:
    today = date.today()
    needs = case.needs(today)
    lines = [
        f"principal: {case.principal_id}   size: {case.size}   version: {case.version}",
        f"status: {case.status.value}   processing priority: {case.processing_priority.value}",
        "categories: " + _categories(case),
        f"registered on: {case.registered_on or 'unknown'}",
        "needs today: " + ", ".join(f"{d.value} {n}" for d, n in needs.as_dict().items() if n),
        "no-return countries: " + ", ".join(sorted(case.no_return_countries)),
    ]
    if case.relative_countries:
        lines.append("relatives in: " + ", ".join(sorted(case.relative_countries)))
    return Panel("\n".join(lines), title=f"case {case.case_id}", title_align="left")


def _members_table(case: Case, *, sensitive: bool) -> Table:
    table = Table(title="members", title_justify="left")
    headings = ["id", "name", "original script", "sex", "born", "nationality", "relationship",
                "languages", "education", "specific needs"]
    if sensitive:
        headings += ["medical conditions", "profiles"]
    for heading in headings:
        table.add_column(heading, overflow="fold")
    for person in case.members:
        row = [
            person.person_id,
            _name(person),
            f"{person.given_name_original} {person.family_name_original}".strip(),
            person.sex.value,
            _born(person),
            person.nationality,
            person.relationship,
            ", ".join(f"{s.code} ({s.proficiency.value})" for s in person.languages),
            person.education.value,
            ", ".join(person.specific_needs),
        ]
        if sensitive:
            conditions = person.medical_conditions
            row.append("; ".join(f"{c.name} ({c.severity.value})" for c in conditions))
            row.append(", ".join(person.profiles))
        elif person.medical_conditions:
            row[-1] = ", ".join([*person.specific_needs, "medical (use --sensitive)"])
        table.add_row(*row)
    return table


def _categories(case: Case) -> str:
    chosen = [c.value for c in (case.primary_category, case.secondary_category) if c]
    return " / ".join(chosen) or "none yet"


def _name(person: Person) -> str:
    return f"{person.given_name} {person.family_name}".strip()


def _born(person: Person) -> str:
    precision = person.birth_date_precision.value
    if precision == "year":
        return str(person.birth_date.year)
    suffix = "" if precision == "exact" else f" ({precision})"
    return person.birth_date.isoformat() + suffix
