"""``resettle dedup queue | merge | confirm | refuse | reverse``: review likely duplicates.

The same use cases as the web page (``registry.dedup.service``), on the database: a merge goes
through the screening workflow's merge, a reversal through its split; a merge of interviewed
persons is proposed and waits for another officer's ``confirm``. Each command writes the
audit entries the web page writes (``adapters/db/registry/dedup_audit.py``), in its own
transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, TypeVar

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from resettle.adapters.cli.dedup import dedup_app
from resettle.adapters.cli.options import DEFAULT_URL, DatabaseUrl, open_engine
from resettle.adapters.cli.output import console as stdout_console
from resettle.adapters.cli.output import failing_cleanly
from resettle.adapters.db.engine import make_session_factory
from resettle.adapters.db.registry.dedup_audit import command_audit
from resettle.adapters.db.registry.dedup_import import NamedPerson, named_persons
from resettle.adapters.db.registry.dedup_store import (
    SqlDecisionStore,
    SqlMergeStore,
    SqlPairStore,
)
from resettle.adapters.db.registry.dedup_workflow import ScreeningWorkflow
from resettle.registry.dedup import service
from resettle.registry.dedup.merging import PersonMerge

T = TypeVar("T")


def utc_now() -> datetime:
    return datetime.now(UTC)

Officer = Annotated[str, typer.Option(help="Who acts (your username).")]
Reason = Annotated[str, typer.Option(help="What you compared, e.g. 'same UNHCR card'.")]
MergeId = Annotated[str, typer.Argument(help="The merge's id (DM-...).")]


def _in_session(database_url: str, work: Callable[[Session], T]) -> T:
    engine = open_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            result = work(session)
            session.commit()
            return result
    finally:
        engine.dispose()


def _audited(action: str, officer: str, change: Callable[[Session], PersonMerge],
             ) -> Callable[[Session], PersonMerge]:
    """``change``, then its audit entries in the same transaction (as the web's)."""
    def work(session: Session) -> PersonMerge:
        done = change(session)
        command_audit(session, officer).merge(action, done)
        return done
    return work


def _said(merge: PersonMerge) -> str:
    waiting = " (waits for a second officer: 'resettle dedup confirm')" \
        if merge.status == "proposed" else ""
    return (f"{merge.merge_id}: {merge.duplicate_person_id} into {merge.kept_person_id} "
            f"(case {merge.target_case_id}): {merge.status}{waiting}")


@dedup_app.command("queue")
def queue(database_url: DatabaseUrl = DEFAULT_URL,
          show: Annotated[int, typer.Option(help="How many pairs to print.")] = 30) -> None:
    """The likely duplicates no officer has decided on, with both records' names."""
    def read(session: Session) -> list[tuple[str, ...]]:
        pairs = service.duplicate_queue(SqlPairStore(session), SqlDecisionStore(session),
                                        SqlMergeStore(session), limit=show)
        names = named_persons(session, {i for p in pairs for i in (p.left_id, p.right_id)})
        audit = command_audit(session)
        audit.entry("dedup.queue", detail=f"{len(pairs)} pair(s) shown")
        audit.cases("dedup.queue", {n.case_id for n in names.values()})
        return [(p.left_id, _names(names, p.left_id), p.right_id, _names(names, p.right_id),
                 f"{p.match_probability:.2f}", p.reasons) for p in pairs]

    with failing_cleanly():
        rows = _in_session(database_url, read)
    table = Table(title="Likely duplicates waiting for a decision", title_justify="left")
    for heading in ("person", "names", "likely the same as", "their names", "score",
                    "what agrees"):
        table.add_column(heading)
    for row in rows:
        table.add_row(*row)
    stdout_console().print(table)


def _names(names: dict[str, NamedPerson], person_id: str) -> str:
    found = names.get(person_id)
    if found is None:
        return ""
    return f"{found.latin} ({found.original})" if found.original else found.latin


@dedup_app.command("merge")
def merge(kept: Annotated[str, typer.Argument(help="The person to keep.")],
          duplicate: Annotated[str, typer.Argument(help="The duplicate record.")], *,
          officer: Officer, reason: Reason, database_url: DatabaseUrl = DEFAULT_URL) -> None:
    """Merge a duplicate into the kept person (proposed when either was interviewed)."""
    with failing_cleanly():
        done = _in_session(database_url, _audited("dedup.merge", officer, lambda s: (
            service.merge_persons(ScreeningWorkflow(s), SqlMergeStore(s), kept, duplicate,
                                  officer=officer, reason=reason, now=utc_now()))))
    stdout_console().print(_said(done))


@dedup_app.command("confirm")
def confirm(merge_id: MergeId, *, officer: Officer,
            database_url: DatabaseUrl = DEFAULT_URL) -> None:
    """A second officer confirms a proposed merge (not the one who proposed it)."""
    with failing_cleanly():
        done = _in_session(database_url, _audited("dedup.confirm", officer, lambda s: (
            service.confirm_merge(ScreeningWorkflow(s), SqlMergeStore(s), merge_id,
                                  officer=officer, now=utc_now()))))
    stdout_console().print(_said(done))


@dedup_app.command("refuse")
def refuse(merge_id: MergeId, *, officer: Officer,
           database_url: DatabaseUrl = DEFAULT_URL) -> None:
    """A second officer refuses a proposed merge: nothing changes."""
    with failing_cleanly():
        done = _in_session(database_url, _audited("dedup.refuse", officer, lambda s: (
            service.refuse_merge(SqlMergeStore(s), merge_id, officer=officer, now=utc_now()))))
    stdout_console().print(_said(done))


@dedup_app.command("reverse")
def reverse(merge_id: MergeId, *, officer: Officer, reason: Reason,
            database_url: DatabaseUrl = DEFAULT_URL) -> None:
    """Undo a merge: the members that joined go back to a case of their own."""
    with failing_cleanly():
        done = _in_session(database_url, _audited("dedup.reverse", officer, lambda s: (
            service.reverse_merge(ScreeningWorkflow(s), SqlMergeStore(s), merge_id,
                                  officer=officer, reason=reason, now=utc_now()))))
    stdout_console().print(f"{_said(done)}; members back in case {done.reversal_case_id}")
