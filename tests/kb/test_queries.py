"""The query layer the actions call."""

from __future__ import annotations

import re
import threading
import time

import pytest
from sqlalchemy import select

from kb.db import session_factory
from kb.io import bump_revision
from kb.models import DRAFT, Service
from kb.queries import CARD_PROBLEM, KnowledgeBase, task_numbers_in


def test_intent_family_puts_the_primary_first(kb) -> None:
    family = kb.services_for_intent("cross_province")
    assert family[0].key == "cross_province"
    assert {s.key for s in family} >= {"first_id_card", "pension_transfer"}


def test_service_view_names_bureaus_tasks_and_sources(kb) -> None:
    service = kb.service("medical_filing")
    assert service.bureaus == ("市医保局",)
    assert [t.number for t in service.tasks] == [23]
    assert service.tasks[0].leads == ("市医保局",)
    assert service.sources and service.hotline == "12393"


def test_bureau_by_alias_and_details(kb) -> None:
    assert kb.bureau_name("医疗保障局") == "市医保局"
    assert kb.bureau_name("政务服务局") == "市数据资源管理局(政务服务局)"
    bureau = kb.bureau("人社局")
    assert bureau.name == "市人力资源社会保障局"
    assert 25 in [t.number for t in bureau.leads_tasks]
    assert "社会保障卡申领" in bureau.services
    assert kb.bureau("不存在的局") is None


def test_bureaus_mentioned_in_a_sentence(kb) -> None:
    assert kb.bureaus_mentioned("医保局和民政局谁管养老") == ["市医保局", "市民政局"]


def test_which_bureau_leads_a_task_or_field(kb) -> None:
    [task] = kb.responsible_for("第23项任务谁牵头")
    assert task.leads == ("市医保局",)
    [task] = kb.responsible_for("云计算产业是哪个部门牵头")
    assert task.number == 13 and task.leads == ("市工业和信息化局",)
    [task] = kb.responsible_for("扩大跨省通办事项范围归谁")
    assert task.leads == ("市数据资源管理局(政务服务局)",)
    assert task_numbers_in("第 7 项任务和23号任务") == [7, 23]


def test_services_by_topic_and_bureau(kb) -> None:
    assert {s.key for s in kb.services_by_topic("社保卡")} >= {"sscard_apply", "sscard_loss", "e_sscard"}
    assert "consumer_complaint" in {s.key for s in kb.services_by_bureau("市场监管局")}


def test_faqs(kb) -> None:
    assert kb.faqs_for("medical_filing")
    (faq, score), *_ = kb.search_faqs("急诊要不要先备案")
    assert "急诊" in faq.answer and score > 0.5


def test_edits_reach_the_next_search_without_restart(kb_engine) -> None:
    knowledge = KnowledgeBase(kb_engine)
    assert knowledge.search_services("银发乘车卡")[0].key != "elderly_benefits"
    with session_factory(kb_engine).begin() as session:
        service = session.scalars(select(Service).where(Service.key == "elderly_benefits")).one()
        service.aliases = [*service.aliases, "银发乘车卡"]
        bump_revision(session)
    assert knowledge.search_services("银发乘车卡")[0].key == "elderly_benefits"


def test_drafts_are_invisible_to_citizens(kb_engine) -> None:
    knowledge = KnowledgeBase(kb_engine)
    with session_factory(kb_engine).begin() as session:
        service = session.scalars(select(Service).where(Service.key == "customs")).one()
        service.status = "draft"
        bump_revision(session)
    assert knowledge.service("customs") is None
    assert "customs" not in {h.key for h in knowledge.search_services("出国带现金要申报吗", limit=10)}


def test_faqs_can_be_limited_to_a_services_own(kb) -> None:
    [(faq, _)] = kb.search_faqs("社保卡的事打哪个电话", limit=1, services=["consumer_complaint"])
    assert "consumer_complaint" in faq.services
    assert kb.search_faqs("社保卡的事打哪个电话", limit=1)[0][0].key == "hotline_12333"


def test_an_faq_is_withdrawn_with_the_services_it_is_about(kb_engine) -> None:
    knowledge = KnowledgeBase(kb_engine)
    assert knowledge.search_faqs("出国带多少现金要申报", limit=1)[0][0].key == "customs_cash"
    with session_factory(kb_engine).begin() as session:
        session.scalars(select(Service).where(Service.key == "customs")).one().status = DRAFT
        bump_revision(session)
    assert all(faq.key != "customs_cash" for faq, _ in knowledge.search_faqs("出国带多少现金要申报"))


def test_while_one_request_rebuilds_after_an_edit_the_others_are_answered_at_once(kb_engine, monkeypatch) -> None:
    """The request that finds the edit rebuilds the index and sees the edit; requests arriving meanwhile
    are answered from the previous revision instead of waiting seconds for the rebuild."""
    knowledge = KnowledgeBase(kb_engine)
    knowledge.warm_up()
    building, release = threading.Event(), threading.Event()
    build = knowledge._build_cache

    def slow_build(revision: int):
        building.set()
        assert release.wait(30)
        return build(revision)

    monkeypatch.setattr(knowledge, "_build_cache", slow_build)
    with session_factory(kb_engine).begin() as session:
        service = session.scalars(select(Service).where(Service.key == "elderly_benefits")).one()
        service.aliases = [*service.aliases, "银发乘车卡"]
        bump_revision(session)
    first: list[str] = []
    rebuilding = threading.Thread(target=lambda: first.append(knowledge.search_services("银发乘车卡")[0].key))
    rebuilding.start()
    assert building.wait(30)
    started = time.monotonic()
    assert knowledge.search_services("银发乘车卡")[0].key != "elderly_benefits"  # the previous revision
    assert time.monotonic() - started < 1.0  # not held up by the rebuild
    release.set()
    rebuilding.join(30)
    assert first == ["elderly_benefits"]  # the request that rebuilt sees the edit
    assert knowledge.search_services("银发乘车卡")[0].key == "elderly_benefits"


def test_county_level_cities_where_citizens_work_are_elsewhere(kb) -> None:
    for text in ("我在昆山厂里上班", "在义乌做小生意", "儿子在浦东住"):
        assert kb.names_elsewhere(text), text
    assert not kb.names_elsewhere("我在埇桥区上班")


def test_home_places_are_suzhou_and_its_districts_and_counties_by_every_name(kb) -> None:
    home = re.compile(kb.home_places())
    for text in ("宿州", "埇桥区", "埇桥", "萧县", "砀山", "灵璧县", "泗县"):
        assert home.fullmatch(text), text
    assert not home.search("昆山 上海 杭州 合肥")


def test_a_word_of_another_office_is_not_corrected_into_one_of_the_kb(kb) -> None:
    assert kb.respelled("宿州那边还得回去开准迁证吗") == "宿州那边还得回去开准迁证吗"  # not 准签证
    assert kb.respelled("俺想办个迁证") == "俺想办个签证"  # (the homophone alone still is)


def test_english_is_read_in_the_kbs_own_words(kb) -> None:
    assert kb.in_chinese("My Social Security Card got stolen in Nanjing") == "my 社保卡 丢了 in 南京"
    assert kb.in_chinese("commercial insurance or medical insurance?") == "商业保险 or 医保?"
    assert kb.in_chinese("social insurance里的养老") == "社保里的养老"  # not 医保, as "insurance" alone is read
    assert kb.in_chinese("社保卡丢了") == "社保卡丢了"  # nothing English: as it was
    assert kb.in_chinese("pinch") == "pinch"  # whole words only ("pin code" is not in "pinch")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        *[("丢了", "丢失"), ("過期", "到期"), ("被锁", "锁定"), ("封存", "未激活"), ("好的", None), ("了", None)],
        # a value NLU's synonyms did not map: a word of the problem said within it, or a part of one
        *[("被偷了吧", "丢失"), ("丢", "丢失"), ("锁", "锁定"), ("激活", "未激活"), ("", None), (None, None)],
    ],
)
def test_an_entity_value_names_its_card_problem(kb, value, expected) -> None:
    assert kb.situation_of(CARD_PROBLEM, value) == expected


def test_card_problems_told_in_a_message(kb) -> None:
    assert kb.situations_said(CARD_PROBLEM, "社保卡不能用了 是不是过期了还是锁了") == {"到期", "锁定"}
    assert kb.situations_said(CARD_PROBLEM, "社保卡是宿州办的 现在找不到了") == {"丢失"}
    assert kb.situations_said(CARD_PROBLEM, "新领的社保卡还没激活") == {"未激活"}
    assert kb.situations_said(CARD_PROBLEM, "社保卡怎么申请") == set()
    assert kb.situations_said(CARD_PROBLEM, "社保卡不是过期了 是刷不了") == set()  # denied
    assert (
        kb.situation_said(CARD_PROBLEM, "丢失", "发票弄丢了一张").start() == 2
    )  # where: what is lost is said before it


@pytest.mark.parametrize(
    ("text", "stay"),
    [
        ("退休了去上海儿子家常住", "长期居住"),
        ("就是出差几天", "临时外出"),
        ("不对 俺们不长住 就去待俩月看看孙子", "临时外出"),  # the long stay denied
        ("不是长期的 临时去一趟", "临时外出"),
        ("在外地看病咋备案", None),
        ("先长期后来又临时", None),  # both: not told
    ],
)
def test_how_long_the_citizen_stays_is_read(kb, text, stay) -> None:
    assert kb.stay_told(text) == stay


def test_everyday_words_are_read_in_the_kbs_own_words(kb) -> None:
    assert kb.in_kb_words("刚跳槽到杭州 交的合作医疗咋办") == "刚换工作到杭州 交的医保咋办"
    assert kb.in_kb_words("带5000美金出境要报吗") == "带5000美元出境要报吗"
    assert kb.in_kb_words("social insurance跳槽了咋转") == "社保换工作了咋转"  # English and everyday words alike
    assert kb.in_kb_words("俺爹血压高好些年了") == "俺爹高血压好些年了"
    assert kb.in_kb_words("社保卡丢了") == "社保卡丢了"
    assert kb.in_kb_words("坐地铁包被人划了 社保卡现在找不着了") == "坐地铁丢了 社保卡现在丢了"
    assert kb.in_kb_words("车被人划了") == "车被人划了"  # damage, not loss
    # with their homophone typos, the rest of the text as it was
    assert kb.in_kb_words("刚跳曹到杭州 医宝咋办") == "刚换工作到杭州 医宝咋办"
    assert kb.in_kb_words("他腿角不好 能让别人去办不") == "他行动不便 能让别人去办不"
    assert kb.in_kb_words("钱包叫人摸走了 里面有社保卡") == "钱包丢了 里面有社保卡"
    assert kb.in_kb_words("在宁波交的看病那个保险") == "在宁波交的医保"


def test_not_paying_first_at_a_visit_to_come_is_settling_directly(kb) -> None:
    assert kb.in_kb_words("下回咋样才能不垫钱") == "下回咋样才能直接结算"
    assert kb.in_kb_words("下回再去咋样才能不用自己先垫那么些钱") == "下回再去咋样才能直接结算那么些钱"
    # what a step done brings, and a visit told: as they were
    assert kb.in_kb_words("弄了以后去南京看病就不用先垫钱 叫个啥名") == "弄了以后去南京看病就不用先垫钱 叫个啥名"
    assert kb.in_kb_words("在外地住院不用先垫钱吗") == "在外地住院不用先垫钱吗"
    assert kb.in_kb_words("备案以后去南京看病就不用先垫钱了吧") == "备案以后去南京看病就不用先垫钱了吧"
    assert kb.in_kb_words("下次用不用先垫付") == "下次用不用先垫付"  # asked, not wished
