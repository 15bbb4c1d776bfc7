"""The FastAPI application: pages and API on the same services, every asset served locally."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from resettle import __version__
from resettle.adapters.web import (
    api,
    exclusion_api,
    exclusion_pages,
    pages,
    placement_api,
    placement_pages,
    registry_pages,
    user_api,
    user_pages,
)
from resettle.adapters.web.config import WebConfig
from resettle.adapters.web.problems import install_error_handlers

HERE = Path(__file__).resolve().parent
log = logging.getLogger("resettle.web")

SECURITY_HEADERS = {
    # Everything from this server only: no CDN, no inline script, no framing.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


async def _headers_and_log(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    started = time.perf_counter()
    response = await call_next(request)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if not request.url.path.startswith("/static"):
        response.headers.setdefault("Cache-Control", "no-store")  # pages hold personal data
    # The route template only: real paths and query strings can hold ids and names.
    route = getattr(request.scope.get("route"), "path", "-")
    log.info("%s %s %d %.1fms", request.method, route, response.status_code,
             1000 * (time.perf_counter() - started))
    return response


def create_app(config: WebConfig) -> FastAPI:
    app = FastAPI(
        title="resettle",
        version=__version__,
        description="Refugee resettlement casework: cases, screening, placement, referral.",
        docs_url=None,  # the interactive docs pull scripts from a CDN; the JSON stays
        redoc_url=None,
    )
    app.state.config = config
    app.state.templates = Jinja2Templates(directory=HERE / "templates")
    app.middleware("http")(registry_pages.refuse_large_uploads)
    app.middleware("http")(_headers_and_log)
    install_error_handlers(app)
    app.include_router(api.router)
    app.include_router(placement_api.router)
    app.include_router(exclusion_api.router)
    app.include_router(user_api.router)
    app.include_router(registry_pages.api)
    app.include_router(pages.router)
    app.include_router(placement_pages.router)
    app.include_router(exclusion_pages.router)
    app.include_router(user_pages.router)
    app.include_router(registry_pages.pages)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return app
