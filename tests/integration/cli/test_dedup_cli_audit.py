"""Every ``resettle dedup`` command that reads or writes personal data leaves audit entries,
in the web's shape (action ``dedup.<command>``, the person, then the cases concerned), and
the audit chain stays intact."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from tests.registry.dedup.make_model import MODEL
from typer.testing import CliRunner

from resettle.adapters.cli.main import app
from resettle.adapters.db.engine import make_session_factory, open_database
from resettle.adapters.db.registry.dedup_store import SqlPairStore
from resettle.adapters.db.registry.store import store_batch
from resettle.adapters.db.security.audit_store import list_audit, verify_audit
from resettle.core.batch import RegistryBatch
from resettle.core.case import Case
from resettle.core.person import Person, Sex
from resettle.core.status import CaseStatus
from resettle.registry.dedup import MatchPair
from resettle.security.audit import AuditEntry
from resettle.security.crypto import load_keyring

runner = CliRunner()
pytestmark = pytest.mark.slow


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'audit.db'}"
    engine = open_database(url)
    leila = Person("A-1", "A", "Leila", "Hosseini", Sex.FEMALE, date(1971, 3, 21), "IRN")
    again = Person("B-1", "B", "Leyla", "Hoseini", Sex.FEMALE, date(1971, 3, 21), "IRN")
    son = Person("C-1", "C", "Reza", "Hosseini", Sex.MALE, date(1999, 6, 2), "IRN")
    with make_session_factory(engine)() as session:
        store_batch(session, batch=RegistryBatch(cases=(
            Case("A", "A-1", (leila,), status=CaseStatus.INTERVIEWED), Case("B", "B-1", (again,)),
            Case("C", "C-1", (son,)))))
        SqlPairStore(session).save_pairs([MatchPair("A-1", "B-1", 0.97, 7.0)], found_by="run")
        session.commit()
    engine.dispose()
    return url


def _entries(url: str, action: str) -> list[AuditEntry]:
    engine = open_database(url)
    try:
        with make_session_factory(engine)() as session:
            return list_audit(session, action=action, limit=100)[0]
    finally:
        engine.dispose()


def _run(url: str, *args: str) -> str:
    result = runner.invoke(app, ["dedup", *args, "--database-url", url])
    assert result.exit_code == 0, result.output
    return result.output


def test_each_review_command_leaves_the_webs_entries(url: str) -> None:
    _run(url, "queue")
    queue = _entries(url, "dedup.queue")
    assert [e.event.detail for e in queue] == ["cases A B", "1 pair(s) shown"]
    assert {e.event.actor for e in queue} == {"cli"}

    _run(url, "decide", "C-1", "A-1", "--different", "--officer", "amina", "--reason", "son")
    decided = _entries(url, "dedup.decide")
    assert [(e.event.actor, e.event.subject_id) for e in decided] == [("amina", "A-1")]

    refused = _run(url, "merge", "A-1", "B-1", "--officer", "amina", "--reason", "photo")
    _run(url, "refuse", refused.split(":")[0].strip(), "--officer", "bruno")
    merge_id = _run(url, "merge", "A-1", "B-1", "--officer", "amina", "--reason",
                    "same card").split(":")[0].strip()
    _run(url, "confirm", merge_id, "--officer", "bruno")
    found = runner.invoke(app, ["cases", "list", "--search", "Leyla", "--database-url", url])
    assert found.exit_code == 0, found.output
    assert "B-1 matches, but was merged into A-1" in found.output
    _run(url, "reverse", merge_id, "--officer", "bruno", "--reason", "two Leilas")
    for action, officer in (("dedup.refuse", "bruno"), ("dedup.confirm", "bruno"),
                            ("dedup.reverse", "bruno")):
        person, *cases = reversed(_entries(url, action))
        assert (person.event.actor, person.event.subject_id) == (officer, "B-1")
        assert person.event.detail.startswith(("DM-", f"{merge_id}: B-1 -> A-1"))
        assert cases and all(c.event.subject_type == "case" for c in cases)
    assert [e.event.actor for e in _entries(url, "dedup.merge")
            if e.event.subject_type == "person"] == ["amina", "amina"]
    _verified(url)


def test_run_check_and_index_say_what_they_read(url: str) -> None:
    _run(url, "run", "--model", str(MODEL))
    ran = sorted(e.event.detail for e in _entries(url, "dedup.run"))
    assert len(ran) == 2 and ran[0].endswith("candidate pair(s) kept")
    assert ran[1] == "registry read: 3 persons in 3 cases"
    shown = _run(url, "check", "--model", str(MODEL), "--given-name", "Leila",
                 "--family-name", "Hosseini", "--birth-date", "1971-03-21", "--sex", "F")
    # On three persons an exact spelling is common (term frequencies): only B-1 is likely.
    assert "B-1" in shown and "A-1" not in shown
    check = [e.event.detail for e in reversed(_entries(url, "dedup.check"))]
    assert check == ["1 likely match(es) shown", "cases B"]
    _run(url, "index")
    assert [e.event.detail for e in _entries(url, "dedup.index")] == [
        "3 persons read and indexed"]
    _verified(url)


def _verified(url: str) -> None:
    engine = open_database(url)
    try:
        with make_session_factory(engine)() as session:
            report = verify_audit(session, key=load_keyring().audit_key)
    finally:
        engine.dispose()
    assert report.ok, report.problems
