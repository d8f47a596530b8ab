"""The KB on PostgreSQL: migrations from empty, models agree, seed, search, staff edits, purge."""

from __future__ import annotations

import itertools

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from kb import migrate
from kb.db import make_engine, session_factory
from kb.io import export_document, import_document
from kb.models import Base
from kb.queries import KnowledgeBase
from kb.retention import purge
from kb.seed import seed_document
from kb.staff import StaffOps

_names = itertools.count()


@pytest.fixture
def pg_engine(postgres):
    name = f"kb_test_{next(_names)}"
    postgres.sql(f"CREATE DATABASE {name}")
    engine = make_engine(postgres.url(name))
    yield engine
    engine.dispose()


def test_migrations_upgrade_from_empty_agree_with_models_and_roll_back(pg_engine) -> None:
    migrate.upgrade(pg_engine)
    assert set(Base.metadata.tables) <= set(inspect(pg_engine).get_table_names())
    with pg_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    migrate.downgrade(pg_engine, "base")
    assert set(inspect(pg_engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(pg_engine)


def test_seed_search_staff_edit_and_purge_on_postgres(pg_engine) -> None:
    migrate.upgrade(pg_engine)
    with session_factory(pg_engine).begin() as session:
        import_document(session, seed_document())
    with session_factory(pg_engine)() as session:
        exported = export_document(session)
    assert len(exported["tasks"]) == 80
    knowledge = KnowledgeBase(pg_engine)
    assert knowledge.search_services("社宝卡丢了")[0].key == "sscard_loss"

    ops = StaffOps(pg_engine)
    editor = ops.create_staff("pg_editor", "编辑", "a long enough password", "editor", ["市医保局"])
    record, version, _status, _draft = ops.service_for_edit(editor, "medical_filing")
    record["notes"] = [*record["notes"], "PostgreSQL 上发布的说明"]
    version = ops.save_service_draft(editor, "medical_filing", record, version)
    ops.publish_service(editor, "medical_filing", version)
    assert "PostgreSQL 上发布的说明" in knowledge.service("medical_filing").notes
    assert purge(pg_engine, None, days=30).counts["feedback"] == 0
