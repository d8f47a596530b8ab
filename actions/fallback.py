"""When the assistant is unsure or the question is outside its scope: suggest, record, hand over."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import answering_faq
from actions.base import KbAction
from actions.context import latest_confidence, latest_text
from actions.kb_access import knowledge_base, records
from actions.replies import button, choose_button, faq_message, suggestion_buttons, topic_buttons

SUGGEST_SCORE = 0.25
HANDOFF_AFTER = 2  # failed turns in a row before a person is offered first
HUMAN = button("找人工", "/request_human")


def _original_intent(tracker: Tracker) -> tuple[str | None, float | None]:
    """The intent NLU guessed before the fallback classifier stepped in."""
    ranking = tracker.latest_message.get("intent_ranking") or []
    for entry in ranking:
        if entry.get("name") != "nlu_fallback":
            return entry.get("name"), entry.get("confidence")
    return None, latest_confidence(tracker)


class ActionSuggestServices(KbAction):
    def name(self) -> str:
        return "action_suggest_services"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        return suggest(dispatcher, tracker, reason="unclear")


def suggest(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str) -> list[dict[str, Any]]:
    kb = knowledge_base()
    text = latest_text(tracker)
    faq = answering_faq(kb, text)
    if faq:  # NLU was unsure, but a curated FAQ asks exactly this
        services = [s for key in faq.services if (s := kb.service(key))]
        dispatcher.utter_message(
            **faq_message(faq, bureaus=[b for s in services for b in s.bureaus]),
            buttons=[*(choose_button(s.name, s.key) for s in services), HUMAN],
        )
        return [SlotSet("failed_turns", 0)]
    hits = kb.search_services(text, limit=3, min_score=SUGGEST_SCORE)
    intent, confidence = _original_intent(tracker)
    records().unanswered(tracker.sender_id, text, reason, intent, confidence, [h.key for h in hits])
    failed = int(tracker.get_slot("failed_turns") or 0) + 1
    if failed >= HANDOFF_AFTER:
        dispatcher.utter_message(
            text="抱歉，我还是没太明白。可以点下面的选项，或者找人工帮您；也可以拨打12345政务服务便民热线。",
            buttons=[HUMAN, *suggestion_buttons(hits)],
        )
    elif hits:
        dispatcher.utter_message(
            text="我不太确定您问的是哪件事，是下面这些吗？", buttons=[*suggestion_buttons(hits), HUMAN]
        )
    else:
        dispatcher.utter_message(
            text="我没太听明白，能换个说法吗？比如“去上海看病要备案吗”。也可以点下面的主题。",
            buttons=topic_buttons(kb.topic_entry_points()),
        )
    return [SlotSet("failed_turns", failed)]


class ActionOutOfScope(KbAction):
    def name(self) -> str:
        return "action_out_of_scope"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        kb = knowledge_base()
        records().unanswered(
            tracker.sender_id, latest_text(tracker), "out_of_scope", "out_of_scope", latest_confidence(tracker)
        )
        failed = int(tracker.get_slot("failed_turns") or 0) + 1
        topics = topic_buttons(kb.topic_entry_points())
        dispatcher.utter_message(
            text=f"抱歉，这个问题不在我能回答的范围里。我主要解答{'、'.join(kb.topics())}方面的政务服务。"
            "其他事情可以拨打12345政务服务便民热线咨询。您也可以看看这些：",
            buttons=[HUMAN, *topics] if failed >= HANDOFF_AFTER else topics,
        )
        return [SlotSet("failed_turns", failed)]


class ActionCoreFallback(KbAction):
    """Dialogue could not decide what to do: re-ask the open question, or suggest services."""

    def name(self) -> str:
        return "action_core_fallback"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        requested = tracker.get_slot("requested_slot")
        if tracker.active_loop.get("name") and requested:
            dispatcher.utter_message(text="不好意思，没听明白。请点下面的按钮选一下，或者说“算了”。")
            dispatcher.utter_message(response=f"utter_ask_{requested}")
            return [UserUtteranceReverted()]
        return suggest(dispatcher, tracker, reason="dialogue")
