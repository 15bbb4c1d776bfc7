"""``resettle dedup run`` and ``check`` on a small generated registry stored in SQLite."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from resettle.adapters.cli.main import app
from resettle.adapters.db.engine import make_session_factory, open_database
from resettle.adapters.db.registry.store import store_batch
from resettle.core.batch import RegistryBatch
from resettle.simulation.duplicates import generate_registry_with_duplicates

runner = CliRunner()
pytestmark = pytest.mark.slow


def test_run_then_check_a_persian_spelling(tmp_path: Path) -> None:
    registry = generate_registry_with_duplicates(11, 600)
    url = f"sqlite:///{tmp_path / 'dedup.db'}"
    engine = open_database(url)
    with make_session_factory(engine)() as session:
        store_batch(session, batch=RegistryBatch(cases=registry.cases))
        session.commit()
    engine.dispose()
    pairs_csv, model = tmp_path / "pairs.csv", tmp_path / "model.json"
    copy_id = sorted(registry.persian_script_ids)[0]
    decided = runner.invoke(app, ["dedup", "decide", copy_id, registry.truth[copy_id], "--same",
                                  "--officer", "amina", "--reason", "same passport",
                                  "--database-url", url])
    assert decided.exit_code == 0, decided.output
    assert "same_person" in decided.output

    ran = runner.invoke(app, ["dedup", "run", "--database-url", url, "--out", str(pairs_csv),
                              "--save-model", str(model)])
    assert ran.exit_code == 0, ran.output
    assert "clusters of two or more" in ran.output
    assert "(1 already decided)" in ran.output
    rows = list(csv.DictReader(pairs_csv.open(encoding="utf-8")))
    truth = registry.truth
    true_rows = [r for r in rows if truth[r["person_id"]] == truth[r["other_person_id"]]]
    assert len(true_rows) >= 0.8 * len(rows) > 0

    person = registry.persons[0]
    checked = runner.invoke(app, [
        "dedup", "check", "--database-url", url, "--model", str(model),
        "--given-name", person.given_name_original, "--family-name", person.family_name_original,
        "--birth-date", person.birth_date.isoformat(), "--sex", person.sex.value,
    ])
    assert checked.exit_code == 0, checked.output
    assert "Possibly already registered" in checked.output
    assert person.person_id in checked.output
    kept = runner.invoke(app, [  # the model 'run' kept in the database, the registry's index
        "dedup", "check", "--database-url", url, "--given-name", person.given_name,
        "--family-name", person.family_name, "--birth-date", person.birth_date.isoformat(),
        "--sex", person.sex.value,
    ])
    assert kept.exit_code == 0, kept.output
    assert person.person_id in kept.output
    indexed = runner.invoke(app, ["dedup", "index", "--database-url", url])
    assert indexed.exit_code == 0, indexed.output
    assert f"{len(registry.persons):,} persons indexed" in indexed.output


def test_run_on_a_tiny_registry_asks_for_a_model(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    open_database(url).dispose()
    ran = runner.invoke(app, ["dedup", "run", "--database-url", url])
    assert ran.exit_code == 1
    assert "resettle dedup run --save-model" in ran.output


def test_decide_refuses_a_pair_of_one_record(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    refused = runner.invoke(app, ["dedup", "decide", "P-1", "P-1", "--different", "--officer",
                                  "amina", "--reason", "x", "--database-url", url])
    assert refused.exit_code == 1
    assert "1 problem found; nothing was written" in refused.output


def test_demo_step_reports_the_seeded_duplicates(tmp_path: Path) -> None:
    from rich.console import Console

    from resettle.adapters.cli.demo import STEPS, DemoContext
    from resettle.adapters.cli.demo.dedup import step_dedup

    assert step_dedup in STEPS
    console = Console(record=True, width=120)
    context = DemoContext(f"sqlite:///{tmp_path / 'demo.db'}", tmp_path, 2016, console)
    step_dedup(context)
    line = context.summary["deduplication"]
    assert "known re-registrations" in line and "pairwise precision" in line
    text = console.export_text()
    assert "Likely duplicates" in text
    assert "registration check of" in text and "(the known original)" in text


def test_merge_confirm_and_reverse_from_the_command_line(tmp_path: Path) -> None:
    from datetime import date

    from resettle.core.case import Case
    from resettle.core.person import Person, Sex
    from resettle.core.status import CaseStatus

    url = f"sqlite:///{tmp_path / 'merge.db'}"
    engine = open_database(url)
    first = Person("A-1", "A", "Leila", "Hosseini", Sex.FEMALE, date(1971, 3, 21), "IRN")
    again = Person("B-1", "B", "Leyla", "Hoseini", Sex.FEMALE, date(1971, 3, 21), "IRN")
    with make_session_factory(engine)() as session:
        store_batch(session, batch=RegistryBatch(cases=(
            Case("A", "A-1", (first,), status=CaseStatus.INTERVIEWED), Case("B", "B-1", (again,)))))
        session.commit()
    engine.dispose()
    proposed = runner.invoke(app, ["dedup", "merge", "A-1", "B-1", "--officer", "amina",
                                   "--reason", "same card", "--database-url", url])
    assert proposed.exit_code == 0, proposed.output
    assert "proposed" in proposed.output and "second officer" in proposed.output
    merge_id = proposed.output.split(":")[0].strip()
    own = runner.invoke(app, ["dedup", "confirm", merge_id, "--officer", "amina",
                              "--database-url", url])
    assert own.exit_code == 1 and "four eyes" in own.output
    done = runner.invoke(app, ["dedup", "confirm", merge_id, "--officer", "bruno",
                               "--database-url", url])
    assert done.exit_code == 0 and "merged" in done.output, done.output
    back = runner.invoke(app, ["dedup", "reverse", merge_id, "--officer", "bruno", "--reason",
                               "two Leilas", "--database-url", url])
    assert back.exit_code == 0 and "reversed" in back.output, back.output
    queue = runner.invoke(app, ["dedup", "queue", "--database-url", url])
    assert queue.exit_code == 0 and "waiting for a decision" in queue.output
