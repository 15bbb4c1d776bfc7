"""Each bad input gives a clear issue with its code, row and column; nothing raises."""

from __future__ import annotations

import json
import subprocess
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from io_samples import CASES_HEADER, PERSONS_HEADER, sample_batch, write_batch, write_text

from resettle.core import DatePrecision
from resettle.errors import ValidationError
from resettle.registry import (
    ParsedFile,
    RecordKind,
    assemble_batch,
    read_records,
    write_records,
)

GOOD_ROW = "P1,C1,principal,Maryam,Rahimi,F,1972-03-04,IRN"


def codes(parsed: ParsedFile) -> list[tuple[str, int | None, str]]:
    return [(i.code, i.row, i.field) for i in parsed.issues]


def persons_csv(tmp_path: Path, *rows: str, header: str = PERSONS_HEADER) -> Path:
    return write_text(tmp_path, "persons.csv", "\n".join([header, *rows]) + "\n")


def test_good_file_has_no_issues(tmp_path: Path) -> None:
    parsed = read_records(persons_csv(tmp_path, GOOD_ROW))
    assert parsed.issues == ()
    assert parsed.kind is RecordKind.PERSONS
    assert [p.person_id for p in parsed.persons] == ["P1"]
    assert parsed.rows == (2,)


def test_latin1_file_names_the_byte_and_row(tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    text = "\n".join([PERSONS_HEADER, GOOD_ROW, "P2,C1,spouse,Jos\xe9,Rahimi,M,1970,IRN"])
    path.write_bytes(text.encode("latin-1"))
    parsed = read_records(path)
    assert codes(parsed) == [("bad_encoding", 3, "")]
    message = parsed.issues[0].message
    assert "0xE9" in message
    assert "UTF-8" in message


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    text = "\n".join([PERSONS_HEADER, "P1,C1,principal,Maryam,رحیمی,F,1972-03-04,IRN"])
    path.write_bytes(text.encode("utf-8-sig"))
    parsed = read_records(path)
    assert parsed.issues == ()
    assert parsed.persons[0].family_name == "رحیمی"


def test_utf16_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    path.write_bytes("\n".join([PERSONS_HEADER, GOOD_ROW]).encode("utf-16"))
    parsed = read_records(path)
    assert codes(parsed) == [("bad_encoding", 1, "")]
    assert "UTF-16" in parsed.issues[0].message


def test_missing_and_unknown_columns(tmp_path: Path) -> None:
    header = "person_id,case_id,given_name,family_name,sex,birth_date,nationalty,shoe_size"
    parsed = read_records(persons_csv(tmp_path, "P1,C1,Maryam,Rahimi,F,1972,IRN,38",
                                      header=header))
    found = codes(parsed)
    assert ("unknown_column", 1, "nationalty") in found
    assert ("unknown_column", 1, "shoe_size") in found
    assert ("missing_column", 1, "nationality") in found
    hint = next(i for i in parsed.issues if i.field == "nationalty")
    assert "did you mean nationality" in hint.message


def test_missing_required_value(tmp_path: Path) -> None:
    parsed = read_records(persons_csv(tmp_path, "P1,C1,principal,Maryam,Rahimi,,1972,IRN"))
    assert codes(parsed) == [("missing_value", 2, "sex")]
    assert parsed.persons == ()
    assert {"P1", "C1"} <= parsed.rejected_ids


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("2011-02-30", "impossible_date"),
        ("1972-13-01", "impossible_date"),
        ("14/05/1972", "bad_date"),
        ("soon", "bad_date"),
        ("~19x2", "bad_date"),
    ],
)
def test_bad_and_impossible_dates(tmp_path: Path, cell: str, code: str) -> None:
    parsed = read_records(persons_csv(tmp_path, GOOD_ROW, f"P2,C1,spouse,Reza,Rahimi,M,{cell},IRN"))
    assert codes(parsed) == [(code, 3, "birth_date")]
    assert parsed.issues[0].record == "P2"


def test_future_birth_date(tmp_path: Path) -> None:
    future = (date.today() + timedelta(days=3)).isoformat()
    parsed = read_records(persons_csv(tmp_path, f"P1,C1,principal,Maryam,Rahimi,F,{future},IRN"))
    assert codes(parsed) == [("impossible_date", 2, "birth_date")]


@pytest.mark.parametrize(
    ("cell", "day", "precision"),
    [
        ("1972", date(1972, 1, 1), DatePrecision.YEAR),
        ("~1972", date(1972, 1, 1), DatePrecision.ESTIMATED),
        ("~1972-05-14", date(1972, 5, 14), DatePrecision.ESTIMATED),
        ("1972-05-14", date(1972, 5, 14), DatePrecision.EXACT),
    ],
)
def test_partial_dates_are_flagged(tmp_path: Path, cell: str, day: date,
                                   precision: DatePrecision) -> None:
    parsed = read_records(persons_csv(tmp_path, f"P1,C1,principal,Maryam,Rahimi,F,{cell},IRN"))
    assert parsed.issues == ()
    assert (parsed.persons[0].birth_date, parsed.persons[0].birth_date_precision) == (day,
                                                                                      precision)


def test_unknown_country_and_language_codes(tmp_path: Path) -> None:
    header = PERSONS_HEADER + ",languages,feared_countries"
    rows = ["P1,C1,principal,Maryam,Rahimi,F,1972,IRX,fas:native;xx9:basic,IRQ;ZZZ"]
    parsed = read_records(persons_csv(tmp_path, *rows, header=header))
    assert sorted(codes(parsed)) == [
        ("unknown_country", 2, "feared_countries"),
        ("unknown_country", 2, "nationality"),
        ("unknown_language", 2, "languages"),
    ]
    assert len(parsed.persons) == 1  # built, so cross-file checks still see it


def test_lowercase_codes_are_normalised(tmp_path: Path) -> None:
    header = PERSONS_HEADER + ",languages"
    parsed = read_records(persons_csv(tmp_path, "P1,C1,principal,M,R,f,1972,irn,FAS:Native",
                                      header=header))
    assert parsed.issues == ()
    assert parsed.persons[0].nationality == "IRN"
    assert parsed.persons[0].languages[0].code == "fas"


def test_bad_enum_and_structured_cells(tmp_path: Path) -> None:
    header = PERSONS_HEADER + ",languages,medical_conditions"
    rows = ["P1,C1,principal,Maryam,Rahimi,W,1972,IRN,fas,diabetes|awful"]
    parsed = read_records(persons_csv(tmp_path, *rows, header=header))
    assert codes(parsed) == [
        ("bad_value", 2, "sex"),
        ("bad_value", 2, "languages"),
        ("bad_value", 2, "medical_conditions"),
    ]
    assert "F, M, X" in parsed.issues[0].message
    assert "fas:native" in parsed.issues[1].message


def test_duplicate_ids_within_a_file(tmp_path: Path) -> None:
    parsed = read_records(persons_csv(tmp_path, GOOD_ROW, GOOD_ROW.replace("Maryam", "Mina")))
    assert codes(parsed) == [("duplicate_id", 3, "person_id")]
    assert "row 2" in parsed.issues[0].message


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    one = read_records(persons_csv(tmp_path, GOOD_ROW))
    other = write_text(tmp_path, "more.csv", f"{PERSONS_HEADER}\n{GOOD_ROW}\n")
    cases = write_text(tmp_path, "cases.csv", f"{CASES_HEADER}\nC1,P1,1\n")
    with pytest.raises(ValidationError) as raised:
        assemble_batch([one, read_records(other), read_records(cases)])
    assert [(i.code, i.file, i.row) for i in raised.value.issues] == [
        ("duplicate_id", str(other), 2)
    ]


def test_case_size_that_disagrees_with_members(tmp_path: Path) -> None:
    persons = read_records(persons_csv(tmp_path, GOOD_ROW, "P2,C1,spouse,Reza,Rahimi,M,1970,IRN"))
    cases_path = write_text(tmp_path, "cases.csv", f"{CASES_HEADER}\nC1,P1,3\n")
    with pytest.raises(ValidationError) as raised:
        assemble_batch([persons, read_records(cases_path)])
    issue = raised.value.issues[0]
    assert (issue.code, issue.file, issue.row, issue.field) == (
        "size_mismatch", str(cases_path), 2, "size")
    assert "3" in issue.message and "2 member" in issue.message


def test_member_whose_case_does_not_exist(tmp_path: Path) -> None:
    persons_path = persons_csv(tmp_path, GOOD_ROW, "P9,C9,principal,Ali,Rahimi,M,1980,IRN")
    cases_path = write_text(tmp_path, "cases.csv", f"{CASES_HEADER}\nC1,P1,1\n")
    with pytest.raises(ValidationError) as raised:
        assemble_batch([read_records(persons_path), read_records(cases_path)])
    assert [(i.code, i.row, i.field, i.record) for i in raised.value.issues] == [
        ("unknown_case", 3, "case_id", "P9")
    ]


def test_principal_missing_from_case(tmp_path: Path) -> None:
    persons = read_records(persons_csv(tmp_path, "P2,C1,spouse,Reza,Rahimi,M,1970,IRN"))
    cases_path = write_text(tmp_path, "cases.csv", f"{CASES_HEADER}\nC1,P1,1\n")
    with pytest.raises(ValidationError) as raised:
        assemble_batch([persons, read_records(cases_path)])
    assert [(i.code, i.row) for i in raised.value.issues] == [("missing_principal", 2)]


def test_every_issue_of_every_file_at_once(tmp_path: Path) -> None:
    persons = read_records(persons_csv(tmp_path, GOOD_ROW.replace("IRN", "XXX"),
                                       "P8,C8,principal,Ali,Rahimi,M,1980,IRN"))
    cases_path = write_text(tmp_path, "cases.csv", f"{CASES_HEADER}\nC1,P1,2\nC1,P1,1\n")
    with pytest.raises(ValidationError) as raised:
        assemble_batch([persons, read_records(cases_path)])
    assert sorted(i.code for i in raised.value.issues) == [
        "duplicate_id", "size_mismatch", "unknown_case", "unknown_country"]
    assert "nothing was written" in str(raised.value)


def test_one_bad_row_does_not_cascade(tmp_path: Path) -> None:
    persons = read_records(persons_csv(tmp_path, GOOD_ROW, "P2,C1,spouse,Reza,Rahimi,M,19x0,IRN"))
    cases = read_records(write_text(tmp_path, "cases.csv", f"{CASES_HEADER}\nC1,P1,2\n"))
    with pytest.raises(ValidationError) as raised:
        assemble_batch([persons, cases])
    assert [i.code for i in raised.value.issues] == ["bad_date"]  # no size_mismatch as well


@pytest.mark.parametrize("text", ["", "\n\n", f"{PERSONS_HEADER}\n", f"{PERSONS_HEADER}\n,,,\n"])
def test_empty_files(tmp_path: Path, text: str) -> None:
    parsed = read_records(write_text(tmp_path, "persons.csv", text))
    assert [i.code for i in parsed.issues] == ["empty_file"]
    assert "export it again" in parsed.issues[0].message


def test_empty_json(tmp_path: Path) -> None:
    for text in ["", "[]", '{"kind": "persons", "records": []}']:
        parsed = read_records(write_text(tmp_path, "persons.json", text))
        assert [i.code for i in parsed.issues] == ["empty_file"]


def test_one_gigabyte_file_is_refused_without_reading(tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    subprocess.run(["truncate", "-s", "1G", str(path)], check=True)
    started = time.perf_counter()
    parsed = read_records(path)
    elapsed = time.perf_counter() - started
    assert codes(parsed) == [("file_too_large", None, "")]
    assert "1,024 MB" in parsed.issues[0].message
    assert elapsed < 1.0  # a generous bound: reading 1 GB would take far longer


def test_size_limit_is_configurable(tmp_path: Path) -> None:
    path = persons_csv(tmp_path, GOOD_ROW)
    assert read_records(path, max_bytes=10).issues[0].code == "file_too_large"
    assert read_records(path, max_bytes=10_000).issues == ()


def test_malformed_xlsx(tmp_path: Path) -> None:
    path = write_text(tmp_path, "persons.xlsx", "this is not a workbook")
    parsed = read_records(path)
    assert [i.code for i in parsed.issues] == ["malformed_xlsx"]
    assert "save it again as .xlsx" in parsed.issues[0].message


def test_truncated_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "persons.xlsx"
    write_records(path, RecordKind.PERSONS, sample_batch())
    path.write_bytes(path.read_bytes()[:-200])
    assert [i.code for i in read_records(path).issues] == ["malformed_xlsx"]


def test_malformed_json(tmp_path: Path) -> None:
    path = write_text(tmp_path, "persons.json", '{"records": [\n {"person_id": "P1",}\n]}')
    parsed = read_records(path)
    assert codes(parsed) == [("malformed_json", 2, "")]
    assert "line 2" in parsed.issues[0].message


def test_json_of_the_wrong_shape(tmp_path: Path) -> None:
    parsed = read_records(write_text(tmp_path, "persons.json", '"hello"'))
    assert [i.code for i in parsed.issues] == ["malformed_json"]
    records = [{"person_id": "P1"}, 7]
    parsed = read_records(write_text(tmp_path, "p.json", json.dumps(records)), RecordKind.PERSONS)
    assert ("malformed_json", 2, "") in codes(parsed)
    assert ("missing_column", None, "nationality") in codes(parsed)


def test_json_bad_values(tmp_path: Path) -> None:
    record = {"person_id": "P1", "case_id": "C1", "given_name": "M", "family_name": "R",
              "sex": "F", "birth_date": "1972-02-30", "nationality": "IRN",
              "languages": [{"code": "fas", "proficiency": "expert"}], "skills": "a;b",
              "height": 180}
    parsed = read_records(write_text(tmp_path, "p.json", json.dumps([record])))
    assert sorted(codes(parsed)) == [
        ("bad_value", 1, "languages"),
        ("impossible_date", 1, "birth_date"),
        ("unknown_column", 1, "height"),
    ]


def test_unknown_extension_and_kind(tmp_path: Path) -> None:
    parsed = read_records(write_text(tmp_path, "persons.txt", "x"))
    assert [i.code for i in parsed.issues] == ["unknown_format"]
    parsed = read_records(write_text(tmp_path, "mystery.csv", "a,b\n1,2\n"))
    assert [i.code for i in parsed.issues] == ["unknown_kind"]
    assert parsed.kind is None


def test_values_under_no_column_are_reported(tmp_path: Path) -> None:
    parsed = read_records(persons_csv(tmp_path, GOOD_ROW + ",stray"))
    assert codes(parsed) == [("unknown_column", 2, "column 9")]


def test_semicolon_separated_csv_from_excel(tmp_path: Path) -> None:
    header = PERSONS_HEADER.replace(",", ";") + ";languages"
    row = 'P1;C1;principal;Maryam;Rahimi;F;1972;IRN;"fas:native;eng:basic"'
    parsed = read_records(persons_csv(tmp_path, row, header=header))
    assert parsed.issues == ()
    assert len(parsed.persons[0].languages) == 2


def test_file_that_does_not_exist(tmp_path: Path) -> None:
    parsed = read_records(tmp_path / "nope.csv")
    assert [i.code for i in parsed.issues] == ["unreadable_file"]


def test_write_refuses_unknown_extension(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        write_records(tmp_path / "x.txt", RecordKind.PERSONS, sample_batch())


def test_nothing_is_left_behind_by_a_failed_export(tmp_path: Path) -> None:
    write_batch(tmp_path, sample_batch())
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "cases.csv", "localities.csv", "persons.csv", "pledges.csv"]


def test_values_in_a_column_without_a_name(tmp_path: Path) -> None:
    parsed = read_records(persons_csv(tmp_path, GOOD_ROW[:-4] + ",x,IRN",
                                      header=PERSONS_HEADER[:-12] + ",,nationality"))
    assert codes(parsed) == [("unknown_column", 2, "column 8")]


def test_file_of_another_kind(tmp_path: Path) -> None:
    cases = write_text(tmp_path, "cases.csv", f"{CASES_HEADER}\nC1,P1,1\n")
    parsed = read_records(cases, RecordKind.PERSONS)
    assert [(i.code, i.row) for i in parsed.issues] == [("wrong_kind", 1)]
    assert "import it as cases" in parsed.issues[0].message
    document = write_text(tmp_path, "x.json", '{"kind": "pledges", "records": [{}]}')
    assert [i.code for i in read_records(document, RecordKind.PERSONS).issues] == ["wrong_kind"]


def test_json_nested_too_deeply(tmp_path: Path) -> None:
    parsed = read_records(write_text(tmp_path, "p.json", "[" * 100_000 + "]" * 100_000))
    assert [i.code for i in parsed.issues] == ["malformed_json"]


def test_directory_instead_of_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "persons.csv"
    folder.mkdir()
    assert [i.code for i in read_records(folder).issues] == ["unreadable_file"]


def test_progress_is_reported_to_the_end(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    path = tmp_path / "persons.csv"
    written = write_records(path, RecordKind.PERSONS, sample_batch(),
                            progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (written, written) == (4, 4)
    seen.clear()
    read_records(path, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (4, 4)


def test_exports_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    for suffix in ("csv", "xlsx", "json"):
        path = tmp_path / f"persons.{suffix}"
        write_records(path, RecordKind.PERSONS, sample_batch())
        assert path.stat().st_mode & 0o077 == 0


def test_a_bad_cell_does_not_hide_other_problems_on_its_row(tmp_path: Path) -> None:
    header = PERSONS_HEADER + ",languages"
    parsed = read_records(persons_csv(tmp_path, "P1,C1,principal,M,R,F,2011-02-30,IRX,zzz:basic",
                                      header=header))
    assert codes(parsed) == [
        ("impossible_date", 2, "birth_date"),
        ("unknown_country", 2, "nationality"),
        ("unknown_language", 2, "languages"),
    ]
    assert {i.record for i in parsed.issues} == {"P1"}


def test_a_missing_column_does_not_hide_bad_codes(tmp_path: Path) -> None:
    header = PERSONS_HEADER.replace(",sex", "")
    parsed = read_records(persons_csv(tmp_path, "P1,C1,principal,M,R,1972,IRX", header=header))
    assert codes(parsed) == [("missing_column", 1, "sex"), ("unknown_country", 2, "nationality")]
