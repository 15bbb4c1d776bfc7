"""How the web app is set up: database, keys, cookie and session rules."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from resettle.adapters.db.engine import make_session_factory, open_database
from resettle.adapters.db.writer_lock import WriterLock, writer_lock
from resettle.security.auth import AuthSettings
from resettle.security.crypto import KeyRing, load_keyring

SESSION_COOKIE = "resettle_session"
LOGIN_CSRF_COOKIE = "resettle_login_csrf"
# Writing last-seen on every request would turn every read into a write; a minute is enough
# precision for a 30-minute idle timeout.
TOUCH_EVERY_SECONDS = 60
MAX_PAGE = 100


@dataclass
class WebConfig:
    engine: Engine
    keys: KeyRing
    auth: AuthSettings = field(default_factory=AuthSettings)
    secure_cookies: bool = False  # True behind HTTPS (a proxy terminating TLS)
    # Registry uploads in the browser; larger files go through `resettle import`.
    max_upload_bytes: int = 20 * 2**20
    sessions: sessionmaker[Session] = field(init=False)
    writer_lock: WriterLock | None = field(init=False)

    def __post_init__(self) -> None:
        self.sessions = make_session_factory(self.engine, keys=self.keys)
        self.writer_lock = writer_lock(self.engine)


def load_config(database_url: str | None = None, *, secure_cookies: bool = False) -> WebConfig:
    return WebConfig(open_database(database_url), load_keyring(), secure_cookies=secure_cookies)
