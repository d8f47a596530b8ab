"""Handing over to a person, leaving a message for staff, and feedback on answers."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import ActionAnswer, answer_service, question_of, restate
from actions.base import KbAction
from actions.context import changed, current_service, latest_confidence, latest_intent, latest_text
from actions.kb_access import knowledge_base, records
from actions.replies import button, hotline_text
from kb import aspects
from kb.queries import ServiceView
from kb.resolve import ANSWER, SAYS_WHAT_IS_ASKED, TOLD_ELSEWHERE, Resolver, split_clauses
from kb.textnorm import is_cjk, normalize

SURE_FEEDBACK = 0.8
QUESTION_LENGTH = 12  # feedback is short ("还是没搞懂"); a message this long that asks is a question
# whether a rule is written down ("有正式文件不"), not "这啥规定啊 一点都不合理"
_ASKS_FOR_A_DOCUMENT = re.compile(
    r"有(?:没有)?(?:个|啥)?(?:正式|正规|红头)?的?(?:文件|规定|法规|依据)|(?:文件|规定|法规|依据)[^，,。？?\s]{0,3}(?:吗|不|没)"
)
# "具体说说我这种情况咋办": the citizen's own case asked about, not a complaint about the answer
_OWN_CASE_ASKED = re.compile(
    r"(?:我|俺|她|他|我们|俺们|我家|俺家|我妈|俺娘|我爸|俺爹)(?:这|这种|这个|这样的?)情况|(?:具体|详细|仔细)(?:说说|讲讲|说一下|讲一下)"
)
_DISPLEASED = re.compile(r"啥玩意|什么玩意|蠢|笨蛋|傻|垃圾|废物|胡说|瞎说|乱七八糟|答非所问|听不懂人话|没用的东西")
# A request for a person says so ("找人工", "不想跟机器说话"); "让我爸帮我去领行不", "宅基地能卖给外村的人不" and
# "行，我打电话问问" only sound like one to NLU, and "能找人代办不" asks who may do the errand.
_PERSON = "人工|真人|活人|工作人员|客服|坐席"
_ASKS_FOR_PERSON = re.compile(rf"{_PERSON}|转人|找个人|human|person|agent", re.IGNORECASE)
# unless someone is to do it ("能找人代扣不")
_MAY_ASK_FOR_PERSON = re.compile(r"找人(?![代替])|有人|人呢|领导|机器|打给我|给我打|回电话")
# the request itself, inside a clause that also says the matter ("我要找人工问下异地备案")
_REQUEST_FOR_PERSON = re.compile(rf"(?:我|俺)?(?:要|想)?(?:找|转|接|联系)?(?:个)?(?:{_PERSON})(?:客服|服务)?")
MIN_MATTER_CHARS = 4  # "转人工 快点" says no matter besides


class ActionHandoff(KbAction):
    def name(self) -> str:
        return "action_handoff"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        text = latest_text(tracker)
        asks = _ASKS_FOR_PERSON.search(text) or (_MAY_ASK_FOR_PERSON.search(text) and not aspects.PROXY.search(text))
        if not text.startswith("/") and not asks:
            # answered as a question; as a follow-up action, so that a "好" next is not taken as yes to leaving
            # a message
            return [FollowupAction("action_answer")]
        answered, service = self._matter_besides(dispatcher, tracker, text)
        service = service or current_service(tracker, knowledge_base())
        lines = ["需要人工帮助的话：", "1. 拨打12345政务服务便民热线，7×24小时有人工服务。"]
        if service:
            lines.append(f"2. “{service.name}”由{'、'.join(service.bureaus)}负责，{hotline_text(service.hotline)}。")
        lines.append("您也可以在这里给工作人员留言（请不要写身份证号、手机号），要留言吗？")
        dispatcher.utter_message(
            text="\n".join(lines), buttons=[button("我要留言", "/affirm"), button("不用了", "/deny")]
        )
        return answered or changed(tracker, failed_turns=0)

    @staticmethod
    def _matter_besides(
        dispatcher: CollectingDispatcher, tracker: Tracker, text: str
    ) -> tuple[list, ServiceView | None]:
        """ "我要找人工客服 问一下医保关系转移": the matter is answered first; the offer of a person follows."""
        rest = _beside_the_request(text)
        if not rest:
            return [], None
        # a matter said by name ("问一下医保关系转移"), not "我要投诉" (about what, to whom?)
        return _answer_when_sure(dispatcher, tracker, rest, said_by_name=True)


class ActionSaveHandoffMessage(KbAction):
    def name(self) -> str:
        return "action_save_handoff_message"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        text = tracker.get_slot("handoff_text") or ""
        service = current_service(tracker, knowledge_base())
        saved = records().handoff(
            tracker.sender_id, text, service.key if service else None, service.lead_bureau if service else None
        )
        if not saved:
            dispatcher.utter_message(text="留言是空的，没有保存。需要的话可以再说“找人工”。")
            return [SlotSet("handoff_text", None)]
        dispatcher.utter_message(
            text="已收到您的留言，工作人员会查看处理。想尽快得到答复，请拨打12345政务服务便民热线。"
        )
        return [SlotSet("handoff_text", None), *_answered_meanwhile(dispatcher, tracker, text)]


def _answered_meanwhile(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> list:
    """A message asking what the KB clearly answers ("正式挂失要带啥" after 挂失) is answered while staff see it."""
    if not aspects.asks(normalize(text)):
        return []  # "请尽快联系我"
    return _answer_when_sure(dispatcher, tracker, text, lead="您问的这件事，资料里是这样说的：")[0]


def _answer_when_sure(
    dispatcher: CollectingDispatcher, tracker: Tracker, text: str, *, said_by_name: bool = False, lead: str = ""
) -> tuple[list, ServiceView | None]:
    """Answers `text` in the conversation's context only when the KB is sure of its matter (and, if `said_by_name`,
    the text names it rather than NLU guessing it); otherwise says nothing."""
    kb = knowledge_base()
    question = replace(question_of(tracker), text=kb.in_kb_words(text))
    if said_by_name:
        question = replace(question, intent=None, confidence=0.0)
    understood = Resolver(kb).understand(question)
    best = understood.best
    if understood.decision != ANSWER or best is None or (said_by_name and not best.mentioned):
        return [], None
    if lead:
        dispatcher.utter_message(text=lead)
    return answer_service(dispatcher, tracker, kb, question, understood), best.service


class ActionStoreFeedback(KbAction):
    def name(self) -> str:
        return "action_store_feedback"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        if _not_feedback(tracker):
            return ActionAnswer().answer(dispatcher, tracker, domain)
        if (said_again := restate(dispatcher, tracker)) is not None:  # "没看懂 说简单点": unhelpful, and said again
            records().feedback(tracker.sender_id, False, tracker.get_slot("service_key"), latest_intent(tracker))
            return said_again
        helpful = latest_intent(tracker) == "feedback_helpful"
        records().feedback(tracker.sender_id, helpful, tracker.get_slot("service_key"), latest_intent(tracker))
        if helpful:
            dispatcher.utter_message(text="谢谢您的反馈！还有别的问题随时问我。")
        else:
            dispatcher.utter_message(
                text="抱歉没帮上忙，您的反馈已经记下了。可以换个说法再问一次，或者找人工帮您。",
                buttons=[button("找人工", "/request_human")],
            )
        return []


def _beside_the_request(text: str) -> str:
    """What a request for a person says besides asking for one, if it says enough to be a matter."""
    if text.startswith("/"):
        return ""
    rest = "，".join(kept for c in split_clauses(text) if (kept := _REQUEST_FOR_PERSON.sub("", c).strip()))
    return rest if sum(map(is_cjk, rest)) >= MIN_MATTER_CHARS else ""


def _not_feedback(tracker: Tracker) -> bool:
    """Nothing has been answered yet to rate, or "进口药能报不" merely sounded like a complaint to NLU."""
    if not any(event.get("event") == "bot" for event in tracker.events):
        return True
    text = latest_text(tracker)
    if _DISPLEASED.search(text):
        return False  # "你说的啥玩意儿，蠢死了" has a question word, and asks nothing
    said = normalize(text)
    if tracker.get_slot("service_key") and knowledge_base().stay_told(said):
        return True  # "不对 俺没说清 俺们不长住 就去待俩月看看孙子" after 备案: the citizen's case, told again
    key = tracker.get_slot("service_key")
    # (what the citizen was told elsewhere, against the answer: what the KB says of it)
    if key and TOLD_ELSEWHERE.search(said) and Resolver(knowledge_base()).a_fact_fits(said, key):
        return True  # "你说的不对 上海那边说不用备案": 备案's fact on 长三角 门诊 answers it
    if SAYS_WHAT_IS_ASKED.search(said):
        return True  # "我是问现在能住的 不是以后规划的": the question put again, not a rating
    if text.startswith("/") or not aspects.asks(said):
        return False
    if _OWN_CASE_ASKED.search(said):
        return True
    if _ASKS_FOR_A_DOCUMENT.search(said):
        return True  # "有正式文件不 还是光说说": whether a rule is written down is a question of the matter
    if Resolver(knowledge_base()).asks_a_fact_of(said, tracker.get_slot("service_key")):
        return True  # "领卡也得她本人去？" after 社保卡申领: one of its facts answers it
    unsure = float(latest_confidence(tracker) or 0.0) < SURE_FEEDBACK
    # "回到刚才说的看片子那个 到底该找谁问", "以后再碰上急诊 是不是也得提前弄好那个": a question, however sure NLU is
    return unsure or bool(aspects.aspects_in(said)) or sum(map(is_cjk, said)) >= QUESTION_LENGTH
