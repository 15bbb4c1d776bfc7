"""Data-sharing agreements: the loader collects every problem; versions; default; Ashraf file."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from resettle.adapters.web.referral.dossier_render import render_dossier_html
from resettle.errors import NotFoundError, ValidationError
from resettle.referral.agreements import (
    ASHRAF_AGREEMENTS_FILE,
    DEFAULT_VERSION,
    AgreementBook,
    default_agreement,
    load_agreements,
    parse_agreements,
)
from resettle.referral.dossier import build_dossier
from resettle.referral.fields import CATALOGUE, REQUIRED_FIELDS, RRF_MINIMUM
from resettle.simulation.ashraf_config import DEFAULT_HOSTS
from resettle.simulation.random_instances import generate_random

BAD = """
[[agreement]]
country = "XYZ"
version = "1"
valid_from = 2014-13-01
purpose = "admission"
retention_days = 0
fields = ["rrf_minimum", "blood_type"]

[[agreement]]
country = "DEU"
version = "2014"
valid_from = 2014-01-01
valid_until = 2013-12-31
retention_days = 365
feilds = ["languages"]

[[agreement]]
country = "ALB"
version = "a"
valid_from = "2014-02-30"
purpose = "admission"
retention_days = "ten years"
fields = ["given_name"]
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def codes(error: ValidationError) -> list[tuple[int | None, str, str]]:
    return sorted((i.row, i.code, i.field) for i in error.issues)


def test_every_problem_of_every_entry_is_listed_and_nothing_loaded(tmp_path: Path) -> None:
    path = write(tmp_path, "agreements.toml", BAD.replace("2014-13-01", '"2014-13-01"'))
    with pytest.raises(ValidationError) as caught:
        load_agreements(path)
    assert codes(caught.value) == [
        (1, "bad_date", "valid_from"),
        (1, "bad_value", "retention_days"),
        (1, "unknown_country", "country"),
        (1, "unknown_field", "fields"),
        (2, "bad_date", "valid_until"),
        (2, "missing_value", "purpose"),
        (2, "unknown_key", "feilds"),
        (3, "bad_date", "valid_from"),
        (3, "bad_value", "retention_days"),
        (3, "required_field", "fields"),
        (3, "required_field", "fields"),
    ]
    messages = " ".join(i.message for i in caught.value.issues)
    assert "'blood_type' is not a field" in messages and "YYYY-MM-DD" in messages
    assert all(i.file == "agreements.toml" for i in caught.value.issues)


def test_unreadable_files_say_why(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="cannot be read"):
        load_agreements(tmp_path / "missing.toml")
    with pytest.raises(ValidationError) as caught:
        load_agreements(write(tmp_path, "broken.toml", "[[agreement]\ncountry ="))
    assert caught.value.issues[0].code == "unreadable"
    with pytest.raises(ValidationError) as caught:
        load_agreements(write(tmp_path, "empty.json", "{}"))
    assert caught.value.issues[0].code == "missing_value"


def test_json_and_toml_give_the_same_book(tmp_path: Path) -> None:
    entry = {"country": "CAN", "version": "2014-1", "valid_from": "2014-01-01",
             "purpose": "selection", "retention_days": 3650,
             "fields": ["rrf_minimum", "languages"]}
    from_json = load_agreements(write(tmp_path, "a.json", json.dumps({"agreement": [entry]})))
    toml = ('[[agreement]]\ncountry = "CAN"\nversion = "2014-1"\nvalid_from = 2014-01-01\n'
            'purpose = "selection"\nretention_days = 3650\n'
            'fields = ["rrf_minimum", "languages"]\n')
    from_toml = load_agreements(write(tmp_path, "a.toml", toml))
    assert from_json.agreements == from_toml.agreements
    assert from_json.agreements[0].fields == RRF_MINIMUM | {"languages"}


def test_version_in_force_is_the_latest_started_and_not_ended() -> None:
    book = parse_agreements({"agreement": [
        {"country": "NOR", "version": "1", "valid_from": "2013-01-01", "purpose": "p",
         "retention_days": 10},
        {"country": "NOR", "version": "2", "valid_from": "2014-01-01",
         "valid_until": "2014-12-31", "purpose": "p", "retention_days": 10,
         "fields": ["rrf_minimum", "languages"]},
    ]})
    assert book.find("NOR", date(2012, 12, 31)) is None
    assert book.in_force("NOR", date(2013, 6, 1)).version == "1"
    assert book.in_force("NOR", date(2014, 12, 31)).version == "2"
    assert book.find("NOR", date(2015, 1, 1)) is None  # version 2 ended; 1 was replaced
    with pytest.raises(NotFoundError, match="no data-sharing agreement with Norway"):
        book.in_force("NOR", date(2015, 1, 1))
    assert book.find("SWE", date(2014, 1, 1)) is None


def test_two_versions_with_one_name_or_one_first_day_are_refused() -> None:
    entry = {"country": "NOR", "version": "1", "valid_from": "2013-01-01", "purpose": "p",
             "retention_days": 10}
    with pytest.raises(ValidationError) as caught:
        parse_agreements({"agreement": [entry, entry]})
    assert {i.code for i in caught.value.issues} == {"duplicate_version", "ambiguous_version"}


def test_default_is_the_rrf_minimum_for_states_without_an_agreement() -> None:
    book = AgreementBook((default_agreement("ALB", valid_from=date(2014, 1, 1)),))
    widened = book.with_defaults(["ALB", "SWE"])
    swedish = widened.in_force("SWE", date(2015, 1, 1))
    assert swedish.version == DEFAULT_VERSION and swedish.fields == RRF_MINIMUM
    assert widened.versions("ALB") == book.versions("ALB")
    assert REQUIRED_FIELDS <= RRF_MINIMUM <= set(CATALOGUE)
    assert not any(CATALOGUE[name].sensitive for name in RRF_MINIMUM)


def test_the_ashraf_file_covers_every_host_of_the_scenario() -> None:
    book = load_agreements(ASHRAF_AGREEMENTS_FILE)
    hosts = {host.country for host in DEFAULT_HOSTS}
    assert book.states == hosts
    for host in DEFAULT_HOSTS:  # an agreement is in force for every pledge's first day
        for pledge in host.pledges:
            assert book.find(host.country, pledge.start) is not None, host.country
    assert book.in_force("BEL", date(2015, 1, 1)).fields == RRF_MINIMUM  # no `fields` given


def test_no_label_hides_inside_another_or_inside_the_page() -> None:
    """The leak tests look for labels: none may be part of another label or of fixed text."""
    labels = [spec.label for spec in CATALOGUE.values()]
    assert len(set(labels)) == len(labels)
    assert [(a, b) for a in labels for b in labels if a != b and a in b] == []
    case = generate_random(1, 1, seed=3).cases[0]
    minimal = default_agreement("FRA")
    bare = minimal.__class__(**{**minimal.__dict__, "fields": REQUIRED_FIELDS})
    page = render_dossier_html(build_dossier(
        case, bare, consenting=[m.person_id for m in case.members], requested_by="a",
        on=date(2024, 6, 1)))
    shown = [label for label in labels if label in page]
    assert shown == ["Case number", "Person number"]


def test_the_documentation_lists_every_field_of_the_catalogue() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "referral-agreements.md").read_text(
        encoding="utf-8")
    rows = {line.split("|")[1].strip(" `") for line in doc.splitlines()
            if line.startswith("| `")}
    assert set(CATALOGUE) <= rows
    for name, spec in CATALOGUE.items():
        assert f"| `{name}` | {spec.level} | {spec.section} | {spec.label} |" in doc
