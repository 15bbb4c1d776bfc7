"""HXL hashtag rows on import and export; the documentation matches the columns."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from io_samples import PERSONS_HEADER, sample_batch, write_text

from resettle.registry import COLUMNS, RecordKind, read_records, write_records
from resettle.registry.docs import render_columns

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-format.md"
PERSON_TAGS = ("#beneficiary+id,#beneficiary+id+case,#beneficiary+relationship,"
               "#beneficiary+name+given,#beneficiary+name+family,#beneficiary+sex,#date+birth,"
               "#country+code+nationality")
ROW = "P1,C1,principal,Maryam,Rahimi,F,1972-03-04,IRN"


def test_hxl_row_is_accepted_and_rows_keep_their_numbers(tmp_path: Path) -> None:
    path = write_text(tmp_path, "persons.csv", "\n".join([PERSONS_HEADER, PERSON_TAGS, ROW,
                                                          ROW.replace("P1", "P1").replace(
                                                              "IRN", "QQQ")]))
    parsed = read_records(path)
    assert [p.person_id for p in parsed.persons] == ["P1", "P1"]
    assert [(i.code, i.row) for i in parsed.issues] == [("duplicate_id", 4),
                                                        ("unknown_country", 4)]


def test_columns_are_found_by_hashtag_under_foreign_headers(tmp_path: Path) -> None:
    """A partner's file with Persian headers imports through its hashtags (any order)."""
    header = "شناسه,پرونده,نسبت,نام,نام خانوادگی,جنس,تاریخ تولد,تابعیت"
    tags = PERSON_TAGS.replace("#beneficiary+name+given", "#Beneficiary +given+ name")
    path = write_text(tmp_path, "persons.csv", "\n".join([header, tags, ROW]))
    parsed = read_records(path)
    assert parsed.issues == ()
    assert parsed.kind is RecordKind.PERSONS
    assert parsed.persons[0].given_name == "Maryam"


def test_unknown_header_with_unknown_hashtag_is_reported(tmp_path: Path) -> None:
    path = write_text(tmp_path, "persons.csv", "\n".join([
        PERSONS_HEADER + ",قد", PERSON_TAGS + ",#beneficiary+height", ROW + ",180"]))
    assert [(i.code, i.row, i.field) for i in read_records(path).issues] == [
        ("unknown_column", 1, "قد")]


@pytest.mark.parametrize("kind", list(RecordKind))
def test_hxl_row_is_written_on_request(tmp_path: Path, kind: RecordKind) -> None:
    tags = [c.hxl for c in COLUMNS[kind]]
    names = [c.name for c in COLUMNS[kind]]
    csv_path, xlsx_path, json_path = (tmp_path / f"{kind}.{s}" for s in ("csv", "xlsx", "json"))
    for path in (csv_path, xlsx_path, json_path):
        write_records(path, kind, sample_batch(), hxl=True)
    with csv_path.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows[:2] == [names, tags]
    sheet = openpyxl.load_workbook(xlsx_path, read_only=True)[kind.value]
    assert [list(r) for r in sheet.iter_rows(max_row=2, values_only=True)] == [names, tags]
    assert json.loads(json_path.read_text(encoding="utf-8"))["hxl"] == dict(zip(names, tags,
                                                                                strict=True))


def test_no_hxl_row_unless_asked(tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    count = write_records(path, RecordKind.PERSONS, sample_batch())
    with path.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    assert len(rows) == count + 1
    assert not rows[1][0].startswith("#")


def test_every_hashtag_is_well_formed_and_unique_per_kind() -> None:
    for columns in COLUMNS.values():
        tags = [c.hxl for c in columns]
        assert len(set(tags)) == len(tags)
        assert all(t.startswith("#") and " " not in t for t in tags)


@pytest.mark.parametrize("kind", list(RecordKind))
def test_data_format_doc_lists_every_column(kind: RecordKind) -> None:
    """Regenerate with ``python -m resettle.registry.docs`` when this fails."""
    assert render_columns(kind) in DOC.read_text(encoding="utf-8")


def test_csv_cells_that_a_spreadsheet_would_run_are_guarded(tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    write_records(path, RecordKind.PERSONS, sample_batch())
    with path.open(encoding="utf-8-sig", newline="") as stream:
        cells = [cell for row in csv.reader(stream) for cell in row]
    assert "'=cmd|' /C calc'!A0" in cells  # shown as text, never run
    assert "''Rahimi" in cells  # a real leading apostrophe survives the guard
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
    person = read_records(path).persons[1]
    assert (person.occupation, person.family_name) == ("=cmd|' /C calc'!A0", "'Rahimi")


def test_excel_typed_cells_are_read_as_their_text(tmp_path: Path) -> None:
    """A workbook typed by hand: dates as dates, years and sizes as numbers."""
    from datetime import datetime

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(PERSONS_HEADER.split(","))
    sheet.append(["P1", "C1", "principal", "Maryam", "Rahimi", "F", datetime(1972, 3, 4), "IRN"])
    sheet.append(["P2", "C1", "spouse", "Reza", "Rahimi", "M", 1970, "IRN"])
    path = tmp_path / "persons.xlsx"
    book.save(path)
    parsed = read_records(path)
    assert parsed.issues == ()
    assert [str(p.birth_date) for p in parsed.persons] == ["1972-03-04", "1970-01-01"]


def test_json_bare_array_with_flat_text_values(tmp_path: Path) -> None:
    record = {"person_id": "P1", "case_id": "C1", "given_name": "مریم", "family_name": "",
              "sex": "f", "birth_date": 1972, "nationality": "irn",
              "languages": "fas:native;eng:basic", "skills": ["driving"]}
    parsed = read_records(write_text(tmp_path, "p.json", json.dumps([record])))
    assert parsed.issues == ()
    person = parsed.persons[0]
    assert (person.nationality, len(person.languages), person.skills) == ("IRN", 2, ("driving",))
