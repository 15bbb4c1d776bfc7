"""Encryption at rest of the most sensitive fields (medical, violence, exclusion, confidential).

What a copy of the database shows is checked on the stored rows themselves (and, on SQLite, on
the bytes of the database files); what the application reads back is checked through the
repository and the screening store.
"""

from __future__ import annotations

import base64
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select, text, update
from sqlalchemy.orm import Session

from key_samples import DATA_KEY, key_env
from registry_samples import make_case, make_person
from resettle.adapters.db.engine import make_session_factory
from resettle.adapters.db.registry.store import get_case, store_batch
from resettle.adapters.db.registry.tables import PersonRow
from resettle.adapters.db.screening.store import SqlScreeningStore
from resettle.adapters.db.security.rotation import reencrypt_all
from resettle.core import Case, MedicalCondition, RegistryBatch, Severity
from resettle.screening.exclusion import (
    Assessment,
    Clause,
    ExclusionReview,
    Recommendation,
    ReviewState,
)
from resettle.screening.records import ConfidentialStatement, ConsentRecord, Interview
from resettle.security.crypto import KeyProblemError, KeyRing, load_keyring

AT = datetime(2013, 4, 2, 10, 30)
SECRETS = ("XENOTRANSPLANT-SECRET", "FORMER-COMBATANT-SECRET", "survivor_of_torture",
           "INTERVIEW-SECRET", "CONSENT-SECRET", "CONFIDENTIAL-SECRET", "ARMED-UNIT-SECRET",
           "ALLEGED-ACTS-SECRET", "REVIEW-REASON-SECRET")
NEW_KEY = base64.b64encode(b"n" * 32).decode()


def sensitive_case(case_id: str = "C-901", person_id: str = "P-901") -> Case:
    principal = make_person(
        person_id, case_id,
        medical_conditions=(MedicalCondition("XENOTRANSPLANT-SECRET", Severity.SEVERE,
                                             ("dialysis",)),),
        specific_needs=("wheelchair_user", "survivor_of_torture"),
        profiles=("FORMER-COMBATANT-SECRET",),
    )
    return make_case(case_id, [principal])


def review() -> ExclusionReview:
    assessment = Assessment("assessor", AT, Recommendation.INCLUDE, "ALLEGED-ACTS-SECRET",
                            Clause.A, False, "none found", "duress", "proportionate")
    return ExclusionReview("R-1", "C-901", "P-901", ("ARMED-UNIT-SECRET",), "officer", AT,
                           ReviewState.DECIDED, assessment, "reviewer", AT,
                           "REVIEW-REASON-SECRET", Recommendation.INCLUDE)


def store_everything(session: Session) -> None:
    store_batch(session, batch=RegistryBatch(cases=(sensitive_case(),)))
    store = SqlScreeningStore(session)
    store.add_interview(Interview("I-1", "C-901", "P-901", "officer", AT, "fas",
                                  notes="INTERVIEW-SECRET"))
    store.add_consent(ConsentRecord("C-901", "P-901", True, AT, "officer",
                                    note="CONSENT-SECRET"))
    store.add_statement(ConfidentialStatement("S-1", "C-901", "P-901", "CONFIDENTIAL-SECRET",
                                              "officer", AT))
    store.save_review(review())


def read_back(session: Session) -> tuple[Any, ...]:
    store = SqlScreeningStore(session)
    return (get_case(session, case_id="C-901"), store.interviews_of(["P-901"]),
            store.consents_of(["P-901"]), store.statements_of("P-901"),
            store.reviews_of(["P-901"]))


def dump_tables(session: Session) -> str:
    tables = ("persons", "screening_interviews", "screening_consents", "exclusion_reviews",
              "confidential_statements")
    return "\n".join(str(row) for table in tables
                     for row in session.execute(text(f"SELECT * FROM {table}")).all())


def database_bytes(engine: Engine) -> bytes:
    path = Path(str(engine.url.database))
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def test_sensitive_values_are_stored_encrypted_and_read_back(engine: Engine) -> None:
    with make_session_factory(engine).begin() as session:
        store_everything(session)
    with make_session_factory(engine)() as session:
        stored = dump_tables(session)
        case, interviews, consents, statements, reviews = read_back(session)
    for secret in SECRETS:
        assert secret not in stored
    assert "wheelchair_user" in stored  # what placement needs and reveals nothing stays plain
    if engine.dialect.name == "sqlite":
        raw = database_bytes(engine)
        assert b"wheelchair_user" in raw  # the check below reads the right files
        for secret in SECRETS:
            assert secret.encode() not in raw
    assert case == sensitive_case()
    assert [i.notes for i in interviews] == ["INTERVIEW-SECRET"]
    assert [c.note for c in consents] == ["CONSENT-SECRET"]
    assert [s.text for s in statements] == ["CONFIDENTIAL-SECRET"]
    assert reviews == [review()]


def test_a_ciphertext_moved_to_another_row_does_not_decrypt(session: Session) -> None:
    other = sensitive_case("C-902", "P-902")
    store_batch(session, batch=RegistryBatch(cases=(sensitive_case(), other)))
    persons = PersonRow.__table__
    sealed = dict(session.execute(select(persons.c.person_id, persons.c.sealed_details)).all())
    session.execute(update(persons).where(persons.c.person_id == "P-901")
                    .values(sealed_details=sealed["P-902"]))
    with pytest.raises(KeyProblemError, match="integrity check"):
        get_case(session, case_id="C-901")
    assert get_case(session, case_id="C-902") == other


def test_a_screening_note_moved_to_another_row_does_not_decrypt(session: Session) -> None:
    store = SqlScreeningStore(session)
    for interview_id in ("I-1", "I-2"):
        store.add_interview(Interview(interview_id, "C-901", "P-901", "officer", AT,
                                      notes=f"notes of {interview_id}"))
    session.execute(text("UPDATE screening_interviews SET notes_enc = "
                         "(SELECT notes_enc FROM screening_interviews WHERE interview_id = 'I-2')"
                         " WHERE interview_id = 'I-1'"))
    with pytest.raises(KeyProblemError, match="integrity check"):
        store.interviews_of(["P-901"])


def test_without_keys_the_error_says_what_to_set(
    session: Session, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("RESETTLE_DATA_KEYS", "RESETTLE_AUDIT_KEY", "RESETTLE_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no resettle-keys.json here
    with pytest.raises(KeyProblemError, match="RESETTLE_KEY_FILE or RESETTLE_DATA_KEYS"):
        store_batch(session, batch=RegistryBatch(cases=(sensitive_case(),)))


def test_with_another_key_stored_values_do_not_open(engine: Engine) -> None:
    with make_session_factory(engine).begin() as session:
        store_everything(session)
    wrong = load_keyring({**key_env(), "RESETTLE_DATA_KEYS": f"k1={NEW_KEY}"})
    with make_session_factory(engine, keys=wrong)() as session, \
            pytest.raises(KeyProblemError, match="integrity check"):
        get_case(session, case_id="C-901")
    unknown = load_keyring({**key_env(), "RESETTLE_DATA_KEYS": f"k9={NEW_KEY}"})
    with make_session_factory(engine, keys=unknown)() as session, \
            pytest.raises(KeyProblemError, match="no key 'k1'"):
        SqlScreeningStore(session).statements_of("P-901")


def rotated_keys() -> tuple[KeyRing, KeyRing]:
    """k2 active with k1 still there (during rotation); then k2 alone (after it)."""
    both = load_keyring({**key_env(), "RESETTLE_DATA_KEYS": f"k2={NEW_KEY},k1={DATA_KEY}"})
    after = load_keyring({**key_env(), "RESETTLE_DATA_KEYS": f"k2={NEW_KEY}"})
    return both, after


def test_rotation_moves_every_sealed_value_to_the_new_key(engine: Engine) -> None:
    with make_session_factory(engine).begin() as session:
        store_everything(session)
        before = read_back(session)
    both, after = rotated_keys()
    with make_session_factory(engine, keys=both).begin() as session:
        counts = reencrypt_all(session, keys=both)
    assert (counts.reencrypted, counts.sealed) == (5, 0)
    with make_session_factory(engine, keys=after)() as session:
        assert read_back(session) == before  # the old key is no longer needed
        assert ":k1:" not in dump_tables(session)
    with make_session_factory(engine, keys=after).begin() as session:
        assert reencrypt_all(session, keys=after).reencrypted == 0


def insert_plaintext_rows(session: Session) -> None:
    """Rows as written before migration 0400_sealed_columns: sensitive values in clear."""
    store_batch(session, batch=RegistryBatch(cases=(make_case("C-901", [make_person(
        "P-901", "C-901")]),)))
    details = {"languages": [{"code": "fas", "proficiency": "native"}],
               "medical_conditions": [{"name": "XENOTRANSPLANT-SECRET", "severity": "severe",
                                       "services": ["dialysis"]}],
               "specific_needs": ["wheelchair_user", "survivor_of_torture"],
               "profiles": ["FORMER-COMBATANT-SECRET"]}
    session.execute(update(PersonRow.__table__).values(details=details))
    tables = {name: PersonRow.metadata.tables[name] for name in (
        "screening_interviews", "screening_consents", "confidential_statements",
        "exclusion_reviews")}
    session.execute(insert(tables["screening_interviews"]).values(
        interview_id="I-1", case_id="C-901", person_id="P-901", interviewer="officer",
        held_at=AT, language="fas", others_present=[], private=True, notes="INTERVIEW-SECRET"))
    session.execute(insert(tables["screening_consents"]).values(
        case_id="C-901", person_id="P-901", given=True, at=AT, recorded_by="officer",
        private=True, note="CONSENT-SECRET"))
    session.execute(insert(tables["confidential_statements"]).values(
        statement_id="S-1", case_id="C-901", person_id="P-901", text="CONFIDENTIAL-SECRET",
        recorded_by="officer", at=AT))
    session.execute(insert(tables["exclusion_reviews"]).values(
        review_id="R-1", case_id="C-901", person_id="P-901", triggers=["ARMED-UNIT-SECRET"],
        opened_by="officer", opened_at=AT, state="decided", reviewer="reviewer",
        reviewed_at=AT, review_reason="REVIEW-REASON-SECRET", outcome="include", returns=[],
        assessment={"assessor": "assessor", "at": AT.isoformat(), "recommendation": "include",
                    "acts": "ALLEGED-ACTS-SECRET", "clause": "1F(a)",
                    "individual_responsibility": False, "responsibility_reasons": "none found",
                    "defences": "duress", "proportionality": "proportionate"}))


def test_rotate_encrypts_plaintext_left_from_before_encryption(engine: Engine) -> None:
    with make_session_factory(engine).begin() as session:
        insert_plaintext_rows(session)
        legacy = read_back(session)  # still readable before anyone rotates
        assert "XENOTRANSPLANT-SECRET" in dump_tables(session)
    keys = load_keyring(key_env())
    with make_session_factory(engine, keys=keys).begin() as session:
        assert reencrypt_all(session, keys=keys).sealed == 5
    with make_session_factory(engine)() as session:
        stored = dump_tables(session)
        assert read_back(session) == legacy
    for secret in SECRETS:
        assert secret not in stored
    assert legacy[0] == sensitive_case()
    assert [r.assessment.acts for r in legacy[4]] == ["ALLEGED-ACTS-SECRET"]
