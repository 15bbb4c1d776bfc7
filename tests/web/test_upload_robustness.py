"""Malformed and hostile workbooks: every one answers 4xx, quickly, in bounded memory, and
the file is parsed before the writer lock is taken (security finding 7, issue 18).

The files are generated here, small: a cell in column XFD on each of 6,000 rows (17 KB that
once took the server to 1.1 GB), broken XML, an external entity (XXE), a billion-laughs
entity bomb, a zip bomb, and more rows than the limit.
"""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from collections.abc import Callable

import openpyxl
import pytest
from web_world import World

from resettle.adapters.web.registry import uploads as registry_import

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = "xl/worksheets/sheet1.xml"
HEADER = ("person_id", "case_id", "relationship", "given_name", "family_name", "sex",
          "birth_date", "nationality")
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def workbook(rows: int = 2) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for n in range(rows):
        sheet.append((f"U-{n}-1", f"U-{n}", "principal", "Ava", "Rad", "F", "1980-01-01",
                      "IRN"))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def replaced(member: str, content: bytes, base: bytes | None = None) -> bytes:
    """``base`` (a valid workbook) with one member's content replaced."""
    source = zipfile.ZipFile(io.BytesIO(base or workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = content if info.filename == member else source.read(info.filename)
            target.writestr(info.filename, data)
    return out.getvalue()


def xfd_on_every_row() -> bytes:
    rows = "".join(f'<row r="{n}"><c r="XFD{n}" t="inlineStr"><is><t>x</t></is></c></row>'
                   for n in range(1, 6001))
    return replaced(SHEET, f'<?xml version="1.0"?><worksheet {NS}><dimension ref="A1:XFD6000"/>'
                           f"<sheetData>{rows}</sheetData></worksheet>".encode())


def broken_xml() -> bytes:
    return replaced(SHEET, b'<?xml version="1.0"?><worksheet><sheetData><row r="1"><c r="A1"')


def external_entity() -> bytes:
    return replaced(SHEET, f'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY xxe SYSTEM '
                           f'"file:///etc/passwd">]><worksheet {NS}><sheetData><row r="1">'
                           f'<c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
                           f"</sheetData></worksheet>".encode())


def billion_laughs() -> bytes:
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    return replaced(SHEET, f'<?xml version="1.0"?><!DOCTYPE w [{entities}]><worksheet {NS}>'
                           f'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&a9;</t>'
                           f"</is></c></row></sheetData></worksheet>".encode())


def zip_bomb() -> bytes:
    """A sheet of 30 MB of spaces, a few tens of KB compressed."""
    padding = b" " * (30 * 2**20)
    return replaced(SHEET, f'<?xml version="1.0"?><worksheet {NS}><sheetData>'.encode()
                    + padding + b"</sheetData></worksheet>")


def not_a_zip() -> bytes:
    return b"PK\x03\x04 this is not really a workbook"


def too_many_rows() -> bytes:
    return workbook(rows=60)


KINDS: dict[str, Callable[[], bytes]] = {
    "xfd_on_every_row": xfd_on_every_row, "broken_xml": broken_xml,
    "external_entity": external_entity, "billion_laughs": billion_laughs,
    "zip_bomb": zip_bomb, "not_a_zip": not_a_zip,
}


@pytest.fixture(scope="module")
def registrar(shared_world: World) -> object:
    return shared_world.login("registrar")


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_hostile_workbooks_answer_4xx_quickly_in_bounded_memory(registrar: object,
                                                                kind: str) -> None:
    data = KINDS[kind]()
    assert len(data) < 2**20  # small uploads, every one
    tracemalloc.start()
    began = time.perf_counter()
    answer = registrar.post(  # type: ignore[attr-defined]
        "/api/registry/import", files=[("files", ("persons.xlsx", data, XLSX))])
    seconds = time.perf_counter() - began
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert answer.status_code in (413, 422), answer.text
    assert "root:" not in answer.text  # no entity was resolved
    assert seconds < 10, seconds
    assert peak < 200 * 2**20, f"{peak / 2**20:.0f} MB"


def test_more_rows_than_the_limit_are_refused(registrar: object,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry_import, "MAX_UPLOAD_ROWS", 50)
    answer = registrar.post(  # type: ignore[attr-defined]
        "/api/registry/import", files=[("files", ("persons.xlsx", too_many_rows(), XLSX))])
    assert answer.status_code == 422
    assert answer.json()["error"]["issues"][0]["code"] == "too_many_rows"


def test_the_file_is_parsed_before_the_writer_lock_is_taken(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rejected upload once held the writer lock while it was parsed: another user's case
    read waited 9.7 s."""
    lock = world.config.writer_lock
    assert lock is not None
    held_while_parsing: list[bool] = []
    real_read = registry_import.read_records

    def spying_read(*args: object, **kwargs: object) -> object:
        held_while_parsing.append(lock_is_held())
        return real_read(*args, **kwargs)  # type: ignore[arg-type]

    def lock_is_held() -> bool:
        return lock._threads.locked()  # the test looks inside on purpose

    monkeypatch.setattr(registry_import, "read_records", spying_read)
    answer = world.login("registrar").post(
        "/api/registry/import", files=[("files", ("persons.xlsx", broken_xml(), XLSX))])
    assert answer.status_code == 422
    assert held_while_parsing == [False]


@pytest.mark.parametrize(("kind", "code"), [("zip_bomb", "too_large_uncompressed"),
                                            ("xfd_on_every_row", "too_many_columns"),
                                            ("broken_xml", "malformed_xlsx"),
                                            ("billion_laughs", "malformed_xlsx"),
                                            ("external_entity", "malformed_xlsx")])
def test_each_hostile_workbook_is_named_for_what_it_is(world: World, kind: str,
                                                       code: str) -> None:
    world.config.max_upload_bytes = 2 * 2**20  # unpacked, at most 20 MB
    answer = world.login("registrar").post(
        "/api/registry/import", files=[("files", ("persons.xlsx", KINDS[kind](), XLSX))])
    assert answer.status_code == 422
    assert [i["code"] for i in answer.json()["error"]["issues"]] == [code]
