"""Facts corrected by the content audit (issue 12), pinned at the KB level.

Each test names the issue item it pins. The rule that every responsible bureau leads one of the service's
plan tasks, or is named by one of its sources, is in tests/kb/test_content.py.
"""

from __future__ import annotations

import re
from pathlib import Path

from kb.seed import seed_document
from kb.settings import PROJECT_ROOT

ZONE = "示范区"
DATA_BUREAU = "市数据资源管理局(政务服务局)"


def _texts(service) -> str:
    return "\n".join([service.summary, service.eligibility or "", *service.steps, *service.notes])


def _faq(kb, service_key: str, faq_key: str):
    return next(f for f in kb.faqs_for(service_key) if f.key == faq_key)


# --- item 1: 国办发〔2020〕35号 names three modes; 长三角“一网通办” is kept apart ------------------------


def test_item1_cross_province_names_the_three_modes_of_its_source(kb) -> None:
    service = kb.service("cross_province")
    for mode in ("全程网办", "异地代收代办", "多地联办"):
        assert mode in service.summary
    assert "国办发〔2020〕35号" in service.summary
    assert "两种" not in _texts(service)
    assert any("vlaws.cn" in (s.get("url") or "") for s in service.sources)
    answer = _faq(kb, "cross_province", "online_vs_proxy").answer
    assert all(mode in answer for mode in ("全程网办", "异地代收代办", "多地联办"))


def test_item1_one_network_is_its_own_service(kb) -> None:
    cross, one_network = kb.service("cross_province"), kb.service("yrd_one_network")
    assert "一网通办" not in cross.summary and "一网通办" not in cross.aliases
    assert "一网通办" in one_network.aliases and "2019年5月" in one_network.summary
    assert "多地联办" not in one_network.summary
    assert one_network.intent == "cross_province"


# --- item 2: 跨省通办 is nationwide ---------------------------------------------------------------------


def test_item2_cross_province_is_not_limited_to_the_yangtze_delta(kb) -> None:
    service = kb.service("cross_province")
    assert "全国" in service.summary and "不只限于长三角" in service.summary
    assert "不只长三角" in service.eligibility and "广东" in service.eligibility
    answer = _faq(kb, "cross_province", "cross_province_nationwide").answer
    assert answer.startswith("不只长三角") and "全国" in answer


# --- item 3: first ID card — the plan's lead of task 18, not 市公安局 -------------------------------------


def test_item3_first_id_card_is_run_by_the_lead_of_task_18(kb) -> None:
    service = kb.service("first_id_card")
    assert service.bureaus == (DATA_BUREAU,)
    assert [t.number for t in service.tasks] == [18]
    assert service.tasks[0].leads == (DATA_BUREAU,)
    assert "市公安局" not in _texts(service)
    assert 18 not in [t.number for t in kb.bureau("市公安局").leads_tasks + kb.bureau("市公安局").co_tasks]
    # where 公安 appears it is attributed to its source
    assert any("公安机关" in n and "安徽日报" in n for n in service.notes)


# --- item 4: 敬老同城化 is for the demonstration zone's own residents --------------------------------------


def test_item4_jinglao_is_for_the_zone_residents_only(kb) -> None:
    service = kb.service("elderly_onecard")
    assert ZONE in service.summary and "自己的60周岁以上居民" in service.summary
    assert "来源没有说宿州" in service.summary
    assert not {"外地老人享受本地待遇", "异地老人优待"} & set(service.aliases)
    answer = _faq(kb, "elderly_onecard", "jinglao_suzhou_elderly").answer
    assert "没有说宿州等外地老人也适用" in answer


# --- item 5: talent — leads only; tasks 5 and 6 cited ---------------------------------------------------


def test_item5_talent_bureaus_are_leads_and_the_talent_bureau_co_operates(kb) -> None:
    service = kb.service("talent")
    assert "市委人才工作局" not in service.bureaus
    assert set(service.bureaus) == {"市人力资源社会保障局", "市科技局"}
    assert [t.number for t in service.tasks] == [5, 7, 8, 9]
    for task in service.tasks:
        assert "市委人才工作局" in task.cos and "市委人才工作局" not in task.leads
    assert not kb.bureau("市委人才工作局").leads_tasks
    assert any("市委人才工作局是这几项任务的配合单位" in n for n in service.notes)


def test_item5_education_cites_task_6(kb) -> None:
    service = kb.service("education")
    assert [t.number for t in service.tasks] == [6, 20, 21]
    assert any("宿州学院建设新能源汽车产业研究院" in n for n in service.notes)


# --- item 6: the 优待证 is not in the plan; no source names its issuer -------------------------------------


def test_item6_the_card_is_not_tied_to_the_plan_or_to_an_issuer(kb) -> None:
    service = kb.service("elderly_benefits")
    text = _texts(service)
    assert "行动计划没有提到老年人优待证" in text and "不说明优待证由市民政局发放" in text
    assert "由哪个部门发放" in text and "12345" in text
    answer = _faq(kb, "elderly_benefits", "elderly_card_issuer").answer
    assert answer.startswith("没有来源写明优待证由哪个部门发放")


# --- item 7: direct settlement needs the filing and a 跨省联网定点医疗机构 -----------------------------------


def test_item7_direct_settlement_names_its_conditions_wherever_promised(kb) -> None:
    for key in ("medical_filing", "settle_inpatient", "settle_outpatient", "settle_chronic"):
        summary = kb.service(key).summary
        assert "联网定点医疗机构" in summary and "备案" in summary, key
    inpatient = kb.service("settle_inpatient")
    assert "不是联网定点医疗机构或者没有备案的，不能直接结算" in inpatient.summary
    answer = _faq(kb, "settle_inpatient", "direct_settlement_conditions").answer
    assert "跨省联网定点医疗机构" in answer and "备案" in answer


def test_item7_no_answer_promises_direct_settlement_without_the_condition(kb) -> None:
    promise = re.compile(r"出院时可以直接用医保结算|可以直接用医保结算|能直接结算")
    for key in ("medical_filing", "settle_inpatient", "settle_outpatient", "settle_chronic"):
        service = kb.service(key)
        for text in (service.summary, *service.steps):
            if promise.search(text):
                assert "联网定点" in text or "联网定点" in service.summary, (key, text)
        for faq in kb.faqs_for(key):
            if promise.search(faq.answer) and not faq.answer.startswith(("没有", "目前没有")):
                assert "联网" in faq.answer or "备案" in faq.answer, faq.key


# --- item 8: transport dated and hedged -----------------------------------------------------------------


def test_item8_transport_use_is_dated_and_hedged(kb) -> None:
    service = kb.service("onecard_transport")
    assert "2022年1月" in service.summary and "实际受理为准" in service.summary
    assert "同城待遇" in service.summary  # still a goal of the plan
    assert all("已经可以坐公交、地铁" not in n for n in service.notes)
    answer = _faq(kb, "onecard_transport", "onecard_bus_outside").answer
    assert "2022年1月" in answer and "实际受理为准" in answer


# --- item 9: the plan's own wording ---------------------------------------------------------------------


def test_item9_plan_wording_is_quoted_with_its_scope(kb) -> None:
    assert "长三角高水平康养目的地" not in _texts(kb.service("elderly_care"))
    assert "“打造高水平康养目的地”" in kb.service("elderly_care").summary
    task23 = kb.task(23).text
    quoted = "探索开展长三角地区门诊慢特病跨省异地就医直接结算，实现双向直接结算，扩大异地门诊直接结算范围"
    assert quoted.replace("，", ",") in task23.replace("，", ",")
    assert quoted in kb.bureau("市医保局").duties


# --- item 10: dated disease list; no broader condition called covered -----------------------------------


def test_item10_the_disease_list_is_dated_and_points_to_the_bureau(kb) -> None:
    service = kb.service("settle_chronic")
    assert "截至2024年" in service.summary and "共10种" in service.summary and "市医保局" in service.summary
    assert "现在能跨省直接结算的病种共10种" not in service.summary
    answer = _faq(kb, "settle_chronic", "chronic_disease_list").answer
    assert answer.startswith("截至2024年") and "市医保局" in answer


def test_item10_broader_conditions_are_not_aliases_of_covered_diseases(kb) -> None:
    aliases = {a: t.name for t in kb.terms("disease") for a in t.aliases}
    assert "肝炎" not in aliases and "尿毒症" not in aliases
    hepatitis = _faq(kb, "settle_chronic", "hepatitis_covered")
    assert "“病毒性肝炎”" in hepatitis.answer and "不是所有肝炎" in hepatitis.answer
    uremia = _faq(kb, "settle_chronic", "uremia_dialysis_covered")
    assert "“尿毒症透析”" in uremia.answer and "市医保局" in uremia.answer


# --- smaller items --------------------------------------------------------------------------------------


def test_the_e_card_is_not_offered_through_the_renewal_channels(kb) -> None:
    service = kb.service("e_sscard")
    assert service.online_channels == ()
    assert any("换领的网上渠道" in n for n in service.notes)


def test_pension_transfer_says_which_source_names_its_bureau(kb) -> None:
    service = kb.service("pension_transfer")
    naming = [s for s in service.sources if "市人力资源社会保障局" in (s.get("bureaus") or [])]
    assert naming and naming[0]["url"].startswith("https://")
    assert any("依据是人社部的问答" in n for n in service.notes)


def test_place_terms_say_their_names_are_general_knowledge() -> None:
    places = [t for t in seed_document()["terms"] if t["kind"] == "place"]
    assert places and all("常识" in t["sources"][0]["title"] for t in places)


def test_new_high_frequency_items_are_honest_cross_province_services(kb) -> None:
    for key in ("medical_insurance_transfer", "loan_deposit_certificate"):
        service = kb.service(key)
        assert service.intent == "cross_province" and service.bureaus == (DATA_BUREAU,)
        assert {t.number for t in service.tasks} == {18, 19}
        assert "12345" in service.summary and "2022" in service.summary
        assert any("anhuinews" in (s.get("url") or "") for s in service.sources)


# --- FAQ coverage map -----------------------------------------------------------------------------------

COVERAGE = PROJECT_ROOT / "docs" / "faq-coverage.md"


def test_the_coverage_map_lists_every_fact_and_only_real_faqs(kb) -> None:
    text = Path(COVERAGE).read_text("utf-8")
    items = {int(m) for m in re.findall(r"^\| (\d+) \|", text, re.MULTILINE)}
    assert items == set(range(1, 37))
    named = set(re.findall(r"`([a-z][a-z0-9_]+)`", text))
    faqs = {f.key for s in kb.topics() for svc in kb.services_by_topic(s) for f in kb.faqs_for(svc.key)}
    services = {svc.key for s in kb.topics() for svc in kb.services_by_topic(s)}
    assert named - services <= faqs, sorted(named - services - faqs)
    assert services <= named  # every service's notes are mapped


def test_every_faq_has_three_to_five_questions_and_a_source(kb) -> None:
    seen = set()
    for topic in kb.topics():
        for service in kb.services_by_topic(topic):
            for faq in kb.faqs_for(service.key):
                if faq.key in seen:
                    continue
                seen.add(faq.key)
                assert 3 <= len(faq.questions) <= 5, faq.key
                assert faq.sources, faq.key
    assert len(seen) >= 90
