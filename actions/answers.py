"""Answers from the KB: services, follow-up aspects, responsible bureaus, the welcome."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import KbAction, say
from actions.context import (
    changed,
    current_service,
    entity_values,
    latest_intent,
    latest_text,
    latest_user_turn,
    mentioned_service,
)
from actions.kb_access import knowledge_base
from actions.replies import (
    ASPECTS,
    aspect_messages,
    bureau_messages,
    faq_message,
    no_such_task_text,
    service_messages,
    service_responsibility_text,
    task_text,
    topic_buttons,
)
from kb.queries import FaqView, KnowledgeBase, ServiceView, task_numbers_in

FAQ_SCORE = 0.7  # a curated FAQ is quoted only when its question clearly is the one asked …
FAQ_MARGIN = 0.15  # … and clearly fits better than the next FAQ ("异地就医备案怎么办" fits several)
FAMILY_SCORE = 0.3  # a family member must match at least this well to beat the family's primary
FIELD_SCORE = 0.5  # a plan task matching this well is what "who leads field X" asks about
WEAK_FIELD_SCORE = 0.3  # … and this well, if no service is under discussion

CARD_FORM_INTENT = "sscard_problem"  # "my card has a problem": the sscard form asks which
# What each 社保卡 problem (the sscard form's answer) is about, by service key.
CARD_PROBLEM_SERVICE = {
    "丢失": "sscard_loss",
    "到期": "sscard_renew",
    "锁定": "sscard_locked",
    "未激活": "sscard_activate",
}
MEDICAL_FORM_SLOTS = ("medical_stay", "medical_emergency", "medical_referral")
SITUATION_SLOTS = (*MEDICAL_FORM_SLOTS, "card_problem")
CLEARED_SITUATION = dict.fromkeys(SITUATION_SLOTS)


class ActionGreet(KbAction):
    def name(self) -> str:
        return "action_greet"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        dispatcher.utter_message(response="utter_greet", buttons=topic_buttons(knowledge_base().topic_entry_points()))
        return []


class ActionAnswerService(KbAction):
    """What a service is, who may use it, who is responsible and where the answer comes from."""

    def name(self) -> str:
        return "action_answer_service"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        kb = knowledge_base()
        service, intro = self._service_and_intro(tracker, kb)
        if service is None:
            dispatcher.utter_message(
                text="您想了解哪方面的事情？可以点下面的主题，或者直接说您要办的事。",
                buttons=topic_buttons(kb.topic_entry_points()),
            )
            return changed(tracker, **CLEARED_SITUATION)
        asked = latest_text(tracker) if latest_intent(tracker) in kb.service_intents() else ""
        faq = answering_faq(kb, asked, [service.key])
        say(dispatcher, [*([faq_message(faq)] if faq else []), *service_messages(service, intro)])
        return changed(tracker, service_key=service.key, failed_turns=0, **CLEARED_SITUATION)

    def _service_and_intro(self, tracker: Tracker, kb: KnowledgeBase) -> tuple[ServiceView | None, list[str]]:
        intent = latest_intent(tracker)
        service_intents = kb.service_intents()
        if intent == "choose_service":
            keys = entity_values(tracker, "service_key") or [tracker.get_slot("service_key")]
            return (kb.service(keys[0]) if keys[0] else None), []
        if intent in service_intents:
            return pick_in_family(kb, intent, latest_text(tracker)), disease_intro(tracker, kb)
        turn = latest_user_turn(tracker, {*service_intents, CARD_FORM_INTENT})
        if turn and turn[0] == CARD_FORM_INTENT:  # the sscard form asked; a card problem said earlier does not count
            problem = tracker.get_slot("card_problem")
            if problem in CARD_PROBLEM_SERVICE:
                return kb.service(CARD_PROBLEM_SERVICE[problem]), [f"您说的情况：社保卡{problem}。"]
            turn = latest_user_turn(tracker, service_intents)
        if turn is None:
            return None, []
        service = pick_in_family(kb, *turn)
        intro = medical_situation_intro(tracker, kb) if service and service.key == "medical_filing" else []
        return service, intro


def answering_faq(kb: KnowledgeBase, text: str, services: list[str] | None = None) -> FaqView | None:
    """The FAQ (of `services`, if given) that clearly answers `text`, if one does."""
    if not text or text.startswith("/"):  # a button's payload is not a question
        return None
    hits = kb.search_faqs(text, limit=2, services=services)
    if not hits or hits[0][1] < FAQ_SCORE or (len(hits) > 1 and hits[0][1] - hits[1][1] < FAQ_MARGIN):
        return None
    return hits[0][0]


def pick_in_family(kb: KnowledgeBase, intent: str, text: str) -> ServiceView | None:
    """The intent's primary service, unless the words fit another member of its family better."""
    family = kb.services_for_intent(intent)
    if not family:
        return None
    if len(family) > 1:
        hits = kb.search_services(text, limit=1, keys=[s.key for s in family], min_score=FAMILY_SCORE)
        if hits:
            return next(s for s in family if s.key == hits[0].key)
    return family[0]


def disease_intro(tracker: Tracker, kb: KnowledgeBase) -> list[str]:
    covered = {t.name for t in kb.terms("disease")}
    named = [d for d in entity_values(tracker, "disease") if d in covered]
    if not named:
        return []
    return [f"您提到的“{'、'.join(named)}”在可以跨省直接结算的门诊慢特病病种范围内（能否认定以参保地医保部门为准）。"]


def medical_situation_intro(tracker: Tracker, kb: KnowledgeBase) -> list[str]:
    """The medical form's answers turned into the FAQ that fits the citizen's situation."""
    stay = tracker.get_slot("medical_stay")
    if stay is None:
        return []
    if stay == "长期居住":
        situation, faq_key = "长期在外地居住或工作", "filing_validity"
    elif tracker.get_slot("medical_emergency") == "是":
        situation, faq_key = "临时在外地，急诊抢救", "emergency_no_filing"
    elif tracker.get_slot("medical_referral") == "是":
        situation, faq_key = "临时去外地看病，有本地医院的转诊意见", "referral_requirements"
    else:
        situation, faq_key = "自己临时去外地看病，没有转诊意见", "filing_validity"
    faqs = {f.key: f for f in kb.faqs_for("medical_filing")}
    lines = [f"根据您说的情况（{situation}）："]
    if faq_key in faqs:
        lines.append(faqs[faq_key].answer)
    return lines


class ActionAnswerAspect(KbAction):
    """Materials, steps, channels … of the service the citizen names or is talking about."""

    def name(self) -> str:
        return "action_answer_aspect"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        kb = knowledge_base()
        aspect = latest_intent(tracker)
        aspect = aspect if aspect in ASPECTS else "ask_materials"
        named = mentioned_service(tracker, kb)
        service = named or current_service(tracker, kb)
        if service is None:
            dispatcher.utter_message(
                text=f"您想了解哪项服务的{ASPECTS.get(aspect, '情况')}？请先告诉我要办的事，或点下面的主题。",
                buttons=topic_buttons(kb.topic_entry_points()),
            )
            return []
        # only a whole question ("社保卡锁了能在网上解吗") may have an FAQ; "要带什么材料" is the aspect
        faq = answering_faq(kb, latest_text(tracker), [service.key]) if named else None
        say(dispatcher, [*([faq_message(faq)] if faq else []), *aspect_messages(service, aspect)])
        return changed(tracker, service_key=service.key, failed_turns=0)


class ActionAnswerResponsible(KbAction):
    """Which bureau leads a plan task, a field of work, or a service; or what a bureau does."""

    def name(self) -> str:
        return "action_answer_responsible"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        kb = knowledge_base()
        text = latest_text(tracker)
        numbers = [int(n) for n in entity_values(tracker, "task_number") if n.isdigit()] or task_numbers_in(text)
        tasks = [t for n in numbers if (t := kb.task(n))]
        if tasks:
            dispatcher.utter_message(text="\n".join(task_text(t) for t in tasks))
            return changed(tracker, failed_turns=0)
        if numbers:
            dispatcher.utter_message(text=no_such_task_text(numbers, kb.task_count()))
            return []
        service = mentioned_service(tracker, kb)
        if service:
            dispatcher.utter_message(text=service_responsibility_text(service))
            return changed(tracker, service_key=service.key, failed_turns=0)
        bureaus = [b for v in entity_values(tracker, "bureau") if (b := kb.bureau(v))]
        bureaus = bureaus or [b for name in kb.bureaus_mentioned(text) if (b := kb.bureau(name))]
        if bureaus:
            say(dispatcher, bureau_messages(bureaus[0]))
            return changed(tracker, failed_turns=0)
        fields = kb.search_tasks(text, limit=1, min_score=WEAK_FIELD_SCORE)
        service = current_service(tracker, kb)
        if fields and (fields[0][1] >= FIELD_SCORE or service is None):
            dispatcher.utter_message(text=task_text(fields[0][0]))
            return changed(tracker, failed_turns=0)
        if service:
            dispatcher.utter_message(text=service_responsibility_text(service))
            return changed(tracker, failed_turns=0)
        dispatcher.utter_message(
            text="您想问哪项工作或哪件事由哪个部门负责？比如“异地就医归哪个部门管”或“第23项任务谁牵头”。"
        )
        return []
