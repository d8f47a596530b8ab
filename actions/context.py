"""Read what the conversation says: intents, entities, the service under discussion."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from kb.queries import KnowledgeBase, ServiceView


def latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def latest_confidence(tracker: Tracker) -> float | None:
    return (tracker.latest_message.get("intent") or {}).get("confidence")


def latest_text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def entity_values(tracker: Tracker, entity: str) -> list[str]:
    values = []
    for item in tracker.latest_message.get("entities") or []:
        if item.get("entity") == entity and item.get("value") not in values:
            values.append(str(item.get("value")))
    return values


def latest_user_turn(tracker: Tracker, intents: Iterable[str]) -> tuple[str, str] | None:
    """The newest user message whose intent is one of `intents`: (intent, text)."""
    wanted = set(intents)
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent in wanted:
            return intent, event.get("text") or ""
    return None


def mentioned_service(tracker: Tracker, kb: KnowledgeBase) -> ServiceView | None:
    """A service the latest message names itself ("社保卡挂失要带啥"), not one it merely resembles."""
    for value in entity_values(tracker, "service"):  # the entity ruler's exact KB names
        service = kb.service_by_name(value)
        if service:
            return service
    hits = kb.mentioned_services(latest_text(tracker))
    return kb.service(hits[0].key) if hits else None


def current_service(tracker: Tracker, kb: KnowledgeBase) -> ServiceView | None:
    key = tracker.get_slot("service_key")
    return kb.service(key) if key else None


def services_discussed(tracker: Tracker, slot: str = "service_key") -> list[str]:
    """The services the conversation has been about (or, by another slot, answered beside the one it was about),
    the latest first, each once."""
    keys: list[str] = []
    for event in reversed(tracker.events):
        value = event.get("value")
        if event.get("event") == "slot" and event.get("name") == slot and value and value not in keys:
            keys.append(str(value))
    return keys


def changed(tracker: Tracker, **values: Any) -> list[dict[str, Any]]:
    """SlotSet events for the slots whose value actually changes (each event is stored and replayed)."""
    return [SlotSet(name, value) for name, value in values.items() if tracker.get_slot(name) != value]


def reply_just_before(tracker: Tracker) -> dict[str, Any] | None:
    """The assistant's last message before the citizen's current one."""
    seen_current = False
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            if seen_current:
                return None
            seen_current = True
        elif kind == "bot" and seen_current:
            return event
    return None


def user_text_before(tracker: Tracker) -> str:
    """The citizen's message before the current one ("" at the start)."""
    users = (event for event in reversed(tracker.events) if event.get("event") == "user")
    next(users, None)
    return str(next(users, {}).get("text") or "")
