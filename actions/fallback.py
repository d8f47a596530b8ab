"""When no service stands out or the question is outside the assistant's scope: suggest, record, hand over."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.base import KbAction
from actions.context import latest_confidence, latest_text
from actions.kb_access import knowledge_base, records
from actions.replies import DECLINE_MARK, HUMAN_BUTTON, choose_button, topic_buttons
from kb.queries import ServiceView

HANDOFF_AFTER = 2  # failed turns in a row before a person is offered first


def _original_intent(tracker: Tracker) -> tuple[str | None, float | None]:
    """The intent NLU guessed before the fallback classifier stepped in."""
    ranking = tracker.latest_message.get("intent_ranking") or []
    for entry in ranking:
        if entry.get("name") != "nlu_fallback":
            return entry.get("name"), entry.get("confidence")
    return None, latest_confidence(tracker)


def _failed(tracker: Tracker) -> int:
    return int(tracker.get_slot("failed_turns") or 0) + 1


def suggest(
    dispatcher: CollectingDispatcher, tracker: Tracker, likely: Sequence[ServiceView], reason: str = "unclear"
) -> list[dict[str, Any]]:
    """Nothing stands out: offer the likeliest services (a person first after repeated failures)."""
    text = latest_text(tracker)
    intent, confidence = _original_intent(tracker)
    records().unanswered(tracker.sender_id, text, reason, intent, confidence, [s.key for s in likely])
    failed = _failed(tracker)
    choices = [choose_button(s.name, s.key) for s in likely]
    if failed >= HANDOFF_AFTER:
        dispatcher.utter_message(
            text="抱歉，我还是没太明白。可以点下面的选项，或者找人工帮您；也可以拨打12345政务服务便民热线。",
            buttons=[HUMAN_BUTTON, *choices],
        )
    elif choices:
        dispatcher.utter_message(text=_which_of(likely), buttons=[*choices, HUMAN_BUTTON])
    else:
        dispatcher.utter_message(
            text="我没太听明白，能换个说法吗？比如“去上海看病要备案吗”。也可以点下面的主题。",
            buttons=topic_buttons(knowledge_base().topic_entry_points()),
        )
    return [SlotSet("failed_turns", failed)]


def _which_of(likely: Sequence[ServiceView]) -> str:
    """Which of these? Saying who is responsible when they all have the same lead bureau (社保卡's matters)."""
    text = "我不太确定您问的是哪件事，是下面这些吗？"
    leads = {s.lead_bureau for s in likely}
    if len(likely) > 1 and len(leads) == 1:
        text += f"这几件事都由{leads.pop()}负责。"
    return text


def decline(
    dispatcher: CollectingDispatcher, tracker: Tracker, closest: Sequence[ServiceView] = ()
) -> list[dict[str, Any]]:
    """Not a question this assistant answers: say so, say what it does answer, point to 12345; offer the
    closest services, if any come near, in case the citizen means one of them."""
    kb = knowledge_base()
    records().unanswered(
        tracker.sender_id, latest_text(tracker), "out_of_scope", *_original_intent(tracker), [s.key for s in closest]
    )
    failed = _failed(tracker)
    if closest:
        offer, buttons = "如果您想问的是下面的事，请点选：", [choose_button(s.name, s.key) for s in closest]
    else:
        offer, buttons = "您也可以看看这些：", topic_buttons(kb.topic_entry_points())
    dispatcher.utter_message(
        text=f"抱歉，{DECLINE_MARK}。我主要解答{'、'.join(kb.topics())}方面的政务服务。"
        f"其他事情可以拨打12345政务服务便民热线咨询。{offer}",
        buttons=[HUMAN_BUTTON, *buttons] if failed >= HANDOFF_AFTER else buttons,
    )
    return [SlotSet("failed_turns", failed)]


def _answered_this_turn(tracker: Tracker) -> bool:
    """The assistant has replied since the citizen's latest message (an answer run as a follow-up action,
    which no rule continues): dialogue falling back now must not loop on the fallback."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "bot":
            return True
    return False


class ActionCoreFallback(KbAction):
    """Dialogue could not decide what to do: re-ask the open question, or suggest services."""

    def name(self) -> str:
        return "action_core_fallback"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        if _answered_this_turn(tracker):
            return [FollowupAction("action_listen")]  # no second reply after an answer: wait for the citizen
        requested = tracker.get_slot("requested_slot")
        if tracker.active_loop.get("name") and requested:
            dispatcher.utter_message(text="不好意思，没听明白。请点下面的按钮选一下，或者说“算了”。")
            dispatcher.utter_message(response=f"utter_ask_{requested}")
            return [UserUtteranceReverted()]
        hits = knowledge_base().search_services(latest_text(tracker), limit=3, min_score=0.25)
        return suggest(dispatcher, tracker, [s for h in hits if (s := knowledge_base().service(h.key))], "dialogue")
