"""Rasa's SQL tracker store, minus a query per turn (endpoints.yml: `type: bot.tracker_store.SQLTrackerStore`).

Profiling showed a fifth of the Rasa server's time in `SQLTrackerStore.save`, mostly in
`_additional_events`: to know which events are new, it counts the conversation's stored events with a
subquery on every save. The tracker being saved was loaded from this same store moments earlier (under
the conversation's lock), so this store remembers how many events each loaded tracker came with and
saves the rest in one bulk insert. A tracker it did not load itself falls back to Rasa's count. Reading,
the table layout and event streaming are Rasa's own.

On SQLite, Rasa opens a new connection for every unit of work; in WAL mode the close of the last
connection checkpoints the log to disk, so every turn paid for a checkpoint. Here SQLite connections are
pooled, and the log is checkpointed in the background as SQLite normally does.
"""

from __future__ import annotations

import itertools
import json
import weakref
from collections.abc import Iterator
from typing import Any

from rasa.core import tracker_store as rasa_tracker_store
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, insert
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import QueuePool


class SQLTrackerStore(rasa_tracker_store.SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            self.engine = create_engine(
                self.engine.url, poolclass=QueuePool, pool_size=2, connect_args={"check_same_thread": False}
            )
            self.sessionmaker = sessionmaker(bind=self.engine)
        # id(tracker) → (weak reference, events stored); trackers are unhashable, and the entry goes
        # with the tracker object
        self._loaded: dict[int, tuple[weakref.ref, int]] = {}

    def _remember(self, tracker: DialogueStateTracker) -> None:
        key = id(tracker)
        if key not in self._loaded:
            weakref.finalize(tracker, self._loaded.pop, key, None)
        self._loaded[key] = (weakref.ref(tracker), len(tracker.events))

    def _stored_count(self, tracker: DialogueStateTracker) -> int | None:
        entry = self._loaded.get(id(tracker))
        return entry[1] if entry and entry[0]() is tracker else None

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        tracker = await super().retrieve(sender_id)
        if tracker is not None:
            self._remember(tracker)
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        with self.session_scope() as session:
            rows = [_row(tracker.sender_id, event) for event in self._additional_events(session, tracker)]
            if rows:
                session.execute(insert(self.SQLEvent.__table__), rows)
            session.commit()
        self._remember(tracker)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        stored = self._stored_count(tracker)
        if stored is None:
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, len(tracker.events))


def _row(sender_id: str, event: Any) -> dict[str, Any]:
    """The row Rasa's own `save` writes for an event."""
    data = event.as_dict()
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get("name"),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }
