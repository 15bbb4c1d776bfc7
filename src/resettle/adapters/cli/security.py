"""``resettle users``, ``resettle audit`` and ``resettle keys``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from resettle.adapters.cli.options import DEFAULT_URL, DatabaseUrl, open_engine
from resettle.adapters.cli.output import console, fail
from resettle.adapters.db.engine import make_session_factory
from resettle.adapters.db.security.audit_store import verify_audit
from resettle.adapters.db.security.store import SqlSealedValues, SqlUserStore
from resettle.errors import ResettleError
from resettle.security import service
from resettle.security.audit import parse_anchors
from resettle.security.crypto import KeyRing, add_key_to_file, generate_key_file, load_keyring
from resettle.security.policy import Role
from resettle.security.service import CLI_ACTOR, Credentials

users_app = typer.Typer(help="Manage who may log in: add, disable, enable, reset, list.",
                        no_args_is_help=True)
audit_app = typer.Typer(help="Check the tamper-evident audit trail.", no_args_is_help=True)
keys_app = typer.Typer(help="Encryption keys kept outside the database.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
    app.add_typer(audit_app, name="audit")
    app.add_typer(keys_app, name="keys")


@contextmanager
def _transaction(database_url: str) -> Iterator[tuple[Session, KeyRing]]:
    try:
        keys = load_keyring()
        engine = open_engine(database_url)
        with make_session_factory(engine, keys=keys).begin() as session:
            yield session, keys
        engine.dispose()
    except ResettleError as error:
        fail(error)


def _print_credentials(credentials: Credentials) -> None:
    console().print(f"user [bold]{credentials.username}[/]  password: {credentials.password}")
    if credentials.totp_secret:
        console().print(f"  TOTP secret: {credentials.totp_secret}  (add it to an "
                        "authenticator app)")
        console().print(f"  {credentials.totp_uri}")


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[Role, typer.Option(help="What the user may do and see.")],
    state: Annotated[str | None, typer.Option(
        help="Host state (ISO alpha-3) of a host-state liaison.")] = None,
    database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Add a user with a generated password (and TOTP secret for sensitive roles)."""
    with _transaction(database_url) as (session, keys):
        credentials = service.add_account(SqlUserStore(session, keys), actor=CLI_ACTOR,
                                          username=username, role=role, state=state,
                                          now=datetime.now(UTC))
    _print_credentials(credentials)


def _set_disabled(username: str, database_url: str, *, disabled: bool) -> None:
    with _transaction(database_url) as (session, keys):
        service.set_account_disabled(SqlUserStore(session, keys), actor=CLI_ACTOR,
                                     username=username, disabled=disabled,
                                     now=datetime.now(UTC))
    console().print(f"{username} is {'disabled' if disabled else 'enabled'}")


@users_app.command("disable")
def users_disable(username: str, database_url: DatabaseUrl = DEFAULT_URL) -> None:
    """Disable a user: they cannot log in and their sessions end now."""
    _set_disabled(username, database_url, disabled=True)


@users_app.command("enable")
def users_enable(username: str, database_url: DatabaseUrl = DEFAULT_URL) -> None:
    """Enable a disabled user again."""
    _set_disabled(username, database_url, disabled=False)


@users_app.command("reset")
def users_reset(username: str, database_url: DatabaseUrl = DEFAULT_URL) -> None:
    """New password (and TOTP secret where needed); unlocks the account, ends its sessions."""
    with _transaction(database_url) as (session, keys):
        credentials = service.reset_account(SqlUserStore(session, keys), actor=CLI_ACTOR,
                                            username=username, now=datetime.now(UTC))
    _print_credentials(credentials)


@users_app.command("list")
def users_list(database_url: DatabaseUrl = DEFAULT_URL) -> None:
    """List users, their roles, whether they are locked or disabled, and their last login."""
    table = Table("username", "role", "state", "disabled", "locked", "last login")
    with _transaction(database_url) as (session, keys):
        accounts = service.list_accounts(SqlUserStore(session, keys), now=datetime.now(UTC))
    for account in accounts:
        last = account.last_login_at.isoformat(timespec="minutes") \
            if account.last_login_at else ""
        table.add_row(account.username, account.role.value, account.state or "",
                      "yes" if account.disabled else "", "yes" if account.locked else "", last)
    console().print(table)


@audit_app.command("verify")
def audit_verify(
    database_url: DatabaseUrl = DEFAULT_URL,
    anchor: Annotated[Path | None, typer.Option(
        help="File of '<seq> <hash>' lines copied out earlier; catches deleted newest entries.")]
    = None,
    write_anchor: Annotated[Path | None, typer.Option(
        help="Append the current head ('<seq> <hash>') to this file, kept off this server.")]
    = None,
) -> None:
    """Verify the audit chain: any edited, inserted or deleted entry fails (exit 1)."""
    anchors = parse_anchors(anchor.read_text(encoding="utf-8")) if anchor else None
    with _transaction(database_url) as (session, keys):
        report = verify_audit(session, key=keys.audit_key, anchors=anchors)
    if not report.ok:
        for problem in report.problems:
            console().print(f"[bold red]{problem.code}[/] {problem.record}: {problem.message}")
        console().print(f"audit trail FAILED: {len(report.problems)} problem(s) in "
                        f"{report.count} entries")
        raise typer.Exit(code=1)
    if write_anchor is not None:
        with write_anchor.open("a", encoding="utf-8") as handle:
            handle.write(f"{report.head_seq} {report.head_hash}\n")
    console().print(f"audit trail intact: {report.count} entries, head {report.head_seq} "
                    f"{report.head_hash[:16]}…")


@keys_app.command("init")
def keys_init(file: Annotated[Path, typer.Option(help="Key file to create.")] =
              Path("resettle-keys.json")) -> None:
    """Create a key file (data key + audit key); keep it off the database server's backups."""
    if file.exists():
        fail(ResettleError(f"{file} exists; use `resettle keys add` to rotate"))
    generate_key_file(file)
    console().print(f"wrote {file} (mode 600); point RESETTLE_KEY_FILE at it")


@keys_app.command("add")
def keys_add(file: Annotated[Path, typer.Option(help="Key file to extend.")] =
             Path("resettle-keys.json")) -> None:
    """Add a new data key and make it active (old keys stay to read old values)."""
    console().print(f"new active key {add_key_to_file(file)}; run `resettle keys rotate`")


@keys_app.command("rotate")
def keys_rotate(database_url: DatabaseUrl = DEFAULT_URL) -> None:
    """Re-encrypt every stored secret with the active key, and encrypt sensitive values still
    in plaintext from before their column was encrypted; then old keys can be removed."""
    with _transaction(database_url) as (session, keys):
        counts = service.rotate_keys(SqlSealedValues(session, keys), actor=CLI_ACTOR,
                                     now=datetime.now(UTC))
    console().print(f"re-encrypted {counts.reencrypted} value(s) and encrypted "
                    f"{counts.sealed} left in plaintext, all with key {keys.active}")
