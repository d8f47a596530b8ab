"""Migrations build the schema from empty, agree with the models, and can be rolled back."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from kb import migrate
from kb.db import make_engine
from kb.models import Base


def test_upgrade_from_empty_creates_every_table(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    assert migrate.current_revision(engine) is None
    migrate.upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert migrate.current_revision(engine) is not None


def test_models_and_migrations_agree(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    migrate.upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_downgrade_to_base_and_up_again(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    migrate.upgrade(engine)
    migrate.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(engine)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())


def test_session_keys_are_hashed_by_the_upgrade(tmp_path: Path) -> None:
    """Sessions kept before 0004 keep working: their keys are replaced by their SHA-256."""
    import hashlib

    from sqlalchemy import text

    engine = make_engine(f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    migrate.upgrade(engine, "0003")
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO staff_session (key, data, expires_at) VALUES ('raw-cookie-key', '{}', '2099-01-01')")
        )
    migrate.upgrade(engine)
    with engine.connect() as connection:
        keys = connection.execute(text("SELECT key FROM staff_session")).scalars().all()
    assert keys == [hashlib.sha256(b"raw-cookie-key").hexdigest()]
