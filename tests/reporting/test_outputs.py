"""What leaves the system: the HXL table (read back and validated with libhxl) and the
monthly report (HTML and PDF/A, rendered to PNG): counts only, no name and no id."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from reporting_world import secrets_of, world
from resettle.reporting.hxl import HASHTAGS, hxl_problems, schema_text
from resettle.reporting.memory import MemoryReportingStore
from resettle.reporting.report import MonthlyReport
from resettle.reporting.service import build_report, export_aggregates

hxl = pytest.importorskip("hxl")


def store(copies: int) -> tuple[MemoryReportingStore, list[str]]:
    cases, events, pledges = world(copies)
    return MemoryReportingStore(cases, events, pledges), secrets_of(cases)


def read_hxl(text: str) -> object:
    from hxl.input import InputOptions

    return hxl.data(io.BytesIO(text.encode()), InputOptions(allow_local=True))


def test_hxl_reads_back_with_its_hashtags_and_no_small_cell() -> None:
    memory, secrets = store(copies=1)
    table = export_aggregates(memory, date(2013, 6, 30), asylum_country="IRQ")
    dataset = read_hxl(table.text)
    assert [c.display_tag for c in dataset.columns] == HASHTAGS  # type: ignore[attr-defined]
    rows = list(dataset)  # type: ignore[call-overload]
    assert {r.get("#status") for r in rows} >= {"departed", "accepted", "total"}
    for row in rows:
        for tag in HASHTAGS:
            if tag.startswith("#population"):
                value = row.get(tag)
                assert value in ("", None) or not 0 < int(value) < 5
    assert not any(secret in table.text for secret in secrets)
    assert hxl_problems(table.text) == []


def test_hxl_schema_rejects_a_small_count() -> None:
    memory, _ = store(copies=10)
    text = export_aggregates(memory, date(2013, 6, 30), asylum_country="IRQ").text
    lines = text.splitlines()
    cells = lines[2].split(",")
    cells[HASHTAGS.index("#population+m+adults")] = "3"
    tampered = "\n".join([*lines[:2], ",".join(cells), *lines[3:]])
    assert any("#population+m+adults" in p for p in hxl_problems(tampered))
    assert "#valid_tag" in schema_text()


@pytest.fixture(scope="module")
def june_report() -> tuple[MonthlyReport, list[str]]:
    memory, secrets = store(copies=30)
    return build_report(memory, "2013-06", generated=date(2026, 1, 1)), secrets


def test_report_has_figures_with_text_alternatives_and_no_personal_data(
        june_report: tuple[MonthlyReport, list[str]]) -> None:
    report, secrets = june_report
    assert len(report.figures) >= 6
    assert all(len(f.alt) > 40 for f in report.figures)
    assert report.html.count('<img src="data:image/svg+xml') == len(report.figures)
    assert report.html.count(" alt=\"") == len(report.figures)
    text = report.html + "".join(p.extract_text() for p in PdfReader(io.BytesIO(
        report.pdf)).pages)
    assert [s for s in secrets if s in text] == []


def test_pdf_is_pdf_a_with_the_sections(june_report: tuple[MonthlyReport, list[str]]) -> None:
    report, _ = june_report
    reader = PdfReader(io.BytesIO(report.pdf))
    assert 2 <= len(reader.pages) <= 12
    text = "\n".join(p.extract_text() for p in reader.pages)
    for heading in ("Pipeline", "Departures", "Pledges", "Deadlines",
                    "Referrals and host-state decisions", "Population", "Forecast"):
        assert heading in text
    assert "No forecast yet" in text
    metadata = reader.xmp_metadata
    assert metadata is not None and "pdfaid" in str(reader.trailer["/Root"]["/Metadata"]
                                                    .get_object().get_data())


def test_a_month_before_any_departure_says_so() -> None:
    memory, _ = store(copies=30)
    report = build_report(memory, "2013-03", generated=date(2026, 1, 1), pdf=False)
    assert "No departure had been recorded by 31 March 2013" in report.html
    assert all(f.key != "departures" for f in report.figures)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) missing")
def test_every_page_renders_with_ink_inside_its_margins(
        june_report: tuple[MonthlyReport, list[str]], tmp_path: Path) -> None:
    from PIL import Image

    report, _ = june_report
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(report.pdf)
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "page")],
                   check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == len(PdfReader(io.BytesIO(report.pdf)).pages)
    for page in pages:
        image = Image.open(page).convert("L")
        width, height = image.size
        ink = image.point(lambda v: 255 if v < 200 else 0).getbbox()
        assert ink is not None, f"{page.name} is empty"
        # nothing drawn in the outer 3% of the page: text stays inside its box (margins 16mm)
        left, top, right, bottom = ink
        assert left > 0.03 * width and right < 0.97 * width, (page.name, ink)
        assert top > 0.02 * height and bottom < 0.98 * height, (page.name, ink)


@pytest.mark.skipif(subprocess.run(["fc-list", ":family=Noto Sans Arabic"], capture_output=True,
                                   text=True, check=False).stdout.strip() == "",
                    reason="fonts-noto-core (Noto Sans Arabic) not installed")
def test_persian_and_arabic_title_use_an_arabic_script_font(
        june_report: tuple[MonthlyReport, list[str]]) -> None:
    report, _ = june_report
    first = PdfReader(io.BytesIO(report.pdf)).pages[0]
    fonts = first["/Resources"]["/Font"]
    names = {str(fonts[name].get_object()["/BaseFont"]) for name in fonts}
    assert any("Noto-Sans-Arabic" in n or "NotoSansArabic" in n for n in names), names
