"""Attachments on the case page and in the API: the same sections, permission and audit as
notes; the file is sealed at rest and sent back only as a download."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from resettle.adapters.db.security.attachments_store import MAX_ATTACHMENT_BYTES
from resettle.adapters.web.guards import Ctx, allowed
from resettle.adapters.web.problems import ERROR_RESPONSES
from resettle.adapters.web.screening import casework
from resettle.adapters.web.screening.case_pages import act_on_case
from resettle.security.policy import Permission, Section

pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
api = APIRouter(prefix="/api", responses=ERROR_RESPONSES)
Writer = Annotated[Ctx, Depends(allowed(Permission.NOTE_WRITE))]
Reader = Annotated[Ctx, Depends(allowed(Permission.CASE_READ))]


def _read(file: UploadFile | None) -> tuple[str, str, bytes]:
    if file is None or not file.filename:
        return "", "", b""
    # One byte past the limit is enough to refuse it without holding a huge file.
    return str(file.filename), str(file.content_type or ""), file.file.read(
        MAX_ATTACHMENT_BYTES + 1)


@pages.post("/cases/{case_id}/attachments")
def attach(request: Request, case_id: str, *, ctx: Writer,
           section: Annotated[Section, Form()],
           file: Annotated[UploadFile | None, File()] = None) -> Response:
    name, media, data = _read(file)
    return act_on_case(request, ctx, case_id, lambda: casework.add_attachment(
        ctx, case_id, section, filename=name, media_type=media, data=data), form="attachment",
        values={"section": section, "file": ""})


def _download(ctx: Ctx, case_id: str, attachment_id: str) -> Response:
    found, data = casework.open_file(ctx, case_id, attachment_id)
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in found.filename)[-100:]
    return Response(data, media_type="application/octet-stream", headers={
        "Content-Disposition": f'attachment; filename="{safe or "attachment"}"',
        "Cache-Control": "no-store"})


@pages.get("/cases/{case_id}/attachments/{attachment_id}")
def download(case_id: str, attachment_id: str, ctx: Reader) -> Response:
    return _download(ctx, case_id, attachment_id)


@api.post("/cases/{case_id}/attachments", status_code=201)
def attach_api(case_id: str, ctx: Writer, section: Annotated[Section, Form()],
               file: Annotated[UploadFile, File()]) -> dict[str, str]:
    """Attach a file (at most 5 MB) in a sensitive section your role may write notes in."""
    name, media, data = _read(file)
    return {"attachment_id": casework.add_attachment(
        ctx, case_id, section, filename=name, media_type=media, data=data)}


@api.get("/cases/{case_id}/attachments")
def list_api(case_id: str, ctx: Reader) -> dict[str, Any]:
    """The case's attachments in the sections your role sees (names, sizes; audited)."""
    casework.load_for_reading(ctx, case_id)
    found = casework.attachments(ctx, case_id)
    ctx.audit("attachment.list", subject_type="case", subject_id=case_id,
              detail=f"{len(found)} attachment(s)")
    return {"case_id": case_id, "items": [
        {"attachment_id": a.attachment_id, "section": str(a.section), "filename": a.filename,
         "size": a.size, "author": a.author, "created_at": a.created_at.isoformat()}
        for a in found]}


@api.get("/cases/{case_id}/attachments/{attachment_id}", response_class=Response,
         responses={200: {"content": {"application/octet-stream": {}}}})
def download_api(case_id: str, attachment_id: str, ctx: Reader) -> Response:
    return _download(ctx, case_id, attachment_id)
