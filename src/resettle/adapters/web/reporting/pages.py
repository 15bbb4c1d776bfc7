"""``/reports``: choose a month, read its report, download the PDF and the HXL aggregates.

For the roles allowed aggregates (``report.view``); every report and export served is audited.
Aggregates only: nothing here reads or shows a name or an id.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from resettle.adapters.db.reporting.store import SqlReportingStore
from resettle.adapters.db.simulation.run_store import stored_forecast
from resettle.adapters.web.guards import Ctx, allowed
from resettle.adapters.web.pages import render
from resettle.errors import ValidationError
from resettle.reporting import service
from resettle.security.policy import Permission

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
Month = Annotated[str, Query(pattern=r"^\d{4}-\d{2}$", max_length=7)]
ASYLUM_COUNTRY = "IRQ"
# The report is a standalone document: its own inline style and data: images, no script.
REPORT_CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
              "frame-ancestors 'none'; base-uri 'none'; form-action 'none'")


def _previous_month(today: date) -> str:
    first = today.replace(day=1)
    return f"{first.year - (first.month == 1):04d}-{(first.month - 2) % 12 + 1:02d}"


@router.get("/reports")
def reports_page(request: Request, *, ctx: Annotated[Ctx, Depends(allowed(Permission.REPORT_VIEW))],
                 month: Annotated[str, Query(max_length=7)] = "") -> Response:
    chosen = month or _previous_month(ctx.now.date())
    message = ""
    try:
        first, last = service.parse_month(chosen)
    except ValidationError as error:
        message, first, last = error.message, None, None
    return render(request, ctx, "reports.html", month=chosen, message=message,
                  first=first, last=last, hxl_day=last or ctx.now.date())


@router.get("/reports/{month}.html")
def report_html(month: str, ctx: Annotated[Ctx, Depends(allowed(Permission.REPORT_VIEW))]
                ) -> Response:
    report = service.build_report(SqlReportingStore(ctx.session), month,
                                  generated=ctx.now.date(), pdf=False,
                                  forecast=stored_forecast(ctx.session))
    ctx.audit("report.view", subject_type="report", subject_id=report.month, detail="html")
    return HTMLResponse(report.html, headers={"Content-Security-Policy": REPORT_CSP})


@router.get("/reports/{month}.pdf")
def report_pdf(month: str, ctx: Annotated[Ctx, Depends(allowed(Permission.REPORT_VIEW))]
               ) -> Response:
    report = service.build_report(SqlReportingStore(ctx.session), month,
                                  generated=ctx.now.date(), forecast=stored_forecast(ctx.session))
    ctx.audit("report.view", subject_type="report", subject_id=report.month, detail="pdf")
    return Response(report.pdf, media_type="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=report-{report.month}.pdf"})


@router.get("/reports/aggregates.hxl.csv")
def aggregates_hxl(*, ctx: Annotated[Ctx, Depends(allowed(Permission.REPORT_VIEW))],
                   on: Annotated[str, Query(pattern=r"^\d{4}-\d{2}-\d{2}$")] = "") -> Response:
    day = datetime.strptime(on, "%Y-%m-%d").date() if on else ctx.now.date()
    table = service.export_aggregates(SqlReportingStore(ctx.session), day,
                                      asylum_country=ASYLUM_COUNTRY)
    ctx.audit("report.export", subject_type="aggregates", subject_id=day.isoformat(),
              detail=f"hxl, {len(table.suppression.hidden)} cells suppressed")
    return Response(table.text, media_type="text/csv", headers={
        "Content-Disposition": f"attachment; filename=aggregates-{day}.hxl.csv"})
