"""Validation of the forms' answers: any order, typos and 繁體 tolerated, nothing personal kept."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.context import latest_text
from actions.kb_access import knowledge_base
from kb.privacy import mask_pii
from kb.queries import STAY
from kb.textnorm import normalize

MAX_MESSAGE = 1000

# Entity values NLU may hand over unmapped (a synonym it has not seen, 繁體): the key words that decide.
# "没开转诊单", "没有医院开的转诊单", "不是急诊": the word is there, but the answer is no (not "没(有)想到医生让转诊",
# nor "没几天就转院了", "没办法只能转院", nor a claim heard, asked back: "不是说急诊不用备案吗"; but "我不是说急诊
# 是门诊" is a no)
_NOT = r"(?:没有|没|不(?!是(?:听|都)?(?:说|讲)[^，,。？?\s]*(?:吗|么|嘛))|无|未)(?!有?(?:想到|料到|成想))"
NEGATED_REFERRAL = re.compile(_NOT + r"[^，,。.!！?？\s就只得]{0,6}(?:转诊|转院)")
NEGATED_EMERGENCY = re.compile(_NOT + r"[^，,。.!！?？\s就只得]{0,3}(?:急诊|抢救|突发|急病|120|救护车|送医院)")


def yes_no(value: Any, text: str, negation: re.Pattern[str]) -> str:
    """否 for a no, or for a mention the citizen negates; 是 for anything else they said."""
    return "否" if value == "否" or negation.search(normalize(text)) else "是"


class ValidateMedicalForm(FormValidationAction):
    """异地就医: long-term stay needs no more questions; emergencies need no referral question."""

    def name(self) -> str:
        return "validate_medical_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if tracker.get_slot("medical_stay") == "长期居住":
            return ["medical_stay"]
        if tracker.get_slot("medical_emergency") == "是":
            return ["medical_stay", "medical_emergency"]
        return domain_slots

    def validate_medical_stay(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"medical_stay": knowledge_base().situation_of(STAY, value)}

    def validate_medical_emergency(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"medical_emergency": yes_no(value, latest_text(tracker), NEGATED_EMERGENCY)}

    def validate_medical_referral(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"medical_referral": yes_no(value, latest_text(tracker), NEGATED_REFERRAL)}


class ValidateHandoffForm(FormValidationAction):
    def name(self) -> str:
        return "validate_handoff_form"

    def validate_handoff_text(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = mask_pii(str(value or "")).strip()[:MAX_MESSAGE]
        if not text:
            dispatcher.utter_message(text="留言是空的，请写下您的问题，或者说“算了”。")
            return {"handoff_text": None}
        return {"handoff_text": text}
