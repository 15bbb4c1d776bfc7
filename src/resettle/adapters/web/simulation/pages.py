"""``/forecast``: the operation simulator's stored runs, and a scenario form to start one.

For the roles allowed forecasts (``forecast.view``, ``forecast.run``): simulated aggregates
only, drawn again from each stored run (its inputs, seed and results), never a name or an id.
A run started here goes on in a background thread (``runner``): the request only records it.
"""

from __future__ import annotations

import base64
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from resettle.adapters.db.simulation.run_store import DbForecastRunStore
from resettle.adapters.web.guards import Ctx, allowed
from resettle.adapters.web.pages import render, see_other
from resettle.adapters.web.simulation.runner import run_in_background
from resettle.errors import NotFoundError, ValidationError
from resettle.security.policy import Permission
from resettle.simulation.operation.figures import forecast_png, tornado_png
from resettle.simulation.operation.ports import StoredRun
from resettle.simulation.operation.report import band_lines, forecast_lines, lever_lines
from resettle.simulation.operation.runs import (
    DONE,
    LEVER_NAMES,
    ForecastRequest,
    forecast_band,
)
from resettle.simulation.operation.service import start_stored_run, stored_results

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
WEB_MAX_REPLICATIONS = 200  # more from the command line (`resettle simulate`)
View = Annotated[Ctx, Depends(allowed(Permission.FORECAST_VIEW))]


def _png(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _shown(run: StoredRun) -> dict[str, Any]:
    """What the page shows of a finished run, drawn again from its stored results."""
    results = stored_results(run)
    f = results.forecast
    shown: dict[str, Any] = {
        "lines": forecast_lines(f), "band": forecast_band(results),
        "figure": _png(forecast_png(f)), "alternative": band_lines(f),
        "levers": results.levers, "lever_lines": [], "tornado": None,
    }
    if results.levers:
        shown["lever_lines"] = lever_lines(results.levers, f.share_everyone_left)
        shown["tornado"] = _png(tornado_png(results.levers))
    return shown


def _page(request: Request, ctx: Ctx, run: StoredRun | None, *, status_code: int = 200,
          problem: ValidationError | None = None) -> Response:
    runs = DbForecastRunStore(ctx.session).list_runs(20)
    shown = _shown(run) if run is not None and run.status == DONE else None
    return render(request, ctx, "forecast.html", status_code=status_code, run=run,
                  shown=shown, runs=runs, lever_names=LEVER_NAMES, problem=problem,
                  max_replications=WEB_MAX_REPLICATIONS, request_of=_request_of)


def _request_of(run: StoredRun) -> ForecastRequest:
    return ForecastRequest.from_record(run.inputs)


@router.get("/forecast")
def forecast_page(request: Request, ctx: View) -> Response:
    """The latest finished run (and the runs before it)."""
    return _page(request, ctx, DbForecastRunStore(ctx.session).latest_done())


@router.get("/forecast/runs/{run_id}")
def run_page(request: Request, run_id: int, ctx: View) -> Response:
    run = DbForecastRunStore(ctx.session).get_run(run_id)
    if run is None:
        raise NotFoundError(f"no forecast run {run_id}")
    return _page(request, ctx, run)


@router.post("/forecast/runs")
def start_run(
    request: Request, *, ctx: Annotated[Ctx, Depends(allowed(Permission.FORECAST_RUN))],
    replications: Annotated[int, Form()] = 20,
    seed: Annotated[int, Form(ge=0, le=2**31 - 1)] = 1,
    on: Annotated[date | None, Form()] = None,
    interviewers: Annotated[int, Form()] = 8,
    risk_rate: Annotated[float, Form()] = 2.3,
    levers: Annotated[list[str] | None, Form()] = None,
    places_in: Annotated[str, Form(max_length=3)] = "",
) -> Response:
    """Record the run, then run it in the background: the run's page shows its progress."""
    try:
        if replications > WEB_MAX_REPLICATIONS:
            raise ValidationError([], f"at most {WEB_MAX_REPLICATIONS} replications from the "
                                  "web page; run more with `resettle simulate`")
        asked = ForecastRequest(replications=replications, seed=seed, as_of=on,
                                interviewers=interviewers, risk_rate=risk_rate,
                                levers=tuple(levers or ()),
                                places_in=places_in.upper() or None)
    except ValidationError as problem:
        return _page(request, ctx, None, status_code=422, problem=problem)
    run_id = start_stored_run(DbForecastRunStore(ctx.session), asked,
                              started_by=ctx.user.username, now=ctx.now)
    ctx.audit("forecast.run", subject_type="forecast_run", subject_id=str(run_id),
              detail=f"{replications} replications, seed {seed}, levers "
                     f"{','.join(asked.levers) or 'none'}")
    ctx.pause_writing()  # stored and committed before the thread writes its progress
    run_in_background(ctx.config, run_id, asked)
    return see_other(f"/forecast/runs/{run_id}")
