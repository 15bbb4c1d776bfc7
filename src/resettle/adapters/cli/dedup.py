"""``resettle dedup run`` and ``resettle dedup check``: likely duplicates for an officer.

Both only read the registry: a pair is a candidate for a registration officer to confirm or
reject, never merged here. Output names persons by id, never by name. Every command audits
what it read and wrote (``adapters/db/registry/dedup_audit.py``, the web's entries).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from resettle.adapters.cli.options import DEFAULT_URL, DatabaseUrl, open_engine
from resettle.adapters.cli.output import console as stdout_console
from resettle.adapters.cli.output import failing_cleanly
from resettle.adapters.db.engine import make_session_factory
from resettle.adapters.db.registry.dedup_audit import command_audit
from resettle.adapters.db.registry.dedup_import import named_persons
from resettle.adapters.db.registry.dedup_keys import SqlCandidateSource, reindex_registry
from resettle.adapters.db.registry.dedup_store import (
    SqlDecisionStore,
    SqlPairStore,
    latest_model,
    save_trained_model,
)
from resettle.adapters.db.registry.store import load_batch
from resettle.core.case import Case
from resettle.core.csv_cells import formula_safe_writer
from resettle.core.person import Person, Sex
from resettle.errors import DedupModelNeededError
from resettle.registry.dedup import (
    Decision,
    DedupResult,
    MatchPair,
    decide_pair,
    find_duplicates,
    load_model,
    review_queue,
    save_model,
)
from resettle.registry.dedup.linkage import CLUSTER_THRESHOLD
from resettle.registry.dedup.ports import MemoryDecisionStore
from resettle.registry.dedup.service import check_new_person

dedup_app = typer.Typer(help="Find persons registered more than once (Splink, DuckDB).",
                        no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(dedup_app, name="dedup")


@dedup_app.callback()
def quiet_splink() -> None:
    """Splink logs each training step at INFO; an officer needs only the result."""
    logging.getLogger("splink").setLevel(logging.WARNING)


def _load(database_url: str) -> tuple[tuple[Case, ...], MemoryDecisionStore]:
    """The registry's cases and the officers' decisions so far (copied into memory)."""
    engine = open_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            decided = MemoryDecisionStore()
            for decision in SqlDecisionStore(session).decisions().values():
                decided.save_decision(decision)
            cases = load_batch(session).cases
            # The whole registry is read: one entry says how much (naming every case of a
            # large registry would add an entry per 200 cases for one read).
            command_audit(session).entry("dedup.run", detail=(
                f"registry read: {sum(c.size for c in cases):,} persons in {len(cases):,} "
                "cases"))
            session.commit()
            return cases, decided
    finally:
        engine.dispose()


def pairs_table(title: str, pairs: tuple[MatchPair, ...], limit: int) -> Table:
    table = Table(title=title, title_justify="left")
    for column in ("person", "likely the same as", "probability", "what agrees"):
        table.add_column(column, justify="right" if column == "probability" else "left")
    for pair in pairs[:limit]:
        table.add_row(pair.left_id, pair.right_id, f"{pair.match_probability:.3f}",
                      pair.reasons)
    return table


@dedup_app.command("run")
def run(
    database_url: DatabaseUrl = DEFAULT_URL,
    out: Annotated[Path | None, typer.Option(
        help="Write every candidate pair (ids, probability, reasons, cluster) to this CSV.",
    )] = None,
    model: Annotated[Path | None, typer.Option(
        help="Use this saved model instead of training on the registry.")] = None,
    save_model_to: Annotated[Path | None, typer.Option(
        "--save-model", help="Save the trained model (JSON) for 'resettle dedup check'.")] = None,
    show: Annotated[int, typer.Option(help="How many pairs to print.")] = 20,
) -> None:
    """Score the whole registry: candidate pairs and clusters for an officer to review."""
    console = stdout_console()
    with failing_cleanly():
        cases, decided = _load(database_url)
        result = find_duplicates(cases, model=load_model(model) if model else None)
    pairs = tuple(sorted(result.pairs, key=lambda p: -p.match_probability))
    queue = review_queue(result, decided)
    console.print(pairs_table("Likely duplicates to review", queue, show))
    console.print(f"{len(queue):,} pairs wait for an officer's decision "
                  f"({len(pairs) - len(queue):,} already decided): 'resettle dedup decide'")
    groups = result.groups()
    console.print(f"{len(pairs):,} candidate pairs; {len(groups):,} clusters of two or more "
                  f"persons ({sum(len(g) for g in groups):,} persons) at probability >= "
                  f"{CLUSTER_THRESHOLD}")
    if out:
        _write_pairs(out, pairs, result.clusters)
        console.print(f"pairs written to {out}")
    _keep(database_url, result, trained=model is None)
    console.print("pairs kept for the review queue ('resettle dedup queue')"
                  + ("; model kept in the database: registration checks and imports use it"
                     if model is None else ""))
    if save_model_to:
        save_model(result.model, save_model_to)
        console.print(f"model saved to {save_model_to}")


def _keep(database_url: str, result: DedupResult, *, trained: bool) -> None:
    """The pairs found join the review queue; a model trained here scores checks."""
    engine = open_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            kept = SqlPairStore(session).save_pairs(result.pairs, found_by="run")
            command_audit(session).entry("dedup.run", detail=f"{kept:,} candidate pair(s) kept")
            if trained:
                save_trained_model(session, result.model, persons=len(result.clusters),
                                   at=datetime.now(UTC))
            session.commit()
    finally:
        engine.dispose()


def _write_pairs(path: Path, pairs: tuple[MatchPair, ...], clusters: dict[str, str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = formula_safe_writer(handle)
        writer.writerow(["person_id", "other_person_id", "match_probability", "match_weight",
                         "reasons", "cluster_id"])
        for pair in pairs:
            same = clusters.get(pair.left_id) == clusters.get(pair.right_id)
            writer.writerow([pair.left_id, pair.right_id, f"{pair.match_probability:.4f}",
                             f"{pair.match_weight:.2f}", pair.reasons,
                             clusters.get(pair.left_id, "") if same else ""])


@dedup_app.command("decide")
def decide(  # noqa: PLR0917 - Typer maps parameters to options
    person_id: Annotated[str, typer.Argument(help="One person's id.")],
    other_person_id: Annotated[str, typer.Argument(help="The other person's id.")],
    same: Annotated[bool, typer.Option(
        "--same/--different", help="Whether the two records are the same person.")],
    officer: Annotated[str, typer.Option(help="Who decided (your username).")],
    reason: Annotated[str, typer.Option(help="What you compared, e.g. 'documents seen'.")],
    database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Record a registration officer's decision about a candidate pair (nothing is merged)."""
    console = stdout_console()
    with failing_cleanly():
        engine = open_engine(database_url)
        try:
            with make_session_factory(engine)() as session:
                made = decide_pair(
                    SqlDecisionStore(session), person_id, other_person_id,
                    Decision.SAME_PERSON if same else Decision.DIFFERENT_PERSONS,
                    officer=officer, reason=reason, now=datetime.now(UTC))
                command_audit(session, officer).entry(
                    "dedup.decide", subject_type="person", subject_id=made.person_id,
                    detail=f"{made.person_id} {made.other_person_id}: {made.decision.value}")
                session.commit()
        finally:
            engine.dispose()
    console.print(f"{made.person_id} and {made.other_person_id}: {made.decision.value} "
                  f"(by {made.officer})")


@dedup_app.command("check")
def check(  # noqa: PLR0917 - Typer maps parameters to options
    given_name: Annotated[str, typer.Option(help="Given name, in Latin or Persian script.")],
    family_name: Annotated[str, typer.Option(help="Family name, in Latin or Persian script.")],
    birth_date: Annotated[str, typer.Option(help="Date of birth, YYYY-MM-DD.")],
    sex: Annotated[Sex, typer.Option(help="F, M or X.")],
    model: Annotated[Path | None, typer.Option(
        help="A model saved by 'resettle dedup run --save-model'; by default the one it "
             "kept in the database.")] = None,
    nationality: Annotated[str, typer.Option(help="ISO 3166-1 alpha-3.")] = "IRN",
    database_url: DatabaseUrl = DEFAULT_URL,
    show: Annotated[int, typer.Option(help="How many matches to print.")] = 10,
) -> None:
    """Check one new person against the registry before registering them."""
    try:
        born = datetime.strptime(birth_date, "%Y-%m-%d").date()
    except ValueError:
        raise typer.BadParameter(f"'{birth_date}' is not a date; write it as YYYY-MM-DD") from None
    person = Person(person_id="NEW", case_id="NEW", given_name=given_name,
                    family_name=family_name, sex=sex, birth_date=born, nationality=nationality)
    console = stdout_console()
    with failing_cleanly():
        matches = _check(database_url, person, load_model(model) if model else None)
    if not matches:
        console.print("No likely match in the registry: register this person.")
        return
    console.print(pairs_table("Possibly already registered", matches, show))
    console.print("Compare with the registered person before registering again.")


def _check(database_url: str, person: Person, model: dict[str, Any] | None,
           ) -> tuple[MatchPair, ...]:
    """The registry's index and the model (given, or the latest kept) score the person."""
    engine = open_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            model = model or latest_model(session)
            if model is None:
                raise DedupModelNeededError(
                    "no model trained yet: run 'resettle dedup run' on the registry first")
            matches = check_new_person(SqlCandidateSource(session), person, model)
            names = named_persons(session, {m.right_id for m in matches})
            audit = command_audit(session)
            audit.entry("dedup.check", detail=f"{len(matches)} likely match(es) shown")
            audit.cases("dedup.check", {n.case_id for n in names.values()})
            session.commit()
            return matches
    finally:
        engine.dispose()


@dedup_app.command("index")
def index(database_url: DatabaseUrl = DEFAULT_URL) -> None:
    """Rebuild the registry's deduplication index (blocking keys; kept in step by every write)."""
    console = stdout_console()
    with failing_cleanly():
        engine = open_engine(database_url)
        try:
            with make_session_factory(engine)() as session:
                indexed = reindex_registry(session)
                command_audit(session).entry("dedup.index",
                                             detail=f"{indexed:,} persons read and indexed")
                session.commit()
        finally:
            engine.dispose()
    console.print(f"{indexed:,} persons indexed")
