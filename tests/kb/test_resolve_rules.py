"""Pure rules of the resolver (kb/resolve.py) on the citizen's own words, without a KB."""

from __future__ import annotations

import pytest

from kb import aspects
from kb.resolve import (
    _ASKS_SAME_THING,
    _AT_HOME_MEDICAL,
    _CASHED_OUT,
    _EVERYDAY_MATTER,
    _FUND_TAKEN_OUT,
    _GRADUATE_ON_THEIR_OWN,
    _MEDICAL_ADVICE,
    _SCHOOLS_FROM_THE_DELTA,
    _SET_ASIDE,
    _asking_part,
    _asks_if_mailed,
    _complains_of_a_sale,
    split_clauses,
    split_taken_back,
    tells_age,
)
from kb.textnorm import normalize


def test_what_a_story_tells_happens_asks_nothing_only_in_a_long_story() -> None:
    story = "我在无锡带孙子 已经住了两年多了 平时就在这边的医院看门诊 每次都是自己掏钱 门诊能不能直接刷宿州的医保啊"
    assert aspects.aspects_in(_asking_part(story)) == []
    assert aspects.aspects_in(_asking_part("以前补卡都是免费的 现在呢")) == [aspects.FEES]  # guard row: what is asked


@pytest.mark.parametrize(
    ("text", "complains"),
    [
        ("俺在一家理发店办了张会员卡 充了两千块 现在店门关了 钱还能要回来不", True),
        ("超市几点关门", False),  # guard rows: a shop's hours, an employer's debt, a card's date
        ("在超市上班 超市关门了 工资要不回来", False),
        ("会员卡过期了咋办", False),
    ],
)
def test_a_shops_card_gone_with_the_shop_is_a_complaint_of_a_sale(text: str, complains: bool) -> None:
    assert _complains_of_a_sale(normalize(text)) is complains


@pytest.mark.parametrize(
    ("text", "same"), [("手续跟第一次办卡是不是差不多", True), ("卡用了快十年了 是不是差不多该换了", False)]
)
def test_much_alike_is_asked_only_as_a_question(text: str, same: bool) -> None:
    assert bool(_ASKS_SAME_THING.search(text)) is same


@pytest.mark.parametrize(
    ("text", "fees"),
    [("这回已经自己掏钱了 还能报不", False), ("垫了钱了 回去咋报", False), ("看门诊要自己掏钱吗", True)],
)
def test_money_paid_already_is_no_question_of_fees(text: str, fees: bool) -> None:
    assert (aspects.FEES in aspects.aspects_in(normalize(text))) is fees


@pytest.mark.parametrize(
    ("text", "told"),
    [
        ("她72了", True),
        ("俺爹今年65了", True),
        ("我妈七十多了", True),
        ("俺今年58", True),
        ("打12345", False),  # guard rows: a number, a sum, days, an age with a question
        ("要交300", False),
        ("还有20天", False),
        ("今年60了 能办不", False),
    ],
)
def test_an_age_alone_is_told_apart_from_other_numbers(text: str, told: bool) -> None:
    assert tells_age(normalize(text)) is told


@pytest.mark.parametrize(
    ("text", "everyday"),
    [
        ("瑞金医院边上租个房子一个月得多少钱 有便宜的没", True),  # rent near the hospital (was 门诊结算's fees)
        ("那香港金子现在多少钱一克", True),
        ("在上海租房子住 备案要多少钱", False),  # guard rows: renting told, 备案's fee asked; a housing subsidy
        ("人才引进的租房补贴一个月多少钱", False),
    ],
)
def test_what_a_room_or_gold_costs_is_an_everyday_matter(text: str, everyday: bool) -> None:
    assert bool(_EVERYDAY_MATTER.search(normalize(text))) is everyday


def test_a_long_run_said_without_a_pause_is_parted_where_what_was_heard_begins() -> None:
    voice = (
        "俺孙子初中毕业了不想念书了整天抱着手机打游戏他爸妈搁外地打工管不住"
        "俺听说宿州的职业学校跟上海江苏那边学校合着办有这事不"
    )
    assert split_clauses(voice) == [
        "俺孙子初中毕业了不想念书了整天抱着手机打游戏他爸妈搁外地打工管不住",
        "俺听说宿州的职业学校跟上海江苏那边学校合着办有这事不",
    ]
    assert split_clauses("听说异地备案能在手机上办") == [
        "听说异地备案能在手机上办"
    ]  # guard row: short, and at the start


@pytest.mark.parametrize(
    ("text", "asks"), [("俺孙子初中毕业了不想念书了", False), ("那要是一直没办好了不", True), ("卡办好了不", True)]
)
def test_a_clause_that_goes_on_after_le_bu_asks_nothing(text: str, asks: bool) -> None:
    assert aspects.asks(text) is asks  # "毕业了不想念书" tells; "办好了不" asks


@pytest.mark.parametrize(
    ("pattern", "text", "matches"),
    [
        (_FUND_TAKEN_OUT, "在苏州交了好几年住房公积金 现在回宿州了 那边的钱能全取出来不", True),
        (_FUND_TAKEN_OUT, "在苏州交的公积金转回来了 医保个人账户的钱能取出来不", False),  # another account's money
        (_MEDICAL_ADVICE, "化疗完了掉头发没胃口 给他炖点啥好", True),
        (_MEDICAL_ADVICE, "从日本回来想带个电炖啥的 还有化妆品 要报关不", False),  # goods, not a dish
        (_MEDICAL_ADVICE, "回来想给家里捎点化妆品电饭煲啥的 这些都得报吗", False),
        (_SCHOOLS_FROM_THE_DELTA, "宿州的职业学校跟上海江苏那边学校合着办", True),
        (_SCHOOLS_FROM_THE_DELTA, "孩子在学校摔伤了，合作医疗能报不", False),  # 合作医疗 is 医保
        (_GRADUATE_ON_THEIR_OWN, "孩子今年宿州学院毕业 学的电商 想回来搞个直播带货 听说对大学生回来创业有扶持", True),
        (_GRADUATE_ON_THEIR_OWN, "闺女毕业证丢了 想开个网店 营业执照咋办", False),  # a diploma, no start
        (_AT_HOME_MEDICAL, "在家门口的诊所拿药 医保能报不", True),
        (_AT_HOME_MEDICAL, "想在家门口开个奶茶店 有啥扶持没有", False),  # a shop at home, no doctor
        (_CASHED_OUT, "要不干脆把宁波那边退了，把钱拿出来，可以吗", True),  # withdrawn, told across a comma
        (_CASHED_OUT, "退了休，把钱取出来养老", False),  # retired, not withdrawn
        (_SET_ASIDE, "不说游戏了我下个月去香港 金首饰要申报不", True),
        (_SET_ASIDE, "那不管用了我还得回去办吗", False),  # it does not work: nothing set aside
        (aspects.PROXY, "我帮他在app上弄行不", True),
        (aspects.PROXY, "能叫俺闺女在手机上帮俺弄不", True),
        (aspects.PROXY, "帮他在宿州办的备案 现在能结吗", False),  # a step told done, nothing asked of it
        (aspects.PROXY, "叫俺闺女在宿州帮俺办的备案 现在在上海看门诊能直接结吗", False),
        (aspects.PROXY, "我帮他在手机上弄不了 一直报错", False),  # it failed: nothing asked of who may
    ],
)
def test_what_a_few_of_the_resolvers_patterns_say(pattern, text: str, matches: bool) -> None:
    found = pattern.match(normalize(text)) if pattern is _SET_ASIDE else pattern.search(normalize(text))
    assert bool(found) is matches


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("换好的卡要本人去拿吗", True),  # fetched in person, said with 拿 as much as with 领
        ("新卡做好了能寄到无锡不 还是非得回宿州领", True),
        ("非得亲自去取吗", True),
        ("办好了还得再跑一趟去拿吗 他住校不方便", True),  # another trip to fetch it
        ("要去哪领", False),  # where, not whether in person
        ("还要再跑去领号吗", False),  # a number queued for, not the thing made
        ("换卡要带啥", False),  # guard rows: what to bring, who applies
        ("能让别人替我去申请不", False),
        ("办社保卡必须本人拿身份证去吗", False),  # what is brought, not fetched
        ("要本人去取钱吗", False),
    ],
)
def test_whether_what_is_made_must_be_fetched_in_person_is_asked(text: str, asked: bool) -> None:
    assert _asks_if_mailed(text) is asked


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("俺说的不是远程 是想直接转到杭州医院去住", "是想直接转到杭州医院去住"),
        ("我说的不是住院 是门诊", "是门诊"),
        ("我问的不是这个", "我问的不是这个"),  # guard row: only that something else is meant, nothing else left
        ("俺说的不是这个意思 是问多久", "俺说的不是这个意思 是问多久"),  # guard row: no correction of a matter
        ("我问的不是很清楚 再说下备案咋弄", "我问的不是很清楚 再说下备案咋弄"),  # how it was asked, nothing taken back
        ("我说的不是假话 真没备案", "我说的不是假话 真没备案"),
    ],
)
def test_what_i_said_was_not_takes_it_back(text: str, kept: str) -> None:
    assert split_taken_back(text)[0] == kept


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("听人说打12315就是走过场 一个月都没人理你 真的吗", [aspects.TIME_LIMIT]),  # a wait told too long: how long
        ("投诉了俩礼拜都没动静", [aspects.TIME_LIMIT]),
        ("俺妈一天都没人管", []),  # guard row: no one to look after her, no wait for an answer
        ("在县医院查了一个礼拜都没结果", []),  # a test's result, no answer waited for
    ],
)
def test_a_wait_told_too_long_asks_how_long_it_takes(text: str, asked: list[str]) -> None:
    assert aspects.aspects_in(normalize(text)) == asked
