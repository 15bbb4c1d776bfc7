"""`resettle audit verify` catches an edited, inserted or deleted entry; `users` commands work.

Runs on every configured database (SQLite always, PostgreSQL when configured).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner
from web_world import key_env

from resettle.adapters.cli.main import app
from resettle.adapters.db.engine import make_session_factory
from resettle.adapters.db.security.audit_status import chain_status
from resettle.adapters.db.security.audit_store import append_audit
from resettle.security.audit import AuditEvent
from resettle.security.crypto import load_keyring

runner = CliRunner()


@pytest.fixture
def audited(engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    for name, value in key_env().items():
        monkeypatch.setenv(name, value)
    keys = load_keyring(key_env())
    with make_session_factory(engine).begin() as session:
        for i in range(5):
            append_audit(session, key=keys.audit_key, now=datetime.now(UTC),
                         event=AuditEvent("protection", "protection_officer", "case.read",
                                          "case", f"C-{i}"))
    return database_url


def verify(url: str, *extra: str) -> tuple[int, str]:
    result = runner.invoke(app, ["audit", "verify", "--database-url", url, *extra])
    return result.exit_code, result.output


def test_intact_trail_verifies(audited: str) -> None:
    code, out = verify(audited)
    assert code == 0 and "5 entries" in out


TAMPERS = [
    ("UPDATE audit_log SET actor = 'nobody' WHERE seq = 3", "edited_entry"),
    ("UPDATE audit_log SET subject_id = 'C-9' WHERE seq = 5", "edited_entry"),
    ("DELETE FROM audit_log WHERE seq = 2", "sequence_gap"),
    ("INSERT INTO audit_log (seq, at, actor, role, action, subject_type, subject_id, "
     "outcome, detail, prev_hash, entry_hash) SELECT 6, at, actor, role, action, "
     "subject_type, subject_id, outcome, detail, entry_hash, entry_hash FROM audit_log "
     "WHERE seq = 5", "edited_entry"),
    ("DELETE FROM audit_log WHERE seq = 5", "head_mismatch"),
]


@pytest.mark.parametrize(("tamper", "expected"), TAMPERS)
def test_tampering_is_detected(audited: str, engine: Engine, tamper: str, expected: str) -> None:
    with engine.begin() as connection:
        connection.execute(text(tamper))
    code, out = verify(audited)
    assert code == 1 and expected in out


def test_anchor_catches_deleting_the_newest_entries_and_the_head(
    audited: str, engine: Engine, tmp_path: Path
) -> None:
    anchor = tmp_path / "anchors.txt"
    assert verify(audited, "--write-anchor", str(anchor))[0] == 0
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_log WHERE seq = 5"))
        row = connection.execute(text("SELECT entry_hash FROM audit_log WHERE seq = 4")).one()
        connection.execute(text("UPDATE audit_head SET seq = 4, entry_hash = :h"),
                           {"h": row.entry_hash})
    assert verify(audited)[0] == 0  # a careful intruder fools the chain alone...
    code, out = verify(audited, "--anchor", str(anchor))
    assert code == 1 and "anchor_mismatch" in out  # ...but not the anchor kept elsewhere


def test_users_add_disable_reset(audited: str) -> None:
    added = runner.invoke(app, ["users", "add", "amina", "--role", "protection_officer",
                                "--database-url", audited])
    assert added.exit_code == 0 and "TOTP secret" in added.output
    liaison = runner.invoke(app, ["users", "add", "li", "--role", "host_state_liaison",
                                  "--database-url", audited])
    assert liaison.exit_code == 1 and "state" in liaison.output
    assert runner.invoke(app, ["users", "disable", "amina", "--database-url",
                               audited]).exit_code == 0
    reset = runner.invoke(app, ["users", "reset", "amina", "--database-url", audited])
    assert reset.exit_code == 0 and "password" in reset.output
    listed = runner.invoke(app, ["users", "list", "--database-url", audited])
    assert "amina" in listed.output and "yes" in listed.output
    assert verify(audited)[0] == 0  # the commands audit themselves in the same chain


@pytest.mark.parametrize(("tamper", "expected"), TAMPERS)
def test_the_audit_pages_check_finds_what_the_cli_finds(
    audited: str, engine: Engine, tamper: str, expected: str
) -> None:
    key = load_keyring(key_env()).audit_key
    with make_session_factory(engine)() as session:
        assert chain_status(session, key=key).ok
    with engine.begin() as connection:
        connection.execute(text(tamper))
    with make_session_factory(engine)() as session:
        whole = chain_status(session, key=key)
        newest = chain_status(session, key=key, limit=2)  # entries 4 and 5 only
    assert whole.whole and not whole.ok and expected in {p.code for p in whole.problems}
    assert not newest.whole and "newest" in newest.summary
    touches_newest = "seq = 5" in tamper or "SELECT 6" in tamper
    assert newest.ok is not touches_newest  # the bound is honest about what it checks
