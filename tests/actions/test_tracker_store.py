"""The tracker store saves exactly Rasa's rows, without re-counting stored events on every turn."""

from __future__ import annotations

import asyncio

from rasa.core.tracker_store import SQLTrackerStore as RasaSQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, text

from bot.tracker_store import SQLTrackerStore


def _rows(path) -> list[tuple]:
    with create_engine(f"sqlite:///{path}").connect() as connection:
        return connection.execute(
            text("select sender_id, type_name, intent_name, action_name, data from events order by id")
        ).all()


def _conversation(store, sender: str) -> None:
    async def run() -> None:
        tracker = DialogueStateTracker.from_events(sender, [UserUttered("你好", {"name": "greet"}, timestamp=1.0)])
        await store.save(tracker)  # a tracker the store did not load: Rasa's count path
        tracker = await store.retrieve(sender)
        tracker.update(ActionExecuted("action_greet", timestamp=2.0))
        tracker.update(SlotSet("service_key", "customs", timestamp=3.0))
        await store.save(tracker)
        tracker.update(UserUttered("谢谢", {"name": "thank"}, timestamp=4.0))
        await store.save(tracker)  # saved twice without reloading: only the new event is added
        again = await store.retrieve(sender)
        assert [e.as_dict()["event"] for e in again.events] == ["user", "action", "slot", "user"]

    asyncio.run(run())


def test_same_rows_as_rasas_store(tmp_path) -> None:
    domain = Domain.from_yaml("slots:\n  service_key:\n    type: text\n    mappings: [{type: custom}]\n")
    ours, theirs = tmp_path / "ours.sqlite3", tmp_path / "theirs.sqlite3"
    _conversation(SQLTrackerStore(domain, dialect="sqlite", db=str(ours)), "c1")
    _conversation(RasaSQLTrackerStore(domain, dialect="sqlite", db=str(theirs)), "c1")
    assert _rows(ours) == _rows(theirs)
    assert len(_rows(ours)) == 4
