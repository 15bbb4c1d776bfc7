"""User accounts in the API: the same service as the /users pages and `resettle users`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, Field

from resettle.adapters.web.guards import Ctx, allowed
from resettle.adapters.web.problems import ERROR_RESPONSES
from resettle.adapters.web.security import users as user_service
from resettle.security.policy import Permission, Role
from resettle.security.service import Credentials

router = APIRouter(prefix="/api/users", responses=ERROR_RESPONSES, tags=["users"])
Username = Annotated[str, Path(min_length=1, max_length=80)]
Manage = Annotated[Ctx, Depends(allowed(Permission.USER_MANAGE))]


class AccountOut(BaseModel):
    username: str
    role: Role
    state: str | None
    disabled: bool
    locked: bool
    last_login_at: datetime | None


class AccountsOut(BaseModel):
    items: list[AccountOut]
    total: int


class NewUserIn(BaseModel):
    username: str = Field(min_length=1, max_length=80)
    role: Role
    state: str | None = Field(default=None, max_length=3)


class CredentialsOut(BaseModel):
    """Shown once: the server keeps only the password's hash and the secret encrypted."""

    username: str
    role: Role
    password: str
    totp_secret: str | None
    totp_uri: str | None


class AccountStateOut(BaseModel):
    username: str
    disabled: bool


def _credentials(credentials: Credentials) -> CredentialsOut:
    return CredentialsOut(username=credentials.username, role=credentials.role,
                          password=credentials.password, totp_secret=credentials.totp_secret,
                          totp_uri=credentials.totp_uri)


@router.get("")
def list_users(ctx: Manage) -> AccountsOut:
    """Every user: role, host state, disabled, locked, last login (never a secret)."""
    accounts = user_service.list_users(ctx)
    items = [AccountOut(username=a.username, role=a.role, state=a.state, disabled=a.disabled,
                        locked=a.locked, last_login_at=a.last_login_at) for a in accounts]
    return AccountsOut(items=items, total=len(items))


@router.post("", status_code=201)
def add_user(body: NewUserIn, ctx: Manage) -> CredentialsOut:
    """Add a user; answers the one-time password (and TOTP secret where the role needs one)."""
    return _credentials(user_service.add_user(ctx, body.username, body.role, body.state))


@router.post("/{username}/reset")
def reset_user(username: Username, ctx: Manage) -> CredentialsOut:
    """New password (and TOTP secret where needed); unlocks, and ends the user's sessions."""
    return _credentials(user_service.reset_user(ctx, username))


@router.post("/{username}/disable")
def disable_user(username: Username, ctx: Manage) -> AccountStateOut:
    """Disable a user (their sessions end now); never yourself or the last administrator."""
    user_service.set_disabled(ctx, username, disabled=True)
    return AccountStateOut(username=username, disabled=True)


@router.post("/{username}/enable")
def enable_user(username: Username, ctx: Manage) -> AccountStateOut:
    user_service.set_disabled(ctx, username, disabled=False)
    return AccountStateOut(username=username, disabled=False)
