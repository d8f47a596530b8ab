"""Action tests run the real actions against the seeded KB: they read the session's (its search index built once)
and write their records to a private copy; a test that edits the KB reads its copy too (`edited_kb`)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import kb_access
from kb.records import ConversationRecords


@pytest.fixture(autouse=True)
def actions_kb(kb_engine, kb):
    kb_access._handles.update(kb=kb, records=ConversationRecords(kb_engine))
    yield kb_engine
    kb_access._handles.clear()


@pytest.fixture
def edited_kb(actions_kb):
    """The test's private copy, read by the actions as well: what the test publishes there reaches them."""
    kb_access.use_engine(actions_kb)
    return actions_kb


def make_tracker(
    text: str = "",
    intent: str | None = None,
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    history: list[tuple[str, str]] = (),
    active_loop: str | None = None,
    confidence: float = 0.95,
    ranking: list[dict[str, Any]] | None = None,
    latest_action: str = "action_listen",
    answered: bool = False,
    discussed: Sequence[str] = (),
    beside: Sequence[str] = (),
    reply: str | None = None,
) -> Tracker:
    """A tracker whose latest message is `text` with `intent`; `history` = earlier (intent, text);
    `discussed` = the services the conversation was about before, the earliest first; `beside` = those answered
    beside them; `reply` = the assistant's message just before the latest one."""
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": entities or [],
        "intent_ranking": ranking or [{"name": intent, "confidence": confidence}],
    }
    events = [{"event": "user", "text": t, "parse_data": {"intent": {"name": i}, "entities": []}} for i, t in history]
    events += [{"event": "slot", "name": "service_key", "value": key} for key in discussed]
    events += [{"event": "slot", "name": "second_service_key", "value": key} for key in beside]
    if answered or reply:  # the assistant has said something earlier in the conversation
        events.append({"event": "bot", "text": reply or "（之前的答复）"})
    events.append({"event": "user", "text": text, "parse_data": latest})
    return Tracker(
        sender_id="test-conversation",
        slots={"failed_turns": 0, **(slots or {})},
        latest_message=latest,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name=latest_action,
    )


def run(action, tracker: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run an action; returns (messages sent, events returned)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, events


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def slots_set(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def payloads(messages: list[dict[str, Any]]) -> list[str]:
    return [b["payload"] for m in messages for b in m.get("buttons") or []]
