"""User accounts for the web app's pages and API: the same service as `resettle users`
(``resettle.security.service``), acting as the logged-in administrator."""

from __future__ import annotations

from resettle.adapters.db.security.store import SqlUserStore
from resettle.adapters.web.guards import Ctx
from resettle.security import service as user_admin
from resettle.security.policy import Permission, Role, authorize
from resettle.security.service import Account, Actor, Credentials


def _actor(ctx: Ctx) -> Actor:
    authorize(ctx.user, Permission.USER_MANAGE)
    return Actor(ctx.user.username, str(ctx.user.role))


def _store(ctx: Ctx) -> SqlUserStore:
    return SqlUserStore(ctx.session, ctx.config.keys)


def clean_state(state: str | None) -> str | None:
    """A blank form field means no host state; codes are upper case."""
    return state.strip().upper() or None if state is not None else None


def list_users(ctx: Ctx) -> list[Account]:
    _actor(ctx)
    accounts = user_admin.list_accounts(_store(ctx), now=ctx.now)
    ctx.audit("user.list", subject_type="user", detail=f"{len(accounts)} users")
    return accounts


def add_user(ctx: Ctx, username: str, role: Role, state: str | None) -> Credentials:
    return user_admin.add_account(_store(ctx), actor=_actor(ctx), username=username.strip(),
                                  role=role, state=clean_state(state), now=ctx.now)


def reset_user(ctx: Ctx, username: str) -> Credentials:
    return user_admin.reset_account(_store(ctx), actor=_actor(ctx), username=username,
                                    now=ctx.now)


def set_disabled(ctx: Ctx, username: str, *, disabled: bool) -> None:
    user_admin.set_account_disabled(_store(ctx), actor=_actor(ctx), username=username,
                                    disabled=disabled, now=ctx.now)
