"""Service, aspect and responsibility answers come from the KB and always name bureau and source."""

from __future__ import annotations

from sqlalchemy import select

from actions.answers import (
    CARD_PROBLEM_SERVICE,
    ActionAnswerAspect,
    ActionAnswerResponsible,
    ActionAnswerService,
    ActionGreet,
)
from actions.replies import faq_message
from kb.db import session_factory
from kb.io import bump_revision
from kb.models import Faq, Service
from tests.actions.conftest import make_tracker, payloads, run, slots_set, texts


def test_service_answer_names_service_bureau_task_hotline_and_source() -> None:
    messages, events = run(ActionAnswerService(), make_tracker("医宝异地被案咋办", "medical_filing"))
    reply = texts(messages)
    assert "【跨省异地就医备案】" in reply
    assert "负责部门：市医保局" in reply
    assert "第23项任务“优化异地就医医保服务”" in reply
    assert "12393" in reply and "信息来源：" in reply and "核对日期" in reply
    assert payloads(messages) == ["/ask_materials", "/ask_steps", "/ask_channels", "/request_human"]
    assert slots_set(events)["service_key"] == "medical_filing"


def test_every_service_intent_gets_an_answer_from_its_own_family(kb) -> None:
    for intent in kb.service_intents():
        messages, events = run(ActionAnswerService(), make_tracker("想问问", intent))
        key = slots_set(events)["service_key"]
        assert kb.service(key).intent == intent
        assert "负责部门：" in texts(messages)


def test_family_member_chosen_by_the_citizens_words() -> None:
    _, events = run(ActionAnswerService(), make_tracker("第一次办身份证能在上海办吗", "cross_province"))
    assert slots_set(events)["service_key"] == "first_id_card"
    _, events = run(ActionAnswerService(), make_tracker("在宿州能办外省的事吗", "cross_province"))
    assert slots_set(events)["service_key"] == "cross_province"


def test_a_covered_disease_is_confirmed() -> None:
    tracker = make_tracker("俺有高血压在杭州拿药", "settle_chronic", [{"entity": "disease", "value": "高血压"}])
    messages, _ = run(ActionAnswerService(), tracker)
    assert "您提到的“高血压”在可以跨省直接结算的门诊慢特病病种范围内" in texts(messages)


def test_medical_form_answers_fit_the_situation(kb) -> None:
    faqs = {f.key: f.answer for f in kb.faqs_for("medical_filing")}
    cases = [
        ({"medical_stay": "长期居住"}, "filing_validity"),
        ({"medical_stay": "临时外出", "medical_emergency": "是"}, "emergency_no_filing"),
        ({"medical_stay": "临时外出", "medical_emergency": "否", "medical_referral": "是"}, "referral_requirements"),
        ({"medical_stay": "临时外出", "medical_emergency": "否", "medical_referral": "否"}, "filing_validity"),
    ]
    for slots, faq in cases:
        tracker = make_tracker("是的", "affirm", slots=slots, history=[("medical_filing", "去上海看病要备案吗")])
        messages, events = run(ActionAnswerService(), tracker)
        assert faqs[faq] in texts(messages)
        assert "【跨省异地就医备案】" in texts(messages)
        assert all(slots_set(events)[s] is None for s in slots)  # the situation is cleared after answering


def test_sscard_form_answer_follows_the_problem(kb) -> None:
    for problem, key in CARD_PROBLEM_SERVICE.items():
        assert kb.service(key) is not None
        tracker = make_tracker("", "inform", slots={"card_problem": problem}, history=[("sscard_problem", "卡坏了")])
        messages, events = run(ActionAnswerService(), tracker)
        assert slots_set(events)["service_key"] == key
        assert f"【{kb.service(key).name}】" in texts(messages)


def test_a_card_problem_said_in_passing_does_not_take_over_another_answer() -> None:
    history = [("ask_contact", "社保卡锁了打什么电话"), ("medical_filing", "去杭州看病咋备案")]
    slots = {"card_problem": "锁定", "medical_stay": "长期居住"}
    messages, events = run(ActionAnswerService(), make_tracker("长期在杭州", "inform", slots=slots, history=history))
    assert slots_set(events)["service_key"] == "medical_filing"
    assert "社保卡锁定" not in texts(messages) and "【跨省异地就医备案】" in texts(messages)


def test_a_follow_up_with_another_intent_gets_materials() -> None:
    tracker = make_tracker("在上海", "inform", slots={"service_key": "sscard_loss"})
    messages, _ = run(ActionAnswerAspect(), tracker)
    assert "【社会保障卡挂失 · 所需材料】" in texts(messages)


def test_a_button_choice_answers_that_service() -> None:
    tracker = make_tracker(
        '/choose_service{"service_key":"customs"}', "choose_service", [{"entity": "service_key", "value": "customs"}]
    )
    messages, _ = run(ActionAnswerService(), tracker)
    assert "【出入境旅客通关申报】" in texts(messages) and "宿州海关" in texts(messages)


def test_follow_up_uses_the_service_under_discussion() -> None:
    tracker = make_tracker("那要带什么材料", "ask_materials", slots={"service_key": "manual_reimbursement"})
    messages, _ = run(ActionAnswerAspect(), tracker)
    reply = texts(messages)
    assert "异地就医费用手工报销" in reply and "所需材料" in reply and "发票" in reply
    assert "负责部门：市医保局" in reply


def test_a_named_service_wins_over_the_context() -> None:
    tracker = make_tracker("社宝卡挂失要带啥", "ask_materials", slots={"service_key": "customs"})
    messages, events = run(ActionAnswerAspect(), tracker)
    assert "社会保障卡挂失" in texts(messages)
    assert slots_set(events)["service_key"] == "sscard_loss"


def test_a_detail_no_source_gives_points_to_bureau_and_hotline(kb) -> None:
    service = next(s for t in kb.topics() for s in kb.services_by_topic(t) if not s.time_limit)
    messages, _ = run(
        ActionAnswerAspect(), make_tracker("要多久", "ask_time_limit", slots={"service_key": service.key})
    )
    reply = texts(messages)
    assert "没有查到权威来源" in reply and service.lead_bureau in reply
    assert any(h in reply for h in ("12345", "12393", "12333", "12315"))


def test_follow_up_without_any_service_asks_which() -> None:
    messages, events = run(ActionAnswerAspect(), make_tracker("在哪办", "ask_channels"))
    assert "您想了解哪项服务" in texts(messages)
    assert payloads(messages) and events == []


def test_who_leads_a_numbered_task() -> None:
    messages, _ = run(ActionAnswerResponsible(), make_tracker("第25项任务谁牵头", "ask_responsible"))
    reply = texts(messages)
    assert "第25项任务" in reply
    assert "市人力资源社会保障局、市交通运输局、市文化和旅游局、市数据资源管理局(政务服务局)、市民政局等" in reply


def test_who_leads_a_field_a_service_and_what_a_bureau_does() -> None:
    messages, _ = run(ActionAnswerResponsible(), make_tracker("通关便利化是哪个单位牵头", "ask_responsible"))
    assert "牵头单位：宿州海关" in texts(messages)
    messages, _ = run(ActionAnswerResponsible(), make_tracker("跨省通办归哪个部门管", "ask_responsible"))
    assert "市数据资源管理局(政务服务局)" in texts(messages)
    tracker = make_tracker("民政局管啥", "ask_responsible", [{"entity": "bureau", "value": "市民政局"}])
    messages, _ = run(ActionAnswerResponsible(), tracker)
    reply = texts(messages)
    assert "【市民政局】" in reply and "第24项" in reply and "12345" in reply


def test_greeting_offers_the_kbs_topics(kb) -> None:
    messages, _ = run(ActionGreet(), make_tracker("你好", "greet"))
    assert messages[0]["response"] == "utter_greet"
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert titles[:3] == ["跨省通办", "异地就医", "社保卡"]
    assert set(titles) == set(kb.topics())


def test_published_edits_reach_the_next_answer(actions_kb) -> None:
    with session_factory(actions_kb).begin() as session:
        service = session.scalars(select(Service).where(Service.key == "sscard_loss")).one()
        service.materials = ["本人有效身份证件", "新增的测试材料"]
        bump_revision(session)
    tracker = make_tracker("要带什么", "ask_materials", slots={"service_key": "sscard_loss"})
    assert "新增的测试材料" in texts(run(ActionAnswerAspect(), tracker)[0])


def test_a_question_a_curated_faq_answers_gets_that_faq_first(kb) -> None:
    messages, _ = run(ActionAnswerService(), make_tracker("带多少现金出境要申报", "customs"))
    faq = next(f for f in kb.faqs_for("customs") if f.key == "customs_cash")
    assert messages[0]["text"].startswith(f"【常见问题】{faq.questions[0]}\n{faq.answer}")
    assert "【出入境旅客通关申报】" in texts(messages[1:]) and "负责部门：宿州海关" in texts(messages)


def test_a_broad_question_gets_the_guide_without_a_guessed_faq() -> None:
    messages, _ = run(ActionAnswerService(), make_tracker("异地就医备案怎么办", "medical_filing"))
    assert "【常见问题】" not in texts(messages)
    messages, _ = run(
        ActionAnswerAspect(), make_tracker("要带什么材料", "ask_materials", slots={"service_key": "sscard_loss"})
    )
    assert "【常见问题】" not in texts(messages)


def test_a_whole_follow_up_question_gets_its_faq_with_the_aspect() -> None:
    messages, _ = run(ActionAnswerAspect(), make_tracker("社保卡锁了能在网上解吗", "ask_channels"))
    assert messages[0]["text"].startswith("【常见问题】社保卡密码输错几次会锁")
    assert "【社会保障卡锁卡解锁与密码重置 · 办理渠道】" in texts(messages)


def test_notes_and_links_are_part_of_the_first_answer(kb) -> None:
    messages, _ = run(ActionAnswerService(), make_tracker("买到假货想投诉", "consumer_complaint"))
    service = kb.service("consumer_complaint")
    assert all(note in texts(messages) for note in service.notes)
    assert "相关网站：全国12315平台 https://www.12315.cn" in texts(messages)


def test_a_published_faq_edit_reaches_the_next_answer(actions_kb) -> None:
    with session_factory(actions_kb).begin() as session:
        faq = session.scalars(select(Faq).where(Faq.key == "customs_cash")).one()
        faq.answer = "编辑刚发布的新答复。"
        bump_revision(session)
    messages, _ = run(ActionAnswerService(), make_tracker("带多少现金出境要申报", "customs"))
    assert "编辑刚发布的新答复。" in messages[0]["text"]


def test_a_task_number_the_plan_does_not_have_is_said_plainly() -> None:
    messages, _ = run(ActionAnswerResponsible(), make_tracker("第100项任务谁牵头", "ask_responsible"))
    assert "共有80项任务（第1项到第80项），没有第100项" in texts(messages)


def test_an_faq_answered_on_its_own_always_says_who_to_ask(kb) -> None:
    faq = next(f for f in kb.faqs_for("customs") if f.key == "customs_cash")
    assert "负责部门：宿州海关" in faq_message(faq, bureaus=["宿州海关"])["text"]
    assert "负责部门：请拨打12345政务服务便民热线" in faq_message(faq, bureaus=[])["text"]
    assert "负责部门" not in faq_message(faq)["text"]  # a service answer naming the bureau follows
