"""Retention: delete conversations and what citizens left behind once they are older than N days.

`python -m kb purge [--days N] [--dry-run]` — safe to run from cron: each store is cleaned in one
transaction, a second run finds nothing more, and nothing newer than the cut-off is touched.
Covers Rasa's tracker store (the conversations, table `events`) and, in the KB, messages left for a
person, unanswered questions, feedback, expired staff sessions, and the wording of unanswered questions
offered as NLU examples that no admin accepted (an accepted example is training data: it stays).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import MetaData, Table, delete, func, inspect, select
from sqlalchemy.engine import Engine

from kb.db import make_engine, session_factory
from kb.models import (
    ACCEPTED,
    Feedback,
    HandoffMessage,
    NluExampleSuggestion,
    StaffSession,
    UnansweredQuestion,
    utcnow,
)

RASA_EVENTS = "events"  # Rasa's SQLTrackerStore table; `timestamp` is seconds since the epoch


@dataclass
class PurgeReport:
    cutoff: dt.datetime
    counts: dict[str, int]

    def __str__(self) -> str:
        parts = ", ".join(f"{n} {what}" for what, n in self.counts.items())
        return f"older than {self.cutoff:%Y-%m-%d %H:%M} UTC: {parts}"


def purge(kb_engine: Engine, tracker_url: str | None, days: int, dry_run: bool = False) -> PurgeReport:
    if days < 1:
        raise ValueError("keep at least one day")
    cutoff = utcnow() - dt.timedelta(days=days)
    counts: dict[str, int] = {}
    with session_factory(kb_engine).begin() as session:
        for label, model in (
            ("messages left", HandoffMessage),
            ("unanswered questions", UnansweredQuestion),
            ("feedback", Feedback),
        ):
            old = model.created_at < cutoff
            counts[label] = session.scalar(select(func.count()).select_from(model).where(old)) or 0
            if not dry_run:
                session.execute(delete(model).where(old))
        unaccepted = (NluExampleSuggestion.created_at < cutoff) & (NluExampleSuggestion.status != ACCEPTED)
        counts["unaccepted NLU examples"] = (
            session.scalar(select(func.count()).select_from(NluExampleSuggestion).where(unaccepted)) or 0
        )
        if not dry_run:
            session.execute(delete(NluExampleSuggestion).where(unaccepted))
        expired = StaffSession.expires_at < utcnow()
        counts["expired staff sessions"] = (
            session.scalar(select(func.count()).select_from(StaffSession).where(expired)) or 0
        )
        if not dry_run:
            session.execute(delete(StaffSession).where(expired))
    if tracker_url:
        counts["conversation events"] = _purge_tracker(tracker_url, cutoff, dry_run)
    return PurgeReport(cutoff, counts)


def _purge_tracker(url: str, cutoff: dt.datetime, dry_run: bool) -> int:
    engine = make_engine(url)
    try:
        if not inspect(engine).has_table(RASA_EVENTS):
            return 0
        events = Table(RASA_EVENTS, MetaData(), autoload_with=engine)
        old = events.c.timestamp < cutoff.replace(tzinfo=dt.timezone.utc).timestamp()
        with engine.begin() as connection:
            count = connection.scalar(select(func.count()).select_from(events).where(old)) or 0
            if not dry_run:
                connection.execute(delete(events).where(old))
        return count
    finally:
        engine.dispose()
