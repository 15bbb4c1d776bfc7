"""``resettle import`` and ``export`` against a real database: all or nothing, idempotent.

Every bad input must print its problems and leave the database exactly as it was (row counts
and a hash of every table compared before and after).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from resettle.adapters.cli.main import app
from resettle.adapters.db.engine import make_session_factory, open_database
from resettle.adapters.db.inspection import count_rows, digest_database
from resettle.adapters.db.registry.store import load_batch
from resettle.core import RegistryBatch
from resettle.registry import RecordKind, write_records

runner = CliRunner()
WIDE = {"COLUMNS": "250"}


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def write_all(batch: RegistryBatch, folder: Path, suffix: str = "csv") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind in RecordKind:
        path = folder / f"{kind.value}.{suffix}"
        write_records(path, kind, batch)
        paths.append(path)
    return paths


def invoke_import(url: str, *paths: Path) -> tuple[int, str, str]:
    result = runner.invoke(app, ["import", *map(str, paths), "--database-url", url], env=WIDE)
    return result.exit_code, result.stdout, result.stderr


def load(engine: Engine) -> RegistryBatch:
    with make_session_factory(engine)() as session:
        return load_batch(session)


def test_import_of_good_files_stores_everything_once(
    engine: Engine, sample_batch: RegistryBatch, tmp_path: Path
) -> None:
    paths = write_all(sample_batch, tmp_path / "in")
    code, out, err = invoke_import(url_of(engine), *paths)
    assert code == 0, err
    assert "3 cases (6 persons), 2 localities, 2 pledges" in out
    assert load(engine) == sample_batch
    before = digest_database(engine)
    code, out, err = invoke_import(url_of(engine), *paths)  # the same files again
    assert code == 0, err
    assert "0 new, 0 updated" in out
    assert digest_database(engine) == before


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "json"])
def test_export_then_import_into_a_new_database_gives_the_same_registry(
    engine: Engine, sample_batch: RegistryBatch, tmp_path: Path, suffix: str
) -> None:
    invoke_import(url_of(engine), *write_all(sample_batch, tmp_path / "in"))
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        ["export", "--kind", "all", "--format", suffix, "--out", str(out),
         "--database-url", url_of(engine)],
    )
    assert result.exit_code == 0, result.output
    fresh = open_database(f"sqlite:///{tmp_path / 'fresh.db'}")
    try:
        code, _, err = invoke_import(url_of(fresh), *sorted(out.glob(f"*.{suffix}")))
        assert code == 0, err
        assert load(fresh) == load(engine) == sample_batch
    finally:
        fresh.dispose()


def test_export_one_kind_with_hxl(
    engine: Engine, sample_batch: RegistryBatch, tmp_path: Path
) -> None:
    invoke_import(url_of(engine), *write_all(sample_batch, tmp_path / "in"))
    target = tmp_path / "pledges"
    result = runner.invoke(
        app,
        ["export", "--kind", "pledges", "--format", "csv", "--hxl", "--out", str(target),
         "--database-url", url_of(engine)],
    )
    assert result.exit_code == 0, result.output
    with (tmp_path / "pledges.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][0] == "pledge_id" and rows[1][0].startswith("#")
    assert len(rows) == 2 + 2


def test_export_refuses_a_format_that_disagrees_with_the_file_name(
    engine: Engine, tmp_path: Path
) -> None:
    result = runner.invoke(
        app,
        ["export", "--kind", "cases", "--format", "json", "--out", str(tmp_path / "c.csv"),
         "--database-url", url_of(engine)],
    )
    assert result.exit_code == 1
    assert "make them agree" in result.stderr


def _replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _bad_date(files: dict[str, Path]) -> list[Path]:
    _replace_in(files["persons"], "1971-05-02", "1971-02-30")
    return list(files.values())


def _unknown_country(files: dict[str, Path]) -> list[Path]:
    _replace_in(files["persons"], ",IRN,", ",XYZ,")
    return list(files.values())


def _unknown_language(files: dict[str, Path]) -> list[Path]:
    _replace_in(files["persons"], "fas:native", "zzz:native")
    return list(files.values())


def _size_mismatch(files: dict[str, Path]) -> list[Path]:
    _replace_in(files["cases"], "ASH-0002,P-0002,3,", "ASH-0002,P-0002,5,")
    return list(files.values())


def _member_without_case(files: dict[str, Path]) -> list[Path]:
    _replace_in(files["persons"], "P-0004,ASH-0002", "P-0004,ASH-7777")
    return list(files.values())


def _duplicate_ids(files: dict[str, Path]) -> list[Path]:
    copy = files["localities"].with_name("more-localities.csv")
    copy.write_text(files["localities"].read_text(encoding="utf-8"), encoding="utf-8")
    return [*files.values(), copy]


def _wrong_encoding(files: dict[str, Path]) -> list[Path]:
    text = files["persons"].read_text(encoding="utf-8")
    files["persons"].write_bytes(text.replace("رضا", "Ré").encode("cp1252", errors="replace"))
    return list(files.values())


def _missing_column(files: dict[str, Path]) -> list[Path]:
    _replace_in(files["pledges"], "places_persons", "places")
    return list(files.values())


def _empty_file(files: dict[str, Path]) -> list[Path]:
    files["cases"].write_bytes(b"")
    return list(files.values())


def _one_gigabyte_file(files: dict[str, Path]) -> list[Path]:
    huge = files["persons"].with_name("huge-persons.csv")
    with huge.open("wb") as handle:  # sparse: takes no disk space, but stat says 1 GB
        handle.truncate(2**30)
    return [*files.values(), huge]


def _one_bad_file_among_good_ones(files: dict[str, Path]) -> list[Path]:
    # Persons, cases and localities are fine; only the pledges are not.
    _replace_in(files["pledges"], "2013-12-31", "2012-12-31")  # ends before it starts
    return list(files.values())


BAD_INPUTS: dict[str, Callable[[dict[str, Path]], list[Path]]] = {
    "bad_date": _bad_date,
    "unknown_country": _unknown_country,
    "unknown_language": _unknown_language,
    "size_mismatch": _size_mismatch,
    "member_without_case": _member_without_case,
    "duplicate_ids": _duplicate_ids,
    "wrong_encoding": _wrong_encoding,
    "missing_column": _missing_column,
    "empty_file": _empty_file,
    "one_gigabyte_file": _one_gigabyte_file,
    "one_bad_file": _one_bad_file_among_good_ones,
}


@pytest.mark.parametrize("spoil", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_a_bad_input_is_reported_and_changes_nothing(
    engine: Engine,
    sample_batch: RegistryBatch,
    tmp_path: Path,
    spoil: Callable[[dict[str, Path]], list[Path]],
) -> None:
    # The registry already holds a first version; the bad import brings changed records.
    invoke_import(url_of(engine), *write_all(sample_batch, tmp_path / "first"))
    counts, digest = count_rows(engine), digest_database(engine)
    changed = RegistryBatch(
        cases=tuple(
            c.with_members(tuple(replace(m, occupation="teacher") for m in c.members))
            for c in sample_batch.cases
        ),
        localities=sample_batch.localities,
        pledges=sample_batch.pledges,
    )
    paths = spoil(_files_of(write_all(changed, tmp_path / "second")))
    code, out, err = invoke_import(url_of(engine), *paths)
    assert code == 1, out
    assert "Problems found" in err and "nothing was written" in err
    assert count_rows(engine) == counts
    assert digest_database(engine) == digest


def _files_of(paths: list[Path]) -> dict[str, Path]:
    return {path.stem: path for path in paths}


def test_demo_step_exports_and_reimports_without_changes(
    engine: Engine, sample_batch: RegistryBatch, tmp_path: Path
) -> None:
    from rich.console import Console

    from resettle.adapters.cli.demo import DemoContext
    from resettle.adapters.cli.demo.registry import step_registry_files

    invoke_import(url_of(engine), *write_all(sample_batch, tmp_path / "in"))
    before = digest_database(engine)
    context = DemoContext(url_of(engine), tmp_path / "demo", 1, Console(file=None, quiet=True))
    step_registry_files(context)
    assert "changed 0 records" in context.summary["registry files"]
    assert digest_database(engine) == before
    assert sorted(p.name for p in (tmp_path / "demo" / "registry").iterdir()) == [
        "cases.csv", "localities.csv", "persons.csv", "pledges.csv"]
