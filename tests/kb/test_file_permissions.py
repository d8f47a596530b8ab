"""The data folder and the SQLite files (password hashes, sessions, citizens' text) are owner-only."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from kb import migrate
from kb.db import make_engine


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The umask most systems have: files 0644 and folders 0755 unless the code says otherwise."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_data_folder_and_its_databases_are_owner_only(tmp_path: Path, monkeypatch) -> None:
    data = tmp_path / "var"
    monkeypatch.setenv("SZ_DATA_DIR", str(data))
    engine = make_engine(f"sqlite:///{data / 'kb.sqlite3'}")
    migrate.upgrade(engine)
    with engine.connect() as connection:  # while a connection is open the -wal and -shm files exist
        connection.execute(text("SELECT count(*) FROM bureau"))
        files = sorted(data.glob("kb.sqlite3*"))
        assert {f.name for f in files} == {"kb.sqlite3", "kb.sqlite3-wal", "kb.sqlite3-shm"}
        assert all(mode(f) == 0o600 for f in files), [(f.name, oct(mode(f))) for f in files]
    assert mode(data) == 0o700
    engine.dispose()


def test_an_existing_data_folder_and_database_are_made_owner_only(tmp_path: Path, monkeypatch) -> None:
    data = tmp_path / "var"
    data.mkdir(mode=0o755)
    (data / "kb.sqlite3").touch(mode=0o644)
    monkeypatch.setenv("SZ_DATA_DIR", str(data))
    make_engine(f"sqlite:///{data / 'kb.sqlite3'}").dispose()
    assert mode(data) == 0o700 and mode(data / "kb.sqlite3") == 0o600


def test_other_folders_are_left_as_they_are(tmp_path: Path, monkeypatch) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    monkeypatch.setenv("SZ_DATA_DIR", str(tmp_path / "var"))
    make_engine(f"sqlite:///{shared / 'copy.sqlite3'}").dispose()
    assert mode(shared) == 0o755 and mode(shared / "copy.sqlite3") == 0o600


def test_the_tracker_store_and_the_secret_key_are_owner_only(tmp_path: Path, monkeypatch) -> None:
    from bot.processes import prepare_tracker_store
    from bot.staff.auth import secret_key

    data = tmp_path / "var"
    monkeypatch.setenv("SZ_DATA_DIR", str(data))
    monkeypatch.setenv("SZ_TRACKER_URL", "")
    monkeypatch.setenv("SZ_SECRET_KEY", "")
    prepare_tracker_store()
    secret_key()
    assert mode(data) == 0o700
    assert mode(data / "tracker.sqlite3") == 0o600 and mode(data / "secret_key") == 0o600
