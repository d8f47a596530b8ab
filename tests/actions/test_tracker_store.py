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


def _long_conversation(store, sender: str, turns: int, last_action: str = "action_answer") -> DialogueStateTracker:
    async def run() -> DialogueStateTracker:
        tracker = await store.get_or_create_tracker(sender)
        for turn in range(turns):
            tracker.update(UserUttered(f"第{turn}个问题", {"name": "ask_materials"}))
            tracker.update(ActionExecuted(last_action if turn == turns - 1 else "action_answer"))
            tracker.update(SlotSet("service_key", "customs" if turn < 3 else "sscard_loss"))
            tracker.update(ActionExecuted("action_listen"))
            await store.save(tracker)
            tracker = await store.retrieve(sender)
        return tracker

    return asyncio.run(run())


DOMAIN = "slots:\n  service_key:\n    type: text\n    mappings: [{type: custom}]\n"


def test_a_long_conversation_continues_in_a_new_session_with_its_state(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SZ_SESSION_TURNS", "5")
    path = tmp_path / "t.sqlite3"
    store = SQLTrackerStore(Domain.from_yaml(DOMAIN), dialect="sqlite", db=str(path))
    tracker = _long_conversation(store, "long", 10, last_action="action_handoff")
    turns = sum(isinstance(e, UserUttered) for e in tracker.events)
    assert turns == 0  # a new session: what Rasa loads and the action server receives stays bounded
    assert tracker.get_slot("service_key") == "sscard_loss"  # the service under discussion carried over
    assert tracker.latest_action_name == "action_listen"
    assert [e.action_name for e in tracker.events if isinstance(e, ActionExecuted)][-2:] == [
        "action_handoff",
        "action_listen",
    ]  # a rule waiting on the last bot action ("要留言吗？" → "好") still matches
    full = asyncio.run(store.retrieve_full_tracker("long"))
    assert sum(isinstance(e, UserUttered) for e in full.events) == 10  # nothing is lost from the record


def test_a_short_conversation_keeps_one_session(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SZ_SESSION_TURNS", "5")
    store = SQLTrackerStore(Domain.from_yaml(DOMAIN), dialect="sqlite", db=str(tmp_path / "t.sqlite3"))
    tracker = _long_conversation(store, "short", 4)
    assert sum(isinstance(e, UserUttered) for e in tracker.events) == 4


def _first_turn(store, sender: str) -> DialogueStateTracker:
    async def run() -> DialogueStateTracker:
        tracker = await store.get_or_create_tracker(sender)
        tracker.update(UserUttered("社保卡丢了", {"name": "sscard_loss"}))
        tracker.update(ActionExecuted("action_answer"))
        tracker.update(ActionExecuted("action_listen"))
        await store.save(tracker)
        return tracker

    return asyncio.run(run())


def test_the_tracker_of_the_last_turn_is_handed_back_without_loading(tmp_path) -> None:
    store = SQLTrackerStore(Domain.from_yaml(DOMAIN), dialect="sqlite", db=str(tmp_path / "t.sqlite3"))
    saved = _first_turn(store, "c1")
    assert asyncio.run(store.retrieve("c1")) is saved  # kept: no rows read, no events replayed
    assert asyncio.run(store.retrieve("c1")) is not saved  # handed out once; then loaded as before


def test_a_turn_another_server_took_is_loaded_not_taken_from_memory(tmp_path) -> None:
    path = str(tmp_path / "t.sqlite3")
    ours = SQLTrackerStore(Domain.from_yaml(DOMAIN), dialect="sqlite", db=path)
    theirs = SQLTrackerStore(Domain.from_yaml(DOMAIN), dialect="sqlite", db=path)
    _first_turn(ours, "c1")

    async def their_turn() -> None:
        tracker = await theirs.retrieve("c1")
        tracker.update(UserUttered("要带啥", {"name": "ask_materials"}))
        await theirs.save(tracker)

    asyncio.run(their_turn())
    latest = asyncio.run(ours.retrieve("c1"))
    assert [e.text for e in latest.events if isinstance(e, UserUttered)] == ["社保卡丢了", "要带啥"]


def test_a_tracker_changed_after_saving_is_not_handed_back(tmp_path) -> None:
    store = SQLTrackerStore(Domain.from_yaml(DOMAIN), dialect="sqlite", db=str(tmp_path / "t.sqlite3"))
    saved = _first_turn(store, "c1")
    saved.update(UserUttered("这句没有存下", {"name": "greet"}))  # a turn that failed before saving
    loaded = asyncio.run(store.retrieve("c1"))
    assert loaded is not saved
    assert [e.text for e in loaded.events if isinstance(e, UserUttered)] == ["社保卡丢了"]


def test_a_new_model_drops_the_kept_trackers(tmp_path) -> None:
    store = SQLTrackerStore(Domain.from_yaml(DOMAIN), dialect="sqlite", db=str(tmp_path / "t.sqlite3"))
    saved = _first_turn(store, "c1")
    store.domain = Domain.from_yaml(DOMAIN + "  stay_type:\n    type: text\n    mappings: [{type: custom}]\n")
    loaded = asyncio.run(store.retrieve("c1"))
    assert loaded is not saved and "stay_type" in loaded.slots  # rebuilt with the new domain's slots
