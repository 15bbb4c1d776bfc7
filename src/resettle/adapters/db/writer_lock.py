"""One writer at a time on a SQLite file, across threads and processes, without polling.

SQLite lets one connection write at a time; the others wait in its busy handler, which
sleeps in steps of up to 100 ms before it looks again. Under a web server's load those
sleeps, not the work, made the slowest requests. Writers that take this lock first queue in
the kernel instead (``flock``) and wake the moment it is free, so SQLite never sees them
compete. Processes that do not take it (a CLI import, say) still wait in the busy handler,
as before. PostgreSQL needs none of this: its row locks queue writers already.
"""

from __future__ import annotations

import fcntl
import threading
from pathlib import Path
from typing import IO

from sqlalchemy import Engine


class WriterLock:
    """A re-usable exclusive lock: a thread lock in this process, ``flock`` between processes."""

    def __init__(self, path: Path | None) -> None:
        self._threads = threading.Lock()
        self._path = path
        self._file: IO[bytes] | None = None

    def acquire(self) -> None:
        self._threads.acquire()
        if self._path is None:
            return
        try:
            if self._file is None:
                self._file = self._path.open("ab")
            fcntl.flock(self._file.fileno(), fcntl.LOCK_EX)
        except BaseException:
            self._threads.release()
            raise

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
        self._threads.release()


def writer_lock(engine: Engine) -> WriterLock | None:
    """A lock for this SQLite database; ``None`` for other databases.

    Two locks on the same file (two engines in one process) still exclude each other: each
    opens the lock file itself, and ``flock`` locks of separate opens conflict.
    """
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database or ""
    in_file = database not in ("", ":memory:") and "mode=memory" not in database
    return WriterLock(Path(database + "-writer.lock") if in_file else None)
