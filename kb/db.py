"""Engine and session factory for the knowledge base (SQLite by default, any SQLAlchemy URL).

The SQLite files hold password hashes, staff sessions and citizens' text: the data folder is created
owner-only (0700) and the database files 0600 (SQLite gives its -wal and -shm files the database
file's permissions).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.future import create_engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from kb import settings


def make_engine(url: str | None = None) -> Engine:
    """A 2.0-style engine; for SQLite the folder is created and foreign keys are enforced."""
    url = url or settings.database_url()
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"future": True, "pool_pre_ping": True}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            private_file(Path(parsed.database))
            # pooled: SQLAlchemy 1.4 opens and closes a file database for every session otherwise, and a
            # turn asks the KB several times; a local file needs no liveness ping
            kwargs.update(poolclass=QueuePool, pool_size=4, pool_pre_ping=False)
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        if kwargs.get("poolclass") is QueuePool:
            _reconnect_when_replaced(engine, Path(parsed.database))
        return engine
    return create_engine(url, **kwargs)


def private_directory(path: Path) -> None:
    """Create `path` owner-only; the product's data folder is made owner-only if it already exists."""
    if not path.exists():
        path.mkdir(mode=0o700, parents=True)
        os.chmod(path, 0o700)  # whatever the umask
    elif path.resolve() == settings.data_dir().resolve():
        _tighten(path, 0o700)


def private_file(path: Path) -> None:
    """Create an (empty) file readable and writable by its owner only, in an owner-only folder; an
    existing one of ours is made owner-only."""
    private_directory(path.parent)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        _tighten(path, 0o600)


def _tighten(path: Path, mode: int) -> None:
    status = path.stat()
    if status.st_uid == os.getuid() and status.st_mode & 0o777 & ~mode:
        os.chmod(path, mode)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _reconnect_when_replaced(engine: Engine, path: Path) -> None:
    """A pooled connection keeps the file it opened; if the file was moved, removed or restored from a
    backup since, the connection is dropped and a new one opens what is at `path` now."""

    def opened(_dbapi_connection: Any, record: Any) -> None:
        record.info["file"] = _identity(path)

    def checked_out(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if record.info.get("file") != _identity(path):
            raise exc.DisconnectionError(f"{path.name} was replaced")

    event.listen(engine, "connect", opened)
    event.listen(engine, "checkout", checked_out)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return status.st_dev, status.st_ino


def session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, future=True, expire_on_commit=False, class_=Session)


@lru_cache(maxsize=8)
def default_engine(url: str | None = None) -> Engine:
    """One engine per URL per process (the connection pool is shared by all callers)."""
    return make_engine(url)
