"""The registration officer's import: /registry/import (page) and /api/registry/import.

An upload above the limit is refused from its Content-Length, before its body is read
(``RefuseLargeUploads``), and again from the files' sizes when no length was sent.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel
from starlette.types import ASGIApp, Receive, Scope, Send

from resettle.adapters.web.guards import Ctx, allowed_parsing_first, config_of
from resettle.adapters.web.pages import render
from resettle.adapters.web.problems import ERROR_RESPONSES, error_body, error_response, issues_out
from resettle.adapters.web.registry.uploads import (
    MAX_FILES,
    ImportResult,
    Upload,
    import_uploads,
    too_large,
)
from resettle.security.policy import Permission

pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
api = APIRouter(prefix="/api", responses=ERROR_RESPONSES)
UPLOAD_PATHS = frozenset({"/registry/import", "/api/registry/import"})
FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the CSRF field
# The files are parsed before the write lock is taken (a large or hostile file must not keep
# every other user's audited reads waiting).
Import = Annotated[Ctx, Depends(allowed_parsing_first(Permission.REGISTRY_IMPORT))]
Files = Annotated[list[UploadFile], File(description="Files of persons and cases (.csv, "
                                                     ".xlsx, .json), imported together.")]


class RefuseLargeUploads:
    """Answer 413 to an import whose Content-Length is over the limit, before reading it.

    A plain ASGI middleware (not ``BaseHTTPMiddleware``, whose extra task and stream every
    request would pay for).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" \
                and scope["path"] in UPLOAD_PATHS:
            request = Request(scope)
            limit = config_of(request).max_upload_bytes
            length = request.headers.get("content-length", "")
            if length.isdigit() and int(length) > limit + FORM_OVERHEAD:
                await error_response(request, too_large(int(length), limit))(
                    scope, receive, send)
                return
        await self.app(scope, receive, send)


def _uploads(files: list[UploadFile], limit: int) -> list[Upload]:
    # Read at most one byte past the limit: a larger file is refused without holding it all.
    # A form sent without a chosen file holds one empty part with no name: not a file.
    chosen = [f for f in files if f.filename][:MAX_FILES + 1]
    return [Upload(str(f.filename), f.file.read(limit + 1)) for f in chosen]


def _page(request: Request, ctx: Ctx, result: ImportResult | None, status_code: int = 200
          ) -> Response:
    return render(request, ctx, "import.html", status_code=status_code, result=result,
                  limit_mb=ctx.config.max_upload_bytes // 2**20, max_files=MAX_FILES)


@pages.get("/registry/import")
def import_form(request: Request, ctx: Import) -> Response:
    return _page(request, ctx, None)


@pages.post("/registry/import")
def import_submit(request: Request, files: Files, ctx: Import) -> Response:
    result = import_uploads(ctx, _uploads(files, ctx.config.max_upload_bytes))
    return _page(request, ctx, result, status_code=200 if result.ok else 422)


class ImportOut(BaseModel):
    files: list[tuple[str, str, int]]
    cases: int
    persons: int
    inserted: int
    updated: int
    unchanged: int
    removed: int
    case_ids: list[str]
    likely_duplicates: list[dict[str, Any]] = []  # file, row, person, other person, score
    duplicates_note: str = ""


@api.post("/registry/import", responses={200: {"model": ImportOut}})
def import_api(files: Files, ctx: Import) -> Response:
    """Import files of persons and cases in one transaction; on any problem, nothing is
    written and every problem is listed (file, row, field, message) in a 422 error."""
    result = import_uploads(ctx, _uploads(files, ctx.config.max_upload_bytes))
    if not result.ok:
        body = error_body(422, "validation_failed", f"{len(result.issues)} problem(s) found; "
                          "nothing was written", issues_out(result.issues))
        return JSONResponse(body, status_code=422)
    counts = result.counts
    out = ImportOut(files=list(result.files), cases=result.cases, persons=result.persons,
                    inserted=counts.inserted, updated=counts.updated,
                    unchanged=counts.unchanged, removed=counts.removed,
                    case_ids=list(result.case_ids),
                    likely_duplicates=[asdict(d) for d in result.duplicates.duplicates],
                    duplicates_note=result.duplicates.note)
    return JSONResponse(out.model_dump())
