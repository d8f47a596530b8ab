"""Issue 12 over HTTP: a citizen who asks for a corrected fact gets the corrected statement or condition.

Each question asks for that specific fact, the way a citizen would; the answer must contain it (from the
service's own text or from the curated FAQ that answers the question). The KB-level pins are in
tests/kb/test_content_accuracy.py.
"""

from __future__ import annotations

import re
import uuid

import pytest

pytestmark = pytest.mark.slow

DATA_BUREAU = "市数据资源管理局(政务服务局)"


def ask(live, text: str) -> str:
    reply = live.say(f"accuracy-{uuid.uuid4().hex[:8]}", text)
    assert reply.status == 200
    return reply.texts


# item 1: three modes under 国办发〔2020〕35号
@pytest.mark.parametrize("question", ["跨省通办有哪几种办法", "跨省通办除了网上办和异地代办，还有别的办法不"])
def test_item1_the_three_modes_of_cross_province_service(live, question: str) -> None:
    answer = ask(live, question)
    assert "多地联办" in answer
    assert "全程网办" in answer and "异地代收代办" in answer
    assert "两种" not in answer


# item 2: 跨省通办 is nationwide
@pytest.mark.parametrize("question", ["俺在广东打工，老家宿州的事能跨省通办不", "跨省通办只能在长三角用吗"])
def test_item2_cross_province_service_is_nationwide(live, question: str) -> None:
    answer = ask(live, question)
    assert "全国" in answer and "不只" in answer


# item 3: first ID card — the lead of task 18
def test_item3_first_id_card_names_the_plan_lead_not_the_police_bureau(live) -> None:
    answer = ask(live, "孩子第一次办身份证，这事归哪个部门管")
    assert DATA_BUREAU in answer
    assert "市公安局" not in answer


# item 5: talent — the leads, not the co-operating 市委人才工作局
def test_item5_talent_is_led_by_the_plan_leads(live) -> None:
    answer = ask(live, "来宿州工作的人才政策归哪个部门牵头")
    assert "市人力资源社会保障局" in answer and "市科技局" in answer
    assert not re.search(r"负责部门[:：][^\n]*市委人才工作局", answer)


# item 7: direct settlement only after filing, at a 跨省联网定点医疗机构
@pytest.mark.parametrize("question", ["在上海住院，出院能直接用医保结算吗", "啥样的医院才能跨省直接结算"])
def test_item7_direct_settlement_comes_with_its_condition(live, question: str) -> None:
    answer = ask(live, question)
    assert "联网定点医疗机构" in answer
    assert "备案" in answer


# item 10: the disease list is dated; 肝炎 is not called covered
def test_item10_the_disease_list_is_dated(live) -> None:
    answer = ask(live, "能跨省直接结算的门诊慢特病现在有几种")
    assert "截至2024年" in answer and "市医保局" in answer


def test_item10_hepatitis_gets_the_exact_covered_name_and_a_caveat(live) -> None:
    answer = ask(live, "肝炎在外地看门诊能直接结算吗")
    assert "病毒性肝炎" in answer and "所有肝炎" in answer
    assert "您提到的“病毒性肝炎”在" not in answer
