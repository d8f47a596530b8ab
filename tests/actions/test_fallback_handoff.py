"""Fallback suggestions, out-of-scope, handoff, messages left and feedback are stored, masked."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import create_engine, select

from actions import kb_access
from actions.answers import ActionAnswer
from actions.base import APOLOGY
from actions.fallback import ActionCoreFallback, suggest
from actions.forms import ValidateHandoffForm, ValidateMedicalForm
from actions.handoff import ActionHandoff, ActionSaveHandoffMessage, ActionStoreFeedback
from kb.db import session_factory
from kb.models import Feedback, HandoffMessage, UnansweredQuestion
from tests.actions.conftest import make_tracker, payloads, run, slots_set, texts

PERSONAL = "我身份证34012319900101123X，手机13812345678"


def _rows(engine, model):
    with session_factory(engine)() as session:
        return session.scalars(select(model).order_by(model.id)).all()


def test_unclear_message_gets_likely_services_and_is_recorded(actions_kb) -> None:
    ranking = [{"name": "nlu_fallback", "confidence": 0.45}, {"name": "sscard_loss", "confidence": 0.3}]
    tracker = make_tracker("结算 34012319900101123X 13812345678", "nlu_fallback", ranking=ranking, confidence=0.45)
    messages, events = run(ActionAnswer(), tracker)
    assert "我不太确定您问的是哪件事" in texts(messages)
    assert any(p.startswith("/choose_service") for p in payloads(messages))
    assert "/request_human" in payloads(messages)
    assert slots_set(events)["failed_turns"] == 1
    [row] = _rows(actions_kb, UnansweredQuestion)
    assert row.intent == "sscard_loss" and row.reason == "unclear" and row.suggested
    assert "13812345678" not in row.text and "34012319900101123X" not in row.text


def test_repeated_failures_offer_a_person_first(actions_kb) -> None:
    tracker = make_tracker("结算", "nlu_fallback", slots={"failed_turns": 1}, confidence=0.45)
    messages, events = run(ActionAnswer(), tracker)
    assert payloads(messages)[0] == "/request_human"
    assert "12345" in texts(messages)
    assert slots_set(events)["failed_turns"] == 2


def test_out_of_scope_is_declined_politely_with_suggestions(actions_kb, kb) -> None:
    messages, events = run(ActionAnswer(), make_tracker("明天下雨吗", "out_of_scope"))
    assert "不在我能回答的范围" in texts(messages) and "12345" in texts(messages)
    assert "、".join(kb.topics()) in texts(messages)  # what it can answer, from the KB
    assert payloads(messages)[0] != "/request_human" and slots_set(events)["failed_turns"] == 1


def test_repeated_out_of_scope_questions_offer_a_person_first(actions_kb) -> None:
    tracker = make_tracker("明天下雨吗", "out_of_scope", slots={"failed_turns": 1})
    messages, events = run(ActionAnswer(), tracker)
    assert payloads(messages)[0] == "/request_human" and slots_set(events)["failed_turns"] == 2
    assert _rows(actions_kb, UnansweredQuestion)[0].reason == "out_of_scope"


def test_core_fallback_re_asks_the_open_form_question() -> None:
    tracker = make_tracker("嗯嗯", "affirm", slots={"requested_slot": "medical_stay"}, active_loop="medical_form")
    messages, events = run(ActionCoreFallback(), tracker)
    assert messages[-1]["response"] == "utter_ask_medical_stay"
    assert events[-1]["event"] == "rewind"


def test_handoff_names_12345_and_the_responsible_bureau() -> None:
    messages, _ = run(ActionHandoff(), make_tracker("找人工", "request_human", slots={"service_key": "sscard_loss"}))
    reply = texts(messages)
    assert "12345政务服务便民热线" in reply and "市人力资源社会保障局" in reply and "12333" in reply
    assert payloads(messages) == ["/affirm", "/deny"]


@pytest.mark.parametrize(
    "text",
    ["不想跟机器说话", "有真人客服吗", "human please", "/request_human", "能不能找个工作人员帮我办一下", "找个人问问"],
)
def test_a_request_for_a_person_is_handed_over(text: str) -> None:
    messages, _ = run(ActionHandoff(), make_tracker(text, "request_human"))
    assert "需要人工帮助的话" in texts(messages)


@pytest.mark.parametrize(
    ("text", "service", "bureau"),
    [
        ("我要找人工客服 问一下医保关系转移", "medical_insurance_transfer", "市数据资源管理局(政务服务局)"),
        ("转人工，我想问下社保卡丢了咋挂失", "sscard_loss", "市人力资源社会保障局"),
    ],
)
def test_a_request_for_a_person_that_says_the_matter_answers_it_first(text: str, service: str, bureau: str) -> None:
    messages, events = run(ActionHandoff(), make_tracker(text, "request_human"))
    reply = texts(messages)
    assert reply.index(bureau) < reply.index("需要人工帮助的话")  # the answer, then the offer of a person
    assert slots_set(events)["service_key"] == service
    assert payloads(messages)[-2:] == ["/affirm", "/deny"]  # the last question is still whether to leave a message


@pytest.mark.parametrize("text", ["转人工 快点", "有没有人工客服啊 我要投诉"])  # no matter of ours by name
def test_a_request_for_a_person_with_no_matter_besides_only_offers_one(text: str) -> None:
    messages, events = run(ActionHandoff(), make_tracker(text, "request_human"))
    assert texts(messages).startswith("需要人工帮助的话") and "service_key" not in slots_set(events)


def test_a_question_that_only_sounds_like_a_request_for_help_is_answered() -> None:
    messages, events = run(ActionHandoff(), make_tracker("让我爸帮我去领社保卡行不", "request_human"))
    assert not messages and events == [{"event": "followup", "timestamp": None, "name": "action_answer"}]


def test_someone_else_doing_the_errand_is_a_question_not_a_request_for_a_person() -> None:
    messages, events = run(
        ActionHandoff(), make_tracker("能找人代办不", "request_human", slots={"service_key": "sscard_apply"})
    )
    assert not messages and events == [{"event": "followup", "timestamp": None, "name": "action_answer"}]


def test_dialogue_falling_back_after_an_answer_listens_instead_of_replying_again() -> None:
    # an answer run as a follow-up action (see above) is continued by no rule: the core fallback comes next
    tracker = make_tracker("大概六千来块钱的", "request_human")
    tracker.events.append({"event": "bot", "text": "【出入境旅客通关申报】…"})
    messages, events = run(ActionCoreFallback(), tracker)
    assert not messages and events == [{"event": "followup", "timestamp": None, "name": "action_listen"}]


def test_core_fallback_on_a_new_message_still_suggests() -> None:
    messages, _ = run(ActionCoreFallback(), make_tracker("社保卡", "inform", answered=True))
    assert "我不太确定您问的是哪件事" in texts(messages)  # the earlier answer was to an earlier message


def test_abuse_after_an_answer_is_taken_as_feedback_though_it_has_a_question_word(actions_kb) -> None:
    tracker = make_tracker("你说的啥玩意儿，蠢死了", "feedback_unhelpful", confidence=0.7, answered=True)
    messages, _ = run(ActionStoreFeedback(), tracker)
    assert "抱歉没帮上忙" in texts(messages) and "/request_human" in payloads(messages)


@pytest.mark.parametrize(
    ("text", "intent", "confidence", "key", "fact"),
    [
        ("领卡也得她本人去？", "feedback_helpful", 0.91, "sscard_apply", "必须本人去"),  # was "谢谢您的反馈"
        # was "抱歉没帮上忙": whether it is as much as what it is compared with is asked of the matter
        ("报的跟直接结的一样多不", "feedback_unhelpful", 0.83, "manual_reimbursement", "低一些"),
        # the question put again ("我是问…"), asking no aspect (was "抱歉没帮上忙")
        ("我是问现在能住的 不是以后规划的", "feedback_unhelpful", 0.45, "elderly_care", "市民政局"),
        # what the citizen was told elsewhere, against the answer: what the KB says of it (was "抱歉没帮上忙")
        ("你说的不对 上海那边说不用备案", "feedback_unhelpful", 0.65, "medical_filing", "没有查到官方依据"),
    ],
)
def test_a_question_of_the_matter_discussed_is_no_feedback_however_sure_nlu_is(
    actions_kb, text: str, intent: str, confidence: float, key: str, fact: str
) -> None:
    tracker = make_tracker(text, intent, confidence=confidence, slots={"service_key": key}, answered=True)
    messages, _ = run(ActionStoreFeedback(), tracker)
    said = texts(messages)
    assert fact in said and "谢谢您的反馈" not in said and "抱歉没帮上忙" not in said, said
    assert not _rows(actions_kb, Feedback)


def test_someone_to_do_a_bit_of_another_offices_errand_is_no_request_for_a_person() -> None:
    messages, events = run(ActionHandoff(), make_tracker("交通违章在哪查 扣分能找人代扣不", "request_human"))
    assert not messages and events == [{"event": "followup", "timestamp": None, "name": "action_answer"}]


def test_message_left_is_stored_masked_with_context(actions_kb) -> None:
    tracker = make_tracker(
        "想问问", "inform", slots={"handoff_text": f"回宿州怎么报销 {PERSONAL}", "service_key": "manual_reimbursement"}
    )
    messages, events = run(ActionSaveHandoffMessage(), tracker)
    assert "已收到您的留言" in texts(messages)
    [row] = _rows(actions_kb, HandoffMessage)
    assert row.consent and row.service_key == "manual_reimbursement" and row.bureau == "市医保局"
    assert "13812345678" not in row.text and "***" in row.text
    assert slots_set(events)["handoff_text"] is None


def test_a_message_left_that_asks_what_the_kb_answers_is_answered_too(actions_kb) -> None:
    slots = {"handoff_text": "我想问下正式挂失要带啥", "service_key": "sscard_loss"}  # was "已收到您的留言" alone
    messages, _ = run(ActionSaveHandoffMessage(), make_tracker("我想问下正式挂失要带啥", "inform", slots=slots))
    reply = texts(messages)
    assert "已收到您的留言" in reply and "有效身份证件" in reply and "市人力资源社会保障局" in reply, reply
    assert len(_rows(actions_kb, HandoffMessage)) == 1
    # guard: a message the KB does not answer is only stored
    slots = {"handoff_text": "你们工作人员下午几点下班", "service_key": "sscard_loss"}
    tracker = make_tracker("你们工作人员下午几点下班", "out_of_scope", confidence=0.9, slots=slots)
    messages, _ = run(ActionSaveHandoffMessage(), tracker)
    assert texts(messages).startswith("已收到您的留言") and "【" not in texts(messages), texts(messages)


def test_feedback_is_stored_with_the_service(actions_kb) -> None:
    slots = {"service_key": "customs"}
    run(ActionStoreFeedback(), make_tracker("有帮助", "feedback_helpful", slots=slots, answered=True))
    messages, _ = run(ActionStoreFeedback(), make_tracker("没用", "feedback_unhelpful", slots=slots, answered=True))
    assert "/request_human" in payloads(messages)
    rows = _rows(actions_kb, Feedback)
    assert [(r.helpful, r.service_key) for r in rows] == [(True, "customs"), (False, "customs")]


def test_kb_outage_is_an_apology_not_a_crash(tmp_path) -> None:
    kb_access.use_engine(create_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}", future=True))
    for action, tracker in [
        (ActionAnswer(), make_tracker("社保卡丢了", "sscard_loss")),
        (ActionAnswer(), make_tracker("啥", "nlu_fallback")),
        (ActionStoreFeedback(), make_tracker("有用", "feedback_helpful")),
    ]:
        messages, events = run(action, tracker)
        assert texts(messages) == APOLOGY and events == []


def test_a_question_that_sounds_like_feedback_is_answered_not_stored(actions_kb) -> None:
    slots = {"service_key": "settle_inpatient"}
    tracker = make_tracker("进口药能报不", "feedback_unhelpful", slots=slots, confidence=0.48, answered=True)
    messages, _ = run(ActionStoreFeedback(), tracker)
    assert "负责部门：市医保局" in texts(messages) and _rows(actions_kb, Feedback) == []
    messages, _ = run(ActionStoreFeedback(), make_tracker("你们这个一点用都没有", "feedback_unhelpful", confidence=0.9))
    assert _rows(actions_kb, Feedback) == []  # nothing was answered yet: there is nothing to rate


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("长期居住", "长期居住"),
        ("常住", "长期居住"),
        ("長期", "长期居住"),
        ("出差", "临时外出"),
        ("不知道", None),
        (None, None),
    ],
)
def test_stay_answers_are_understood(actions_kb, value, expected) -> None:
    assert ValidateMedicalForm().validate_medical_stay(value, None, None, {}) == {"medical_stay": expected}


@pytest.mark.parametrize(
    ("value", "text", "expected"),
    [
        ("转诊", "医院开了转诊单", "是"),
        ("是", "对", "是"),
        ("否", "不是", "否"),
        ("转诊", "没开转诊单 自己去的", "否"),
        ("转院", "没有办转院手续", "否"),
        ("转诊", "没有医院开的转诊单能备案不", "否"),
        ("转诊", "没想到医生让转诊", "是"),
        ("转诊", "没有想到医生让转诊", "是"),
        ("转院", "没几天就转院了", "是"),
        ("转院", "没办法只能转院", "是"),
    ],
)
def test_referral_answers_are_understood(value, text, expected) -> None:
    tracker = make_tracker(text, "inform")
    assert ValidateMedicalForm().validate_medical_referral(value, None, tracker, {}) == {"medical_referral": expected}


@pytest.mark.parametrize(
    ("value", "text", "expected"),
    [
        ("急诊", "挂的急诊号", "是"),
        ("急诊", "不是急诊 计划去的", "否"),
        ("抢救", "没抢救", "否"),
        ("否", "不是", "否"),
        ("急诊", "没想到半夜送急诊", "是"),
        ("急诊", "不是说急诊不用备案吗", "是"),  # a claim heard, not a no
        ("急诊", "我不是说急诊 是普通门诊", "否"),  # a correction: a no
        ("急诊", "没有想到半夜送急诊", "是"),
    ],
)
def test_emergency_answers_are_understood(value, text, expected) -> None:
    tracker = make_tracker(text, "inform")
    assert ValidateMedicalForm().validate_medical_emergency(value, None, tracker, {}) == {"medical_emergency": expected}


def test_medical_form_asks_only_what_matters() -> None:
    form = ValidateMedicalForm()
    all_slots = ["medical_stay", "medical_emergency", "medical_referral"]

    def required(**slots):
        return asyncio.run(form.required_slots(all_slots, None, make_tracker(slots=slots), {}))

    assert required(medical_stay="长期居住") == ["medical_stay"]
    assert required(medical_stay="临时外出", medical_emergency="是") == ["medical_stay", "medical_emergency"]
    assert required(medical_stay="临时外出", medical_emergency="否") == all_slots


def test_message_text_is_masked_and_never_empty() -> None:
    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    assert ValidateHandoffForm().validate_handoff_text(PERSONAL, dispatcher, None, {})["handoff_text"].count("***") == 2
    assert ValidateHandoffForm().validate_handoff_text("   ", dispatcher, None, {}) == {"handoff_text": None}


@pytest.mark.parametrize("text", ["宅基地能卖给外村的人不", "行，我打电话问问", "能不打电话不，俺不爱跟人说"])
def test_words_of_people_and_phones_alone_ask_for_no_person(text: str) -> None:
    messages, events = run(ActionHandoff(), make_tracker(text, "request_human"))
    assert not messages and events == [{"event": "followup", "timestamp": None, "name": "action_answer"}]


def test_likely_services_with_one_lead_bureau_say_who_is_responsible(kb) -> None:
    cards = [kb.service(k) for k in ("sscard_apply", "sscard_loss", "sscard_locked")]
    assert "这几件事都由市人力资源社会保障局负责" in texts(_suggested(cards))
    assert "负责" not in texts(_suggested([kb.service(k) for k in ("sscard_apply", "medical_filing")]))


def _suggested(services) -> list:
    dispatcher = CollectingDispatcher()
    suggest(dispatcher, make_tracker("社保卡", "nlu_fallback", confidence=0.45), services)
    return dispatcher.messages


@pytest.mark.parametrize(
    "text",
    [
        "以后再碰上急诊 是不是也得提前弄好那个",
        "回到刚才说的备案 到底该找谁问",
        "具体说说我这种情况咋办",  # the citizen's own case asked about (was "抱歉没帮上忙")
    ],
)
def test_a_question_nlu_is_sure_is_feedback_is_answered(actions_kb, text: str) -> None:
    slots = {"service_key": "medical_filing"}
    tracker = make_tracker(text, "feedback_helpful", slots=slots, confidence=0.85, answered=True)
    messages, _ = run(ActionStoreFeedback(), tracker)
    assert "市医保局" in texts(messages), texts(messages)


def test_a_dispute_saying_nothing_the_kb_knows_is_feedback(actions_kb) -> None:  # guard for what was told elsewhere
    slots = {"service_key": "medical_filing"}
    tracker = make_tracker("不对 人家说不是这样", "feedback_unhelpful", confidence=0.8, slots=slots, answered=True)
    messages, _ = run(ActionStoreFeedback(), tracker)
    assert "抱歉没帮上忙" in texts(messages), texts(messages)


def test_short_feedback_with_a_question_word_is_still_feedback(actions_kb) -> None:
    slots = {"service_key": "medical_filing"}
    tracker = make_tracker("咋还是没说清楚", "feedback_unhelpful", slots=slots, confidence=0.9, answered=True)
    messages, _ = run(ActionStoreFeedback(), tracker)
    assert "您的反馈已经记下了" in texts(messages), texts(messages)


def test_asking_whether_a_rule_is_written_down_is_answered_not_stored(actions_kb) -> None:
    slots = {"service_key": "onecard"}  # was "抱歉没帮上忙，您的反馈已经记下了"
    tracker = make_tracker("有正式文件不 还是光说说", "feedback_unhelpful", slots=slots, confidence=0.99, answered=True)
    messages, _ = run(ActionStoreFeedback(), tracker)
    assert "2022年10月1日" in texts(messages), texts(messages)


@pytest.mark.parametrize(
    ("text", "intent"),
    [  # were "谢谢您的反馈", "抱歉没帮上忙…" (nothing said again) and "好的。还有什么想问的吗？"
        ("没看懂", "feedback_helpful"),
        ("太长了 俺看不过来", "feedback_unhelpful"),
        ("你说的俺听不懂", "feedback_unhelpful"),
    ],
)
def test_asked_to_say_it_simpler_the_matter_is_said_again_short_and_the_answer_rated_unhelpful(
    actions_kb, text: str, intent: str
) -> None:
    tracker = make_tracker(text, intent, confidence=0.9, slots={"service_key": "sscard_loss"}, answered=True)
    messages, _ = run(ActionStoreFeedback(), tracker)
    said = texts(messages)
    assert "简单说，“社会保障卡挂失”" in said and "负责部门：市人力资源社会保障局" in said and "12333" in said, said
    assert "/ask_materials" in payloads(messages) and "/request_human" in payloads(messages)
    assert [(r.helpful, r.service_key) for r in _rows(actions_kb, Feedback)] == [(False, "sscard_loss")]


@pytest.mark.parametrize(("text", "intent"), [("再说一遍", "affirm"), ("没明白", "deny"), ("我不会弄", "deny")])
def test_asked_to_say_it_again_after_an_answer_the_matter_is_said_again(text: str, intent: str) -> None:
    tracker = make_tracker(text, intent, confidence=0.9, slots={"service_key": "medical_filing"}, answered=True)
    said = texts(run(ActionAnswer(), tracker)[0])
    assert "简单说，“跨省异地就医备案”" in said and "市医保局" in said and "还有什么想问的" not in said, said


def test_not_understanding_and_asking_something_is_answered_as_the_question() -> None:
    tracker = make_tracker("不懂 那要带啥", "ask_materials", slots={"service_key": "sscard_loss"}, answered=True)
    said = texts(run(ActionAnswer(), tracker)[0])
    assert "所需材料" in said and "简单说" not in said, said


def test_a_stay_told_again_after_an_answer_tailors_it_not_rates_it(actions_kb) -> None:
    # "不对…不长住 就去待俩月": the citizen's case corrected (was "抱歉没帮上忙，您的反馈已经记下了")
    text = "不对 俺没说清 俺们不长住 就去待俩月看看孙子 过完年就回来"
    tracker = make_tracker(text, "feedback_unhelpful", slots={"service_key": "settle_chronic"}, confidence=0.5,
                           answered=True)  # fmt: skip
    messages, _ = run(ActionStoreFeedback(), tracker)
    reply = texts(messages)
    assert "根据您说的情况（临时去外地看病）" in reply and "临时外出就医" in reply, reply
    assert _rows(actions_kb, Feedback) == []
