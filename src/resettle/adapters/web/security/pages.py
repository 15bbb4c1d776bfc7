"""The administrator's user management pages: list, add, disable, enable, reset.

A generated password or TOTP secret is shown once, on the page that answers the change
(never a redirect that would have to carry it), and pages are sent with no-store.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, Response

from resettle.adapters.web.guards import Ctx, allowed
from resettle.adapters.web.pages import render, see_other
from resettle.adapters.web.security import users as user_service
from resettle.security.policy import Permission, Role

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
Username = Annotated[str, Path(min_length=1, max_length=80)]
Manage = Annotated[Ctx, Depends(allowed(Permission.USER_MANAGE))]


@router.get("/users")
def users(request: Request, ctx: Manage) -> Response:
    return render(request, ctx, "users.html", accounts=user_service.list_users(ctx),
                  roles=list(Role), liaison=Role.HOST_STATE_LIAISON.value)


@router.post("/users")
def add_user(request: Request, *, ctx: Manage,
             username: Annotated[str, Form(min_length=1, max_length=80)],
             role: Annotated[Role, Form()],
             state: Annotated[str, Form(max_length=3)] = "") -> Response:
    credentials = user_service.add_user(ctx, username, role, state)
    return render(request, ctx, "credentials.html", status_code=201, credentials=credentials,
                  what="added")


@router.post("/users/{username}/reset")
def reset_user(request: Request, username: Username, ctx: Manage) -> Response:
    credentials = user_service.reset_user(ctx, username)
    return render(request, ctx, "credentials.html", credentials=credentials, what="reset")


@router.post("/users/{username}/disable")
def disable_user(username: Username, ctx: Manage) -> Response:
    user_service.set_disabled(ctx, username, disabled=True)
    return see_other("/users")


@router.post("/users/{username}/enable")
def enable_user(username: Username, ctx: Manage) -> Response:
    user_service.set_disabled(ctx, username, disabled=False)
    return see_other("/users")
