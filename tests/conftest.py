"""Shared fixtures: a migrated and seeded KB in a temporary SQLite file, built once per session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from kb import migrate
from kb.db import make_engine, session_factory
from kb.io import import_document
from kb.queries import KnowledgeBase
from kb.seed import seed_document


@pytest.fixture(scope="session")
def seeded_db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kb") / "seeded.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    with session_factory(engine).begin() as session:
        import_document(session, seed_document())
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def kb(seeded_db_file: Path) -> KnowledgeBase:
    """Read-only KB shared by the whole session (tests must not write through it)."""
    return KnowledgeBase(make_engine(f"sqlite:///{seeded_db_file}"))


@pytest.fixture
def kb_engine(seeded_db_file: Path, tmp_path: Path) -> Iterator[Engine]:
    """A private copy of the seeded KB that a test may change."""
    path = tmp_path / "kb.sqlite3"
    shutil.copy(seeded_db_file, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()
