"""The action server's handles on the knowledge base, created once per process."""

from __future__ import annotations

import logging

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from kb.db import default_engine
from kb.queries import KnowledgeBase
from kb.records import ConversationRecords, DiscardedRecords

_handles: dict[str, KnowledgeBase | ConversationRecords] = {}


def use_engine(engine: Engine) -> None:
    """Point the actions at a database (the settings' one by default; tests pass their own)."""
    _handles["kb"] = KnowledgeBase(engine)
    _handles["records"] = ConversationRecords(engine)


def discard_records() -> None:
    """Keep no feedback, unanswered questions or messages (the quality gate's own action server)."""
    _handles["records"] = DiscardedRecords(default_engine())


def knowledge_base() -> KnowledgeBase:
    if "kb" not in _handles:
        _handles["kb"] = KnowledgeBase(default_engine())
    return _handles["kb"]  # type: ignore[return-value]


def records() -> ConversationRecords:
    if "records" not in _handles:
        _handles["records"] = ConversationRecords(default_engine())
    return _handles["records"]  # type: ignore[return-value]


def warm_up() -> None:
    """Build the search index at start-up; a KB that is down now is retried on the first question."""
    try:
        knowledge_base().warm_up()
    except SQLAlchemyError as exc:
        logging.getLogger(__name__).warning("knowledge base not reachable at start-up: %s", type(exc).__name__)
