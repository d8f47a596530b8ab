"""Rasa's SQL tracker store, minus a query per turn (endpoints.yml: `type: bot.tracker_store.SQLTrackerStore`).

Profiling showed a fifth of the Rasa server's time in `SQLTrackerStore.save`, mostly in
`_additional_events`: to know which events are new, it counts the conversation's stored events with a
subquery on every save. The tracker being saved was loaded from this same store moments earlier (under
the conversation's lock), so this store remembers how many events each loaded tracker came with and
saves the rest in one bulk insert. A tracker it did not load itself falls back to Rasa's count. Reading,
the table layout and event streaming are Rasa's own.

A turn's cost must not grow with the conversation (issue 10): Rasa loads, replays and featurises every
event of the current session, and ships them all to the action server. So when a conversation's session
has had `SZ_SESSION_TURNS` citizen messages, the next load starts a new session in the store: Rasa's own
session-start events, the slots carried over (the service under discussion, the situation), and the last
bot action, so that a rule waiting on it ("要留言吗？" → "好") still matches. Rasa reads only the latest
session, so a turn's work stays bounded. Not while a form is asking: its questions keep their session.

On SQLite, Rasa opens a new connection for every unit of work; in WAL mode the close of the last
connection checkpoints the log to disk, so every turn paid for a checkpoint. Here SQLite connections are
pooled, and the log is checkpointed in the background as SQLite normally does.
"""

from __future__ import annotations

import itertools
import json
import time
import weakref
from collections.abc import Iterator
from typing import Any

from rasa.core import tracker_store as rasa_tracker_store
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME, REQUESTED_SLOT
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, insert
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import QueuePool

from kb import settings

NOT_CARRIED = {REQUESTED_SLOT, "session_started_metadata"}


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
        if tracker is not None and _session_is_full(tracker):
            tracker = self._continue_in_new_session(tracker)
        if tracker is not None:
            self._remember(tracker)
        return tracker

    def _continue_in_new_session(self, tracker: DialogueStateTracker) -> DialogueStateTracker:
        # after every stored event, even one stamped by another instance whose clock runs ahead: Rasa
        # loads the events from the latest session start on
        events = continuation(tracker, max(time.time(), max((e.timestamp for e in tracker.events), default=0.0)))
        with self.session_scope() as session:
            session.execute(insert(self.SQLEvent.__table__), [_row(tracker.sender_id, e) for e in events])
            session.commit()
        slots = self.domain.slots if self.domain else []
        return DialogueStateTracker.from_events(tracker.sender_id, events, slots=slots)

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


def _session_is_full(tracker: DialogueStateTracker) -> bool:
    if tracker.active_loop_name or tracker.latest_action_name != ACTION_LISTEN_NAME:
        return False
    turns = sum(1 for event in tracker.events if isinstance(event, UserUttered))
    return turns >= int(settings.env("SZ_SESSION_TURNS"))


def continuation(tracker: DialogueStateTracker, now: float) -> list[Event]:
    """A new session that carries the conversation's state over: slots, and the last bot action."""
    carried = [
        SlotSet(name, slot.value, timestamp=now)
        for name, slot in tracker.slots.items()
        if name not in NOT_CARRIED and slot.value != slot.initial_value
    ]
    last_action = next(
        (e.action_name for e in reversed(tracker.events)
         if isinstance(e, ActionExecuted) and e.action_name not in (ACTION_LISTEN_NAME, None)),
        None,
    )  # fmt: skip
    return [
        ActionExecuted(ACTION_SESSION_START_NAME, timestamp=now),
        SessionStarted(timestamp=now),
        *carried,
        *([ActionExecuted(last_action, timestamp=now)] if last_action else []),
        ActionExecuted(ACTION_LISTEN_NAME, timestamp=now),
    ]


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
