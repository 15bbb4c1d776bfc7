"""``/reports``: the monthly report, its PDF and the HXL aggregates for the roles allowed
aggregates, audited, with no personal data in any of them."""

from __future__ import annotations

from web_world import MARKERS, USERS, World

from resettle.adapters.db.security.audit_store import list_audit
from resettle.security.policy import Role


def leaks(body: str) -> list[str]:
    found = [m for markers in MARKERS.values() for m in markers if m in body]
    return found + [cid for cid in ("C-001", "C-002", "C-003") if cid in body]


def test_auditor_reads_the_report_and_downloads_pdf_and_hxl(world: World) -> None:
    client = world.login(USERS[Role.AUDITOR])
    page = client.get("/reports", params={"month": "2012-12"})
    assert page.status_code == 200
    assert 'href="/reports/2012-12.pdf"' in page.text
    html = client.get("/reports/2012-12.html")
    assert html.status_code == 200 and "Pipeline" in html.text
    assert "script-src" not in html.headers["content-security-policy"]
    pdf = client.get("/reports/2012-12.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    hxl = client.get("/reports/aggregates.hxl.csv", params={"on": "2012-12-31"})
    assert hxl.status_code == 200
    assert hxl.text.splitlines()[1].startswith("#date,#country+code+origin")
    assert leaks(page.text + html.text + hxl.text) == []
    with world.config.sessions() as session:
        entries, _ = list_audit(session, actor=USERS[Role.AUDITOR])
    served = [(e.event.action, e.event.subject_id) for e in entries]
    assert ("report.view", "2012-12") in served
    assert ("report.export", "2012-12-31") in served


def test_roles_without_aggregates_are_refused_and_bad_months_explained(world: World) -> None:
    officer = world.login(USERS[Role.REGISTRATION_OFFICER])
    assert officer.get("/reports").status_code == 403
    assert officer.get("/reports/2012-12.pdf").status_code == 403
    admin = world.login(USERS[Role.ADMINISTRATOR])
    assert admin.get("/reports/2012-13.html").status_code == 422
    page = admin.get("/reports", params={"month": "2012-13"})
    assert page.status_code == 200 and "YYYY-MM" in page.text
