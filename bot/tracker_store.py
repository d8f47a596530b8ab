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

Loading a tracker (reading its rows, decoding the JSON, replaying the events) was a tenth of the
server's time. The store keeps the trackers it saved last (`SZ_TRACKER_CACHE` of them) and hands one
back instead of loading it, but only while the conversation's newest stored row is still the one it
saved: one indexed `max(id)` query tells. Another Rasa server's turn, the retention job deleting the
conversation or a new domain (a new model) all make it load from the database as before, and so does a
tracker that has events it did not save (a turn that failed half-way). A tracker handed out is no longer
kept until it is saved again.
"""

from __future__ import annotations

import itertools
import json
import time
import weakref
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from rasa.core import tracker_store as rasa_tracker_store
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME, REQUESTED_SLOT
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import bindparam, create_engine, func, insert, select
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
        # sender id → (tracker as last saved, its events then, the conversation's newest row id), oldest first
        self._saved: OrderedDict[str, tuple[DialogueStateTracker, int, int]] = OrderedDict()
        self._cache_size = int(settings.env("SZ_TRACKER_CACHE"))
        # conversations just found to have no stored events: the tracker Rasa then creates is all new
        self._found_empty: OrderedDict[str, None] = OrderedDict()
        table = self.SQLEvent.__table__
        self._newest_row_query = select(func.max(table.c.id)).where(table.c.sender_id == bindparam("sender_id"))

    @property
    def domain(self) -> Any:
        return self._domain

    @domain.setter
    def domain(self, domain: Any) -> None:
        self._saved = OrderedDict()  # trackers made with the old domain's slots
        rasa_tracker_store.TrackerStore.domain.fset(self, domain)  # type: ignore[attr-defined]

    def _remember(self, tracker: DialogueStateTracker) -> None:
        key = id(tracker)
        if key not in self._loaded:
            weakref.finalize(tracker, self._loaded.pop, key, None)
        self._loaded[key] = (weakref.ref(tracker), len(tracker.events))

    def _stored_count(self, tracker: DialogueStateTracker) -> int | None:
        entry = self._loaded.get(id(tracker))
        return entry[1] if entry and entry[0]() is tracker else None

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        tracker = self._take_saved(sender_id)
        if tracker is None:
            tracker = await super().retrieve(sender_id)
        if tracker is None:
            self._found_empty[sender_id] = None
            while len(self._found_empty) > max(self._cache_size, 1):
                self._found_empty.popitem(last=False)
        elif _session_is_full(tracker):
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
            newest = self._newest_row(session, tracker.sender_id)
            session.commit()
        self._remember(tracker)
        self._keep_saved(tracker, newest)

    def _newest_row(self, session: Any, sender_id: str) -> int | None:
        return session.execute(self._newest_row_query, {"sender_id": sender_id}).scalar()

    def _keep_saved(self, tracker: DialogueStateTracker, newest: int | None) -> None:
        if self._cache_size <= 0 or newest is None:
            return
        self._saved[tracker.sender_id] = (tracker, len(tracker.events), newest)
        self._saved.move_to_end(tracker.sender_id)
        while len(self._saved) > self._cache_size:
            self._saved.popitem(last=False)

    def _take_saved(self, sender_id: str) -> DialogueStateTracker | None:
        tracker, events, newest = self._saved.pop(sender_id, (None, 0, 0))
        if tracker is None or len(tracker.events) != events:  # changed since it was saved: not what is stored
            return None
        with self.session_scope() as session:
            still_newest = self._newest_row(session, sender_id) == newest
        return tracker if still_newest else None

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        stored = self._stored_count(tracker)
        if stored is None and tracker.sender_id in self._found_empty:
            del self._found_empty[tracker.sender_id]
            stored = 0
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
