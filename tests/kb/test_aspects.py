"""What a question asks (kb/aspects.py): the cues citizens use, in their own words."""

from __future__ import annotations

import pytest

from kb import aspects
from kb.textnorm import normalize


@pytest.mark.parametrize(
    ("text", "aspect"),
    [
        ("在外地住院能报多少", aspects.FEES),
        ("报销比例按哪边的", aspects.FEES),
        ("俺不会弄手机，能叫孩子帮着弄不", aspects.ELIGIBILITY),
        ("能让别人代办吗", aspects.ELIGIBILITY),
        ("要带啥材料", aspects.MATERIALS),
        ("备案能管多久", aspects.TIME_LIMIT),
        ("How can I do the filing on my phone?", aspects.CHANNELS),
        ("what is the phone number", aspects.CONTACT),
        ("做好了让邻居帮忙去拿行不", aspects.ELIGIBILITY),
        ("想约的话找谁", aspects.RESPONSIBLE),
        ("再回到刚才转的那个 是谁给办", aspects.RESPONSIBLE),
        ("行 那我老伴的呢 她新卡刚申请还没领到", aspects.ELIGIBILITY),  # the same, for someone else
        ("那能便宜点不", aspects.FEES),
        ("不对 搞错了 是我奶奶 她今年才58", aspects.ELIGIBILITY),  # an age said to fall short: old enough?
        ("她还没满六十", aspects.ELIGIBILITY),
        ("新卡做好了 能让俺儿子替俺去拿不", aspects.ELIGIBILITY),  # for me, by someone else
        ("或者我哥帮我拿了也中", aspects.ELIGIBILITY),
        ("那地方周末开门不", aspects.CHANNELS),  # the hours of the place it is done
        ("那先弄哪个后弄哪个", aspects.STEPS),  # the order of the steps
        ("去的时候带点啥", aspects.MATERIALS),
        ("要准备点啥", aspects.MATERIALS),
        ("投完了 处理结果咋告诉我", aspects.STEPS),  # what happens after it is handed in
    ],
)
def test_a_cue_says_which_aspect_is_asked(text: str, aspect: str) -> None:
    assert aspect in aspects.aspects_in(normalize(text))


def test_a_story_asks_no_aspect_by_its_words_alone() -> None:
    assert aspects.aspects_in(normalize("俺孙子刚生下来，社保卡咋办")) == []


@pytest.mark.parametrize(
    "text",
    ["在苏州交的那几年医保咋转回来", "在上海打工好几年了，医保咋用", "这几个月都在杭州住", "前头几个月自己掏的药钱"],
)
def test_years_told_are_no_question_of_how_long(text: str) -> None:
    assert aspects.TIME_LIMIT not in aspects.aspects_in(normalize(text))


@pytest.mark.parametrize("text", ["备案几个月有效", "办好要几天"])
def test_how_many_days_or_months_still_asks_how_long(text: str) -> None:
    assert aspects.TIME_LIMIT in aspects.aspects_in(normalize(text))


@pytest.mark.parametrize(
    "text", ["转诊意见找谁开", "我该找谁？投诉大概多久能有结果", "人家几天之内给个准话 到底管不管这事"]
)
def test_whom_to_see_for_one_thing_is_no_question_of_the_bureau(text: str) -> None:
    assert aspects.RESPONSIBLE not in aspects.aspects_in(normalize(text))


@pytest.mark.parametrize(
    "text",
    [
        "办好了能给寄过来不 我俩上班没空",
        "到这边认不认",
        "是谁给办",
        "选长期的还是临时的",
        "得本人去吧",
        "手机能弄吧",
        "她这个病是2024年才新加进去的吧 以前不是只有5种",
        "那就是现在还没有呗",
        "中 那俺娘七十了也能办吧",  # after a yes, asking to be told yes (was "好的。还有什么想问的吗？")
        "还能用吧",
    ],
)
def test_questions_without_a_question_mark_ask(text: str) -> None:
    assert aspects.asks(normalize(text))


@pytest.mark.parametrize(
    "text",
    [
        "还是没搞懂",
        "我俩上班没空",
        "不客气",
        "好吧",
        "可以吧",
        "算了吧",
        "就是这样吧",
        "那我去问问吧",
        "那我明天要早点去吧",
        "可能是吧",
        "得了吧",
        "那我也可以等等吧",
        "也行吧",
        "她那老人机啥也不会",  # 啥也, 什么都: tell, not ask
        "俺什么都不懂",
    ],
)
def test_statements_do_not_ask(text: str) -> None:
    assert not aspects.asks(normalize(text))


@pytest.mark.parametrize("text", ["问下异地看病的事", "想问下异地看病的事", "请问异地看病的事", "打听一下异地看病的事"])
def test_asking_words_are_no_part_of_what_is_asked_about(text: str) -> None:
    assert aspects.without_cues(normalize(text)).strip() == "异地看病的事"


@pytest.mark.parametrize("text", ["新卡做好了能叫俺儿子去领不", "让孩子去办行不行", "叫俺闺女帮着弄中不"])
def test_someone_sent_to_do_it_asks_who_may(text: str) -> None:
    assert aspects.PROXY.search(normalize(text))


@pytest.mark.parametrize("text", ["我先后跑了三趟都没办成 咋回事", "叫号顺序是咋排的", "我替她问问 慢特病认定要多久"])
def test_words_near_a_cue_ask_no_steps_and_no_proxy(text: str) -> None:
    said = normalize(text)
    assert aspects.STEPS not in aspects.aspects_in(said) and not aspects.PROXY.search(said)


@pytest.mark.parametrize(
    "text",
    [
        "在饭店吃饭被多收钱了 12315能投诉吗",
        "出国回来带多少钱要申报",
        "超市乱收费咋投诉",
        "直接结算就是不用先掏钱了呗",
        "附近哪有修手机便宜点的地方",  # a cheap place, not what the service costs
        "上海医院附近有便宜点的宾馆不",
        "到底买多少钱以上的东西要报啊",  # the sum over which goods are declared
    ],
)
def test_money_a_complaint_is_about_or_a_traveller_carries_is_no_question_of_fees(text: str) -> None:
    assert aspects.FEES not in aspects.aspects_in(normalize(text))


@pytest.mark.parametrize(
    ("text", "aspect"),
    [  # guard rows: what the service costs, however the money is spoken of
        ("补卡要带多少钱", aspects.FEES),
        ("异地就医会不会多收费", aspects.FEES),
        ("要掏钱不", aspects.FEES),
    ],
)
def test_what_the_service_costs_is_still_a_question_of_fees(text: str, aspect: str) -> None:
    assert aspect in aspects.aspects_in(normalize(text))
