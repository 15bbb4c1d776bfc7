"""Encrypted fields through the command line: import, missing keys, `keys add` and `rotate`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from test_import_cli import invoke_import, load, url_of, write_all
from typer.testing import CliRunner

from resettle.adapters.cli import demo
from resettle.adapters.cli.main import app
from resettle.core import RegistryBatch

runner = CliRunner()
# Sensitive values of registry_samples.make_batch: a diagnosis and an exclusion profile.
SENSITIVE = ("chronic kidney disease", "former_combatant")
NO_KEYS = ("RESETTLE_DATA_KEYS", "RESETTLE_AUDIT_KEY", "RESETTLE_KEY_FILE")


def stored_persons(engine: Engine) -> str:
    with engine.connect() as connection:
        return "\n".join(map(str, connection.execute(text("SELECT * FROM persons")).all()))


def test_imported_diagnoses_and_profiles_are_stored_encrypted(
    engine: Engine, sample_batch: RegistryBatch, tmp_path: Path
) -> None:
    code, _, err = invoke_import(url_of(engine), *write_all(sample_batch, tmp_path / "in"))
    assert code == 0, err
    stored = stored_persons(engine)
    assert "v1:k1:" in stored and "wheelchair_user" in stored
    for value in SENSITIVE:
        assert value not in stored
    if engine.dialect.name == "sqlite":
        engine.dispose()  # checkpoints the WAL into the file
        raw = Path(str(engine.url.database)).read_bytes()
        assert b"wheelchair_user" in raw
        assert b"chronic kidney disease" not in raw  # (pledges name the excluded profile)
    assert load(engine) == sample_batch


def test_import_without_keys_says_what_to_set(
    engine: Engine, sample_batch: RegistryBatch, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in NO_KEYS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke_import(url_of(engine), *write_all(sample_batch, tmp_path / "in"))
    assert code != 0
    assert "RESETTLE_KEY_FILE or RESETTLE_DATA_KEYS" in " ".join((out + err).split())
    assert stored_persons(engine) == ""  # all or nothing


def test_keys_add_rotate_then_the_old_key_can_go(
    engine: Engine, sample_batch: RegistryBatch, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in NO_KEYS:
        monkeypatch.delenv(name, raising=False)
    key_file = tmp_path / "keys.json"
    assert runner.invoke(app, ["keys", "init", "--file", str(key_file)]).exit_code == 0
    monkeypatch.setenv("RESETTLE_KEY_FILE", str(key_file))
    code, _, err = invoke_import(url_of(engine), *write_all(sample_batch, tmp_path / "in"))
    assert code == 0, err
    assert runner.invoke(app, ["keys", "add", "--file", str(key_file)]).exit_code == 0
    rotated = runner.invoke(app, ["keys", "rotate", "--database-url", url_of(engine)])
    assert rotated.exit_code == 0, rotated.output
    assert "re-encrypted 2 value(s)" in rotated.output  # two persons with sensitive details
    content = json.loads(key_file.read_text(encoding="utf-8"))
    del content["data_keys"]["k1"]
    key_file.write_text(json.dumps(content), encoding="utf-8")
    assert "v1:k1:" not in stored_persons(engine)
    assert load(engine) == sample_batch


def test_the_demo_uses_one_key_file_for_its_whole_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in NO_KEYS:
        monkeypatch.delenv(name, raising=False)
    seen: list[str | None] = []
    monkeypatch.setattr(demo, "STEPS", (lambda _ctx: seen.append(os.environ.get(
        "RESETTLE_KEY_FILE")),) * 2)
    result = runner.invoke(app, ["demo", "--output-dir", str(tmp_path / "out"),
                                 "--database-url", f"sqlite:///{tmp_path / 'demo.db'}"])
    assert result.exit_code == 0, result.output
    key_file = tmp_path / "out" / "resettle-keys.json"
    assert seen == [str(key_file)] * 2 and key_file.stat().st_mode & 0o777 == 0o600
    assert "RESETTLE_KEY_FILE" not in os.environ  # not left behind for whatever runs next
