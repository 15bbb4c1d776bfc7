"""The FastAPI application: pages and API on the same services, every asset served locally."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import anyio
from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from resettle import __version__
from resettle.adapters.web import api, labels, pages
from resettle.adapters.web.config import WebConfig
from resettle.adapters.web.departures import api as departures_api
from resettle.adapters.web.departures import pages as departures_pages
from resettle.adapters.web.placement import api as placement_api
from resettle.adapters.web.placement import pages as placement_pages
from resettle.adapters.web.problems import install_error_handlers, internal_error
from resettle.adapters.web.referral import api as referral_api
from resettle.adapters.web.referral import pages as referral_pages
from resettle.adapters.web.registry import duplicates as duplicate_pages
from resettle.adapters.web.registry import pages as registry_pages
from resettle.adapters.web.registry import register as registry_register
from resettle.adapters.web.reporting import pages as reporting_pages
from resettle.adapters.web.reporting import queue as work_queue
from resettle.adapters.web.screening import api as exclusion_api
from resettle.adapters.web.screening import (
    attachments,
    case_api,
    case_pages,
    casework_api,
    casework_pages,
)
from resettle.adapters.web.screening import pages as exclusion_pages
from resettle.adapters.web.security import api as user_api
from resettle.adapters.web.security import pages as user_pages
from resettle.adapters.web.simulation import pages as forecast_pages

HERE = Path(__file__).resolve().parent
log = logging.getLogger("resettle.web")

# Below anyio's 40 worker threads (see RequestsInFlight), with room for the one holding the lock.
MAX_REQUESTS_IN_FLIGHT = 32
SECURITY_HEADERS = {
    # Everything from this server only: no CDN, no inline script, no framing.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


class RequestsInFlight:
    """At most ``limit`` requests inside the app at once; the others wait on the event loop.

    A request's synchronous parts run on a pool of 40 threads, and a request that writes waits
    in its thread for the write lock (guards.Writing). Were all 40 threads waiting, the request
    holding the lock could get no thread to finish on, and the process would hang: seen with
    50 users on one process. Fewer requests in flight than threads rules that out.
    """

    def __init__(self, app: ASGIApp, limit: int = MAX_REQUESTS_IN_FLIGHT) -> None:
        self.app = app
        self.limit = limit
        self._slots: anyio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._slots is None:  # made on the event loop that will use it
            self._slots = anyio.Semaphore(self.limit)
        async with self._slots:
            await self.app(scope, receive, send)


class HeadersAndLog:
    """Security headers on every response, and one log line per request without personal data.

    A plain ASGI middleware: Starlette's ``BaseHTTPMiddleware`` runs each request through an
    extra task and memory stream, a measurable share of a small request's time.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began = time.perf_counter()
        status, started = 500, False
        static = scope["path"].startswith("/static")

        async def send_with_headers(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                status, started = message["status"], True
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if not static:
                    headers.setdefault("Cache-Control", "no-store")  # pages hold personal data
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as error:  # the last stop: answered and logged here
            # Never re-raised: the server would log the traceback, whose text can quote a
            # query's values or a person's data. Type and route only; the 500 goes out
            # through send_with_headers, so it carries the security headers too.
            route = getattr(scope.get("route"), "path", "-")
            log.error("unexpected %s on %s %s", type(error).__name__, scope["method"], route)
            if status == 500 and not started:
                response = internal_error(Request(scope))
                await response(scope, receive, send_with_headers)
        finally:
            # The route template only: real paths and query strings can hold ids and names.
            route = getattr(scope.get("route"), "path", "-")
            log.info("%s %s %d %.1fms", scope["method"], route, status,
                     1000 * (time.perf_counter() - began))


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
    app.state.templates.env.globals["queue_count"] = work_queue.nav_queue_count
    labels.install(app.state.templates)
    app.add_middleware(registry_pages.RefuseLargeUploads)
    app.add_middleware(HeadersAndLog)
    app.add_middleware(RequestsInFlight)
    install_error_handlers(app)
    app.include_router(api.router)
    app.include_router(case_api.router)
    app.include_router(casework_api.router)
    app.include_router(attachments.api)
    app.include_router(referral_api.router)
    app.include_router(placement_api.router)
    app.include_router(exclusion_api.router)
    app.include_router(user_api.router)
    app.include_router(registry_pages.api)
    app.include_router(registry_register.api)
    app.include_router(duplicate_pages.api)
    app.include_router(departures_api.router)
    app.include_router(work_queue.api)
    app.include_router(pages.router)
    app.include_router(case_pages.router)
    app.include_router(casework_pages.router)
    app.include_router(attachments.pages)
    app.include_router(referral_pages.router)
    app.include_router(placement_pages.router)
    app.include_router(exclusion_pages.router)
    app.include_router(user_pages.router)
    app.include_router(registry_pages.pages)
    app.include_router(registry_register.pages)
    app.include_router(duplicate_pages.pages)
    app.include_router(departures_pages.router)
    app.include_router(reporting_pages.router)
    app.include_router(work_queue.pages)
    app.include_router(forecast_pages.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return app
