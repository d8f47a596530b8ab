"""Understand a citizen's message: which service(s), which aspect(s), which KB unit answers it.

NLU's intent is one voice among several. The KB search reads the whole text (typos, pinyin, long stories),
names and aliases the text contains are strong evidence, a curated FAQ or note that matches closely points
at its service, and the conversation's service under discussion answers follow-ups that name none. The
result says how sure the combination is, so the answer can be given outright, given with "您问的应该是…"
and alternatives, or replaced by a short list when the message is truly ambiguous.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from kb import aspects
from kb.queries import (
    CARD_PROBLEM,
    GENERAL_HOTLINE,
    LONG_STAY,
    NATIONAL_HOTLINES,
    SHORT_STAY,
    STAY,
    KnowledgeBase,
    ServiceView,
)
from kb.search import (
    ANCHOR_MAX_FREQUENCY,
    ERRAND_WORDS,
    Hit,
    everyday_frequency,
    nouns_of,
    rare_words_of,
    said_of_anything,
)
from kb.textnorm import FUNCTION_CHARS, char_readings, cjk_pairs, is_cjk, normalize
from kb.units import Unit

# weights of the evidence (search scores are in [0, 1])
NLU_WEIGHT = 0.35  # × NLU confidence, for the service the intent routes to
NLU_FAMILY_WEIGHT = 0.15  # × NLU confidence, for the other members of its family
MENTION_BONUS = 0.25  # the text contains the service's name or an alias
UNIT_WEIGHT = 0.5  # × the best unit score of a service, above UNIT_FLOOR …
UNIT_FLOOR = 0.35
CLEAR_UNIT = 0.7  # … and a unit (an FAQ) matching this well is the question asked: as good as naming the service
CLEAR_UNIT_BONUS = 0.25
CARD_PROBLEM_BONUS = 0.3
CONTEXT_BONUS = 0.35  # the service under discussion: a follow-up that names little is about it

SURE_SCORE = 0.75
SURE_MARGIN = 0.12
LEVEL = 0.01  # candidates this close are level: the search cannot tell them apart
PROBABLE_SCORE = 0.5
LEAD_SCORE = 0.4  # … or this, if as far ahead as a sure answer must be ("备案的时候证明材料一直传不上去")
GUESS_MARGIN = 0.03  # closer than this, two services are equally likely: ask which
STRONG_SEARCH = 0.55  # the KB search alone is this sure: in scope, whatever NLU said
CLEAR_SEARCH = 0.82  # … and this sure, on a word of the service's own, whatever NLU leans to
STRONG_UNIT = 0.6
ANCHORED_SEARCH = 0.33  # with a distinctive word of the service in the text, this much search keeps it in scope
SUPPORTED_SEARCH = 0.3  # with an in-scope NLU intent, this much search support keeps a question in scope
NLU_SUPPORT = 0.4  # NLU's vote for a service counts in full once the search supports it this much …
NLU_BASE_SUPPORT = 0.3  # … and this much with no support at all
UNNAMED_NLU = 0.5  # … and half of that for a service NLU hears when the text names another
CONFIDENT_NLU = 0.5
NLU_NAMES_SERVICE = 0.8  # NLU this confident of a likely service: not a cross-province errand without one
WHICH_CONTENT = 1  # a first message with at most this much content of its own asks "which service?"
CORRECTION_CONTENT = 12  # a correction ("说错了，是我妈…") tells a little more and still names no other matter
MIN_OWN_CONTENT = 2  # "看病用" says something; "行吧" does not
BARE_CONTENT = 6  # a message with at most this many characters of its own content only asks (a follow-up)
ASKING_ASIDE = 2  # … and its clauses besides those saying where the citizen is, this many ("回不去 咋换")
SURE_NLU = 0.9
SURE_NLU_OUT_OF_SCOPE = 0.9  # in a conversation, only this sure an out-of-scope NLU overrules the context
LEANING_OUT_OF_SCOPE = 0.7  # without one, this sure outweighs words shared with a service (密码, 医院, 养老保险)
UNCLEAR_SCORE = 0.45  # declined, but a service matches this well: offered as a button, should it be meant
TOPIC_SCORE = 0.42  # the text without its aspect cues still matches a service this well: it names a topic
UNIT_ANSWER = 0.15  # the unit that best fits an aspect question is quoted first if it matches at all …
UNIT_GENERAL = 0.6  # … and a general message ("社保卡丢了") this well
ASKED_UNIT = 0.5  # … and a question ("社保卡丢了咋办") or a claim told to be checked this well
UNIT_FOLLOW_UP = 0.25  # … and a follow-up on the matter discussed ("半夜能打通不" after 12345) this well
UNIT_ASPECT_BONUS = 0.1
UNIT_MARGIN = 0.1
UNIT_SECOND_EXTRA = 0.05  # a second unit must fit a little better still
TORN_NLU_SEARCH = 0.45  # where NLU names nothing, the search this sure of a service and a fact of it fitting …
TORN_NLU_FACT = 0.5  # … this well keep a first message in scope
FITTING_FACT = 0.5  # a fact of the matter under discussion fitting a follow-up this well keeps it in scope
ANCHORED_UNIT = 0.2  # a fact saying a rare word of the question this well, where none fits clearly
SAME_OR_NOT_UNIT = 0.2  # whether the insurance must move first: the fact on moving and filing this well
MAX_UNITS = 2
MAX_SERVICE_UNITS = 100  # more than any service has: every unit of it, scored
EVIDENCE = ("search", "nlu", "mention", "unit", "card", "context", "follow_on", "corrected")
TAKEN_BACK_RANK = 3  # a service the search finds this high in what the citizen takes back is taken back
MAX_TOPICS_OF_A_WORD = 2  # a name word shared by more topics than this says nothing of which one is meant
CLAUSE_WEIGHT = 0.8  # a clause's match counts for this much of a match of the whole message
MIN_CLAUSE = 4
SECOND_SCORE = 0.5  # a clause naming another service this clearly is a second question
CLEAR_SECOND = 0.82  # … or a clause's search finds it this clearly ("还有俺娘社保卡前两天赶集丢了")
SECOND_RANK = 5  # … if that service is among the message's likeliest anyway
SIBLING_UNIT = 0.45  # a fact of a service next to the one under discussion answers a follow-up this well …
SIBLING_MARGIN = 0.1  # … and this much better than any of the one under discussion
MAX_FITTING_RANK = 3  # a matter this high among the candidates, fitting on its own, beside one that does not
BUILT_ON_UNIT = 0.5  # a fact of the service one builds on answers this well, twice that margin ahead: quoted too
WHOM_TO_ASK = frozenset({aspects.CONTACT, aspects.RESPONSIBLE})  # "这事该找哪个部门"
SERVICE_OWN_ASPECTS = frozenset(
    {aspects.MATERIALS, aspects.STEPS, aspects.CHANNELS, aspects.TIME_LIMIT, aspects.CONTACT, aspects.RESPONSIBLE}
)
_CLAUSE = re.compile(r"[，,。.！!？?；;\s]+|顺便|另外|还有|再问|还想问|以及")
LONG_RUN = 30  # characters said without a pause, longer than a clause is
_MARKED_QUESTION = re.compile(r"([^，,。.！!？?；;\s]+)[？?]")
# where what was heard begins (before its 俺 or 我, if any; not "从来没听说过")
_HEARD = re.compile(r"(?<=.{6})(?<![俺我没])(?=(?:俺|我)?(?:听说|听人说|听人讲|听别人说))")

# A cross-province errand the KB has no service for: 跨省通办 is where to start.
_ELSEWHERE = re.compile(
    r"跨省|异地|外地|外省|省外|长三角|沪苏浙|江浙沪|苏浙沪|回老家|回宿州|回去办|两头跑|不回去|回不去|在当地办|在这边办"
)
_ERRAND = re.compile(
    r"(?<![咋怎么])办(?!法)|证明|手续|年检|年审|转移|转回|转入|转出|转过来|转过去|迁|登记|认证|注销|开具|换证|补证|领取|提取|申请|过户|证"
)

# when a place is open: "网点开门不", "窗口周六上班吗"
_PLACE_HOURS = re.compile(rf"(网点|窗口|大厅|服务中心|经办机构)[^，,。？?\s]{{0,4}}{aspects.OPENING_HOURS}")
# whether a thing made must be fetched in person: "能寄到无锡不 还是非得回宿州领", "必须本人去领吗"
# "换好的卡要本人去拿吗": 拿 or 取 ending what is asked (not "必须本人拿身份证去吗", what is brought)
_FETCH_IT = r"(?:拿|取)(?=[吗不么呢啊？?\s]|$)"
_FETCHED_IN_PERSON = re.compile(
    rf"(?:寄|邮寄|快递)(?:到|过|给|回)?[^，,。？?\s]{{0,6}}(?:不|吗|么|没)|非得[^，,。？?\s]{{0,6}}(?:领|{_FETCH_IT})|"
    rf"(?:必须|得|要)(?:本人|亲自)[^，,。？?\s]{{0,3}}(?:领|{_FETCH_IT})|"
    rf"(?:还得|还要|再)再?跑(?:一趟|一回|一次)?去?(?:领|拿|取)(?=[吗不么呢啊？?\s]|$)"  # "办好了还得再跑一趟去拿吗"
)
# … and a fact telling how it is handed over ("卡做好以后，必须本人去领", "可以选择邮寄")
_HANDED_OVER = re.compile(r"邮寄|本人[^，,。；;]{0,4}领")


def _asks_if_mailed(text: str) -> bool:
    return bool(_FETCHED_IN_PERSON.search(normalize(text)))


# "领回来是不是就能直接拿去看病刷了": the card fetched, and whether it can be used straight away
_FETCHED = re.compile(r"(?:领|拿)(?:回来|回家|到手|到卡|到了)|领了卡|卡到手")
_PUT_TO_USE = re.compile(r"(?:能|可以|直接|马上)[^，,。？?]{0,8}(?:用|刷)")
_STEP_AFTER_FETCHING = re.compile(r"^(?:领到|领取|拿到)[^，,。]{0,4}后")
# "报下来的钱打到哪张卡上 社保卡还是银行卡": the card that money is paid into, not an errand of the card
_PAID_INTO_A_CARD = re.compile(r"钱[^，,。？?]{0,4}(?:打到|打进|打在|发到|转到|到账|存到)[^，,。？?]{0,6}卡")
# which kind the citizen is (of 备案's two): "算哪一类", "选哪种"
_WHICH_KIND = re.compile(r"算哪|哪一?[类种]|(?:选|属于)哪")
# "咋办", "那咋整": what now, or how
_WHAT_NOW_WORDS = r"咋办|怎么办|咋弄|怎么弄|咋整|怎么整|如何是好"
_WHAT_NOW = re.compile(_WHAT_NOW_WORDS)
# What a message tells of the question besides its matter and aspect
# ("来得及不 今晚能弄好吗": whether it is done by tonight, which is how it is done)
_IN_TIME_AND_HOW = re.compile(
    rf"来得及[^。？?]{{0,6}}(?:{_WHAT_NOW_WORDS})|(?:{_WHAT_NOW_WORDS})[^。？?]{{0,6}}来得及|"
    r"来得及[^。？?]{0,6}(?:今晚|今天|马上|当天)[^。？?\s]{0,3}(?:弄|办)好"
)
# What the citizen was told elsewhere ("你说的不对 上海那边说不用备案", "我同事说长三角看门诊早就免备案了"), and a claim
# heard, told to be checked ("不对吧", "真的假的"): the fact that fits it is the answer
TOLD_ELSEWHERE = re.compile(
    r"(?:那边|这边|人家|他们|窗口|医院|网上|别人|朋友|邻居|同事|亲戚|老乡|工友|群里|抖音|工作人员|村里|社区)"
    r"[^，,。？?\s]{0,4}(?:说|讲|告诉)"
)
_HEARSAY = re.compile(rf"听说|听人说|{TOLD_ELSEWHERE.pattern}|不对吧|真的假的|是真的(?:不|吗|么|嘛)|是不是真的")
# a school's errand (the education bureau's, though 长三角教育合作 is ours to tell of)
_SCHOOL_ERRAND = re.compile(r"转学|学籍")
# whether the citizen's case counts as across provinces: "俺说的苏州是江苏那个苏州啊…这样也算跨省的吧" (not "…算跨省能
# 直接结的那种慢病", nor "这算不算跨省通办")
_COUNTS_AS_ACROSS = re.compile(r"算(?:不算)?是?(?:跨省|外省|异地)的?(?:吧|吗|不|嘛|么|呢|$)")

# A card that is not ours: "工商银行的储蓄卡被锁了" is the bank's business, not a 社保卡 question.
_OTHER_CARD = re.compile(
    r"储蓄卡|银行卡|信用卡|借记卡|工资卡|存折|银行的卡|存钱的卡|"
    # a local transit card's top-up
    r"(?:公交卡|交通卡)[^，,。？?\s]{0,6}(?:充值|充钱)|(?:充值|充钱)[^，,。？?\s]{0,6}(?:公交卡|交通卡)|"
    r"(?:农行|工行|建行|中行|交行|招行|邮储|农商行|信用社)[^，,。？?\s]{0,5}?卡|"  # "工行那个存钱的卡"
    r"取款机|柜员机|atm|bank ?cards?|credit ?cards?|debit ?cards?|"
    r"加油卡|油卡|饭卡|食堂|校园卡|学生卡|会员卡|购物卡|储值卡|电话卡|手机卡|门禁卡|手机银行|"  # a canteen's, a shop's
    r"u盾|网银|微信支付|支付宝[^，,。？?]{0,3}密码|(?:微信|支付宝)的?支付"  # a bank's or a payment app's
)
_CARD = r"社保卡|社会保障卡|医保卡|一卡通"
_CARRIES = re.compile(r"[拿带](?:着|上)")  # "拿着她的户口本身份证": what is carried (not "优待证要带啥")
_OTHER_DOCUMENT = re.compile(r"驾照|驾驶证|行驶证|护照|通行证|营业执照|结婚证|房产证|不动产证")  # no card of ours
# goods bought or brought along: "就买点化妆品包包", "想带点老家的干枣子去给亲戚", "背点货回来卖"
_GOODS_CARRIED = re.compile(r"(?:买|捎|带|背|拎)(?:了|回)?(?:点|些|一些|几|两|一堆|不少)")
# Taking the 公积金 out ("在苏州交的公积金 现在回宿州了 能取出来不"): the fund centre's errand; asked where it was paid
# in another province, one the national 跨省通办 list has (its withdrawals), so the hub's
# (voice input runs on; not another account's money: "公积金转回来了 医保个人账户的钱能取出来不")
_FUND_WITHDRAWN = r"提取|提出|取出|取钱|提钱"
_FUND_TAKEN_OUT = re.compile(rf"公积金(?:(?!医保|社保|养老)[^。？?]){{0,40}}(?:{_FUND_WITHDRAWN})")
# a paper of the claim or a plate lost is no card lost: "问题是发票叫我弄丢了 就剩一张费用清单 那还能报吗"
_LOST_PAPERS = re.compile(
    r"(?:发票|票据|单据|收据|病历|小结|清单|牌照|车牌)[^，,。？?\s]{0,4}(?:丢|掉了|没了|找不|弄没)"
)
_THIS_CARD = re.compile(r"[这那]张?卡")  # the card under discussion: "俺这张卡是老早办的"
_OUR_CARD = re.compile(rf"(?<!不是)(?:{_CARD}|医保|社保)")  # not "工资卡不是社保卡"
# … nor a school's, a company's or a bank's 一卡通 ("孩子学校食堂的一卡通丢了", "招商银行一卡通怎么激活")
_SOMEONE_ELSES_ONECARD = re.compile(
    r"(?:食堂|学校|校园|学生|饭|公司|单位|小区|酒店|宿舍|门禁|厂里|工厂|银行|农商行|信用社|招行|工行|建行|农行|中行|交行)"
    r"[^，,。？?\s]{0,4}一卡通"
)


# … nor "说到一卡通" leading over to someone else's ("说到一卡通 俺闺女学校食堂的一卡通没钱了 搁哪充")
_SPEAKING_OF = re.compile(rf"(?:说到|说起|提到|讲到)(?:这个|那个)?(?:{_CARD})")


# An errand on the card itself ("社保卡补办要带啥", "想给社保卡换张新的"): the card's own matter, not one paying with it
_CARD_ERRAND = re.compile(
    rf"(?:{_CARD})[^，,。？?\s]{{0,3}}(?:补办|补一张|补张|补个|重办|申领|申请|换领|换新|换一?张|挂失|解锁)|"
    rf"(?:补办|补一张|补张|申领|申请|换领|换一?张|挂失|解锁)(?:一?张)?(?:新的?)?(?:{_CARD})"
)


_POINTED_ONECARD = re.compile(r"[这那](?:个|张)?一卡通")
# … nor ours said not to be meant: "不是社保卡那个一卡通啊 是孩子学校的饭卡" (not "是不是社保卡", "不是社保卡吗")
_NOT_OUR_CARD = re.compile(rf"(?<!是)不是[^，,。？?\s]{{0,8}}(?:{_CARD})(?![吗嘛么])")


def _names_our_card(text: str) -> bool:
    rest = _SOMEONE_ELSES_ONECARD.sub("", text)
    if rest != text:  # "学校食堂那个一卡通…这一卡通到底搁哪充啊": that one again
        rest = _POINTED_ONECARD.sub("", rest)
    return bool(_OUR_CARD.search(_NOT_OUR_CARD.sub("", _SPEAKING_OF.sub("", rest))))


# The card or 医保 itself (not 社保 at large: "社保缴费证明在昆山能打印不" is an errand for 跨省通办): whatever
# the citizen wants of it in another province, one of the card and 医保 services answers, not the hub.
_CARD_OR_MEDICAL = re.compile(rf"(?<!不是)(?:{_CARD}|医保)")
# … but a paper about them (a 参保证明 to print in another province) is an errand for the hub
_PAPERWORK = re.compile(r"证明|凭证|打印|记录|清单|开具")


# 备案 is 医保's here ("俺在外地打工 证明材料开不来 备按办不了咋整"), not a company's, a car's or a lease's
_FILING_SAID = re.compile(r"备个?案")
_OTHER_FILING = re.compile(r"(?:公司|企业|车|房|网站|执照|合同|工程|项目|icp|租)[^，,。？?\s]{0,3}备个?案")


def _files_for_medical_care(corrected: str) -> bool:
    return bool(_FILING_SAID.search(corrected)) and not _OTHER_FILING.search(corrected)


# "在上海干工地…想给他备个案以后看病方便": a 备案 to be done (not "没顾上办备案", "早知道就先备案了")
_WANTS_FILING = re.compile(r"(?:想|要|得|咋|怎么|如何|打算|准备)[^，,。？?\s没不未]{0,4}备个?案")

_ABOUT_WHAT_WAS_JUST_SAID = re.compile(r"^那?(?:这个|这事|这种事|这样)")
_ASKS_WHICH_PLACE = re.compile(r"(?:哪个|哪座|哪些|啥|什么)(?:城市|地方|省)|(?:跟|和|与)哪(?:里|儿|个|些)")
# the hospitals one may be treated at, not where the errand is done: "那弄完了到那边随便哪家医院都中吗"
_WHICH_HOSPITAL = re.compile(r"(?:哪家|哪个|哪些|什么|啥)医院|医院都")
# "你光说备案了 卡的事呢": what the answer covered, said before what it left out
_ONLY_ANSWERED = re.compile(
    r"^\s*(?:你|您)?(?:光|只)(?:说|讲|回答|答)了?[^，,。？?\s]{1,8}?(?:了|的事)?[，,。\s]+(?=\S)"
)
# Offices citizens name for where a matter is done, and the KB's word for that kind of place
_OFFICE_KINDS = {"居委会": "社区", "村委会": "村", "派出所": "公安"}
# A figure with its unit ("5000元", "6个月", "60周岁")
_FIGURE = re.compile(r"\d+(?:\.\d+)?(?:万元|元|块|个工作日|个月|周岁|岁|天|年|次|条|个城市|%)")
_QUOTES_THE_ANSWER = re.compile(r"^\s*(?:那|哦|噢)?\s*(?:你|您)?(?:刚才|刚刚|上面|前面)?(?:说|讲|提)的(?:那个|这个)?")


def _wants_card_or_medical(corrected: str) -> bool:
    return bool(_CARD_OR_MEDICAL.search(corrected)) and not _PAPERWORK.search(corrected)


# Unemployment benefits are paid out of 社保, which the citizen names with them ("社保一直在宿州交的 现在在杭州被裁了
# 失业登记能在杭州办吗"): another office's errand, not our card or insurance
_UNEMPLOYMENT = re.compile(r"失业金|失业登记|登记失业|失业保险|失业的?(?:钱|补助|补贴|救济)")


def _names_our_card_or_insurance(corrected: str) -> bool:
    return bool(_OUR_CARD.search(corrected)) and not _UNEMPLOYMENT.search(corrected)


# Seeing a doctor in another province on 宿州's 医保 is 异地就医, whose first step is 备案: "我妈在上海…腿疼
# 想在那边医院看看，医保是宿州交的要咋弄" names 异地就医备案 in other words.
_SEES_DOCTOR = re.compile(
    r"看(?:个|下|看|了)?病|瞧病|治病|治疗|(?:去|来|过去|过来)治(?![安理])|(?:看|瞧)(?:看|瞧|一?下)?(?:腰|腿|眼睛|牙|胃|颈椎|腰椎|关节)|看门诊|就医|住院|医院|医生|大夫|拿药|开药|怀孕|怀上|产检|生孩子|生娃|分娩|做(?:了|个|完)?手术|动(?:了|个)?手术|开(?:了|个)?刀|透析|备案|备个案|"
    r"在[^，,。？?\s]{1,6}生(?:孩子|娃|小孩|宝宝)?(?=[，,。？?\s]|$)|"  # "媳妇怀上了，打算在昆山生"
    r"医保(?!卡)[^，,。？?\s]{0,6}(?:能用|好使|管用|能不能用|用得上|用不了|不能用)"  # "…医保在上海能用吗"
)
# formalities to see to before going: what 备案 is
_FORMALITIES_FIRST = re.compile(r"(?:提前|事先|先|之前)[^，,。？?\s]{0,4}手续|手续[^，,。？?\s]{0,4}(?:提前|事先|先)")
# … but not moving 医保 itself, nor claiming back what was paid there ("回来还能报不，发票要留着吧"; not "不用回来
# 报"), nor what else the card does there ("坐车看病都行吗")
_NOT_FILING = re.compile(
    r"医保关系|关系转|转移接续|接续|(?:转过去|转回来)(?!以后|之后|后)|发票|垫付|先付|自己付|自己掏|没刷上|出院了|(?<!不用)(?<!不想)(?<!不必)(?:回来报|回宿州报)|手工报销|"
    r"坐车|乘车|(?:刷|坐|乘)[^，,。？?\s]{0,3}?(?:地铁|公交)|交通卡|啥用|激活|密码|挂失|补卡|换卡|"  # the card's own
    r"办(?:张|个|一张)?社保卡|申领|领卡|做卡"
)
# … or a doctor here sending the citizen there ("宿州的医院让我去上海瑞金看"), which needs no 医保 to be said
# (not "医院叫号"; and a patient moved to be treated: "把俺爹转到上海去治 转过去…" moves him, not his insurance)
_PATIENT_MOVED = re.compile(r"转到[^，,。？?\s]{1,6}?(?:去|来)?(?:治|住院|看病|就医|手术)")
_REFERRED = re.compile(rf"转诊|转院|(?:医院|医生|大夫)(?:让|叫(?!号)|建议|开了?单子让)|{_PATIENT_MOVED.pattern}")
_HIM_MOVED = re.compile(r"转过去|转过来|转回来")


def _not_filing(corrected: str) -> bool:
    if _PATIENT_MOVED.search(corrected):  # "转过去" is the patient then, not the insurance
        corrected = _HIM_MOVED.sub("", _PATIENT_MOVED.sub("", corrected))
    return bool(_NOT_FILING.search(corrected))


# … or an emergency there ("去无锡玩，俺娘突然晕倒送医院急诊了"): 临时外出就医, however it is told
_EMERGENCY = re.compile(r"急诊|抢救|急救|晕倒|昏倒|送医院|送到医院|(?<!\d)120(?!\d)")
_UNPLANNED = re.compile(r"急病|急性|突发|突然|来不及|没来得及|紧急")  # "出差路上急病住院来不及备案咋办"


# … told by the citizen without an NLU entity: the ambulance called, not any 120 ("看门诊花了120块钱")
_EMERGENCY_TOLD = re.compile(
    r"急诊|抢救|急救(?!车)|晕倒|昏倒|(?:叫|打|拨|喊)了?个?120|(?<!\d)120(?:急救|救护车|拉|送|来)|救护车(?:拉|送|来)"
)


def tells_an_emergency(text: str) -> bool:
    """The text says an emergency in its own words ("叫120拉到医院", "急诊", "抢救"), with no NLU entity needed."""
    return bool(_EMERGENCY_TOLD.search(normalize(text)))


MEDICAL_ELSEWHERE_SERVICE = "medical_filing"
# A seller and trouble with what they sold is a consumer dispute, however the story is told ("买的冰箱用了半个月
# 就不制冷，商家推给厂家"): 12315's business, even where NLU hears a story of another kind; not our card's trouble
# in a shop ("在超市用社保卡，说卡过期了"), and 老板 is also an employer.
_SELLER = re.compile(
    r"商家|店家|卖家|商场|超市|饭店|饭馆|餐馆|店里|门店|网店|这家店|那家店|一家店|店铺|店是|店在|客服|"
    r"理发店|美发店|美容院|健身房|修理厂|修车铺|维修店|维修点|4[sS]店|"
    r"家政|装修公司|培训机构|旅行社"  # services bought: "通过一个家政公司请了个月嫂 … 公司不退钱"
)
# … or a shop's prepaid card, the shop gone with the money ("理发店办了张会员卡…现在店门关了"); not "会员卡过期了"
_SHOP_CARD = re.compile(r"会员卡|预付卡|充值卡|购物卡|储值卡")
_SHOP_GONE = re.compile(r"店门关了|店关了|关门了|倒闭|关张|跑路|卷钱|要不回|退不了|不给退|不退钱")
_WAGES = re.compile(r"工资|薪水|欠薪|打工|上班")  # "在超市上班 超市关门了 工资要不回来": an employer's debt
# … or just bought, when the seller refuses or cheated ("听健康讲座 买了一堆保健品…不给退"), not "买的药吃了肚子坏了"
_BOUGHT = re.compile(r"买了|买的|买到|卖给|推销|网上买|网购|买(?:那|这)个")  # "俺在网上买那个保健品"
_REFUSED = re.compile(
    r"不给退|不退钱|不给换|不认账|推来推去|假货|假的|欺诈|坑人|被坑|宰客|被宰|以次充好|"
    # "说能治高血压 吃了一点用没有 找谁说理去"
    r"虚假宣传|一点用(?:都|也)?没有|屁用没有|啥用(?:都|也)?没有|没啥用|忽悠|骗人|被骗|说理"
)
_SOLD_BADLY = re.compile(
    r"不给退|不退钱|不给换|不给修|不认账|不承认|推来推去|坏了|假货|假的|质量问题|虫子|过期|变质|欺诈|坑人|被坑|"
    r"宰客|被宰|缺斤少两|以次充好|不退不换|开胶|掉色|起球|缩水"
)
CONSUMER_SERVICE = "consumer_complaint"
# Treated in another province without filing, and it is over ("住院没备案，已经出院了", "当时不知道要备案，钱全是
# 自己掏的"): what is left is 手工报销 back home.
_NOT_FILED = re.compile(
    r"(?:没|没有|未|忘了|不知道要|不知道得|不晓得要|不晓得得|来不及|没顾上|顾不上|没来得及)(?:办|做|去)?"
    r"(?:备案|备过案|备上案|备个案|备(?:个)?(?:啥|什么)案)|"  # "当时不晓得要备什么案"
    r"(?:啥|什么)[也都]没(?:办|弄)|没办(?:任何)?手续"  # "当时慌里慌张啥也没办，钱都是借钱垫的"
)
# "那回来报要带啥": claiming the money back at home is 手工报销 by another name (not 回来报到, 报名, nor
# "不然回来报不了", which says why to file first)
_CLAIMED_AT_HOME = re.compile(
    r"(?<!不然)(?<!否则)(?<!怕)回(?:来|去|宿州|老家|参保地)再?(?:还能|还可以|能|可以)?(?:报销(?!不)|报(?=的话|[要得咋怎啥吗呢都\s]|$))"
)
# "那要是没来得及备案呢 报的是不是就少了": what is paid back without filing (a rate of 手工报销)
_RATE_ASKED = re.compile(aspects.RATE_PAID_BACK)
# … or what then, without it ("没备按呢", "那要是没来得及备案的呢"): paid first, and claimed back
_WHAT_IF_UNFILED = re.compile(r"(?:没|没有|未|不|来不及)(?:办|做)?(?:备案|备过案|备上案)(?:的|的话)?呢\s*$")
# "能直接刷吗 还是只能…回去报": whether it need be claimed at all
# (not as what it is compared with: "会不会比直接刷卡少")
_SETTLED_DIRECTLY = re.compile(
    r"(?<![比跟和])(?:直接|当场)(?:结|刷|报|走医保)|(?<![比跟和]直接)(?<![比跟和])刷(?:卡|医保)"
)
# "这回已经自己掏钱了 还能报不": paid out of one's own pocket, and whether it can still be claimed
_PAID_ONESELF = re.compile(r"自己掏|自掏|自己付|自己垫|自费|垫[了的付上钱]|先付了|全款")
# "钱已经自己付过了": paid, and it is over (not "要自己先付吗")
_PAID_ALREADY = re.compile(r"已经(?:是)?(?:自己|自个)?(?:先)?(?:付|掏|垫|交)|(?:自己|自个)(?:付|掏|垫|交)(?:过|完)了")
_TREATED_ALREADY = re.compile(
    rf"出院了|已经出院|出了院|看完了|看完病|病看完|回来了|花了|掏了|{_PAID_ONESELF.pattern}|付过了|交过了"
)
# "出院了 医院说结不了": the bill was not settled on the spot
_NOT_SETTLED = re.compile(r"结不了|没法结|不能结|没给结|没结成|没能直接结|没直接结|刷不了|不给刷|没刷成")
_STILL_CLAIMED = re.compile(r"还能报|能报不|能不能报|还报不|给报不|给报吗|还给报")
REIMBURSEMENT_SERVICE = "manual_reimbursement"
OUTPATIENT_SERVICE = "settle_outpatient"
# "出院的时候是不是就能直接拿医保结": settled at discharge, asked (not "出院了 医院说结不了", nor the aim of
# another step: "去上海住院之前要办啥手续 出院才能直接报销")
_SETTLED_AT_DISCHARGE = re.compile(
    r"出院[^。？?，,]{0,10}(?<!才)(?:能|可以)[^。？?，,]{0,4}直接(?:拿|用|刷)?(?:医保|医宝|卡)?(?:结|报|刷)|"
    r"住院[^。？?，,]{0,6}(?:能|可以)当场(?:结|报|刷)"  # "到上海住院花的钱能当场结了吗 还是拿发票回宿州报"
)
INPATIENT_SERVICE = "settle_inpatient"
# Crossing the border and whether to declare ("带了几根人参…过关要不要报"): the travellers' customs declaration
_DECLARED_AT_BORDER = re.compile(
    r"(?:过关|过海关|入境|出境|回国|海关|通关|出国)[^。？?]{0,20}(?:要不要报|报不报|申报|报关|要报|得报|报不)"
)
CUSTOMS_SERVICE = "customs"
# "在江苏评的职称到宿州还认不认": a title recognised across the provinces, the plan's 互认共享的人才评价 (task 8)
_TITLE_RECOGNISED = re.compile(
    r"职称[^。？?]{0,15}(?:认不认|认吗|认可|承认|互认|认定|还算|算不算|有效|管用|作数|通用|重新评)|(?:互认|认可|承认)[^。？?]{0,6}职称"
)
TALENT_SERVICE = "talent"
# the paper a 公积金 paid elsewhere needs for a loan here ("在上海交了五年公积金 … 用公积金贷 听中介说要先开个啥异地的
# 证明"): 异地贷款缴存使用证明 in other words
_LOAN_PAPER = re.compile(
    r"公积金[^。？?]{0,20}贷[^。？?]{0,24}证明|证明[^。？?]{0,16}公积金[^。？?]{0,8}贷|"
    r"贷[^。？?]{0,20}公积金[^。？?]{0,20}证明"  # "想回宿州贷款买房 之前在上海交的公积金 这边说要个啥缴存的证明"
)
LOAN_CERTIFICATE_SERVICE = "loan_deposit_certificate"
# a graduate starting out on their own ("俺孙子宿州学院刚毕业 不想上班 想自己干点啥 市里有啥帮扶没"): the plan's
# support for graduates' 创业 (task 7), told in other words
_GRADUATE_ON_THEIR_OWN = re.compile(
    r"(?:毕业|大学生|毕业生)[^。？?]{0,16}(?:自己干|自己做|自己开|自己整|当老板|做生意|干个体)|"
    # … or starting a business, said further on ("宿州学院今年刚毕业的，不想出去打工，想回老家埇桥开个奶茶店，市里有没有
    # 创业方面的扶持"; not 毕业证)
    r"(?:毕业(?!证)|大学生)[^。？?]{0,40}(?:创业(?!失败)|直播带货)"
)
# A doctor seen over a screen: "能跟上海的大夫对着手机视频看病" (远程医疗, however else 看病 is searched)
_SEEN_REMOTELY = re.compile(
    r"(?:视频|远程|连线)[^，,。？?\s]{0,3}(?:看病|问诊|会诊|看专家|看大夫|看医生|就诊)|"
    # "听说现在搁宿州就能叫上海的大夫给看看": a big city's doctor seen without leaving home
    r"(?:在|搁|不出)宿州[^，,。？?]{0,8}(?:上海|南京|杭州|苏州|大医院|大城市)的?(?:大夫|专家|医生|名医)|"
    r"(?:大夫|专家|医生)[^，,。？?]{0,8}视频"
)
TELEMEDICINE_SERVICE = "telemedicine"
EDUCATION_SERVICE = "education"
# schools of the 长三角 working with ours ("听说宿州要引进上海杭州的好学校", "职业学校跟上海江苏那边学校合着办"): the
# plan's education cooperation (tasks 20 and 21), told in other words
_SCHOOLS_FROM_THE_DELTA = re.compile(
    r"学校[^，,。？?\s]{0,16}(?:合作(?!医疗)|合着办|联合办|分校)|引进[^，,。？?\s]{0,10}学校"  # (not 合作医疗)
)
# Old people elsewhere treated like the local ones ("那边老人坐车逛景点跟本地老人一个待遇 我们宿州去的算不算",
# "听说那边老年人门票免费"): 敬老同城化, whatever card or certificate comes with it
_AS_LOCAL_ELDERLY = re.compile(
    r"(?:本地|当地|那边)的?(?:老人|老头|老太|老年人|老头老太太)[^，,。？?]{0,8}(?:一样|一个待遇|同等|同样|待遇|好处|福利|免费|不要钱)|"
    r"(?:跟|和|同)(?:本地|当地)(?:人|老人)?[^，,。？?]{0,4}(?:(?:一样|同等)(?:的)?(?:享受|待遇|优待)|一个待遇)"
)
SAME_TREATMENT_SERVICE = "elderly_onecard"
# … and what an old person gets with the card ("宿州老人拿这卡以后能有啥照顾不" after 一卡通): the 涉老 card's matter
_ELDERLY_FAVOURED = re.compile(
    r"(?:老人|老年人|老头|老太|老两口|俺爹|俺娘|俺妈|俺爸)[^，,。？?\s]{0,12}(?:照顾|优待(?!证)|优惠|福利|好处|待遇|免费|不要钱)"
)
_ON_THE_CARD = re.compile(r"这卡|这张卡|那张卡|社保卡|一卡通")
_CARD_TROUBLE = re.compile(r"锁|丢|补|换|激活|挂失|过期|到期")  # "俺爸社保卡锁了 老人有没有优待": the trouble first


def _elderly_favoured_on_the_card(text: str, elsewhere: bool = False) -> bool:
    """One clause names what old people get, with the card or — `elsewhere`, the message set in another place —
    anyway, and the message no trouble with the card."""
    away = elsewhere and not _TICKETS.search(text)  # not "拙政园门票网上咋买 … 老人有没有优惠": the ticket office's
    return not _CARD_TROUBLE.search(text) and any(
        _ELDERLY_FAVOURED.search(c) and (away or _ON_THE_CARD.search(c)) for c in split_clauses(text)
    )


# "那先咋办实体卡", "实体卡能让我爸在宿州帮我申请吗": getting the card itself (what the electronic one needs first)
_PHYSICAL_CARD_SOUGHT = re.compile(
    r"(?:办|申请|申领|领|做)(?:一?张)?实体(?:社保)?卡|实体(?:社保)?卡[^，,。？?]{0,12}(?:申请|申领|办一张|办下来)|"
    rf"没有?实体(?:社保)?卡.{{0,20}}(?:{_WHAT_NOW_WORDS})"  # "我压根没有实体卡 刚毕业 … 那咋办"
)
CARD_APPLY_SERVICE = "sscard_apply"
# the insurance itself moved ("那转关系去哪弄", "那转医保找哪个部门")
_RELATION_MOVED = re.compile(r"转(?:医保)?关系|关系(?:转|迁|挪)|转医保(?=到|回|过来|过去|去|找|咋|怎么|要|的手续)")
_NOT_SAME_TREATMENT = re.compile(r"医保|报销|住院|看病|养老金|退休金|养老院|养老保险")  # "跟当地老人报销待遇一样不"
# A question about a hotline itself ("12345晚上有人接吗", "12393能查医保交了几年不"): the number leads a clause or
# is asked about ("有事打12345 这个号到底管啥的", "…能打12345吗"), not "已经打12333挂上了" in a story. Its FAQ is
# the question asked.
_HOTLINE_NUMBER = re.compile(r"(?<!\d)1\d{4}(?!\d)")
_HOTLINE_ASKED = re.compile(
    r"(?:^|[，,。.？?！!；;\s])(?:请问|问一下|想问一下|问问)?(1\d{4})(?!\d)|"
    # "有事打12345 这个号到底管啥的", not "我打了12345这个电话说让我找街道"
    r"(?<!打了)(?<!\d)(1\d{4})(?=[^。？?！!\d]{0,3}(?:这个|这)(?:号码?|电话)(?![^，,。？?\s]{0,2}说)|"
    r"[^。？?！!\d]{0,4}(?:是管|管啥|管什么|是干啥|是干什么))|"
    # "出了车祸能打12345吗", not "打12345不管用" or "打12345也没有用"
    r"打(1\d{4})(?=[吗嘛么]|不(?=$|[\s，,。？?])|[^。？?！!\d不没]{0,4}(?:管用|有用|行不|行吗|可以不|可以吗))"
)


def _asked_hotlines(text: str) -> set[str]:
    """The hotline numbers a question asks about: none where it names several ("12393跟12333有啥区别": a comparison),
    nor one asked about in passing for another hotline's field in its clause ("那医保报销的事也打12345吗": 医保's
    is 12393)."""
    if len(set(_HOTLINE_NUMBER.findall(text)) & NATIONAL_HOTLINES.keys()) > 1:
        return set()
    matches = _HOTLINE_ASKED.findall(text)
    leading = {first for first, *_ in matches if first}  # "12393是管医保的还是管社保的": asked of itself
    in_passing = {n for _, *rest in matches for n in rest if n}
    clauses = split_clauses(text)
    return leading | {
        n
        for n in in_passing
        if not any(o != n and f.search(c) for c in clauses if n in c for o, f in _HOTLINE_FIELDS.items())
    }


# The two insurances by name (not 医保卡, a card): what moves with a job, what a hotline is for
_MEDICAL_INSURANCE_WORDS = r"医保|医疗保险|合作医疗|农合"
_PENSION_WORDS = r"养老保险|养老金"
# the field of each national hotline, as citizens name it ("医保方面的事打哪个电话")
_HOTLINE_FIELDS = {
    "12393": re.compile(rf"(?:{_MEDICAL_INSURANCE_WORDS})(?!卡)|医疗保障"),
    "12333": re.compile(rf"人社|社保(?!卡)|{_PENSION_WORDS}"),
    "12315": re.compile(r"消费者|消费投诉|商家|假货|买到"),
}
# Which hospital or doctor is best, what to eat: a doctor's question, unless insurance is asked about too
_MEDICAL_ADVICE = re.compile(
    r"(?:哪个|哪家|哪位|什么)(?:医院|专家|大夫|医生|科室)[^，,。？?]{0,8}(?:好|靠谱|厉害|有名|强)|专家号|"
    r"饮食|忌口|能吃|吃什么|偏方|怎么治|咋治|吃(?:点|些)?(?:啥|什么)药|换(?:个|种)?药|(?<!电)(?:炖|熬)(?:点|些)?(?:啥|什么)|煲(?:点|些)(?:啥|什么)|"
    r"(?:还)?能治(?:不|吗|好)|治得好|能不能治|吃(?:点|些)?(?:啥|什么)(?:能|会)?好|"  # "这还能治不，吃点啥能好点"
    r"能(?:一块|一起|同时)吃|"  # "波立维跟阿司匹林能一块吃不"
    r"国产的?好还是进口|进口的?好还是国产|(?:今天|明天|周[一二三四五六日天]|星期[一二三四五六日天])[^，,。？?]{0,8}(?:坐诊|出诊)|"
    r"(?:对|治)[^，,。？?]{0,4}(?:病|血压|血糖|血脂|心脏|身体|健康|胃|肝|肾|睡眠)[^，,。？?]{0,3}有(?:好处|用|效果?)"
)
_SIDE_EFFECTS = re.compile(r"副作用|不良反应")
# Commercial insurance (惠民保, 商业保险) pays by its own contract: not a 医保 question unless 医保 is asked too.
_COMMERCIAL_INSURANCE = re.compile(r"惠民保|商业保险|商保|保险公司|重疾险|意外险|医疗险|百万医疗|寿险|保险业务员")
# Weather, shopping advice, politics, subway lines, ETC, games: "苏州那几天下雨不" is not a question about the
# 交通卡 discussed before it (but "社保卡在上海能坐地铁几号线" asks about the card).
_EVERYDAY_MATTER = re.compile(
    r"天气|下雨|下雪|气温|多少度|刮风|冷不冷|热不热|厚衣服|穿啥衣服|金价|黄金|股票|基金涨|(?:修|建|通|有)地铁|值得买|(?:哪个|什么)牌子|几号线|交通管制|分手|谈恋爱|处对象|"
    r"台湾|总统|选举|大选|政治(?!面貌)|(?:哪个|哪家)公司|工资高|(?<![a-z])etc(?![a-z])|"
    # 通关 in a game or an escape room is no customs clearance
    r"游戏|原神|王者荣耀|黑神话|消消乐|关卡|副本|boss|配队|攻略|通关技巧|打不过|密室|闯关|有一关|在一关|一关过不去|这一关|那一关|(?:这|那)关(?!税)|(?:第|前)[\d一二三四五六七八九十百]+关|candy|"
    r"科目[一二三四1234]|倒车入库|驾考|"  # … nor passing a driving test
    # a train to take: its timetable and tickets ("从宿州到嘉善有直达的火车不 票咋买"); a hospital's appointments
    # ("瑞金医院挂号是用哪个app预约啊"); whether a city lets outsiders buy a home
    r"(?:网上|在哪|哪里|哪儿|咋|怎么|怎样|去哪)挂号|挂号[^，,。？?]{0,8}(?:app|小程序|公众号|在哪|哪挂|咋挂|怎么挂|预约)|预约挂号|"
    r"医院的号[^，,。？?]{0,6}(?:咋挂|怎么挂|哪挂|在哪挂|挂不上)|加个?号|"  # "那宿州市立医院的号手机上咋挂啊"
    r"(?:宿州|本地)[^，,。？?\s]{0,6}医院[^，,。？?\s]{0,3}(?:咋|怎么|怎样|如何|在哪|去哪)预约(?!远程|会诊|专家)|"
    r"限购|购房资格|"
    r"(?:高铁|火车|动车)[^，,。？?]{0,6}(?:票|几点|班次|几趟|几班|车次|最早|最晚|直达)|直达的?(?:火车|高铁|动车)|12306|抢票|"
    r"(?:高铁|火车|动车)[^，,。？?]{0,8}(?:转车|换乘)|坐到[^，,。？?\s]{1,6}多少钱|宾馆|旅馆|(?:那条|这条)路[^，,。？?]{0,6}修|"
    r"weather|带伞|异地登录|登录异常|号被盗|盗号|聊天记录|销号|携号转网|话费|流量卡|流量[^，,。？?\s]{0,4}(?:充|不够|用完)|营业厅|停机|串号|"
    r"远程控制|远程桌面|向日葵|todesk|老年手机|老人机|(?:哪|哪里|哪儿)有?卖|防盗门|门锁|指纹锁|智能锁|开锁|"
    r"(?:哪个|哪家|哪里)[^，,。？?]{0,6}(?:好吃|好玩|好买)|(?:有啥|有什么|哪些|哪里|哪儿)好玩|"
    r"查[^，,。？?]{0,4}快递|快递[^，,。？?]{0,4}(?:到哪|单号|到了没)|物流信息|"
    # savings (养老理财 is no 养老服务), films, love, office software, writing, trips: "异地恋" is no 异地 errand
    r"理财|买基金|电影|电视剧|综艺|异地恋|维持感情|视频会议|腾讯会议|钉钉|远程办公|请假条|作文|路线推荐|自驾游|好吃的|美食|"
    # a story's 通关文牒; a pupil bullied is the school's business; what to see on a trip
    r"西游记|唐僧|通关文牒|(?:学校|同学|孩子|老师)[^，,。？?]{0,6}(?:欺负|霸凌)|校园霸凌|(?:景点|景区)[^，,。？?]{0,6}值得去|"
    # a neighbour's noise or a blow is no consumer's complaint, however 投诉 is said ("楼上天天半夜装修吵死了")
    r"楼上[^，,。？?]{0,8}(?:吵|装修|漏水)|(?:推|打|踹)了(?:我|俺)(?:一把|一下|几下)|动手打|打人了|把人打|打了人|"
    # a timetable is no 一卡通 question: "上海地铁早上几点开始有车"
    r"首班车|末班车|(?:几点|多会|啥时候|什么时候)(?:开始)?(?:有车|发车|收车|停运|收班)|运营时间|"
    # … nor a trip's length or tickets: "从宿州坐高铁去嘉善得几个钟头啊"
    r"(?:高铁|火车|动车|大巴|飞机|开车)[^，,。？?]{0,8}(?:几个?(?:钟头|小时)|多长时间|多久)|(?:高铁|火车|动车|飞机)票|"
    # renting a home, a job board, taxes: "苏州园区那边租个两室的房子一般啥价", "苏州有啥找工作的平台推荐吗"
    r"租房(?:平台|中介|价格|网站|app)|房子[^，,。？?\s]{0,4}(?:啥价|什么价|多少钱一个月)|"
    r"找工作的?(?:平台|网站|app|软件)|(?:求职|招聘)(?:平台|网站|app|软件)|退税|个税|个人所得税|"
    # a company's expense claims and what crops fetch are no 医保 报销 or 12315 price matter
    r"(?:公司|老板)[^，,。？?\s]{0,8}报销|差旅|收购价|卖不上价|"
    # a scraped car: "住院完车还被人剐了"
    r"车[^，,。？?\s]{0,3}被人?(?:剐|刮|蹭)|(?:剐|刮|蹭)了?(?:我|俺)?的?车|"
    # parking at the hospital, what a house or a pear costs: "瑞金医院那边好停车不", "砀山梨现在多少钱一斤"
    r"停车|车位|房价|(?:进口|国产)的?[^。？?]{0,12}(?:国产|进口)[^。？?]{0,12}(?:哪个好|哪个划算|选哪个)|(?:改|换)绑|租[个间套]?房子?(?![^，,。？?\s]{0,4}(?:补贴|补助))[^，,。？?\s]{0,6}(?:多少钱|便宜|贵)|(?:多少钱|几块钱?)一[斤克两]|一[斤克两](?:多少钱|几块|啥价)|批发价|"
    # what a street needs mending is the city's (12345), no errand of ours: "俺老家门口那条路灯坏了"
    r"路灯|井盖|下水道|红绿灯|修路"
)
# a website's filing ("官网要做ICP被案"): no 备案 of ours, wherever the company is
_WEBSITE_FILING_WORDS = r"icp|域名|(?:网站|官网)[^，,。？?]{0,8}(?:备|被案)"  # "公司网站要做备案", "网站 说要去做备案"
# Errands of offices this KB does not cover (婚姻登记, 出入境证件, 驾驶证, 公积金提取, 法律援助, 低保, 残疾人补贴,
# 宅基地, 不动产, 违建, 身份证 lost at home, veterans, maternity insurance)
# and requests that are no errand (translation, exchange rates, bus routes): "结婚登记要带啥材料" shares 登记 and
# 材料 with 备案, not its business. Doing one of them from another province is a 跨省通办 question, and customs,
# the 公积金 loan certificate, the card's transport use and 12315 complaints are ours.
_OTHER_OFFICE = re.compile(
    rf"{_WEBSITE_FILING_WORDS}|"
    r"结婚证|结婚登记|婚姻登记|离婚证|离婚手续|办离婚|护照|通行证|签证|驾驶证|驾照|违章|车管所|"
    r"出生证明|出生医学证明|退役军人|法律援助|打官司|律师|献血|生育保险|生育津贴|低保|最低生活保障|残疾人|残疾证|两项补贴|"
    r"宅基地|不动产|房产证|房本|车牌|牌照|落户|迁户口|户口[^，,。？?\s]{0,6}(?:迁|落到)|落到[^，,。？?\s]{0,3}(?:市区|城里|城区|县城)|违建|私搭乱建|噪音|扰民|广场舞|楼上[^，,。？?]{0,12}(?:装修|砸墙|吵)|吵得[^，,。？?]{0,6}睡不着|以旧换新|出租房|出租屋|房屋租赁|租赁备案|租房备案|身[份分]证[^，,。？?]{0,4}(?:丢|掉|挂失|补办|补领|到期|过期|换)|(?:户口本|户口簿)[^，,。？?]{0,6}(?:丢|掉|补|找不)|"
    rf"公积金[^。？?]{{0,24}}(?:{_FUND_WITHDRAWN}|租房|房租|还房贷|还贷|利率|余额|能贷多少|贷多少|最多能贷|贷款额度)|"
    r"翻译|translate|汇率|换(?:美元|外币|港币|日元|欧元)|(?:美元|外币|港币|日元|欧元|韩元)[^，,。？?\s呢]{0,6}换|"
    r"派出所[^，,。？?\s]{0,6}(?:几点|上班|下班|开门|关门)|坐几路|几路(?:公交|车)|商标|物业|居委会|学位证|毕业证|"
    r"房管局|无人机|高龄补贴|高龄津贴|尊老金|陪护|陪床|探视|贴票|差旅|发票抬头|公司报销|单位报销|"
    r"失业登记|登记失业|失业金|失业保险金|开发商|住建局|合同备案|网签|营业执照|工商年报|生育登记|注册地|迁移登记|"
    r"(?:养老金|养老|退休金|待遇)[^，,。？?]{0,2}资格认证|生存认证|待遇认证|"
    r"改装|加了?个?棚|交警|几楼|疫苗|接种|校服|学费|课后服务|伙食费|"  # not 坐诊: experts from 上海 come to see
    r"起诉|法院立案|(?:去|到|上)法院告|上牌|挂牌照|调监控|看监控|查监控|改(?:个|了)?名字?|更名|改姓|"
    # a hospital's own registration and timetable ("宿州市立医院周末有专家门诊吗")
    r"挂号(?:的?电话|费|用哪个|app|小程序)|网上挂号|(?:咋|怎么|怎样|在哪|哪里|去哪)(?:网上)?挂号|专家号|专家门诊|"
    r"(?:周末|周六|周日|星期[一二三四五六天日]|礼拜[一二三四五六天日])[^，,。？?]{0,4}(?:门诊|坐诊|出诊)|"
    r"(?:门诊|坐诊|出诊)[^，,。？?]{0,2}(?:几点|周末|上班|开门|下班)"
)
# Taxes, an injury at work or a boss who will not pay, 家庭共济, the retirement age, car-plate lotteries, a
# pension that has not arrived, the 医保 app's code or an account balance (not moved along with the insurance:
# "上海医保账户里还有一些钱，能转到宿州吗"): matters for other offices or the app, wherever the citizen is
# ("在外地工地上摔伤，包工头不管了"; not "原件给包工头拿去了").
_NO_ERRAND_OF_OURS = re.compile(
    r"(?<!我们)(?<!俺们)老年大学(?!组织|的[^，,。？?\s]{0,3}(?:同学|姊妹|姐妹|朋友|伙计))|个税|专项附加扣除|年度汇算|工伤|包工头[^，,。？?]{0,12}(?:不给|不管|拖|欠|跑了|找不着|不见)|拖欠工资|(?:拖|欠)了?[^，,。？?\s]{0,6}工资|工资[^，,。？?]{0,4}(?:不给|没给|没发|拖着)|欠薪|讨薪|劳动仲裁|值得买|"
    r"家庭共济|摇号|居住证积分|积分入学|积分落户|(?:上学|入学|落户)[^，,。？?\s]{0,6}积分|(?<!没有)(?<!没)居住证(?:咋|怎么|怎样|如何|在哪|去哪|哪里)(?:办|弄|申请|领)(?![^，,。？?\s]{0,6}备案)|退休年龄(?:是|到底是)?(?:多少|多大|几岁)|退休年龄[^，,。？?]{0,4}(?:延迟|推迟|调整|改革)|延迟退休|利率|(?:多大|几岁|多少岁|岁数)[^，,。？?]{0,4}退休|所得税|"
    r"(?:退休金|养老金)[^，,。？?]{0,6}(?:到账|没到|没发|晚发|少发|少了|少给|被扣|扣了|能拿多少|能领多少|涨|调(?:了|整|高)|上调)|"
    r"(?:退休金|养老金)[^。？?]{0,20}(?:涨多少|能涨|涨了多少)|个人账户[^。？?]{0,12}(?:打多少|划多少|多少钱|返多少)|"
    r"医保电子凭证|医保码|(?:医保卡|医保账户|医保个人账户)里[^，,。？?]{0,8}(?:钱|余额)(?![^。？?]{0,10}(?:转|迁|带回))|查[^，,。？?]{0,6}余额|余额[^，,。？?]{0,4}(?:咋查|怎么查|查询|在哪查|多少)"
)
# An insurance moved in other words: "医保能不能挪回宿州来", "上海那边的医保咋弄过来", "养老保险怎么跟着我走"
_MOVED_ALONG = r"挪(?:回|到|过|走)|弄过来|弄回来|跟着[我人他她]?走"
# Paying into insurance (gaps, arrears, which grade, where to pay) is the insurance offices' business, unless
# asked with an errand of ours ("养老保险转移，中间断缴的能转吗", "备案材料能补交吗").
_PAYING_IN = re.compile(
    r"断缴|补缴|补交|断交|(?:社保|医保)断了|滞纳金|缴费档次|交哪个档|多交点|多缴点|(?:缴费|交费)[^，,。？?]{0,4}截止|"
    r"(?:能|咋|怎么|如何|在哪|去哪)(?:交|缴|续交|续缴)(?:钱)?[^，,。？?]{0,6}(?:医保|社保|养老保险|合作医疗)(?!局|卡)|"
    # how much to pay in ("宿州今年居民医保缴费是多少钱"), of an insurance, not of 优待证 or 养老院
    r"(?:医保|社保|养老保险|合作医疗)[^，,。？?]{0,6}(?:(?:缴费|交费)(?:标准|是多少|多少钱|要多少)|(?:一年|每年|每月)(?:要)?(?:交|缴)多少)|"
    # … or when and where ("俺们村里今年的医保交多少钱 找谁交", "俺村里医保今年还没交 会不会断了")
    r"(?:医保|社保|合作医疗)[^，,。？?\s]{0,6}(?:还没交|还没缴|要?交多少|要?缴多少|找谁交|去哪交|在哪交|搁哪交)|"
    # "娃的医保在宿州交 一年多少钱"
    r"(?:医保|社保|合作医疗)[^，,。？?\s]{0,6}交\s*(?:一年|每年|一个人|每人)?\s*(?:要|得)?多少钱|"
    # … or that it costs more ("村里说今年新农合一个人涨到四百多了")
    r"(?:医保|社保|合作医疗|新农合|农合)[^，,。？?\s]{0,8}(?:涨到|涨了|又涨|涨价)"
)
_WITH_AN_ERRAND_OF_OURS = re.compile(
    r"转移|转过|转回|转到|转出|接续|转过来|备案|报销|材料|结算|直接结|看病|住院|" + _MOVED_ALONG
)
# The card another place gives its own people, asked for by an outsider ("上海本地老头老太太有个敬老卡坐车不要钱，
# 俺外地的能去居委会办那个卡不"): that place's business, not 敬老同城化 nor the 优待证
_LOCALS_OWN_CARD = re.compile(r"(?:本地|当地)[^，,。？?]{0,8}有(?:个|张|一张|种)[^，,。？?]{0,6}卡")
_OUTSIDER = re.compile(r"外地|外省|外来")
# Another place's residence permit, got and renewed where one lives ("对了深圳的居住证到期了去哪续"): that place's
# business, not a cross-province errand (not "没有居住证" for 备案's proof of residence, nor "宿州这边需要开什么证明吗"
# for it)
_RESIDENCE_PERMIT = re.compile(
    r"(?<!没有)(?<!没办)(?<!没)居住证(?!明)[^，,。？?]{0,6}(?:咋|怎么|怎样|如何|去哪|搁哪|在哪|派出所|到期|过期|续|办|补|换)"
)
# Exams and school places are the education office's, unless the schools' cooperation is asked about
# ("宿州职业技术学院跟上海的学校有合作没，孩子中考分不高").
_EXAMS = re.compile(r"公务员|省考|国考|事业单位|事业编|高考|中考|考高中|填志愿|分数线")
_SCHOOLS_COOPERATING = re.compile(r"合作|分校|联合办学|职业院校|职业技术学院|学院|人才|引进")
# Tickets and discounts for anyone ("迪士尼门票学生打折吗") are the venue's business; with the card or for the
# elderly they are ours ("拿社保卡逛景区门票便宜不").
_TICKETS = re.compile(r"门票|票价")
# "西塘门票现在多少钱一张" after 敬老同城化: what a ticket costs is the ticket office's (not "门票打折不", the card's)
_TICKET_PRICE = re.compile(r"票价|门票[^，,。？?\s]{0,4}(?:多少钱|几块|多钱|啥价|什么价|价格)")
_CARD_OR_ELDERLY = re.compile(rf"{_CARD}|[这那此]张?卡|老年|老人|老头|老太|敬老|优待证|六十|七十|八十")
# Words that name one of our topics on their own ("看病的事", "老人的事")
_TOPIC_WORDS = re.compile(rf"{_CARD}|医保|社保|老年|老人|看病|就医|报销|养老|通关|海关")
# Words about asking itself, not about what: "你能回答异地就医的问题吗", "你懂社保卡的事吗"
_ABOUT_ASKING = re.compile(r"你?(?:能|会|可以)?(?:回答|解答|懂|知道)|的?(?:问题|事情|事儿)")
_WEBSITE_FILING = re.compile(_WEBSITE_FILING_WORDS)
_OTHER_ERRANDS_WORDS = frozenset({"登记"})  # a word of our services' names that other offices' errands use too
# another office's document applied for or renewed ("换护照也是找海关吧"), whatever office is named with it
_OTHER_DOCUMENT_APPLIED_FOR = re.compile(
    r"(?<![不没])(?<!不是)(?:换|办|补|续|申请|领)(?:个|本|张|新)?(?:护照|签证|港澳通行证|驾照|驾驶证)"
)
_OURS_AMONG_OTHERS = re.compile(
    r"海关|通关|申报|过关|(?<!出)入境|出境|缴存使用证明|异地贷款|人才|社保卡|医保|一卡通|刷卡|12315|消费投诉|消费维权|"
    r"第一次办身份证|首次申领|没办过身份证|老年人优待证|老年优待证|老年证|敬老|分校|名校|合作办学|联合办学"
)
# 医保 at home: the local clinic, the chemist's, local schemes ("宿州本地住院报销比例到底是多少") — the city's
# 医保 office's business, not a cross-province one, unless the message crosses a border; 本地 only with a medical
# word ("那边老人坐车逛景点跟本地老人一个待遇" is about 嘉善's old people)
_AT_HOME_MEDICAL = re.compile(
    # ("家门口" of seeing a doctor, not "在家门口开个奶茶店")
    r"家门口(?=[^，,。？?\s]{0,4}(?:看|诊所|医院|药|卫生|拿|开药|报))|卫生室|卫生院|社区医院|市立医院|新生儿|门诊统筹|大病保险|"
    r"本(?:地|县)(?=.*(?:医保|报|看病|门诊|住院|医院|药))"
)
# … and, where a figure is asked, treatment or a scheme of 宿州's ("俺搁宿州住院花了一万 医保一年能给报多少")
_HOME_TREATMENT_OR_SCHEME = re.compile(r"[在搁]宿州(?:住院|看病|看门诊|拿药)|(?:城乡)?居民医保|职工医保")
# how much is paid or paid back, a local figure ("本地医保一年能给报多少钱，比例是多少"): asked of 宿州 named, it is
# 宿州's own matter even in a conversation about being treated elsewhere
_LOCAL_FIGURE = re.compile(r"(?:报|交|缴|给)[^，,。？?\s]{0,4}多少|比例|百分之")
_HOME_NAMED = re.compile(r"宿州|本地(?!人)|本县|本市")
_HERE = re.compile(r"这边|在这|这里|这儿")
_MEDICAL_THINGS = re.compile(r"医保|医宝|卡|药|看病|门诊|卫生室|卫生院|医院")  # (not "家门口…创业有没有扶持")
_COMPARED_WITH_HOME = re.compile(r"一样|相比|比起|差不多|区别|不同|比在")
_COUNTY_HOSPITAL = re.compile(r"县(?:里|上)?的?(?:人民)?医院")
_ONLY_HERE = re.compile(r"本地|本市|(?:俺|我|咱)们?村|村里|家门口|小区")  # an errand with nothing across about it
_SAID_AT_HOME = re.compile(r"宿州|本地(?!人)|家门口|村|县")  # (not "那边老年人…跟本地人一样": the locals there)
_CROSSING = re.compile(r"备案|转诊|转院|长三角|一卡通")
# Which is cheaper is a shopper's question ("哪家买便宜"), unless our errands are what is compared ("是按普通门诊结算
# 就行还是得办那个慢特病的…哪个对她划算").
_WHICH_IS_CHEAPER = re.compile(r"(?:哪个|哪家|哪里)[^，,。？?]{0,6}(?:便宜|划算)")
# With a covered disease named, these words make it a question about medical insurance, not about health
# ("高血压平时饮食要注意啥" is a doctor's question).
_INSURANCE_MATTER = re.compile(
    r"医保|报销|能报|报不|回来再?报|结算|备案|认定|慢特病|慢病|门诊|住院|异地|外地|外省|跨省|省外|刷卡|统筹|费用|花钱|"
    r"看病|拿药|开药|取药|配药|开[^，,。？?]{1,4}药|直接结|待遇|病种|算|属于|包括|范围|能办|办理|手续|"
    r"(?:能|可以)结(?=[不吗么]|$)|结不了?(?=$|[\s，,。？?])"  # "俺有冠心病 常年吃药 这个也能结不": 结算 said short
)
# "不是社保卡，我说错了，是…": what the citizen takes back says nothing about what they ask
# (but "不是本人，能代办吗" takes nothing back)
_MEANT_ASKING = r"(?:我|俺)(?:就|就是|是)想?问|(?:我|俺)想?问的是"  # "我是问现在能住的 不是以后规划的"
# "俺说的是养老保险 不是养老院", "我弄混了", "俺说岔了", "俺说的不是远程 是…"
_CORRECTION = (
    r"说错|弄错|搞错|打错|看错|记错|听错|说岔|弄混|搞混|我是说|我的意思是|"
    r"[我俺](?:说|问)的(?:是|不是(?!(?:这|那)个?意思|很|太|假|瞎))"
)
CORRECTS = re.compile(_CORRECTION)  # "说错了，是我爸要办": the citizen corrects what they said
SAYS_WHAT_IS_ASKED = re.compile(_MEANT_ASKING)
# "俺爹今年65了", "她72了", "我妈七十多了": whose matter it is, by age, and nothing else said
_AGE_TOLD = re.compile(
    r"^[^\d，,。？?]{0,6}?(?:今年|都|已经|满|快|刚)?(?:[1-9]\d|[一二三四五六七八九]?十[一二三四五六七八九]?)(?:多|来)?"
    r"(?:岁|周岁)?(?:了|啦)?$"
)
_AGE_MARK = re.compile(r"今年|都|已经|满|岁|了|啦")


def tells_age(text: str) -> bool:
    """The (normalised) message only tells someone's age ("俺爹今年65了"), no number of anything else."""
    said = text.strip()
    return bool(_AGE_TOLD.match(said) and _AGE_MARK.search(said))


# (voice input and quick typing separate clauses by spaces: "不是养老院 是养老保险从浙江转回来")
# (but "不是这个意思 我是问…" takes back what the assistant understood, not something the citizen said)
# ("不是不是不是养老院俺说岔了俺是想问…" runs on to the correction unparted)
_RETRACTED = re.compile(
    r"^\s*(?!不是这个?意思)(?:不是|不对)"
    rf"(?:[^，,。.；;！!？?\s]*[，,。.；;！!？?\s]\s*(?=.*(?:是|{_CORRECTION}|[他她我俺]不(?:转|迁)))"
    rf"|[^，,。.；;！!？?\s]*?(?=[我俺]?(?:{_CORRECTION})))"
)
_DENIED = re.compile(
    # (and, in a correction, what is not wanted: "他不愿意去养老院")
    # … or a record not to be moved: "俺不转关系"
    r"(?:^|[，,；;\s])\s*(?:(?:[我俺]?[说问]的)?不是|[他她我俺]?(?:不愿意|不乐意|不想|不肯|不打算)去?|[他她我俺]不(?=转|迁))"
    r"[^，,。.；;！!？?吗呢吧嘛么啊\s]*(?=[。.！!]|\s*$|[，,；;\s])"  # ("…，不是养老院。俺在上海交了十年…")
)
# who the matter is for, corrected: "不是我看病 是俺娘"
_SOMEONE_ELSE_MEANT = re.compile(r"\s*不是(?:我|俺|他|她)(?![说问])")
# another matter set aside before the one asked: "先不管低保了 你刚说那个正式挂失 得带啥去"
# (not "不管咋样 先把备案办了吧": no matter is set aside there)
_SET_ASIDE = re.compile(
    r"^\s*(?:先|那|咱)?(?:不管(?!用)|不说|不问|别管|甭管)(?!咋样|怎样|怎么样|如何|怎么说)[^，,。？?\s]{1,8}?(?:了|啦)"
    r"(?:[，,。\s]+|(?=[我俺那咱]))(?=\S)"  # (voice input: "不说游戏了我下个月…")
)
# a question asked, then taken back in the same message: "…能领多少 哦我不是问这个 俺在江苏交了几年养老保险…"
_ASKED_AND_TAKEN_BACK = re.compile(
    r".{4,}?(?:[哦噢啊哎唉]\s*)?(?:[我俺])?(?:不是(?:要)?(?:问|说)(?:的)?这个|(?:问|说)的不是这个|问错了)[，,。.！!；;\s]*"
)
# "快到期的是身份证不是社保卡": what is meant, then what is not, in one clause of a correction — a card, a paper,
# an insurance or a place to stay (not "是嘉兴市区不是嘉善": a place taken back leaves the matter asked of it)
_THIS_NOT_THAT = re.compile(
    r"(是[^，,。.；;！!？?\s不]{1,8}?)不是[^，,。.；;！!？?吗呢吧嘛么啊\s]{0,7}(?:卡|证|保险?|关系|备案|院|金)"
    r"(?=[。.！!]?\s*$|[，,；;\s])"
)
# "那社保卡呢": what about something else
_DOUBTED_BUREAU = re.compile(aspects.DOUBTED_BUREAU)
_WORD_TAIL = re.compile(r"(?:的|那块|这块|那边|这边|方面|那一块)+$")  # "养老那块" names 养老
# Words that take an answer ("好的", "中", "ok"): a message of only these asks nothing; before a question, they
# are no part of it ("中 那社保卡的事呢")
ACK_WORDS = r"中|好的?|好嘞|好吧|那行|行吧|行|嗯|哦|噢|喔|知道了|知道啦|明白了|晓得了|了解|收到|ok|okay"
_LEADING_ACK = re.compile(rf"^\s*(?:(?:{ACK_WORDS})[，,。.!！~\s]*)+(?=\S)")
_WHAT_ABOUT = re.compile(  # "那医保的呢", "那医保呢 也能转吗"
    r"^\s*(?:那|那么|还有)?\s*([^，,。？?\s]{1,10}?)(?:呢|咋样|怎么样)\s*[？?]?\s*(?:$|[，,\s](?=.{0,8}$))"
)
# "那医保的事打哪个", "那社保卡的事呢": the matter of something else
_MATTER_OF = re.compile(r"^\s*(?:那|那么|还有)\s*([^，,。？?\s的]{2,8}?)的(?:事儿?|事情|问题)")
# "医保的 从无锡转回宿州 先找谁", "养老那块是不是也得跟着转", "医保那个能不能网上弄"
_OF_WHICH = re.compile(
    r"^\s*(?:那|是|我说的是)?([^，,。？?\s的]{2,6}?)(?:的(?:[\s，,]|$|(?=也))|那块|这块|那个(?=能|要|得|咋|怎|在|搁|去|多))"
)
# "车辆年检能在上海做不，还是得开回宿州": asks outright about doing an errand from another province
_ASKS_ACROSS = re.compile(
    r"(?:能|可以|能不能|可不可以)在[^，,。？?]{1,6}(?:办|做|弄|交|领|补|换|处理)|开回|跑回|两头跑|两边跑|不用回|"
    r"回(?:宿州|老家|来|去)(?:这边|那边)?(?:办|弄|做|跑|处理)|跨省办|异地办"  # "在上海被拍了违章 能回宿州处理不"
)
# "这是哪年开始有的", "从啥时候起能这样办": since when, not how long it takes
_SINCE_WHEN = re.compile(
    r"(?:哪年|哪一年|几几年|啥时候|什么时候|多会儿?)(?:就|才)?(?:开始|起|有的|实行|施行|上线|搞的|弄的|出来的)|"
    r"从(?:啥|什么|哪)(?:时候|年)"
)
# … and a fact saying it: "2022年10月1日起施行", "从2021年起", "2019年5月上线"
_STARTED_ON = re.compile(r"\d{4}年[^，,。；;]{0,10}(?:起|开始|上线|施行|实行)|从\d{4}年")
# "搁这边能换不", "在当地可以办吗": whether it can be done where the citizen is
# (not "还是宿州这边就能办": 宿州 is home, not where the citizen is)
_DONE_THERE = re.compile(
    r"(?<!宿州)(?:这边|这儿|这里|那边|当地|本地)[^，,。？?\s]{0,3}(?:能|可以|能不能|可不可以)[^，,。？?\s]{0,2}"
    r"(?:办|弄|换|补|领|交|做|报|挂失|激活|解锁|解)"
)
# "医保是不是也得跟着转" after 养老保险转移: the same asked of something else
_ALSO_OF = re.compile(r"^\s*(?:那|那么)?([^，,。？?\s的也]{2,4}?)(?:是不是|要不要|用不用|能不能)?也")
# the documents our services are named for, each with what citizens call it
_DOCUMENTS = {
    "身份证": re.compile("身份证"),
    "社会保障卡": re.compile("社保卡|社会保障卡"),
    "优待证": re.compile("优待证"),
}
# "你确定？厂里好几个老乡都说退了": the answer just given doubted
_DOUBTS_ANSWER = re.compile(
    r"^\W*(?:你|您)?(?:确定|肯定)(?:吗|么|嘛|不|没|[?？！!，,\s]|$)|^\W*(?:真的吗|真的假的|不对吧|不可能吧|不会吧)"
)
# done online, asked ("网上能弄不", "online能apply吗"); a fact of the offline place only says nothing of it
_NOT_GOING_BACK_TO = r"不回(?:宿州|老家|去|来)"
_ONLINE_ASKED = re.compile(rf"网上|线上|在线|手机上|app|小程序|online|不用跑|不跑|{_NOT_GOING_BACK_TO}")
_OFFLINE_ONLY = re.compile(r"(?:网点|窗口|大厅)[^。]{0,6}(?:地址|办公时间)")
_ONLINE_SAID = re.compile(r"网上|线上|在线|手机|app|小程序|平台|e站", re.IGNORECASE)
# "…也能打12315告他不": whether the service covers the other matter told too (not a question of its own)
_ALSO_COVERS = re.compile(r"^\s*那?(?:这|这个|这种)?(?:也能|也可以|也管|也归|也算)")
# "就长三角能这么弄吗 俺下个月拉货去广东": whether the matter discussed is for 长三角 only
_ONLY_THE_DELTA = re.compile(r"(?:就|只有|只|光|仅)(?:在|是)?长三角|长三角(?:以外|外面|之外)|出了长三角")
# the insurance given up for its money ("直接退了把钱拿出来", "退保"), and a fact that says whether one may
_CASHED_OUT = re.compile(
    r"退保|退(?!休)(?:了|掉)?[，,\s]?[^，,。？?\s]{0,2}把?钱[^，,。？?\s]{0,2}(?:取|拿|提|领)出来|钱[^，,。？?\s]{0,2}退(?:出来|给)|"
    # withdrawn instead of moved: "如果不转了，直接退掉可以吗"
    r"不转(?:了|移)?[，,\s]?(?:直接|干脆|就)?退(?:了|掉)"
)
# "是不是光办个被案就中了" in 门诊慢特病: whether one step alone is enough
_ONE_STEP_ENOUGH = re.compile(
    r"(?:光|只|单)(?:要|需要)?(?:办|弄|做|有)?(?:个|了|一个)?([^，,。？?\s就]{2,6}?)就(?:行|中|可以|够|成|能)"
)
# "哪有空跑网点": a reason told as a question, asking nothing
_RHETORICAL = re.compile(r"哪(?:里|儿)?有(?:空|时间|功夫|工夫|闲工夫)|哪请得(?:了|到)假|哪能请(?:到|得了)?假")
# "不回宿州能办不": whether it can be done from where the citizen is, i.e. how
_NOT_GOING_BACK = re.compile(rf"{_NOT_GOING_BACK_TO}|不用回|不想回|没空回|回不去|回不来|(?:过年|年底|年后)才(?:能)?回")
_STATES_WHERE = re.compile(r"[人我俺他她].{0,2}[在搁]|回不去|回不来|走不开")  # the citizen says where they are
# "那要带啥", "再问刚才那个，…": on with the matter under discussion
# "对了", "顺便问下": the citizen turns to something else
_TURNS_TO = re.compile(r"\s*(?:还有|顺带|顺便|另外|再问|对了)")  # a clause turning to another question
_TURN_WORDS = r"对了|顺便|顺带|另外|还有个事|还想问|再问个|再问一下|问个别的|换个问题"
_TURNS_AWAY = re.compile(rf"^\s*(?:{_TURN_WORDS})")
_TURNS_TO_ANOTHER = re.compile(_TURN_WORDS)  # … anywhere in the message ("电子社保卡在哪领啊 顺便问一下…")
# "找着了哈哈", "唉 真是的", "帮我写一首诗": a reaction or a request, not the citizen's circumstances
_REACTS = re.compile(r"^\s*(?:帮我|帮俺|给我|给俺|请你|你给|麻烦你)|哈哈|呵呵|嘿嘿|嘻嘻|唉|真是的|虚惊")
# "广东也中？" with its place blanked: whether it holds there too
_ALSO_THERE = re.compile(r"^\W*那?\W*(?:也|还)(?:中|行|可以|能办|能用)\s*(?:吗|不|么|嘛|呢)?\s*[？?]?\s*$")
# "在广州也能这样办吗", "万一那家医院结不了", "你说的这些是已经弄好了吗": a longer message that points back at
# what was just discussed
_SUPPOSES = re.compile(r"(?:^|[，,。\s])\s*那?(?:要是|如果|万一|假如)")  # at the start of a clause
_REFERS_BACK = re.compile(
    r"这样|这么|你说的|刚才|刚说|上面说|前面说|这张|那张|这种|那家|那边|一回|法子|"
    r"^\s*那?换成|"  # "换成日元的话超多少要报": the case just discussed, with one thing in it changed
    r"(?:这个|那个|这些|那些)(?:也|还)(?:得|要|能|算)|"  # "…一个包 这个也得报吗": the same asked of one more thing
    + _SUPPOSES.pattern
)
# "江宁那边哪个小区学区好": there, in the place just named, not the matter spoken of
_PLACE_BLANK = "\u0000"
_THERE_AFTER_A_PLACE = re.compile(_PLACE_BLANK + "(?:那边|那里|那儿)")
# "宿州那个窗口搁哪", "咋知道那医院联没联网": the window, the hospital spoken of
_POINTER = r"(?:那个|这个|那家|这家|那|这)"
_POINTED_AT = re.compile(rf"{_POINTER}([\u4e00-\u9fff]{{2}})")
# how many of something ("一共几条", "多少个城市", "几种病"): the measure word, then what is counted
# (or no measure word before a thing of two characters: "全国一共多少城市能刷")
_COUNT_ASKED = re.compile(r"(?:多少|几)(?:(个|条|种|项|类|家|批)([\u4e00-\u9fff]{0,2})|([\u4e00-\u9fff]{2}))")
# "那个证搁哪办", "那张卡", "卡的事呢"
# (whose it is may come first: "婆婆那个卡 她那是好多年前办的老卡")
_POINTED_THING = re.compile(
    r"^\s*(?:(?:俺|我|他|她)?(?:婆婆|公公|老伴|爸|妈|爹|娘|奶奶|爷爷|姥姥|姥爷|孩子|儿子|闺女)的?)?"
    r"(?:(?:那|这)(?:个|张|件)?|(?=[证卡]的事))(证|卡)(?![号片])"
)
ALIAS_POINTED = 0.7  # how well a word of a service's alias points at it (its name's: 1.0)
# a matter pointed at by a word of its own, first: "卡那个在苏州能弄不", "急诊那个 后面还要补啥手续不"
# (not a thing described: "医院给的那个出院的单子")
_WORD_THEN_THAT = re.compile(
    r"^\W*(?:那|还有|再说|对了)?\W*(?![那这俺我他她咱])([\u4e00-\u9fff]{0,3}?[\u4e00-\u9fff](?<!的))那(?:个|件|块)"
)
_POINTED_AT_LONGER = re.compile(rf"{_POINTER}([\u4e00-\u9fff]{{2,4}})")  # "那个研究院"
# The short forms services' names use ("医保关系转移接续")
_SHORT_FORMS = {"医疗保险": "医保", "社会保险": "社保"}
_SHORT_FORM = re.compile("|".join(_SHORT_FORMS))
# "回到刚才说的看片子那个", "还是刚才那个 要传的证明我手上没有 咋办": back to a matter discussed before
_BACK_TO = re.compile(
    r"回到|说回|再回|还是(?:说|问)?刚才|回头(?:说|问)|再问(?:一?下|问)?刚才|"
    r"是(?:前面|刚才|上面)(?:那|说的|问的)|(?:第一|头一)个事|"  # "不是养老院 是前面那个"
    r"(?:^|[\s，,。！!？?]|那)前面(?:那(?:个|件|张|事)|说的|问的|提的)"  # "那前面那个学习机的事 …", "那前面说的 …"
)
# … with a word of the earlier matter's name ("那刚才说的那个备案" after 一卡通行)
_THIS_CARD = re.compile(r"(?:这|那|俺|我|她|他)(?:这|那)?张?卡(?![号片住])")  # "俺这卡", "那张卡": the card spoken of
_THAT_ONE = re.compile(r"[这那]张")  # "我老伴那张": the card under discussion, unnamed
_ASKED_AGAIN = re.compile(
    r"再问|再说|还想问|接着问|接着说|刚才(?:说|问|讲|提)的|还是[^，,。？?\s]{1,6}(?:那个|那块|那事)|"  # "还是养老那个"
    # "养老那个打哪个电话", "中 那看病那个手续…": the matter by a word of its name
    r"^\s*[\u4e00-\u9fff]{2,6}那个(?!人)|\s那?[\u4e00-\u9fff]{2,3}那个(?!人)"
)
_SAYS_WHO = re.compile(r"哪个部门|牵头")  # a fact on who does the errand (not "以当地民政部门规定为准")
# … "账户里的钱也一块过去吗": along with the matter discussed
_FOLLOW_ON = re.compile(
    r"^\s*那|刚才(?:那|说的|问的)|(?:前面|上面)(?:那|说的|问的)|(?:一块|一起|一并|跟着)(?:过去|过来|转|走|迁)"
)
FOLLOW_ON_BONUS = 0.15
# "家里要是着火了也打这个?", "出车祸了打它行不行": whether the hotline discussed takes emergencies
_CALLS_IT_IN_AN_EMERGENCY = re.compile(
    r"(?:着火|失火|火灾|车祸|撞车|打架|抢劫|小偷|报警)[^。？?]{0,10}打(?:它|这个|那个)"
)
# Whether two matters are one or alike ("跟转医保是一回事吗", "电子社保卡跟实体卡一样吗"), and a fact that says
_ASKS_SAME_THING = re.compile(
    r"一回事|是不是就是|(?:是不是|一不)一样|顶用|顶事|能顶|代替|替代|一样(?:[多高低少]|好使|好用|管用|能用|使|用)?(?:吗|不|么|嘛|的吗)|"
    r"是不是差不多(?=$|[吗呢啊吧？?，,\s])|差不多(?:吗|么|嘛|吧|的吧|的吗|不(?=$|[\s？?，,]))|"  # not "差不多该换了"
    r"有啥区别|有什么区别|啥区别|什么区别|有啥不同|有什么不同"
)
_SAYS_SAME_OR_NOT = re.compile(r"一回事|一样|区别|相同|同等|比[^，,。；;]{1,8}[低高少多]")  # "比直接结算低一些"
# "跟备案一样不" asks what a fact says as "不是一回事": either wording finds it
_SAMENESS = re.compile(r"是?一回事|是?一码事|一样")
# "这个是不是就是那个异地就医备案": the matter under discussion itself asked to be another or alike it
_IT_ASKED_SAME = re.compile(r"^(?:那|那么|哦|噢|嗯)?\s*(?:这|它|跟|和|与)")  # "跟备案一样不": it, unsaid
# "报的比例跟直接结算一样不" after 手工报销: what the matter under discussion is compared with
_PAIRED_WITH = "跟|和|与|同"
_DIFFERS = "有啥区别|有什么区别|区别"
_COMPARED_WITH = re.compile(
    rf"(?:{_PAIRED_WITH}|比(?!例))([\u4e00-\u9fff]{{2,8}}?)的?(?:一样|差不多|相比|比起来|{_DIFFERS}|少|多|低|高)"
)
# "这个跟去外地看病办的那个备案是一回事吗": the matter something is compared with
_COMPARED_MATTER = re.compile(rf"(?:{_PAIRED_WITH})[^，,。？?]{{2,20}}?(?:是?一回事|一样|{_DIFFERS})")
# "是不是转了才能在上海看病" after 医保关系转移: whether the insurance must move before seeing a doctor there
_MOVED_FIRST = re.compile(r"转(?:了|过去|过来|好)(?:以后|之后)?(?:才|就|再)(?:能|可以)")

# Moving something else between provinces (公积金, 失业保险, 户口, a veteran's 关系) is not moving 养老保险 or 医保,
# however alike the words ("公积金咋转回宿州来"): an errand for the hub, not the insurance transfers.
_SOMETHING_ELSE_MOVED = re.compile(r"公积金|失业|退役|军人|户口|户籍|档案|党组织|组织关系|党员|学籍|工伤|生育|车")
_INSURANCE_MOVED = re.compile(r"养老|社保|医保|医疗保险|合作医疗|农合|退休")
# "明年想转到南京读": a school place moved (not "在杭州读完研究生…保险想转回宿州")
_STUDIES = re.compile(r"上学|读书|念书|学校|转学|转到[^，,。？?\s]{0,4}读(?!完)")
PENSION_TRANSFER, MEDICAL_TRANSFER = INSURANCE_TRANSFERS = ("pension_transfer", "medical_insurance_transfer")
_MEDICAL_INSURANCE_SAID = re.compile(r"医保|医疗")
SITUATION_ENTITIES = ("stay_type", "emergency", "referral")  # how the citizen sees a doctor elsewhere
# an insurance told to be where it was: "俺公公退休了 跟俺们常住上海 医保关系还在宿州"
_RECORD_STAYS = re.compile(
    r"(?:医保|社保|养老保险|关系)[^，,。？?\s]{0,3}(?:还在|都在|仍在|一直在|留在)(?:宿州|老家|这边|本地|安徽)"
)
_MOVED_AT_ALL = re.compile(r"转(?!诊|院)|迁")  # (转诊 moves a patient, not a record)
_MOVING = re.compile(r"转回|转到|转过|转入|转出|转移|迁")
_MOVED_IN_OTHER_WORDS = re.compile(r"(?:弄|挪|调)(?:到|回|过)")  # "想把孩子户口弄到上海去" (not a pupil: 合作的学校)
# An insurance itself moving with a job, not a doctor seen elsewhere: "工作调到宁波了 以后都在那边交医保 这个得
# 转吧" (医保关系), "养老的钱转过来会不会缩水" (养老保险关系, not 养老服务)
_MOVES_LATER = (
    r"(?:[^，,。.？?！!]{0,12}?(?:转[回到过入出移走]|(?:得|要|咋|怎么|能|可以)转(?![诊院账])|转吧)|"
    rf"(?!卡)[^，,。.？?！!\s]{{0,8}}?(?:{_MOVED_ALONG}))"  # not "医保卡弄回来了", "…交了十年 孩子挪到上海上学"
)
_MOVES_FIRST = r"(?:转|迁)(?:个|下|一下)?(?:{})(?!卡)"  # "那转医保得准备啥材料"
_INSURANCE_MOVES = {
    PENSION_TRANSFER: re.compile(
        rf"(?:{_PENSION_WORDS}|养老钱|养老的|养老那|养老[和跟、])"
        + _MOVES_LATER
        + "|"
        + _MOVES_FIRST.format(_PENSION_WORDS)
    ),
    MEDICAL_TRANSFER: re.compile(
        rf"(?:{_MEDICAL_INSURANCE_WORDS})" + _MOVES_LATER + "|" + _MOVES_FIRST.format(_MEDICAL_INSURANCE_WORDS)
    ),
}

# Changing jobs (跳槽 reads as 换工作) with the insurance paid so far: "刚从宿州换工作到杭州 之前交了三年社保 这个要
# 怎么处理" asks how it moves along (社保 is 养老 first, as in _pension_for_social_insurance)
_CHANGES_JOB = re.compile(r"换工作")
_NOT_PAID = re.compile(r"不给交|不给缴|没交|没缴|断缴|补缴|不交|停缴")  # the employer's arrears are another matter
_JOB_INSURANCE = {
    PENSION_TRANSFER: re.compile(rf"{_PENSION_WORDS}|社保(?!卡)"),
    MEDICAL_TRANSFER: re.compile(rf"(?:{_MEDICAL_INSURANCE_WORDS})(?!卡)"),
}

# Whether the years paid elsewhere still count ("苏州那八年是不是白交了 以后老了领钱还算不算数"): how the insurance
# moves along, whatever the citizen calls it (交那个保险)
_STILL_COUNTS = re.compile(r"白交|算不算数|还算数|还算不算|作不作数|不作数|作废|合并计算|累计计算")
_INSURANCE_PAID = rf"保险|社保(?!卡)|养老(?!院|服务)|{_MEDICAL_INSURANCE_WORDS}"
_OTHER_PAYMENT = re.compile(r"房租|租金|学费|物业|党费|水电|电费|话费|会费|房贷|车贷|保费")
_PAID_IN = re.compile(
    rf"交(?!通)[^，,。.？?！!\s]{{0,6}}(?:{_INSURANCE_PAID})|(?:{_INSURANCE_PAID})[^，,。.？?！!\s]{{0,6}}交|"
    r"交的那?(?:几|[一二两三四五六七八九十\d]+)年|"  # "在杭州交的那几年是不是就白交了": the years paid in
    # … or worked, counted at retirement: "等我退休的时候上海那十年还算不算数"
    r"退休[^，,。.？?！!]{0,12}(?:几|[一二两三四五六七八九十\d]+)来?年"
)


def _complains_of_a_sale(said: str) -> bool:
    """Something bought went wrong and the seller will not make it right: 12315's matter, whatever else is said."""
    sold = (
        (_SELLER.search(said) and _SOLD_BADLY.search(said))
        or (_BOUGHT.search(said) and _REFUSED.search(said))
        or (_SHOP_CARD.search(said) and _SHOP_GONE.search(said) and not _WAGES.search(said))
    )
    return bool(sold) and not _OUR_CARD.search(said)


def _moves_a_record(said: str) -> bool:
    """Something other than an insurance moves between places: 公积金, 户口, a pupil's school place."""
    moved = _MOVING.search(said) and (_SOMETHING_ELSE_MOVED.search(said) or _STUDIES.search(said))
    return bool(moved or (_MOVED_IN_OTHER_WORDS.search(said) and _SOMETHING_ELSE_MOVED.search(said)))


def _insurance_paid(text: str) -> str:
    """Which insurance's transfer a question about the years paid means: 医保's where it names 医保 and not
    养老保险/养老金/社保, else 养老保险 (what "交那个保险" mostly is)."""
    medical = _JOB_INSURANCE[MEDICAL_TRANSFER].search(text) and not _JOB_INSURANCE[PENSION_TRANSFER].search(text)
    return MEDICAL_TRANSFER if medical else PENSION_TRANSFER


HUB_SERVICE = "cross_province"  # where an errand done from elsewhere starts (政务服务"跨省通办")

# What to do with a message
ANSWER = "answer"  # sure of the service: answer it
GUESS = "guess"  # probably this service: answer it, saying so, with the alternatives as buttons
NEAR_SCOPE = "near_scope"  # a cross-province errand the KB has no service for: 跨省通办 and 12345
UNSURE = "unsure"  # in scope, but no service stands out: offer the likeliest
WHICH = "which"  # an aspect asked of no service at all ("在哪办" to begin with): ask which service
DECLINE = "decline"  # not what this assistant answers
OUT_OF_SCOPE = "out_of_scope"
NLU_FALLBACK = "nlu_fallback"
NOT_SERVICE_INTENTS = frozenset({OUT_OF_SCOPE, NLU_FALLBACK})
# The conversation's own intents: being sure of one says nothing of a service being asked about
REPLY_INTENTS = frozenset({"affirm", "deny", "stop"})  # a yes, a no, "算了"
CONVERSATION_INTENTS = REPLY_INTENTS | {
    "greet",
    "goodbye",
    "thank",
    "bot_challenge",
    "request_human",
    "feedback_helpful",
    "feedback_unhelpful",
}

# 社保卡 problems (entity card_problem) and the service about each
LOST = "丢失"
EXPIRED = "到期"
CARD_PROBLEM_SERVICE = {
    LOST: "sscard_loss",
    EXPIRED: "sscard_renew",
    "锁定": "sscard_locked",
    "未激活": "sscard_activate",
}
CARD_FAMILY_INTENT = "sscard_problem"
LOST_THING_CHARS = 4  # what is lost is said just before "丢了"


def _card_problems_told(kb: KnowledgeBase, question: Question, corrected: str) -> set[str]:
    """The card problems NLU heard (entity card_problem) and those the text tells where NLU's entity misses them
    ("社保卡是宿州办的 现在找不着了": everyday 丢了; "是不是过期了还是锁了" tells two)."""
    return set(question.entities.get("card_problem", ())) | kb.situations_said(CARD_PROBLEM, corrected)


@dataclass(frozen=True)
class Question:
    text: str
    intent: str | None = None
    confidence: float = 0.0
    entities: Mapping[str, Sequence[str]] = field(default_factory=dict)
    context: str | None = None  # key of the service under discussion
    earlier: tuple[str, ...] = ()  # keys of the services discussed before it, the latest first
    after_aside: bool = False  # the message before was declined: an aside, after which the matter is still `context`


@dataclass(frozen=True)
class Candidate:
    service: ServiceView
    score: float
    search: float = 0.0
    nlu: float = 0.0
    mentioned: bool = False
    unit: float = 0.0
    context: bool = False  # the service under discussion

    @property
    def supported(self) -> bool:
        """The KB's search or one of its units finds this service in the text."""
        return self.search >= SUPPORTED_SEARCH or self.unit >= UNIT_FLOOR


@dataclass(frozen=True)
class Understanding:
    candidates: tuple[Candidate, ...]  # best first
    aspects: tuple[str, ...]  # asked in this order
    names_topic: bool  # the text itself says what it is about (else it is a follow-up)
    from_context: bool  # the service is the one under discussion
    near_scope: bool  # a cross-province errand without a service of its own
    decision: str = UNSURE
    content: int = 0  # characters of the message's own content: not cues, question words, particles or places
    second: Candidate | None = None  # another service a second question in the message is about
    second_aspects: tuple[str, ...] = ()
    aside_not_ours: bool = False  # the message also asks of a matter that is not ours ("顺便问一下 个税退税…")

    @property
    def bare(self) -> bool:
        """The message says little beyond its question ("那要带啥", "现在能报名了不")."""
        return self.content <= BARE_CONTENT

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def margin(self) -> float:
        if len(self.candidates) < 2:
            return self.candidates[0].score if self.candidates else 0.0
        return self.candidates[0].score - self.candidates[1].score

    @property
    def sure(self) -> bool:
        best = self.best
        return best is not None and (self.from_context or (best.score >= SURE_SCORE and self.margin >= SURE_MARGIN))

    @property
    def closest(self) -> tuple[ServiceView, ...]:
        """Services worth offering as buttons with a declined question, should the citizen mean one."""
        return tuple(c.service for c in self.candidates[:2] if c.score >= UNCLEAR_SCORE)

    @property
    def probable(self) -> bool:
        """Clearly ahead, if not sure: ahead by a margin, or what NLU said too, or the service under
        discussion answering the follow-up with a fact of its own ("回宿州以后看病还能刷卡不" after 备案)."""
        best = self.best
        return (
            best is not None
            and (best.score >= PROBABLE_SCORE or best.nlu >= SURE_NLU or (best.context and best.unit >= UNIT_FLOOR))
            and (self.margin >= GUESS_MARGIN or best.nlu > 0 or best.mentioned or best.context)
        ) or (best is not None and best.score >= LEAD_SCORE and self.margin >= SURE_MARGIN)


UNSURE_CHOICES = 3  # the services the list offers when no service stands out
CONTACT_ASPECTS = frozenset({aspects.CONTACT, aspects.RESPONSIBLE})


def _same_answer_first(u: Understanding) -> Understanding:
    """Asking back only when the answer depends on it: whom to call or who is in charge, where all the
    likeliest services have the same bureaus and hotline ("社保卡的事该打12345还是12333"), is answered."""
    if u.decision != UNSURE or not u.aspects or not set(u.aspects) <= CONTACT_ASPECTS:
        return u
    likeliest = u.candidates[:UNSURE_CHOICES]
    if len({(c.service.bureaus, c.service.hotline) for c in likeliest}) == 1:
        return replace(u, decision=GUESS)
    return u


def _shares_more_than_errands(text: str, unit: Unit) -> bool:
    """The text and the fact (or its questions) share a pair of characters besides errands in general (证明) and
    words said of anything ("转的时候得拿个啥" and the 一网通办 note share only 时候)."""
    said = cjk_pairs(" ".join((unit.text, *unit.questions)))
    return any(not said_of_anything(pair) for pair in (cjk_pairs(text) & said) - ERRAND_WORDS)


def _kept_apart(text: str, current: ServiceView, sibling: ServiceView, fact: Unit) -> bool:
    """The text says a word of the matter discussed's name that the sibling's lacks, and the sibling's fact one of
    the sibling's that the matter's lacks: "医保转移去哪办" in 医保关系转移 is not answered by 养老保险's fact."""
    current_pairs, sibling_pairs = cjk_pairs(current.name), cjk_pairs(sibling.name)
    return bool(cjk_pairs(text) & (current_pairs - sibling_pairs)) and bool(
        cjk_pairs(fact.text) & (sibling_pairs - current_pairs)
    )


def _brought(word: str, text: str) -> bool:
    """The word is something to bring along ("去的时候要带身份证不"): a material of the matter, not another matter."""
    # (with other things before it: "拿着她的户口本身份证"; not "带俺去嘉善", taken somewhere)
    before = rf"(?:带(?:上|着|好)?|拿(?:上|着))[^，,。？?\s去到来回]{{0,6}}?{re.escape(word)}"
    after = rf"{re.escape(word)}[^，,。？?]{{0,8}}(?:带上|带着|带去|要带|得带|拿上|拿着)"  # "身份证跟…那张卡也得带上不"
    enough = rf"{re.escape(word)}(?:就行|就够|就可以|行不行|够不够)"  # "要带啥证件 身份证就行了吧"
    return any(re.search(pattern, text) for pattern in (before, after, enough))


def _called_by(text: str, service: ServiceView) -> bool:
    """The text says a word of the service's name, or a distinctive word of its aliases ("看病" of 备案's
    "去外地看病要备案吗"; not "直接", "用吗", which aliases worded as questions say of anything)."""
    if _shares_a_word(text, service.name):
        return True
    shared = cjk_pairs(text) & cjk_pairs(" ".join(service.aliases))
    return any(
        not (set(pair) & FUNCTION_CHARS)
        and not said_of_anything(pair)
        and everyday_frequency(pair) < ANCHOR_MAX_FREQUENCY
        for pair in shared
    )


_ERRAND_WORD = re.compile("|".join(sorted(ERRAND_WORDS)))


def _only_errand_words(text: str) -> bool:
    """Words of errands in general are all the text says ("证明", "办手续"), besides particles and light verbs."""
    rest = _ERRAND_WORD.sub("", text)
    return rest != text and not any(is_cjk(ch) and ch not in FUNCTION_CHARS for ch in rest)


def _shares_a_word(text: str, name: str) -> bool:
    """Two characters of the text in a row that the name has too ("是养老的": 养老保险关系跨省转移接续)."""
    return bool(cjk_pairs(text) & cjk_pairs(name))


_DONE_AFTER = re.compile(r"(?:已经|早就|都|也)?(?:办|弄|做|备)?(?:好|完|过|了)")  # "备案办好了", "备案已经办了"
_DONE_BEFORE = re.compile(r"已经|办好|办完|办过|弄好|给办了")  # "已经备案了", "家里人给办了备案"
_STEP_DONE = re.compile(r"已经|早就|(?:备|办|弄|做)(?:过|好|完)|(?:备|办|弄)了")  # "备过案了", "已经办好了"
# … said further on in the word's clause ("备案俺闺女已经搁手机上给他弄好了"), unless that asks or denies it
CLAUSE_REACH = 16
_AND_SO_ON = re.compile(r"啥的|什么的|之类的")
_NOT_YET = re.compile(r"没|未|不|要是|如果|能|咋|怎|啥|吗")
_CLAUSE_END = re.compile(r"[,.!?;:，。！？；：\s]")


def _said_done(text: str, word: str) -> bool:
    """The step the word names is behind the citizen: said right beside the word, or later in its clause
    ("备案是办过的", "不是问备案 备案俺闺女已经搁手机上给他弄好了")."""
    for at in (m.start() for m in re.finditer(re.escape(word), text)):
        after, before = text[at + len(word) : at + len(word) + 4], text[max(0, at - 6) : at]
        clause = _CLAUSE_END.split(text[at + len(word) :], maxsplit=1)[0][:CLAUSE_REACH]
        if _DONE_AFTER.match(after) or _DONE_BEFORE.search(before):
            return True
        if _STEP_DONE.search(clause) and not _NOT_YET.search(clause):
            return True
    return False


_UNDONE_BEFORE = re.compile(r"没|未|忘了|来不及|顾不上")  # "急急忙忙的没办备案"


def _asks_hours_of_its_place(said: str, service: ServiceView) -> bool:
    """When the place the service is done at opens, the place named by a word of the service's own (网点, 窗口)."""
    asked = _PLACE_HOURS.search(said)
    return bool(asked and asked.group(1) in (service.offline_channel or ""))


def _asks_without_filing(corrected: str) -> bool:
    """What is paid back without filing, or what then (手工报销's matter)."""
    rate = _NOT_FILED.search(corrected) and _RATE_ASKED.search(corrected)
    # (not "要是在外地突然急诊 来不及备案呢": an emergency counts as filed)
    return bool(rate or (_WHAT_IF_UNFILED.search(corrected) and not _EMERGENCY.search(corrected)))


def _said_undone(text: str, word: str) -> bool:
    """The step the word names was not taken."""
    at = text.find(word)
    return at >= 0 and bool(_UNDONE_BEFORE.search(text[max(0, at - 4) : at]))


def _about_an_emergency(unit: Unit) -> bool:
    """An FAQ asked of an emergency, or a fact that begins by saying one ("急诊抢救不用提前备案…")."""
    return bool(_EMERGENCY.search(unit.title or unit.text.split("。")[0]))


def _up_to_the_question(text: str) -> str:
    """The text up to its last clause that asks something: not the reasons told after it ("…能给寄到家里不 孩子要上学
    没空去拿", "…能不能干脆把钱全退出来 回老家翻盖个房子", "网上能弄不 骑手一天跑十几个钟头哪有空跑网点"); all of it if
    no clause seems to ask."""
    clauses = split_clauses(text)
    asking = (i for i, c in enumerate(clauses) if aspects.asks(c) and not _RHETORICAL.search(c))
    last = max(asking, default=len(clauses) - 1)
    return " ".join(clauses[: last + 1]) or text


def _only_compared_with(text: str, ahead: ServiceView, context: ServiceView) -> bool:
    """ "报的比例跟直接结算一样不" after 手工报销: the service ahead of the one under discussion is named only as what
    that one is compared with."""
    compared = _COMPARED_WITH.search(text)
    if compared is None or ahead.topic != context.topic:
        return False
    rest = text[: compared.start()] + text[compared.end() :]
    return _shares_a_word(compared.group(1), ahead.name) and not _shares_a_word(rest, ahead.name)


def _inside_another(word: str, words: Iterable[str]) -> bool:
    """The word is part of a longer one of the words (社保 of 社保卡)."""
    return any(word in other and word != other for other in words)


def _current(candidates: Sequence[Candidate]) -> Candidate | None:
    """The candidate under discussion in the conversation."""
    return next((c for c in candidates if c.context), None)


def _guess_first(u: Understanding, chosen: Candidate) -> Understanding:
    """`chosen` answered as the likeliest, the others offered as buttons."""
    others = tuple(c for c in u.candidates if c.service.key != chosen.service.key)
    return replace(u, candidates=(chosen, *others), decision=GUESS)


# how to have it settled directly from now on ("平时…都是自己掏腰包 这个能不能弄成直接刷医保的", "怎么样才能直接结算，
# 不用每次都回宿州报销"): not the claim back, which the citizen wants to be rid of, but the filing that makes it so
_DIRECT_AHEAD = re.compile(
    r"(?:弄成|变成|改成|才能|咋样能|怎么能|如何能)[^，,。？?\s]{0,6}直接(?:刷|结|报|用)|不用[^，,。？?\s]{0,6}回[^，,。？?\s]{0,4}报"
)
_CLAIM_OF_ITS_OWN = re.compile(r"报回来|能报不|能不能报|还能报|补报")  # "这回的钱能报回来不，以后咋才能直接结": both


def _direct_settlement_wanted_ahead(text: str, u: Understanding) -> Understanding:
    best = u.best
    if best is None or best.service.key != REIMBURSEMENT_SERVICE or best.mentioned or best.context:
        return u
    if not _DIRECT_AHEAD.search(text) or _CLAIM_OF_ITS_OWN.search(text):
        return u
    # (or the outpatient settlement, built on the filing, where the citizen speaks of 门诊)
    wanted = (OUTPATIENT_SERVICE, MEDICAL_ELSEWHERE_SERVICE) if "门诊" in text else (MEDICAL_ELSEWHERE_SERVICE,)
    ahead = next((c for key in wanted for c in u.candidates if c.service.key == key), None)
    return u if ahead is None else _guess_first(u, ahead)


def _context_first(u: Understanding) -> Understanding:
    current = _current(u.candidates)
    return u if current is None else _guess_first(u, current)


def _nothing_else_stands_out(u: Understanding) -> bool:
    """Besides the matter under discussion, no service is named, heard by NLU, or found by more than a few
    shared words: a message of the citizen's case in it, not of another matter."""
    return all(
        c.context or not (c.mentioned or c.nlu or c.search >= TOPIC_SCORE or c.unit >= UNIT_FLOOR) for c in u.candidates
    )


def _topic_first(u: Understanding) -> Understanding:
    topic = u.candidates[0].service.topic
    in_topic = tuple(c for c in u.candidates if c.service.topic == topic)
    if len(in_topic) < 2:
        return u
    return replace(u, candidates=(*in_topic, *(c for c in u.candidates if c.service.topic != topic)))


def _names_one_of_ours(u: Understanding) -> bool:
    """NLU is confident the message is about one of its likeliest services, or the text names one: a story set in
    another province ("在苏州给俺爹新办了社保卡…激活") is about that service, not an errand the KB has no service
    for ("…还得去上海住院 走之前要先办啥手续才能报销": 备案 told in other words, though 报销 searches higher)."""
    return any(
        (c.nlu >= NLU_NAMES_SERVICE or c.mentioned) and c.service.key != HUB_SERVICE
        for c in u.candidates[:UNSURE_CHOICES]
    )


def _of(service: ServiceView, candidates: Iterable[Candidate]) -> Candidate:
    """The candidate for the service, or one with no evidence."""
    return next((c for c in candidates if c.service.key == service.key), Candidate(service, 0.0))


# an illness of the citizen's asked of, in a matter whose facts list the illnesses it covers ("他还有个老胃病 那个也
# 中不中" in 门诊慢特病): whether it is covered, however sure NLU is that illness is no matter of ours
_ILLNESS_ASKED_IF_COVERED = re.compile(
    r"(?:病|症|癌|炎)[^，,。？?]{0,8}?也[^，,。？?\s]{0,3}(?:中不中|算不算|行不行|能不能|中吗|算吗|行吗|可以吗|能报|能结|管不管)"
)
COVERED_ILLNESSES_WORD = "病种"


# Another office's errand to be done at home, its details asked ("过年回宿州顺便把护照办了，宿州出入境办护照几天能拿到",
# "回宿州领失业金 一个月能领多少钱"): 宿州's own business, however much the story tells of living elsewhere
def _home_office_named(home: str) -> str:
    """An office at home named: "宿州出入境", "回砀山派出所" (`home`: the KB's pattern of 宿州's places)."""
    offices = r"车管所|民政局|出入境|派出所|公积金中心|公积金管理中心|婚姻登记处|公安局"
    return rf"(?:{home})[^，,。？?\s]{{0,6}}?(?:{offices})"


def _home_office(home: str) -> str:
    """… or an errand done there: "回宿州换", "在萧县办"."""
    return rf"{_home_office_named(home)}|(?:回|在|到|去)(?:{home}|老家)[^，,。？?]{{0,8}}(?:办|领|换|提取?|开)"


_ELDERLY_MATTERS = re.compile(r"养老|优待|老年|高龄|敬老")  # 民政局's matters of ours
# (its opening hours are `aspects.OPENING_HOURS` but 上班, which tells of a job elsewhere: "人在温州上班 得回宿州换吗",
# 营业 of the 营业执照 asked about and a week's 礼拜: "下礼拜回宿州车管所换驾照")
_HOME_DETAIL_ASKED = re.compile(
    rf"带啥|带什么|要啥|要什么|几天(?:能|就|可以)|多久|多长时间|当天|(?!上班|营业执照|礼拜(?![六天日])){aspects.OPENING_HOURS}|星期[六日天]|预约|"
    r"多少钱|能领多少|给多少"
)
# … unless the citizen would rather not go back, or asks whether it must be done there ("回宿州换太远了…能在昆山
# 直接换不", "能在上海换证吗 还是得回宿州车管所", "得回宿州换吗")
_RATHER_NOT_GO_BACK = re.compile(
    r"太远|不想|请不下|折腾|麻烦|还是|(?:得|要|必须|非得|非要)回[^，,。？?\s]{0,8}(?:吗|不|么)|不回|跑一趟"
)


def _other_errand_done_at_home(said: str, home: str) -> bool:
    """`home`: the KB's pattern of 宿州 and its districts and counties."""
    # (the office at home named is another office's errand itself: "回砀山派出所开的话当天能拿到不")
    named = re.search(_home_office_named(home), said) and not _ELDERLY_MATTERS.search(said)
    return bool(
        (_OTHER_OFFICE.search(said) or named)
        and re.search(_home_office(home), said)
        and _HOME_DETAIL_ASKED.search(said)
        and not _OURS_AMONG_OTHERS.search(said)
        and not _ASKS_ACROSS.search(said)
        and not _RATHER_NOT_GO_BACK.search(said)
    )


def _sure_out_of_scope(question: Question, threshold: float = SURE_NLU_OUT_OF_SCOPE) -> bool:
    return question.intent == OUT_OF_SCOPE and question.confidence >= threshold


def _supported(key: str, candidates: Sequence[Candidate]) -> bool:
    """The KB finds the service in the text too ("现在能报名了不" after 教育: NLU hears another matter)."""
    return any(c.service.key == key and c.supported for c in candidates)


def _only_elsewhere_named(candidates: Sequence[Candidate]) -> bool:
    """The topic heard is only the 跨省通办 hub, which "人在苏州打工，回不去" matches by saying where."""
    named = [c for c in candidates if c.mentioned] or candidates[:1]
    return all(c.service.key == HUB_SERVICE for c in named)


def without_taken_back(text: str) -> str:
    """The message without a first clause the citizen takes back ("不是社保卡，我说错了，是…") and, in a
    correction, without a later one that denies ("…，不是要转关系", "我说错了 是医保 不是养老那个")."""
    return split_taken_back(text)[0]


# "银行说找人社，人社又叫找银行，来回踢皮球，俺上哪反映去", "…来回跑两趟了，到底谁管这个事，我要投诉": a complaint of
# the offices doing the matter (whose contacts and 12345 answer it), not of a seller (12315's)
_WHERE_TO_COMPLAIN = re.compile(
    r"(?:上哪|去哪|找谁|哪里|哪儿|搁哪|到哪)儿?去?(?:反映|投诉|告|说理|举报)|(?:我|俺)(?:要|想)(?:投诉|反映|告)"
)
_OFFICES = re.compile(r"人社|社保|医保|银行|窗口|医院|政务|经办|部门|网点")
_SELLERS = re.compile(r"商家|客服|店|厂家|卖家|老板|平台|商场|超市")
# "激活了以后", "办好之后": a step of the matter taken, before what is asked of what comes after it
_AFTER_A_STEP = re.compile(r"^[^，,。？?\s]{1,8}?(?:了|完|好)(?:以后|之后)[，,\s]*")


def split_taken_back(text: str) -> tuple[str, str]:
    """(what the citizen means, what they take back): ("是找不着了", "不是锁了，") of "不是锁了，是找不着了"."""
    if set_aside := _SET_ASIDE.match(text):  # "先不管低保了 你刚说那个正式挂失 得带啥去"
        return text[set_aside.end() :].strip(), set_aside.group(0)
    if taken_first := _ASKED_AND_TAKEN_BACK.match(text):  # "宿州这边养老金一个月能领多少 哦我不是问这个 俺在江苏…"
        return text[taken_first.end() :].strip(), taken_first.group(0)
    retracted = _RETRACTED.match(text)
    if not retracted and not CORRECTS.search(text):
        return text, ""
    kept = text[retracted.end() :] if retracted else text
    taken = (retracted.group(0) if retracted else "") + "".join(_DENIED.findall(kept))
    kept = _DENIED.sub("", kept)
    taken += "".join(m.group(0)[len(m.group(1)) :] for m in _THIS_NOT_THAT.finditer(kept))
    kept = _THIS_NOT_THAT.sub(r"\1", kept).strip()
    # nothing kept ("我问的不是这个", "我说的不是住院"): only that something else is meant, read as it is
    return (kept, taken) if kept else (text, "")


# a clause telling what happened or happens as a rule: "每次都是自己掏钱", "之前在窗口交过材料"
_TELLS_WHAT_HAPPENS = re.compile(r"每次|每回|都是|平时|平常|之前|以前|上次|上回|一直|去年|前年|上个月|当时")
FEW_SAYING = 2  # a word of so few services' facts picks up the one under discussion
PROCESS_UNITS = frozenset({"step", "time_limit", "material", "channel"})
STORY_CLAUSES = 3  # a message of this many clauses and more than STORY_LENGTH characters tells a story
STORY_LENGTH = 40
SURE_NLU_ON_A_STORY = 0.8  # NLU this sure of the service named, a story of two clauses tells the other matter


def _asking_part(text: str) -> str:
    """ "平时…每次都是自己掏钱 门诊能不能直接刷医保": in a long story, what the citizen tells happens asks nothing;
    in a short message it may be what is asked about ("以前补卡都是免费的 现在呢")."""
    clauses = split_clauses(text)
    if len(clauses) < STORY_CLAUSES or len(text) <= STORY_LENGTH or not any(aspects.asks(c) for c in clauses):
        return text
    # "异第备案俺闺女在手机上给办过了": a step done is told too
    told = [c for c in clauses if _tells_what_happened(c) and not aspects.asks(c)]
    return " ".join(c for c in clauses if c not in told) if told else text


def _with_second_trouble(u: Understanding, second: Candidate, clause: str, text: str) -> Understanding:
    """A second card trouble, told in its clause; what only that clause asks is not asked of the first ("…锁住了，
    还有他那个卡上写的有效期也快到了": 有效期 is the renewal's)."""
    of_clause = aspects.aspects_in(clause)
    rest = aspects.aspects_in(text.replace(clause, " "))
    first = tuple(a for a in u.aspects if a not in of_clause or a in rest)
    return replace(u, aspects=first, second=second, second_aspects=tuple(of_clause))


def _tells_step_done(clause: str) -> bool:
    """ "备案俺闺女已经在手机上给办过了", "已经办好了": a step behind the citizen, not asked about."""
    clause = _AND_SO_ON.sub("", clause)  # "备案啥的都办了": 啥 lists, it does not ask
    return bool(_STEP_DONE.search(clause) and not _NOT_YET.search(clause))


def _tells_what_happened(clause: str) -> bool:
    return bool(_TELLS_WHAT_HAPPENS.search(clause) or _tells_step_done(clause))


def split_clauses(text: str) -> list[str]:
    """The clauses of a message: split at punctuation and at words that start another question (顺便, 另外 …);
    a long run said without a pause (voice input) also before what was heard ("…整天抱着手机打游戏…管不住俺听说宿州的
    职业学校跟上海江苏那边学校合着办…")."""
    clauses = (part for c in _CLAUSE.split(text) for part in _split_long_run(c))
    return [c for c in clauses if len(c) >= 2]


def _split_long_run(clause: str) -> list[str]:
    if len(clause) <= LONG_RUN:
        return [clause]
    return _HEARD.split(clause)


class Resolver:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def content_size(self, text: str) -> int:
        """How many characters of the text say something: not cues, question words, particles or places."""
        rest = self.kb.without_places(aspects.without_cues(text))
        return sum(1 for ch in rest if is_cjk(ch) and ch not in FUNCTION_CHARS)

    def understand(self, question: Question) -> Understanding:
        if (rest := _ONLY_ANSWERED.sub("", question.text, count=1)) and rest != question.text:
            question = replace(question, text=rest)  # "你光说备案了 卡的事呢": what was answered is not asked
        if back_to := self._matter_returned_to(question):  # "再回到刚才转的那个 是谁给办"
            question = replace(question, context=back_to, earlier=())
        if _other_errand_done_at_home(normalize(question.text), self.kb.home_places()):
            # "…宿州民政局那边周六办结婚登记不": 宿州's own business, whatever the conversation was about
            return Understanding((), (), False, False, False, DECLINE)
        kept, taken = split_taken_back(question.text)
        retracted = kept != question.text
        context = self.kb.service(question.context) if question.context else None
        # "不是锁了，是找不着了" after 锁卡: the service under discussion is what the citizen takes back
        # … unless what is kept is about it as well ("不对 我问的是在国外买的东西 不是现金" after 通关)
        # (but not "不是住院 是门诊 …那出院小结没有咋办" in 手工报销: a fact of it fits what is kept)
        context_taken_back = (
            retracted
            and context is not None
            and not _SOMEONE_ELSE_MEANT.match(taken)  # "不是我看病 是俺娘 …俺替她弄中不中": the person corrected
            and self._about(taken, context)
            and not (self._about(kept, context) or self.a_fact_fits(kept, context.key, UNIT_FLOOR))
        )
        if retracted:  # the taken-back name or card problem is not meant
            entities = {k: v for k, v in question.entities.items() if k not in ("service", "card_problem")}
            question = replace(question, text=kept, entities=entities)
        text = normalize(question.text)
        asked = self._aspects(text, question.intent)
        # "报下来的钱打到哪张卡上 社保卡还是银行卡" after 手工报销: the card its money goes to, not a card matter
        paid_into_card = bool(_PAID_INTO_A_CARD.search(text))
        another_topic = (
            context is not None
            and not paid_into_card
            and self._names_another_topic(text, context, question)  # "那社保卡呢"
            and not self._asked_if_another(text, context)  # "跟备案一样不" after 医保关系转移: compared with it
        )
        candidates = self._candidates(question, text, retracted, context_taken_back or another_topic)
        content = self.content_size(text)
        bare = content <= BARE_CONTENT
        # (a step told done names nothing asked: "备案也办了 上个月办的 那上海随便哪个医院都能刷吗" in 门诊慢特病)
        names_topic = another_topic or self._names_topic(question, self._without_steps_done(text), candidates, bare)
        if names_topic and context and not another_topic and self._still_about(text, context, candidates, bare):
            names_topic = False  # "先说养老的吧" after 社保转移; "俺不会用手机 老年人能去窗口办吗" after 备案
        if (
            names_topic
            and context
            and not another_topic
            and _CARRIES.search(text)
            and self._only_brought(text, candidates)
        ):
            names_topic = False  # "俺拿着她的户口本身份证替她去社区办中不中" after 优待证: things carried along
        if names_topic and context and paid_into_card:
            names_topic = False
        if names_topic and context and _QUOTES_THE_ANSWER.match(text) and not any(c.mentioned for c in candidates):
            names_topic = False  # "你刚才说的参保地是啥意思": a word of the answer just given (not "…那个一网通办是啥")
        if context and not names_topic and _DOUBTS_ANSWER.match(text):
            # "你确定？厂里好几个老乡都说退了 钱到手了" after 养老保险转移: the matter's answer again, with its notes
            return Understanding((Candidate(context, 1.0, context=True),), asked, False, True, False, ANSWER, content)
        if context and self._one_of_its_steps_enough(text, context):
            # "是不是光办个被案就中了" in 门诊慢特病: whether that step is all, which its steps say
            steps = (Candidate(context, 1.0, context=True),)
            return Understanding(steps, (aspects.STEPS,), False, True, False, ANSWER, content)
        if context and self._unfiled_told_in_it(text, context):
            # "回到刚才的 我们之前压根没办备案 那咋整" after 住院结算: what then, which its facts say
            return Understanding((Candidate(context, 1.0, context=True),), asked, False, True, False, ANSWER, content)
        if context and _CASHED_OUT.search(text) and self._says_if_cashed_out(context):
            # "如果不转了，直接退掉可以吗" after 养老保险转移: whether it may be cashed out, which a fact of it says
            return Understanding((Candidate(context, 1.0, context=True),), asked, False, True, False, ANSWER, content)
        follow_up = (
            bool(asked)
            or aspects.asks(text)
            or (question.intent not in NOT_SERVICE_INTENTS and question.confidence >= CONFIDENT_NLU)
        )
        if context_taken_back:
            context = None
        if context and self._doubts_bureau(question.text, bare):  # the answer names who is responsible, and why
            return Understanding(
                (Candidate(context, 1.0, context=True),), (aspects.RESPONSIBLE,), False, True, False, ANSWER, content
            )
        if context and _WHERE_TO_COMPLAIN.search(text) and _OFFICES.search(text) and not _SELLERS.search(text):
            # whom to complain to of the offices doing the matter: its contacts (and 12345), or who is in charge
            # where that is asked ("…到底谁管这个事，我要投诉")
            wanted = (aspects.RESPONSIBLE,) if aspects.RESPONSIBLE in asked else (aspects.CONTACT,)
            return Understanding((Candidate(context, 1.0, context=True),), wanted, False, True, False, ANSWER, content)
        if context and not asked and not aspects.asks(text) and self.step_done(text, context):
            # "备案了 去年就办了" after 门诊结算: the step it builds on is behind the citizen; what comes next
            steps = (Candidate(context, 1.0, context=True),)
            return Understanding(steps, (aspects.STEPS,), False, True, False, ANSWER, content)
        if context and (after := self._used_after_fetching(text, context)):
            # "领回来是不是就能直接拿去看病刷了" after 申领: its step after fetching the card sends to 激活
            return Understanding((Candidate(after, 1.0, context=True),), asked, True, True, False, ANSWER, content)
        if context and (after := self._next_after_done(text, context)):
            # "俺闺女已经在手机上给俺备过了 那去住院还得注意啥" after 备案: the matter it leads to, named
            return Understanding((Candidate(after, 1.0, context=True),), asked, True, True, False, ANSWER, content)
        if context and (filing := self._stay_asked_of(text, context)):
            # "那我这种算长期的还是临时的" after 门诊结算: which of 备案's two kinds of people the citizen is
            return Understanding(
                (Candidate(filing, 1.0, context=True),), asked or (aspects.ELIGIBILITY,), True, True, False, ANSWER,
                content,
            )  # fmt: skip
        if context and _ONLY_THE_DELTA.search(text) and aspects.asks(text) and not any(c.mentioned for c in candidates):
            # "就长三角能这么弄吗 俺下个月拉货去广东" after 跨省通办: who and where it is for, not 一卡通 (长三角's)
            # … or of errands at large, which the hub's fact tells better ("他有事也能在那边办宿州的事不
            # 还是光长三角才行" after 异地贷款证明, one of the hub's items)
            hub = self.kb.service(HUB_SERVICE)
            meant = hub if hub and self.fact_fits_better(text, hub, context, UNIT_FOLLOW_UP) else context
            return Understanding(
                (Candidate(meant, 1.0, context=True),), asked or (aspects.ELIGIBILITY,), False, True, False, ANSWER,
                content,
            )  # fmt: skip
        if context and _COUNTS_AS_ACROSS.search(text) and not any(c.mentioned for c in candidates):
            # "…不是咱宿州 这样也算跨省的吧" after 备案: whether the case is one of the matter's, however 跨省 searches
            return Understanding(
                (Candidate(context, 1.0, context=True),), asked or (aspects.ELIGIBILITY,), False, True, False, ANSWER,
                content,
            )  # fmt: skip
        if context and (sibling := self._sibling_asked_about(text, context)):  # "那医保的呢" after 养老保险转移
            return Understanding((Candidate(sibling, 1.0, context=True),), asked, True, True, False, ANSWER, content)
        # "说错了，是我妈不是我爸，她今年59": the same matter, for someone else; "是急诊，当时情况挺急的": the
        # citizen's situation in it; however sure NLU is of another matter
        tells_situation = self.tells_situation(question)
        if retracted and context and (meant := self._sibling_meant(text, candidates, context)):
            # "不是看病那块，是养老的" after 社保转移: the matter next to it, not 养老服务 of another topic
            others = tuple(c for c in candidates if c is not meant)
            return Understanding((meant, *others), asked, True, True, False, ANSWER, content)
        elsewhere = self._elsewhere(text)
        # "我人在苏州打工回不去，能online办吗" after 社保卡换领: where the citizen is names only the hub
        only_where = elsewhere and bool(_STATES_WHERE.search(text)) and _only_elsewhere_named(candidates)
        # "说错了 是俺爸 他六十二了 俺替他问"; "俺爹今年65了" (whom it is for, by age)
        age_told = tells_age(text)
        corrects = CORRECTS.search(text) or SAYS_WHAT_IS_ASKED.search(text)  # "我是问现在能住的"
        says_who = (corrects or age_told) and content <= CORRECTION_CONTENT
        if age_told and not asked:
            asked = (aspects.ELIGIBILITY,)  # whether that age may
        # "不是俺的 是俺老伴的卡 他在外地打工回不来 网上能弄不" after 激活: someone else, wherever they are
        # (not "我人在宿州 想开个江苏那边的无犯罪记录证明": an errand of its own)
        on_it = context is not None and (not names_topic or (only_where and not self._errand_of_its_own(text, context)))
        # "回来想给孙子捎点化妆品 再买两盒高丽参 这些要报不" after 通关: goods carried across, whatever they are
        carries_goods = bool(on_it and context.key == CUSTOMS_SERVICE and _GOODS_CARRIED.search(text))
        # "孩子户口在宿州 今年上初一", "俺现在在宁波厂里上班 过年才回宿州": the citizen's circumstances in the matter,
        # asking nothing and naming nothing else (however sure NLU is that a bare statement is no matter of ours)
        tells_circumstances = bool(
            on_it
            and not asked
            and not aspects.asks(text)
            and content >= MIN_OWN_CONTENT
            and not _TURNS_AWAY.search(text)
            and not _REACTS.search(text)
            and not self.kb.stay_told(text)  # "长期" after 养老保险转移: 备案's kind of stay
            and not self._another_matter(text, alone=False)
            and (
                not self.kb.words_unknown(text)
                or (elsewhere and _STATES_WHERE.search(text))
                or carries_goods  # "就买点化妆品包包 估计七八千块钱"
                # "东西是在日本买的 一个相机一个电饭煲" after 通关: things the KB does not name, in a case it tells
                or self.a_fact_fits(text, context.key, UNIT_FLOOR)
            )
        )
        corrects_who = bool(on_it and (says_who or tells_situation or tells_circumstances))
        refers_back = bool(on_it and self._refers_back(question, text, context))
        if (
            context
            and (bare or tells_circumstances)
            and not asked
            and (not names_topic or _only_elsewhere_named(candidates))
            and elsewhere
            and _STATES_WHERE.search(text)
            and not (_ERRAND.search(text) or aspects.asks(text))
        ):
            asked, follow_up = (aspects.CHANNELS,), True  # "我人在南京，回不去": how to do it from there
            names_topic = False
        elif context and bare and elsewhere and _STATES_WHERE.search(text) and set(asked) == {aspects.ELIGIBILITY}:
            asked = (aspects.CHANNELS, *asked)  # "人在外地能办不": can it be done from there, and how
        elif (
            context
            and not names_topic
            and _NOT_GOING_BACK.search(text)
            and set(asked) == {aspects.ELIGIBILITY}
            and not aspects.PROXY.search(text)  # not "新卡做好了我回不去 我闺女…替我去拿中不中": who may
        ):
            asked = (aspects.CHANNELS, *asked)  # "不回宿州能办不 东家一个月就放俺一天假" after 换领: how, from there
        # "那搁哪能弄开 要俺本人去不 俺儿在外地上班" after 锁卡: a bare question, then where someone is
        asks_barely = only_where and self.content_size(_up_to_the_question(text)) <= BARE_CONTENT
        # "俺现在搁无锡看孙子 回不去 咋换" after 换领: where the citizen is and why, then only a bare "how"
        asks_from_there = bool(
            context
            and not bare
            and elsewhere
            and _STATES_WHERE.search(text)
            and not names_topic
            and self._asks_barely_beside(text)
        )
        # "厂里不好请假 昆山这边能给解不 还是非得回宿州" after 锁卡: whether it can be done where the citizen is
        asks_from_there = asks_from_there or bool(
            context and not names_topic and elsewhere and _DONE_THERE.search(text)
        )
        # "俺人在杭州打工 过年才回去 等不及咋办" after 换领: where the citizen is, not going back, and how
        kept_away = bool(context and only_where and _NOT_GOING_BACK.search(text) and aspects.asks(text))
        if kept_away and set(asked) <= {aspects.STEPS}:
            asked = (aspects.CHANNELS,)
        asks_from_there = asks_from_there or kept_away
        if asks_from_there and not asked:
            asked = (aspects.CHANNELS,)  # how to do it from there
        # "去的时候带身份证就行了吧" after 锁卡: what to bring, however the thing brought names another service
        brings = not names_topic and aspects.MATERIALS in asked and self._only_brought(text, candidates)
        # "安徽自己那个规定一共几条" after 一卡通: how many of a thing one of its facts counts
        counts = bool(context and not names_topic and self._counts_its_thing(text, context))
        # "俺们社区居委会几点开门" after 优待证 (done at 社区): the office where the matter is done, in other words
        matter_said = self._without_its_own_office(text, context) if context else text
        own_office = matter_said != text
        # "5000元是一个人算还是一家子加一起算" after 通关: a figure of the answer just given, asked about
        quotes_figure = bool(context and self._quotes_its_figure(text, context))
        # "调解下来一般能赔多少钱" after 12315: something asked of a word only its own facts (and few others) use;
        # "下回咋知道哪家医院能直接刷" after 门诊结算: asked of nothing but what its own facts name
        picks_up = carries_goods or bool(
            context
            and not names_topic
            and (
                (asked and self._picks_up_its_word(text, context))
                or (
                    aspects.asks(text)
                    and not _sure_out_of_scope(question)  # not "那今年小学一年级报名啥时候开始" after 教育
                    and not _REACTS.search(text)  # nor "唉 俺这腿疼了好几年了 跑了多少医院都没看好"
                    # (its own facts', or its topic's: "哪家医院能直接刷" after 手工报销 is 结算's)
                    and any(self._names_its_facts_words(text, s) for s in self.kb.services_by_topic(context.topic))
                )
            )
        )
        if (
            context
            and (
                bare
                or corrects_who
                or refers_back
                or asks_barely
                or brings
                or asks_from_there
                or counts
                or own_office
                or quotes_figure
                or picks_up
            )
            and (follow_up or corrects_who)
            and (not names_topic or only_where)
            and (
                corrects_who
                or refers_back
                or asks_from_there
                or counts
                or own_office
                or quotes_figure
                or picks_up
                or not _sure_out_of_scope(question)
                # "东西往哪交", "全国一共多少个城市能刷" (after 一卡通行): nothing said of another matter
                or ((asked or self.a_fact_fits(text, context.key, UNIT_FLOOR)) and not self.kb.words_unknown(text))
                or _supported(context.key, candidates)
                or not content
                or self._echoes_name(text, context)
                or self._names_its_facts_words(text, context)
            )
            # "…帮她弄行不 她那老人机啥也不会": the reasons told after the question are no matter of their own
            and not self._another_matter(_up_to_the_question(matter_said), alone=False)
            and not (_TURNS_AWAY.search(text) and _sure_out_of_scope(question, LEANING_OUT_OF_SCOPE))
            and not self._turned_to_unknown(text, context)
            # "另外问个事 我护照快过期了…能不能直接在上海那边换护照" after 通关: another office's errand turned to
            and not (_TURNS_AWAY.search(text) and _OTHER_OFFICE.search(text) and not _OURS_AMONG_OTHERS.search(text))
            # … or unemployment benefits from elsewhere ("还有 俺在上海交的失业保险 回宿州能领失业金不" after 人才)
            and not (_UNEMPLOYMENT.search(text) and self._elsewhere(text))
            # … or a 公积金 paid elsewhere taken out ("那我在昆山交的公积金呢，人回来了能一次取出来不" after 养老保险)
            and not (elsewhere and self._takes_out_fund(text))
            # "俺还想在砀山承包个梨园 咋审批" after 康养: a thing of its own that nothing in the KB says, asking nothing
            # of the matter, whose facts do not fit it even a little (not "能寄回家不" after 身份证: 邮寄)
            and not (
                not (asked or refers_back or carries_goods)
                and _sure_out_of_scope(question, LEANING_OUT_OF_SCOPE)
                and self.kb.words_unknown(text)
                and not self.a_fact_fits(text, context.key, UNIT_FOLLOW_UP)
            )
            # "俺庄上卫生室啥时候开门" after 远程医疗: asked of a thing the KB does not know
            and not (
                (asked or aspects.asks(text))  # "哪块租房子便宜" asks no aspect
                and not self._points_back(text)
                and self._asks_of_something_unknown(replace(question, text=matter_said), _of(context, candidates))
            )
        ):  # NLU hears another matter in "那彩礼给多少", but not in "多久", "How long is it valid?" or "大晚上的能挂不"
            followed = Understanding(
                (Candidate(context, 1.0, context=True),), asked, False, True, False, ANSWER, content
            )
            # (not the hub for "能不能不回宿州就把这个证明办了": where the citizen is, asking of this matter)
            return self._sibling_first(text, followed, question, keep_from_hub=asks_from_there)
        # "我那个公积金账户能不能整个转到南京去": a record other than an insurance moved there
        # … or another office's document there ("我驾照快到期了在苏州能换不": not our card's expiry)
        # … or unemployment benefits there ("这失业金是搁苏州领还是搁宿州领啊")
        near = elsewhere and bool(
            _ERRAND.search(text)
            or _ASKS_ACROSS.search(text)
            or _moves_a_record(text)
            or _OTHER_DOCUMENT.search(text)
            or _UNEMPLOYMENT.search(text)
            or self._takes_out_fund(text)
        )
        understood = Understanding(tuple(candidates), asked, names_topic, False, near, content=content)
        understood = replace(understood, decision=self._decide(question, understood))
        if understood.decision in (ANSWER, GUESS) and self._asks_ours_beside(text, understood.best):
            understood = replace(understood, aside_not_ours=True)
        # none of ours stands out, or only the one discussed for being discussed, and it is not still this one
        # ("另外老家隔壁盖新房 把院墙往俺家这边挪了半米多…该找谁管" after 康养)
        if (
            context
            and (understood.decision == UNSURE or (understood.decision == GUESS and understood.best.context))
            and self._turned_to_unknown(text, context)
        ):
            return replace(understood, decision=DECLINE)
        if (
            understood.decision == GUESS
            and context
            and self._says_its_own_word(question.text, understood, context)
            and not _moves_a_record(text)  # not "那苏州那边交的公积金 能转回宿州不" after 养老保险转移
        ):
            understood = _context_first(understood)  # "只办备案不办认定行不行" in 门诊慢特病: still about it
        if understood.decision == DECLINE and context:
            understood = self._fitting_beside_context(question, understood)
        if context and (
            understood.decision == DECLINE
            # "办好了能直接寄到上海不" after 身份证: whether it is mailed, not an errand of 上海
            or (understood.decision == NEAR_SCOPE and self._mailing_told(text, context))
        ):
            understood = self._context_behind_a_weak_best(question, understood)
        if understood.decision == UNSURE and context and bare and content >= MIN_OWN_CONTENT and not names_topic:
            understood = _context_first(understood)  # "看病用" after 门诊结算: most likely still about it
        elif (
            understood.decision == UNSURE
            and context
            and not names_topic
            and (content >= MIN_OWN_CONTENT or self.kb.without_places(text) != text)  # not "thx", "行吧"
            and _nothing_else_stands_out(understood)
        ):
            understood = _context_first(understood)  # "俺是灵活就业交的医宝 不是单位给交的 也中吗" after 慢特病
        if understood.decision == UNSURE:
            understood = self._pension_for_social_insurance(text, understood)
        if understood.decision == UNSURE and bare and not context:
            understood = _topic_first(understood)  # "老人的事": that topic's matters to choose from
        elif understood.decision == UNSURE:
            understood = self._first_step_first(understood)
        if understood.decision == UNSURE:
            understood = _same_answer_first(self._the_one_singled_out(question.text, understood))
        if understood.decision in (ANSWER, GUESS):
            understood = self._document_named_first(self.kb.corrected(text), understood)
            understood = self._asked_beyond_the_supposed(text, understood)
            understood = _direct_settlement_wanted_ahead(text, understood)
            understood = self._compared_with_second(text, understood)
            understood = self._built_on_named(text, self._sibling_first(text, understood, question))
            understood = self._second_question(text, understood)
        if (
            understood.decision in (ANSWER, GUESS)
            and context
            and (self._still_its_fact(text, understood, context) or self._asked_if_another(text, context))
        ):
            understood = _context_first(understood)
        if understood.decision in (ANSWER, GUESS) and context:
            understood = self._what_comes_after_its_step(text, understood, context)
        return understood

    @staticmethod
    def _document_named_first(text: str, u: Understanding) -> Understanding:
        """ "想办宿州的社保卡 第一次办 人不在宿州 online能apply吗": the best service is named for a document the text
        does not say (身份证首次申领, on 第一次办), one close behind for the one it says: that one first."""
        said = {doc for doc, called in _DOCUMENTS.items() if called.search(text)}
        best = u.best
        if not said or best is None or best.mentioned:
            return u
        if not any(doc in best.service.name for doc in _DOCUMENTS.keys() - said):
            return u
        close = [
            c
            for c in u.candidates[1:]
            if c.score >= best.score - SURE_MARGIN and any(doc in c.service.name for doc in said)
        ]
        return _guess_first(u, close[0]) if close else u

    def _what_comes_after_its_step(self, text: str, u: Understanding, context: ServiceView) -> Understanding:
        """ "激活了以后能刷南京地铁吗" after 封存激活: once its step is taken, what only another matter's own word
        names is asked of that matter (not "受理了以后调解要多久", nor "备案了以后回宿州看病还能用医保不")."""
        step = _AFTER_A_STEP.match(text)
        best = u.best
        if step is None or best is None or best.service.key != context.key:
            return u
        named = self.kb.anchored_services(self.kb.corrected(text[step.end() :]))
        after = [c for c in u.candidates if c.service.key in named and c.service.key != context.key]
        return _guess_first(u, after[0]) if len(named) == 1 and after else u

    def _the_one_singled_out(self, text: str, u: Understanding) -> Understanding:
        """Of the services level at the top, the only one a word of its own names is guessed ("…长三角有个一卡同
        拿宿州的社保卡在杭州就能坐地铁…真能刷吗": 一卡通行's 地铁, against 一卡通 and 一卡通游); else, where the text
        asks, the only one a fact of which fits it."""
        best = u.best
        level = [c for c in u.candidates[:UNSURE_CHOICES] if best and best.score - c.score < SURE_MARGIN]
        anchored = self.kb.anchored_services(self.kb.corrected(text))
        named = [c for c in level if c.service.key in anchored]
        if len(level) > 1 and len(named) == 1:
            return _guess_first(u, named[0])
        # "社保卡在沪苏浙都能用这事 是有正式文件的还是就说说": a question only one of them has a fact for
        fitting = [c for c in level if c.unit >= UNIT_FLOOR]
        if len(level) > 1 and len(fitting) == 1 and aspects.asks(normalize(text)):
            return _guess_first(u, fitting[0])
        return u

    def _only_brought(self, text: str, candidates: Sequence[Candidate]) -> bool:
        """The likeliest service is named only by things to bring along ("带身份证就行了吧": 身份证首次申领)."""
        words = self.kb.anchoring_words(text, candidates[0].service.key) if candidates else set()
        return bool(words) and all(_brought(word, text) for word in words)

    def _errand_of_its_own(self, text: str, context: ServiceView) -> bool:
        """An errand word (证明, 迁, 手续) the matter under discussion does not say: another errand."""
        return any(
            m.group(0) != "办" and not self.kb.service_says(context.key, m.group(0)) for m in _ERRAND.finditer(text)
        )

    def tells_situation(self, question: Question) -> bool:
        """How the citizen sees a doctor elsewhere (长期/临时, 急诊, 转诊), told in that matter: "对 是长期的"."""
        context = self.kb.service(question.context) if question.context else None
        return (
            context is not None
            and context.topic == self._topic_of(MEDICAL_ELSEWHERE_SERVICE)
            and (any(question.entities.get(e) for e in SITUATION_ENTITIES) or bool(self.kb.stay_told(question.text)))
        )

    def _matter_returned_to(self, question: Question) -> str | None:
        """The matter discussed before the current one that the citizen goes back to: the one a fact of which
        fits the text best ("回到刚才说的看片子那个 到底该找谁问"), else the latest."""
        if not question.earlier:
            return None
        text = normalize(question.text)
        if not _BACK_TO.search(text):
            return (
                self._earlier_matter_asked_again(text, question)
                or self._earlier_card_meant(text, question)
                or self._earlier_thing_pointed_at(text, question)
                or self._earlier_matter_by_its_word(text, question)
                or self._earlier_matter_its_fact_fits(text, question)
            )
        # after an aside declined, the matter it interrupted is still under discussion and may be the one gone
        # back to ("回到俺妈那个事 先办哪个后办哪个"), the first of equals (not "还是说回办卡的事" after 一卡通行)
        interrupted = question.context if question.after_aside else None
        keys = (interrupted, *question.earlier) if interrupted else question.earlier
        fits = {
            key: hits[0][1]
            for key in keys
            if (hits := self.kb.search_units(text, services=[key], limit=1, min_score=UNIT_FLOOR))
        }
        back_to = max(fits, key=fits.__getitem__) if fits else interrupted or question.earlier[0]
        return None if back_to == interrupted else back_to

    def _earlier_matter_its_fact_fits(self, text: str, question: Question) -> str | None:
        """ "那日本买的化妆品超过多少钱要报" after 社保卡换领, with 通关 discussed before: a fact of the earlier matter
        answers it clearly, and none of the current one's fits at all."""
        if question.context is None or not aspects.asks(text):
            return None
        if self.kb.search_units(text, services=[question.context], limit=1, min_score=UNIT_FOLLOW_UP):
            return None
        fits = {
            key: hits[0][1]
            for key in question.earlier
            if (hits := self.kb.search_units(text, services=[key], limit=1, min_score=UNIT_GENERAL))
        }
        return max(fits, key=fits.__getitem__) if fits else None

    def _earlier_matter_by_its_word(self, text: str, question: Question) -> str | None:
        """ "卡那个在苏州能弄不" after 通关, with 社保卡换领 answered beside it: the earlier matter a word of its own
        points at ("急诊那个", "住院那个"), when it fits that one better than the current one."""
        pointed = _WORD_THEN_THAT.match(text)
        if pointed is None or question.context is None:
            return None
        word = pointed.group(1)

        def fit(key: str) -> float:
            service = self.kb.service(key)
            if service is None:
                return 0.0
            if word in service.name:
                return 1.0
            if any(word in alias for alias in service.aliases):
                return ALIAS_POINTED
            hits = self.kb.search_units(word, services=[key], limit=1)
            return hits[0][1] if hits else 0.0

        current = fit(question.context)
        fits = {key: fit(key) for key in question.earlier if key != question.context}
        best = max(fits, key=fits.__getitem__, default=None)
        return best if best is not None and fits[best] >= UNIT_FLOOR and fits[best] > current else None

    def _earlier_thing_pointed_at(self, text: str, question: Question) -> str | None:
        """ "那个证搁哪办 村里还是镇上" after 敬老同城化, and before it 优待证: the thing pointed at (a 证, a 卡) is
        named by an earlier matter and not by the current one."""
        current = self.kb.service(question.context) if question.context else None
        pointed = _POINTED_THING.match(text)
        if current is None or pointed is None or pointed.group(1) in " ".join((current.name, *current.aliases)):
            return None
        return next((k for k in question.earlier if (s := self.kb.service(k)) and pointed.group(1) in s.name), None)

    def _earlier_matter_asked_again(self, text: str, question: Question) -> str | None:
        """ "再问下养老那个 转的时候得开个啥证明" after 养老保险转移, then 医保关系转移: asked again about an earlier
        matter by a word of what it is called that the current one is not called by."""
        current = self.kb.service(question.context) if question.context else None
        if current is None or not _ASKED_AGAIN.search(text):
            return None
        said = aspects.without_cues(text)
        if _called_by(said, current):
            return None
        # "那看病那个手续他自己在南京拿手机能弄不" after 一卡通行: a word of what the earlier one is called (看病 备案)
        named = next((key for key in question.earlier if (s := self.kb.service(key)) and _called_by(said, s)), None)
        # "刚才说的那个研究院 我找谁打听进展" after 教育合作, then 人才: a word only the earlier matter's facts say
        pointed = {m.group(1)[:n] for m in _POINTED_AT_LONGER.finditer(self.kb.without_places(said)) for n in (2, 3, 4)}
        pointed = {w for w in pointed if not said_of_anything(w) and not self.kb.service_says(current.key, w)}
        told_of = next((k for k in question.earlier if any(self.kb.service_says(k, w) for w in pointed)), None)
        # "那电饭锅那个 网上咋投" after 门诊结算, 12315 before it: it sounds like the earlier name (投诉)
        echoed = (
            None
            if self._echoes_name(text, current)
            else next((k for k in question.earlier if (s := self.kb.service(k)) and self._echoes_name(text, s)), None)
        )
        return named or told_of or echoed

    def _earlier_card_meant(self, text: str, question: Question) -> str | None:
        """ "俺这卡有没有那个功能" after 一卡通行, then 优待证 (no card): the card matter discussed before."""
        current = self.kb.service(question.context) if question.context else None
        if current is None or self._has_a_card(current) or not _THIS_CARD.search(text):
            return None
        return next((key for key in question.earlier if (s := self.kb.service(key)) and "卡" in s.name), None)

    def _has_a_card(self, service: ServiceView) -> bool:
        """The matter has a card of its own: the 社保卡 ones, and 医保 (its card is the 医保卡)."""
        return "卡" in service.name or service.topic == self._topic_of(MEDICAL_ELSEWHERE_SERVICE)

    def _asked_beyond_the_supposed(self, text: str, u: Understanding) -> Understanding:
        """ "要是送他去上海俺姐那边的养老院住 他的医保搁那看病能用不": what is supposed tells the case; the clause that
        asks names the matter, which NLU hears as well."""
        best, clauses = u.best, split_clauses(text)
        if best is None or not _SUPPOSES.match(text) or len(clauses) < 2:
            return u
        asking = " ".join(c for c in clauses[1:] if aspects.asks(c))
        supposed = best.service.key in self.kb.anchored_services(clauses[0])
        if not asking or not supposed or best.service.key in self.kb.anchored_services(asking):
            return u  # the case names the matter put first, and only the case
        hits = self.kb.search_services(aspects.without_cues(asking), limit=1)
        meant = next((c for c in u.candidates if c.nlu and hits and c.service.key == hits[0].key), None)
        return u if meant is None or meant is best else _guess_first(u, meant)

    def _turned_to_unknown(self, text: str, context: ServiceView) -> bool:
        """ "行 另外问下宿州哪有修吹风机的" after 12315: turned to a thing the KB does not know, which no fact of the
        matter under discussion fits."""
        return bool(
            _TURNS_AWAY.search(_LEADING_ACK.sub("", text))  # "行 另外问下…": after taking the answer
            and self.kb.words_unknown(_up_to_the_question(text))
            and not self.a_fact_fits(text, context.key, UNIT_FLOOR)
        )

    def _refers_back(self, question: Question, text: str, context: ServiceView) -> bool:
        """A follow-up longer than a bare one: it asks an aspect ("俺也不晓得俺这张是第几代 打哪个电话能问"), points
        back at the matter ("她明年要是去广州念书了 在广州也能这样办吗", "要是换成日元带着呢"), or asks what a fact of
        the matter answers ("回来给我妈买个包大概八千块 这个要报吗" after 通关)."""
        if not aspects.asks(text):
            return False
        # "要是换成日元带着呢" supposes another case of the matter; "如果我留在上海的话应届研究生落户要打多少分", which
        # NLU is sure is no matter of ours, asks of a thing the KB does not know
        supposes_another = (
            _SUPPOSES.search(text)
            and _sure_out_of_scope(question)
            and self.kb.words_unknown(_up_to_the_question(text))
            and not any(self.kb.service_says(context.key, noun) for noun in nouns_of(text))  # "…外币怎么算"
        )
        # (not "那边" after a place: "苏州那边带小孩上哪玩好" says there, not the matter)
        if self._points_back(_SUPPOSES.sub("", text)) or (_SUPPOSES.search(text) and not supposes_another):
            return True
        if aspects.from_intent(question.intent) is not None and question.confidence >= CONFIDENT_NLU:
            return True
        if self._points_at_its_word(text, context):
            return True  # "宿州那个窗口搁哪 啥时候上班" after 跨省通办: the window its answer spoke of
        if _sure_out_of_scope(question) and not _shares_a_word(aspects.without_cues(text), context.name):
            # "主管护师考试啥时候报名" after 一卡通行: NLU is sure of another matter; only a text naming nothing else
            # that a fact of this one fits says otherwise ("做好了能不能寄到灵璧家里 还是要本人去拿" after 社保卡申领)
            # (nor one naming it only after the question: "…能给寄到家里不 孩子要上学没空去拿")
            known = not self.kb.words_unknown(_up_to_the_question(text))
            return known and self.a_fact_fits(text, context.key, UNIT_FLOOR)
        if self.kb.anchored_services(aspects.without_cues(text)) == {context.key}:
            return True  # "离到期还有小半年 现在就能申请了不" in 换领: its own word, and no other matter's
        return bool(aspects.aspects_in(text)) or self._fact_of_it_fits(text, context)

    def _points_back(self, text: str) -> bool:
        """Words pointing back at the matter: "这样", "刚才", "要是…", "那边" — not after a place ("江宁那边哪个小区
        学区好点" says there, not the matter, so what is asked of there may be another matter)."""
        there_named = _THERE_AFTER_A_PLACE.sub("", self.kb.without_places(text, blank=_PLACE_BLANK))
        return bool(_REFERS_BACK.search(there_named))

    def _asks_barely_beside(self, text: str) -> bool:
        """Besides the clauses saying where the citizen is, the message only asks ("咋换", "能办不"), naming
        nothing the KB does not know."""
        asking = " ".join(c for c in split_clauses(text) if not _STATES_WHERE.search(c))
        return bool(asking) and self.content_size(asking) <= ASKING_ASIDE and not self.kb.words_unknown(asking)

    def a_fact_fits(self, text: str, service_key: str, floor: float = UNIT_FOLLOW_UP) -> bool:
        """One of the service's facts fits the text this well (by default, as a follow-up's answer must)."""
        return bool(self.kb.search_units(text, services=[service_key], limit=1, min_score=floor))

    def _points_at_its_word(self, text: str, context: ServiceView) -> bool:
        """ "那个窗口", "这个小程序": a word the matter's own facts say, pointed at as the one just spoken of (not
        "这个可以…", "这个时间…": words said of anything)."""
        pointed = {m.group(1) for m in _POINTED_AT.finditer(self.kb.without_places(text))}  # not "那宿州城里…"
        return any(not said_of_anything(word) and self.kb.service_says(context.key, word) for word in pointed)

    def _fact_of_it_fits(self, text: str, context: ServiceView) -> bool:
        """A fact of the matter under discussion fits the text, and no fact of a matter away from it fits better;
        or, where none of its own fits clearly, one of its facts says a rare word of the text, or the fact that fits
        best is a neighbour's and says one."""
        own = self.kb.search_units(text, services=[context.key], limit=1, min_score=UNIT_FLOOR)
        hits = self.kb.search_units(text, limit=1)
        if not hits:
            return False
        best, score = hits[0]
        next_door = [key for key in best.services if self._next_to(key, context)]
        if own:
            return score <= own[0][1] or bool(next_door)
        # "学校的证明一时开不出来咋办" of 备案: its fact on 上传 says a rare word of the question; so does "那卡做好了
        # 能让我爸帮我去领不" of 电子社保卡 社保卡申领's fact on 卡做好以后 (a matter next to it)
        if self._fact_by_its_word(text, context) is not None:
            return True
        return score >= UNIT_FLOOR and any(
            best.key == unit.key for key in next_door for unit, _ in self.kb.units_anchored(text, key)
        )

    def _built_on_named(self, text: str, u: Understanding) -> Understanding:
        """ "糖尿病的备案在哪弄" in 门诊慢特病: an aspect asked of the step the matter begins with, named by a word of
        its own that the matter's name lacks, is answered from that step (the matter a button) — unless the
        step is said to be done ("备案办好了，住院结算要带啥")."""
        if not u.aspects:
            return u
        matter = u.best.service
        said = self.kb.respelled(text)
        words = [w for w in self.kb.services_named(text) if w not in matter.name and not _said_done(said, w)]
        words = [w for w in words if not _said_undone(said, w)]  # "没办备案，出院的时候还能直接结算不"
        for step in self.kb.services_it_builds_on(matter.key)[:1]:  # the first step, not a fallback (手工报销)
            if any(w in step.name and step.key in self.kb.anchored_services(w) for w in words):
                chosen = next((c for c in u.candidates if c.service.key == step.key), Candidate(step, 0.0))
                return _guess_first(u, chosen)
        return u

    def step_done(self, text: str, service: ServiceView) -> ServiceView | None:
        """The step the service builds on that the (normalised) message says is done, saying little else."""
        if self.content_size(text) > BARE_CONTENT:
            return None
        said = self.kb.respelled(text)
        return next(
            (
                base
                for base in self.kb.services_it_builds_on(service.key)
                if any(_said_done(said, word) for word in self.kb.anchoring_words(text, base.key))
            ),
            None,
        )

    def _says_its_own_word(self, text: str, u: Understanding, context: ServiceView) -> bool:
        """The guess is another service level with the one under discussion, or only just ahead of it while
        its own word is said."""
        current = _current(u.candidates)
        if current is None or u.best is current:
            return False
        behind = u.best.score - current.score
        # level with it: "那不退就转回宿州呗 这事该找哪个部门" in 养老保险转移 is no 医保关系转移 question
        return behind <= LEVEL or (behind < SURE_MARGIN and context.key in self.kb.anchored_services(text))

    def _still_about(self, text: str, context: ServiceView, candidates: Sequence[Candidate], bare: bool) -> bool:
        """A message naming no service by name that says a word of the service under discussion's own name
        (short), or asks what a fact of it answers clearly."""
        current = _current(candidates)
        # a fact of its own fits the text, clearly better than any of another service
        its_fact = current is not None and all(
            current.unit >= max(UNIT_FLOOR, c.unit + UNIT_MARGIN) for c in candidates if c is not current
        )
        if any(c.mentioned and c.service.key != context.key for c in candidates):
            # "这跟去外地看病办的那个备案是一回事不" after 医保关系转移: its FAQ says they differ
            return its_fact and current.unit >= STRONG_UNIT
        if current is not None and (current.unit >= STRONG_UNIT or its_fact):
            return True  # "补贴大概能拿多少" after 人才: 补贴 is a word of 一卡通's too
        return bare and _shares_a_word(aspects.without_cues(text), context.name)

    def _sibling_meant(self, text: str, candidates: Sequence[Candidate], context: ServiceView) -> Candidate | None:
        """In a correction, the likeliest service of the topic under discussion (itself, too: "不是看病那块，是养老的"
        after 养老保险转移) that the words match clearly and name by a word of its own, unless the citizen names
        a service of another topic or another matter."""
        if any(c.mentioned and c.service.topic != context.topic for c in candidates):
            return None  # "不是医保，是社保卡"
        if self._another_matter(text, alone=False):
            return None  # "不是社保卡，我说错了，是农业银行的储蓄卡被锁了"
        anchored = self.kb.anchored_services(text)  # not "不是急诊 是他自己去的"
        said = [
            c
            for c in candidates[:UNSURE_CHOICES]
            if c.service.topic == context.topic
            and c.search >= TOPIC_SCORE
            and (c.service.key in anchored or _shares_a_word(text, c.service.name))
        ]
        meant = next(iter(said), None)
        if meant and meant.service.key != context.key and self._its_fact_keeps_to_it(text, context, meant.service):
            return _of(context, candidates)  # "不是住院 是门诊 …那出院小结没有咋办" in 手工报销: its materials
        if meant and meant.service.key == context.key:
            # "不是我 说错了 是我同事…他是住院了…没备案 出院能直接结吗" after 备案: a fact of 住院结算's answers it
            better = (c for c in said[1:] if self.fact_fits_better(text, c.service, context, STRONG_UNIT))
            return next(better, meant)
        return meant

    def _its_fact_keeps_to_it(self, text: str, context: ServiceView, meant: ServiceView) -> bool:
        """A fact of the matter under discussion fits clearly better than any of the one meant, and does not
        itself send the citizen there (not "得了高血压…拿药的，请看“门诊慢特病…”" in 门诊结算)."""
        if not self.fact_fits_better(text, context, meant):
            return False
        fact = self.kb.search_units(text, services=[context.key], limit=1)[0][0]
        return meant.key not in {hit.key for hit in self.kb.mentioned_services(fact.text)}

    def fact_fits_better(
        self, text: str, service: ServiceView, other: ServiceView | None, floor: float = UNIT_FLOOR
    ) -> bool:
        """A fact of the service fits the text at least this well, and clearly better than any of the other's."""
        own = self.kb.search_units(text, services=[service.key], limit=1, min_score=floor)
        theirs = self.kb.search_units(text, services=[other.key], limit=1) if other else []
        return bool(own) and own[0][1] >= (theirs[0][1] if theirs else 0.0) + UNIT_MARGIN

    def services_its_steps_name(self, service: ServiceView) -> list[ServiceView]:
        """The other services a service's steps send the citizen to (住院直接结算: 备案, and 手工报销 if it fails)."""
        named = self.kb.mentioned_services(" ".join(service.steps))
        return [s for hit in named if hit.key != service.key and (s := self.kb.service(hit.key))]

    def _pension_for_social_insurance(self, text: str, u: Understanding) -> Understanding:
        """ "宿州的社保转到杭州去要咋弄": 社保 moved is first of all 养老保险 (医保 a button), unless 医保 is said."""
        top = {c.service.key for c in u.candidates[:2]}
        if top != set(INSURANCE_TRANSFERS) or "社保" not in text or _MEDICAL_INSURANCE_SAID.search(text):
            return u
        return _guess_first(u, next(c for c in u.candidates if c.service.key == INSURANCE_TRANSFERS[0]))

    def _counts_its_thing(self, text: str, service: ServiceView) -> bool:
        """How many is asked ("一共几条", "多少个城市") and one of the service's facts gives that count ("共24条",
        "城市当时已有318个"); with 个, which counts anything, the fact names the thing counted too."""
        for asked in _COUNT_ASKED.finditer(text):
            measure = asked.group(1) or "个"
            after = asked.group(2) if asked.group(1) else asked.group(3)
            thing = "".join(itertools.takewhile(lambda ch: ch not in FUNCTION_CHARS, after))
            counted = re.compile(rf"[\d一二三四五六七八九十]+多?{measure}")
            if (thing or measure != "个") and any(
                counted.search(u.text) and thing in u.text for u in self.kb.units_for(service.key)
            ):
                return True
        return False

    def _echoes_name(self, text: str, service: ServiceView) -> bool:
        """A short follow-up says a word of the service's own name, or a homophone of it: 挂 after 社保卡挂失,
        "现在还能包不" (报) after 手工报销."""
        rest = self.kb.without_places(aspects.without_cues(text))
        said = {r for ch in rest if is_cjk(ch) and ch not in FUNCTION_CHARS for r in char_readings(ch)}
        return bool(said & self.kb.own_name_sounds(service.key))

    def _its_thing_lost(self, text: str, service: ServiceView) -> bool:
        """ "发票俺弄丢了一张" after 手工报销: what is lost is a thing the service's facts speak of, not a card."""
        lost = self.kb.situation_said(CARD_PROBLEM, LOST, text)
        before = text[max(0, lost.start() - LOST_THING_CHARS) : lost.start()] if lost else ""
        return any(self.kb.service_says(service.key, pair) for pair in cjk_pairs(before))

    @staticmethod
    def _it_expires(problems: Sequence[str], service: ServiceView) -> bool:
        """ "那要是过期了呢" after 备案: what expires is the matter itself, whose time limit says how long it holds."""
        return EXPIRED in problems and "有效" in (service.time_limit or "")

    def _without_its_own_office(self, text: str, service: ServiceView) -> str:
        """The text with the offices blanked where the service is done, named in the citizen's word for that kind of
        place ("居委会" where it is done at 社区, "派出所" at a 公安 受理点)."""
        for word, kind in _OFFICE_KINDS.items():
            if word in text and self.kb.service_says(service.key, kind):
                text = text.replace(word, " ")
        return text

    def _quotes_its_figure(self, text: str, service: ServiceView) -> bool:
        """The text names a figure with its unit that one of the service's facts gives ("5000元", "6个月")."""
        return any(self.kb.service_says(service.key, figure.group(0)) for figure in _FIGURE.finditer(text))

    def _picks_up_its_word(self, text: str, service: ServiceView) -> bool:
        """A word of the service's process (its steps, time limits) that few services' facts use at all: a stage of
        it picked up ("调解下来一般能赔多少钱" after 12315; not "小学一年级报名" after 教育, a subject of its plans)."""
        return any(
            service.key in self.kb.services_saying(word, PROCESS_UNITS)
            and len(self.kb.services_saying(word)) <= FEW_SAYING
            for word in rare_words_of(aspects.without_cues(text), with_runs=False)
        )

    def _names_its_facts_words(self, text: str, service: ServiceView) -> bool:
        """Every noun of a short follow-up is one the service's own facts use: "比例会不会低" after 手工报销."""
        nouns = nouns_of(text)
        return bool(nouns) and all(self.kb.service_says(service.key, noun) for noun in nouns)

    def _doubts_bureau(self, text: str, bare: bool) -> bool:
        """ "不是人社局吗" after an answer naming 市医保局: a short message doubting a bureau the KB knows."""
        doubted = _DOUBTED_BUREAU.search(text)
        return bare and bool(doubted and self.kb.bureau_name(doubted.group(1)))

    def _still_its_fact(self, text: str, u: Understanding, context: ServiceView) -> bool:
        """The service ahead of the one under discussion, next to it, is only what it is compared with, or the
        fact that fits best is both's ("光弄那个去外地看病的手续 宿州这边的不弄行不行" in 门诊慢特病: 备案 and
        认定 both needed)."""
        best = u.best
        if best is None or best.context or best.mentioned or not self._next_to(best.service.key, context):
            return False  # not "你刚才说的那个一网通办是啥" after 异地贷款缴存使用证明: asked about by its name
        return _only_compared_with(text, best.service, context) or self._fact_of_both(text, context, best.service)

    def _asked_if_another(self, text: str, context: ServiceView) -> bool:
        """ "这个是不是就是那个异地就医备案" after 医保关系转移: the matter itself asked to be the one named, and a fact
        of it says whether they are one thing."""
        return bool(
            _IT_ASKED_SAME.search(text)
            and _ASKS_SAME_THING.search(text)
            and self._same_or_not(text, context) is not None
        )

    def _compared_with_second(self, text: str, u: Understanding) -> Understanding:
        """ "医保关系要转过来吗 这跟异地就医备案是一回事不": the service compared with is not the one asked about;
        the one named too whose own fact says whether they are the same thing is."""
        best = u.best
        if best is None or best.context:
            return u
        same = self._same_or_not(text, best.service)
        if same is None or best.service.key in same.services:
            return u
        owner = next((c for c in u.candidates[1:3] if c.service.key in same.services and c.mentioned), None)
        return _guess_first(u, owner) if owner else u

    def _sibling_first(
        self, text: str, u: Understanding, question: Question, keep_from_hub: bool = False
    ) -> Understanding:
        """A follow-up about a service next to the one under discussion is answered from there, saying so,
        with the one under discussion as a button: NLU is sure of it ("出院的时候还用付全款吗" after 备案: 住院
        直接结算), or NLU hears it and a fact of its own answers clearly better than any of the one under
        discussion ("报多少是按嘉兴的还是宿州的" after 备案: the 直接结算 note on whose rates apply), or the
        search alone is sure of such a fact ("换卡能让别人替我跑不" after 换卡: 申领's "必须本人去领")."""
        best = u.best
        if best is None or not best.context:
            return u
        # NLU's sibling, unless the fact that fits best is the one under discussion's as much ("认定完了备按还得
        # 另外再办一个？" in 门诊慢特病: the FAQ of both on doing both steps)
        sure = (
            c
            for c in u.candidates[1:]
            if c.nlu >= SURE_NLU
            and self._next_to(c.service.key, best.service)
            and not self._fact_of_both(text, best.service, c.service)
        )
        sibling = next(sure, None) or self._sibling_heard_by_its_word(text, best.service, question)
        if sibling is None:
            sibling = self._sibling_with_the_fact(text, best.service, question.intent, u.aspects)
        # (nor to the hub from a matter the text names: "主要是养老的那块 …回宿州还算数不" in 养老保险转移)
        if sibling is None or ((keep_from_hub or best.mentioned) and sibling.service.key == HUB_SERVICE):
            return u
        return _guess_first(u, replace(sibling, score=best.score))

    def _sibling_heard_by_its_word(self, text: str, current: ServiceView, question: Question) -> Candidate | None:
        """NLU hears a service next to the one under discussion, and the text says a word of its name that the
        one under discussion's name lacks: "他还想在手机上用 电子的有啥条件" after 社保卡申领 (电子社会保障卡)."""
        family = self.kb.services_for_intent(question.intent or "")
        if question.confidence >= CONFIDENT_NLU and family:
            heard = family[0]  # the intent's own service, not any of its family ("不是长三角的" is no 一网通办)
        elif question.intent == NLU_FALLBACK:  # NLU torn between it and an aspect: the one word of its name decides
            services = [s for topic in self.kb.topics() for s in self.kb.services_by_topic(topic)]
            holders = Counter(pair for s in services for pair in cjk_pairs(s.name))
            # pairs of few services' names ("电子"), not of many ("长三", "社会"), nor errands in general (证明) or
            # words the matter's own facts say ("老年" of 敬老同城化)
            said = {
                p
                for p in cjk_pairs(without_taken_back(text)) - cjk_pairs(current.name)
                if holders[p] <= 2 and p not in ERRAND_WORDS and not self.kb.service_says(current.key, p)
            }
            named = [
                s
                for s in services
                if s.key != current.key and self._next_to(s.key, current) and said & cjk_pairs(s.name)
            ]
            if len(named) != 1:
                return None
            heard = named[0]
        else:
            return None
        if heard.key == current.key or not self._next_to(heard.key, current):
            return None
        said_of_it = (cjk_pairs(without_taken_back(text)) - cjk_pairs(current.name)) & cjk_pairs(heard.name)
        if current.intent == question.intent:  # NLU cannot tell them apart: "那边有啥优待" in 敬老同城化 says its word
            said_of_it = {pair for pair in said_of_it if not self.kb.service_says(current.key, pair)}
        if not (said_of_it or self._search_agrees(text, heard, question)):
            return None
        if self.kb.search_units(text, services=[current.key], limit=1, min_score=UNIT_FLOOR):
            return None  # its own fact answers: "报销比例跟直接结算一样不" in 手工报销, "只办备案不办认定行不行"
        return Candidate(heard, 0.0, nlu=question.confidence)

    def _search_agrees(self, text: str, heard: ServiceView, question: Question) -> bool:
        """NLU is sure of the service, and the search, on the words besides what is asked, finds it first and
        strongly: "俺小孙子还没卡 咋给他申请" after 激活 is 申领's, though it says 申请 and not 申领."""
        if question.confidence < SURE_NLU:
            return False
        hits = self.kb.search_services(aspects.without_cues(text), limit=1)
        return bool(hits) and hits[0].key == heard.key and hits[0].score >= STRONG_SEARCH

    def _fact_of_both(self, text: str, current: ServiceView, sibling: ServiceView) -> bool:
        """The unit that fits the text best belongs to both services."""
        hits = self.kb.search_units(text, limit=1, min_score=UNIT_FLOOR)
        return bool(hits) and {current.key, sibling.key} <= set(hits[0][0].services)

    def _sibling_with_the_fact(
        self, text: str, current: ServiceView, intent: str | None, asked: Sequence[str]
    ) -> Candidate | None:
        if not self.content_size(text):
            return None  # "打折不" after 社保卡逛景区: an aspect of the matter discussed, no word of another
        hits = self.kb.search_units(text, limit=1, min_score=SIBLING_UNIT)
        if not hits or hits[0][0].aspect in SERVICE_OWN_ASPECTS or current.key in hits[0][0].services:
            return None  # where, how long, whom to call: the service under discussion has its own answer
        unit, score = hits[0]
        own = self.kb.search_units(text, services=[current.key], limit=1)
        lead = score - (own[0][1] if own else 0.0)
        siblings = [s for key in unit.services if key != HUB_SERVICE and (s := self.kb.service(key))]
        siblings = [s for s in siblings if self._next_to(s.key, current)]
        heard = [s for s in siblings if s.intent == intent]
        if heard and lead >= SIBLING_MARGIN:
            return Candidate(heard[0], 0.0, unit=score)
        if set(asked) & WHOM_TO_ASK:  # whom to ask about the matter under discussion is its own answer
            return None
        if (
            siblings
            and score >= STRONG_UNIT
            and lead >= 2 * SIBLING_MARGIN
            and not _kept_apart(text, current, siblings[0], unit)
        ):
            return Candidate(siblings[0], 0.0, unit=score)  # the search alone is sure: "换卡能让别人替我跑不"
        return None

    def _next_to(self, key: str, current: ServiceView) -> bool:
        """The same topic (异地就医, 社保卡), or one service builds on the other."""
        service = self.kb.service(key)
        if service is None:
            return False
        return (
            service.topic == current.topic
            or current.key in {s.key for s in self.kb.services_it_builds_on(key)}
            or key in {s.key for s in self.kb.services_it_builds_on(current.key)}
        )

    def _first_step_first(self, u: Understanding) -> Understanding:
        """Two services equally likely, one the step the other builds on ("在外地看病医宝咋弄": 门诊直接结算
        begins with 备案): that step is the answer, the other a button."""
        if len(u.candidates) < 2:
            return u
        first, second = u.candidates[:2]
        if second.score < PROBABLE_SCORE:
            return u
        if second.service.key not in {s.key for s in self.kb.services_it_builds_on(first.service.key)}:
            return u
        return replace(u, candidates=(second, first, *u.candidates[2:]), decision=GUESS)

    def _second_question(self, text: str, u: Understanding) -> Understanding:
        """ "社保卡到期了想换个新的，换的新卡能坐公交车不": a clause about another service, named there."""
        first = u.best.service.key
        ranked = {c.service.key: c for c in u.candidates[:SECOND_RANK]}
        if _complains_of_a_sale(self.kb.corrected(text)):
            text = self.kb.without_diseases(text)  # "说能治高血压": the seller's claim, not a question of 慢特病
        # not a matter told on the way: "老板说每人能报销一点购物" is no question about 手工报销
        # nor where an insurance is, told ("医保关系还在宿州 备案的时候选哪一种")
        clauses = [
            c
            for c in split_clauses(text)
            if not self._another_matter(c, alone=False) and not (_RECORD_STAYS.search(c) and not aspects.asks(c))
        ]
        # "在宿州交了15年社保 … 医保在上海能用吗" beside 优待证 asks of 异地就医, not of 养老保险
        if any(self._asks_of_medical_care_elsewhere(c, u.best.service, ranked.keys()) for c in clauses):
            return replace(u, second=ranked[MEDICAL_ELSEWHERE_SERVICE], second_aspects=())
        for clause in clauses:
            if self._tells_the_trouble_of(clause, first):
                continue  # "社宝卡在上海地铁上丢了": where the card was lost, not a question of 一卡通行
            named = (self.kb.anchored_services(clause) & ranked.keys()) - {first}  # by a word of its own
            steps = self.kb.steps()
            named = {key for key in named if key not in steps or not self._only_said_done(clause, key)}  # "备案办过了"
            if not named:
                continue  # no search needed: it could find no second question here
            hits = self.kb.search_services(aspects.without_cues(clause), limit=1, min_score=SECOND_SCORE)
            if hits and hits[0].key in named:
                return replace(u, second=ranked[hits[0].key], second_aspects=tuple(aspects.aspects_in(clause)))
        # or our card with its trouble ("他那张社宝卡去年就过期了"; "…社保卡…锁住了，还有他那个卡…也快到期了")
        card_named = _names_our_card(self.kb.corrected(text))
        for clause in clauses if len(clauses) > 1 else ():
            corrected = self.kb.corrected(clause)
            ours = _names_our_card(corrected) or (card_named and "卡" in corrected)
            told = self.kb.situations_said(CARD_PROBLEM, corrected) if ours else set()
            troubled = {CARD_PROBLEM_SERVICE[p] for p in told if p in CARD_PROBLEM_SERVICE} & ranked.keys() - {first}
            if len(troubled) == 1:
                return _with_second_trouble(u, ranked[troubled.pop()], clause, text)
        for clause in clauses if len(clauses) > 1 else ():  # or one whose words match it as clearly as a name
            # (the same search as the clause's evidence for the candidates: remembered, not repeated)
            # (not "宿州有啥政策" after 养老院: no more than 政策 of its own)
            says_enough = len(clause) >= MIN_CLAUSE and self.content_size(clause) > MIN_OWN_CONTENT
            hits = self.kb.search_services(aspects.without_cues(clause), limit=2) if says_enough else []
            if hits and hits[0].score >= CLEAR_SECOND and hits[0].key in ranked.keys() - {first}:
                return replace(u, second=ranked[hits[0].key], second_aspects=tuple(aspects.aspects_in(clause)))
        # or one the search puts first for a clause that turns to it ("第一次办身份证能在苏州办吗，顺带能不能把社保卡也
        # 申请了"; not NLU's guess beside the answer: "12345到底是干啥的 是不是啥事都能打" is no question of 一卡通)
        for clause in clauses if len(clauses) > 1 else ():
            turning = _TURNS_TO.match(clause) and len(clause) >= MIN_CLAUSE
            hits = self.kb.search_services(aspects.without_cues(clause), limit=2) if turning else []
            candidate = ranked.get(hits[0].key) if hits and hits[0].score >= SECOND_SCORE else None
            if candidate and candidate.service.key != first:
                return replace(u, second=candidate, second_aspects=tuple(aspects.aspects_in(clause)))
        return u

    def _asks_of_medical_care_elsewhere(self, clause: str, first: ServiceView, ranked: Iterable[str]) -> bool:
        """ "…医保在上海能用吗" beside 优待证: a clause asking of 医保 used in another place, in a message first about a
        matter of another topic (异地就医's own matters say how anyway)."""
        elsewhere = self.kb.service(MEDICAL_ELSEWHERE_SERVICE)
        corrected = self.kb.corrected(clause)
        return (
            elsewhere is not None
            and MEDICAL_ELSEWHERE_SERVICE in ranked
            and first.topic != elsewhere.topic
            and aspects.asks(clause)
            and bool(_MEDICAL_INSURANCE_SAID.search(corrected))
            and self._sees_doctor_elsewhere(corrected)
        )

    def _decide(self, question: Question, u: Understanding) -> str:
        best = u.best
        said = normalize(question.text)
        corrected = self.kb.corrected(question.text)
        alone = best is not None and not best.context and not self._continues(question, best)
        if (
            question.context == HUB_SERVICE
            and _OTHER_OFFICE.search(said)
            and not _WEBSITE_FILING.search(said)  # not "那俺公司网站的被案能跨省办不": a website's, no errand at all
            and not (best and best.mentioned)
            and not _ONLY_HERE.search(said)  # not "那宿州本地的违章罚款搁哪交", "俺们村低保今年咋还没发下来"
            and not (_SAID_AT_HOME.search(said) and not self._elsewhere(said))  # nor "宿州车管所周六上班不"
        ):
            return NEAR_SCOPE  # "比如说我想办个失业登记" after 跨省通办: whether that errand can be done across
        if (
            self._another_matter(said, alone=alone)
            and not self._keeps_to_it(said, best)
            and not self._other_matter_only_told(said, best)
            and not self._asks_ours_beside(said, best)
            # "…拿着去卫生院拿药，人家说俺这卡是封存的用不了": our card's trouble, wherever it shows
            and not (best and self._tells_its_card_problem(question, best.service))
        ):
            return DECLINE
        if (
            u.near_scope
            # (not "…回宿州老家…给他家申请个低保，得找村里": the village's)
            and not (_ONLY_HERE.search(said) and not _ASKS_ACROSS.search(said))
            # "在苏州被辞退，能申请劳动仲裁吗": elsewhere, but not ours, unless asked of doing it from there or of
            # moving something there ("闺女在宿州上小学 明年想转到南京读 这手续该找谁")
            and self._across_for_all_nlu_says(question, said)
            and best
            and not best.mentioned
            # (or searched strongly by shared words only: "我在苏州打工…能给他申请低保不" is no 社保卡 申领)
            and (best.search < STRONG_SEARCH or self._other_office_beside_unanchored(question.text, said, best))
            # "想把公积金取出来，不去苏州能提取吗": 公积金 names our loan certificate, but 提取 is another office's
            # … nor moving the 公积金 account itself ("我那个公积金账户能不能整个转到南京去")
            and (
                best.service.key not in self.kb.anchored_services(question.text)
                or _OTHER_OFFICE.search(said)
                or _moves_a_record(said)
            )
            and not _names_our_card_or_insurance(corrected)  # "俺这医宝搁那边看病能用不": one of our services
            and not ("卡" in corrected and best.context and "卡" in best.service.name)  # "那补办新卡要回宿州吗"
            and not self._one_of_ours_named(question, u, said)
        ):
            return NEAR_SCOPE  # "办营业执照注销" shares 办/证 with every service, and names none of them
        errand_only = _only_errand_words(aspects.without_cues(normalize(question.text)))
        if (
            (u.aspects or errand_only)
            and not u.names_topic
            and not question.context
            and question.intent != OUT_OF_SCOPE
            and (u.content <= WHICH_CONTENT or errand_only)
        ):
            return WHICH  # "在哪办", "证明", "申请" to begin with; "低保怎么申请" says what it is, and it is not ours
        in_scope = (
            best is not None
            and (
                self._in_scope(question, best, u.bare, bool(u.aspects))
                or self._ours_elsewhere(question, corrected, best)
            )
            # "宿州的低保在上海能领不": another office's errand, and no word of ours beside it
            and (best.context or best.mentioned or not self._other_office_beside_unanchored(question.text, said, best))
        )
        if in_scope and u.sure:
            return ANSWER
        if in_scope and u.probable:
            return GUESS
        if (
            u.near_scope
            and self._across_for_all_nlu_says(question, said)
            and not self._one_of_ours_named(question, u, said)
            and not _wants_card_or_medical(corrected)
            # "…在常州给闺女看店 被案早就办好了…是不是看门诊本来就不给结啊": 医保's 备案, however far away
            and not _files_for_medical_care(corrected)
        ):
            return NEAR_SCOPE
        if in_scope or self._names_only_a_topic(question, corrected, u):
            return UNSURE  # in scope, but no service stands out: which of these?
        return DECLINE  # with the closest services as buttons, should the citizen mean one of them

    def _context_behind_a_weak_best(self, question: Question, u: Understanding) -> Understanding:
        """ "办好了得他自己去拿不 能给寄回来不" after 身份证: a few shared words put another service first, which is not
        in scope; a question on the matter under discussion, which is, that names no other matter."""
        best, current = u.best, _current(u.candidates)
        if best is None or current is None or best is current or best.mentioned or best.nlu:
            return u
        said = normalize(question.text)
        if self._another_matter(said, alone=False) or not aspects.asks(said) or _TURNS_AWAY.search(said):
            return u  # "另外我家狗跑丢了 你们能帮忙找找不"
        if best.service.key in self.kb.anchored_services(question.text):
            return u  # "回到景区那个 刷卡买门票有优惠没": a word of its own names the one put first
        return _guess_first(u, current) if self._in_scope(question, current, u.bare, bool(u.aspects)) else u

    def _fitting_beside_context(self, question: Question, u: Understanding) -> Understanding:
        """ "那出院的时候能直接刷医保吧 不用先把钱垫上吧" after 备案, "卡领回来以后还得激活是吧" after 申领: the matter
        under discussion, put first by the conversation alone, does not fit, but a matter next in line does on its
        own evidence (the search, a fact, NLU): that one is likely meant, not nothing."""
        best = u.best
        if best is None or not best.context or self._another_matter(normalize(question.text), alone=False):
            return u
        for candidate in u.candidates[1:MAX_FITTING_RANK]:
            if candidate.score >= LEAD_SCORE and self._in_scope(question, candidate, u.bare, bool(u.aspects)):
                return _guess_first(u, candidate)
        return u

    def _one_of_ours_named(self, question: Question, u: Understanding, said: str) -> bool:
        """`_names_one_of_ours`, except that NLU's sure guess names nothing where another office's errand is all
        the text names ("俺闺女想从宿州转学到上海去上": 转学 is not 转诊)."""
        if not _names_one_of_ours(u):
            return False
        other_errand = _OTHER_OFFICE.search(said) or _SCHOOL_ERRAND.search(said)
        if _UNEMPLOYMENT.search(said):
            return False  # "社保一直在宿州交的 … 失业登记能在杭州办吗": 社保 is what pays it, not the matter asked
        return not (other_errand and not self.kb.anchored_services(question.text))

    def _across_for_all_nlu_says(self, question: Question, said: str) -> bool:
        """A cross-province errand, unless NLU is sure it is another matter and the text asks neither of doing
        it from elsewhere nor of moving something across (nor of taking out a 公积金 paid elsewhere)."""
        return not _sure_out_of_scope(question) or bool(
            _ASKS_ACROSS.search(said) or _moves_a_record(said) or self._takes_out_fund(said)
        )

    def _takes_out_fund(self, text: str) -> bool:
        """The 公积金 taken out, however it is typed ("公基金")."""
        return bool(_FUND_TAKEN_OUT.search(self.kb.respelled(text)))

    def names_another_matter(self, text: str) -> bool:
        """A message on its own about a bank's or a school's card, another office's errand, a doctor's question."""
        return self._another_matter(normalize(text), alone=True)

    def _keeps_to_it(self, said: str, best: Candidate | None) -> bool:
        """ "正式挂失的话要带什么去，身份证也丢了咋整" after 社保卡挂失: a clause on the matter under discussion, by
        a word of its own, that is no other matter itself (not "公积金能提出来还房贷不" after the 公积金 证明)."""
        if best is None or not best.context:
            return False
        clauses = split_clauses(said)
        # "常州有啥好玩的地方 等老爷子出院带他转转": the clause that asks is the other matter, not the one on it
        other_asked = any(aspects.asks(clause) and self._another_matter(clause, alone=False) for clause in clauses)
        # "打游戏 有一关老是通关不了 咋通关": the other matter says the service's word, in its own sense
        key = best.service.key
        if any(self._another_matter(c, alone=False) and key in self.kb.anchored_services(c) for c in clauses):
            return False
        other_told = any(self._another_matter(clause, alone=False) for clause in clauses)
        marked_questions = {m.group(1) for m in _MARKED_QUESTION.finditer(said)}  # clauses ended by a question mark
        return any(
            best.service.key in self.kb.anchored_services(clause)
            and not self._another_matter(clause, alone=False)
            and not (other_told and _ALSO_COVERS.match(clause))  # "那包工头欠俺们工钱不给 也能打12315告他不"
            # (an anchored clause that only tells, while another asks: "俺一个月领那城乡居民养老金才两百来块，听说今年
            # 宿州又调了，俺这能涨多少" after 养老服务 asks of the pension's rise)
            and (
                aspects.asks(clause)
                or clause in marked_questions  # "那个敬老通是个app？俺娘用的老人机 俺用俺手机查中不"
                or not (other_asked or any(aspects.asks(c) for c in clauses if c != clause))
            )
            # "楼上…吵死了 这个能投诉吗": of the other matter (not "这个挂失能让俺儿子去办不", which says more)
            and not (
                _ABOUT_WHAT_WAS_JUST_SAID.match(clause)
                and self.content_size(clause) <= MIN_OWN_CONTENT
                and not aspects.PROXY.search(clause)  # who is to do it says more
            )
            for clause in clauses
        )

    def _asks_ours_beside(self, said: str, best: Candidate | None) -> bool:
        """ "电子社保卡在哪领啊 顺便问一下 今年个税退税是在个人所得税app上弄吗": a clause asks of our service by its
        own name, another of a matter not ours; the first is answered, the other said to be no matter of ours."""
        if best is None or not best.mentioned or not _TURNS_TO_ANOTHER.search(said):
            return False
        key = best.service.key
        clauses = [
            (c, key in self.kb.anchored_services(c), self._another_matter(c, alone=False)) for c in split_clauses(said)
        ]
        ours = [c for c, anchored, other in clauses if anchored and not other]
        # (a question of its own, turned to: not "黑神话悟空第三章一直过不去，通关有啥技巧")
        aside = any(other and not anchored and aspects.asks(c) for c, anchored, other in clauses)
        return any(aspects.asks(c) for c in ours) and aside

    def _other_matter_only_told(self, said: str, best: Candidate | None) -> bool:
        """ "…老板说每人能报销一点购物…过海关要申报，到底买多少钱以上的东西要报啊": in a story that names one of our
        services, and NLU hears it too, another matter is only told on the way; no clause asking is about it."""
        clauses = split_clauses(said)
        # (two clauses where NLU agrees surely: "…整天抱着手机打游戏…管不住 / 听说宿州的职业学校跟…合着办…有这事不")
        fewest = 2 if best is not None and best.nlu >= SURE_NLU_ON_A_STORY else STORY_CLAUSES
        if best is None or not best.mentioned or best.nlu < CONFIDENT_NLU or len(clauses) < fewest:
            return False
        asking = [c for c in clauses if aspects.asks(c)]
        return (
            len(said) > STORY_LENGTH
            and bool(asking)
            and not any(self._another_matter(c, alone=False) for c in asking)
            and any(self._another_matter(c, alone=False) for c in clauses)
        )

    def _names_only_a_topic(self, question: Question, corrected: str, u: Understanding) -> bool:
        """ "医保的事想问问", "老人的事": a first message naming one of our topics and little else."""
        best = u.best
        return (
            best is not None
            and not question.context
            and self.content_size(_ABOUT_ASKING.sub("", corrected)) <= BARE_CONTENT
            and best.search >= TOPIC_SCORE
            and not _sure_out_of_scope(question, LEANING_OUT_OF_SCOPE)
            and bool(_TOPIC_WORDS.search(corrected))
        )

    def _continues(self, question: Question, best: Candidate) -> bool:
        """ "那糖尿病呢" after 门诊结算, "门票能便宜点不" after 一卡通行: on with the matter under discussion (by a
        word going on from it, or asking barely), about a service next to it."""
        current = self.kb.service(question.context) if question.context else None
        said = normalize(question.text)
        # or telling one's disease, asking nothing: "拿的是降压药 俺高血压好几年了 天天吃" after 门诊结算
        told_disease = not aspects.asks(said) and self.kb.names_disease(said)
        going_on = _FOLLOW_ON.search(question.text) or self.content_size(said) <= BARE_CONTENT or told_disease
        return current is not None and bool(going_on) and self._next_to(best.service.key, current)

    def _ours_elsewhere(self, question: Question, corrected: str, best: Candidate) -> bool:
        """The card or 医保 wanted in another province ("宿州办的社保卡在上海坐地铁能刷不"), which the
        search finds a service for: in scope, however long the story around it."""
        return (
            _wants_card_or_medical(corrected)
            and self._elsewhere(corrected)
            and best.search >= SUPPORTED_SEARCH
            and not _sure_out_of_scope(question)
        )

    def _paid_elsewhere_counts(self, text: str) -> bool:
        """Whether insurance paid in another place still counts, asked by someone not seeing a doctor."""
        return bool(_STILL_COUNTS.search(text) and _PAID_IN.search(text) and self._elsewhere(text)) and not (
            _SEES_DOCTOR.search(text) or _OTHER_PAYMENT.search(text)
        )  # not "那几年房租是不是白交了"

    def _elsewhere(self, text: str) -> bool:
        """The (normalised) text is set in another place: 外地, 跨省 … or a place outside 宿州."""
        return bool(_ELSEWHERE.search(text) or self.kb.names_elsewhere(text))

    def _another_matter(self, text: str, alone: bool) -> bool:
        """A bank card, another office's errand, a doctor's question (which hospital is best, what to eat),
        or — where the message stands `alone`, i.e. not a follow-up in a conversation — tickets without the
        card or a health question that names a covered disease: words shared with a service, not its business."""
        ours = _names_our_card(text) or _names_our_card(self.kb.corrected(text))  # "银行卡社宝卡全没了"
        shop_card_sold_badly = bool(_SHOP_CARD.search(text)) and _complains_of_a_sale(text)  # 12315's, as any sale
        if (_OTHER_CARD.search(text) or _SOMEONE_ELSES_ONECARD.search(text)) and not (ours or shop_card_sold_badly):
            return True
        if _EVERYDAY_MATTER.search(text) and not ours:
            return True
        # (划算 has 算 of its own; "先备按…回来再报 到底哪个划算" compares two ways of our matter)
        cheaper_of = _WHICH_IS_CHEAPER.sub(" ", self.kb.corrected(text))
        if _WHICH_IS_CHEAPER.search(text) and not (ours or _INSURANCE_MATTER.search(cheaper_of)):
            return True
        if _LOCALS_OWN_CARD.search(text) and _OUTSIDER.search(text) and self._elsewhere(text):
            return True
        respelled = self.kb.respelled(text)  # "城乡居民医宝…得交多少钱", "公基金"
        paying_in = _PAYING_IN.search(text) or _PAYING_IN.search(respelled)
        # (a record moved across is asked, whatever the story tells: "居住证积分也够了 想把全家户口从宿州迁过来";
        # "学籍转回宿州考高中 咋弄")
        moving_across = _moves_a_record(text) and self._elsewhere(text)
        if (_NO_ERRAND_OF_OURS.search(text) and not moving_across) or (
            paying_in and not _WITH_AN_ERRAND_OF_OURS.search(text)
        ):
            return True
        moving_insurance = _INSURANCE_MOVED.search(text) and _WITH_AN_ERRAND_OF_OURS.search(text)
        if _EXAMS.search(text) and not (_SCHOOLS_COOPERATING.search(text) or moving_insurance or moving_across):
            return True  # not "…回宿州考上了事业单位，杭州那边的社保要怎么弄过来"
        # (our card with a typo is our card: "听说社宝卡能当门票刷")
        if ((alone and _TICKETS.search(text)) or _TICKET_PRICE.search(text)) and not (
            _CARD_OR_ELDERLY.search(text) or ours
        ):
            return True  # "门票打折不" after 社保卡逛景区 asks about the card
        if _WEBSITE_FILING.search(text):
            return True  # "在杭州开了个小公司 官网要做ICP被案": a website's, wherever the company is
        if _OTHER_DOCUMENT_APPLIED_FOR.search(text) and not self._elsewhere(text):
            return True  # "俺那护照过期了 换护照也是找海关吧": the police's errand, whoever the citizen guesses does it
        other_office = _OTHER_OFFICE.search(text) or _OTHER_OFFICE.search(respelled)
        if other_office and not (_OURS_AMONG_OTHERS.search(text) or self._elsewhere(text)):
            return True
        if _RESIDENCE_PERMIT.search(text) and not (
            _WITH_AN_ERRAND_OF_OURS.search(text) or _OURS_AMONG_OTHERS.search(text) or "证明" in text
        ):
            return True
        if _COMMERCIAL_INSURANCE.search(text) and not _OUR_CARD.search(text):
            return True
        if _complains_of_a_sale(text):
            return False  # "买了一堆保健品 说能治高血压…不给退 俺想替她投诉": a sale, not a doctor's question
        # what the story asks is a doctor's question, though it tells of our matter on the way ("在上海住院那回
        # 备案啥的都办了…医生开的波立维跟阿司匹林能一块吃不"); or asks of 医保 at home ("闺女儿子都在外地打工…社宝卡
        # 在村卫生室能刷不")
        asking = " ".join(c for c in split_clauses(text) if aspects.asks(c) and not _tells_what_happened(c))
        if asking and _MEDICAL_ADVICE.search(asking) and not _INSURANCE_MATTER.search(asking):
            return True
        if (
            alone
            and asking != text
            and _MEDICAL_THINGS.search(asking)
            and not _HERE.search(asking)  # "…在昆山厂里上班…老家的医保在这能用不": here is where the story is
            and self._medical_at_home(asking)
            and not _WITH_AN_ERRAND_OF_OURS.search(asking)
        ):
            return True
        # (not "能报多少 跟在宿州住院一样不": home only compared with)
        home_figure = _LOCAL_FIGURE.search(text) and _HOME_NAMED.search(text) and not _COMPARED_WITH_HOME.search(text)
        if (alone or home_figure) and self._medical_at_home(text, figure_asked=bool(home_figure)):
            return True  # "宿州门诊统筹报销多少", "俺们村卫生室拿药能刷医保卡不": 医保 at home, not across provinces
        if _SIDE_EFFECTS.search(text) and not _OUR_CARD.search(text):
            return True  # "降压药…哪个副作用小": a doctor's question, whatever insurance words come with it
        if _INSURANCE_MATTER.search(text):
            return False
        if _MEDICAL_ADVICE.search(text):
            return True
        if not alone:
            return False  # "那糖尿病呢" after 门诊慢特病 asks about it
        # "高血压的药是早上吃好还是晚上吃好" is a doctor's question; "在上海查出尿毒症，要一直透析" and
        # "俺娘尿毒症，一周透析三次" tell the citizen's situation (门诊慢特病)
        asked = aspects.asks(text) or "还是" in text
        return self.kb.names_disease(text) and not self._elsewhere(text) and asked

    def _heard_only_corrected(self, text: str, service: ServiceView) -> bool:
        """The service's own words are in the text only once its homophone typos are corrected: NLU, which reads it
        as typed, did not hear them."""
        said = normalize(text)
        return all(word not in said for word in self.kb.anchoring_words(text, service.key))

    def _medical_at_home(self, text: str, figure_asked: bool = False) -> bool:
        """医保 at home, said to be there, with no other place in the message (宿州的医保 "在深圳社区医院" is not;
        "俺娘在宿州市立医院住院" is)."""
        away = any(not _SAID_AT_HOME.match(text, where.end()) for where in _STATES_WHERE.finditer(text))
        # "在县医院拿药，医保报了多少" (not "社保卡…锁了 县医院看病刷不了": card trouble wherever it shows)
        at_home = (
            _AT_HOME_MEDICAL.search(text)
            or (_COUNTY_HOSPITAL.search(text) and "卡" not in text)
            or (figure_asked and _HOME_TREATMENT_OR_SCHEME.search(text))
        )
        return bool(at_home and _SAID_AT_HOME.search(text)) and not (
            self._elsewhere(text) or _CROSSING.search(text) or away
        )

    def _in_scope(self, question: Question, best: Candidate, bare: bool, asks_aspect: bool) -> bool:
        anchored = best.service.key in self.kb.anchored_services(question.text)
        if best.mentioned or (best.unit >= CLEAR_UNIT and (anchored or not _sure_out_of_scope(question))):
            return True  # the text names the service, or asks an FAQ of it (not "今年春晚啥时候开始")
        if anchored and (best.search >= CLEAR_SEARCH or (best.search >= STRONG_SEARCH and best.unit >= STRONG_UNIT)):
            return True  # "用公积金贷款，那边要宿州开个证明": NLU leans elsewhere, the service's own words do not
        if (
            anchored
            and best.search >= STRONG_SEARCH
            and self._heard_only_corrected(question.text, best.service)
            and not self._another_matter(self.kb.corrected(question.text), alone=question.context is None)
        ):
            return True  # "我想头诉他，打哪个电话": NLU read the typo; the service's own word is 投诉
        if best.context and self._proxy_told(question.text, best.service) and not self.kb.words_unknown(question.text):
            return True  # "新卡做好了我妈在宿州帮我领行不行" after 换领: who may do it, which a fact says
        if self._tells_its_card_problem(question, best.service):
            return True  # "…她的社保卡赶集的时候丢了 卡里还有这个月的养老金 这可咋办": our card, and its trouble
        if best.context and _asks_hours_of_its_place(normalize(question.text), best.service):
            return True  # "今天礼拜天 网点开门不" after 锁卡: when the place the matter is done at is open
        if best.context and self._mailing_told(question.text, best.service):
            return True  # "办好了俺们又出车了不在上海 能给寄吗" after 身份证: whether it is mailed, which a fact says
        if best.context and self._elsewhere(normalize(question.text)) and _DONE_THERE.search(question.text):
            return True  # "俺现在搁昆山…回不去宿州 搁这边能换不" after 换领: the matter, from where the citizen is
        if _CASHED_OUT.search(question.text) and self._says_if_cashed_out(best.service):
            return True  # "要不俺直接退了把钱拿出来吧 中不中" after 养老保险转移: a fact of it says whether one may
        if (
            best.context
            and _ILLNESS_ASKED_IF_COVERED.search(question.text)
            and self.kb.service_says(best.service.key, COVERED_ILLNESSES_WORD)
        ):
            return True  # "他还有个老胃病 那个也中不中" in 门诊慢特病: whether the illness is covered
        context = self.kb.service(question.context) if question.context else None
        # (in a conversation, the matter next to the one discussed, searched strongly, is as much in it as that one:
        # "前头几个月自己掏的药钱还能要回来不" after 备案, which NLU leans to call another matter; only NLU sure of
        # another matter rules it out, as it does the one discussed)
        next_door = (
            context is not None
            and best.service.key not in (context.key, HUB_SERVICE)
            and best.search >= STRONG_SEARCH
            and self._next_to(best.service.key, context)
        )
        leaning_out = SURE_NLU_OUT_OF_SCOPE if next_door else LEANING_OUT_OF_SCOPE
        if _sure_out_of_scope(question, leaning_out) and not best.context:
            return False  # "开票软件的密码忘了": NLU is sure it is another matter; shared words do not say otherwise
        if best.search >= STRONG_SEARCH or best.unit >= STRONG_UNIT:
            return True
        if best.nlu >= SURE_NLU:
            return True  # "研究生回宿州有补贴吗": NLU is sure, though the KB's names say little
        if question.intent == NLU_FALLBACK and best.search >= TORN_NLU_SEARCH and best.unit >= TORN_NLU_FACT:
            return True  # "…CT片子，过两天要去杭州的医院复查，人家认不认": NLU torn; the search and a fact of it agree
        # without an aspect asked, NLU leaning out of scope is enough: "那你说电视哪个牌子质量好"
        out_of_scope = SURE_NLU_OUT_OF_SCOPE if asks_aspect else LEANING_OUT_OF_SCOPE
        if best.context and (best.supported or bare) and not _sure_out_of_scope(question, out_of_scope):
            return True  # a follow-up in the conversation ("要是急诊来不及备呢"), or one the KB also points to
        if context and not best.context and best.search >= TOPIC_SCORE and self._next_to(best.service.key, context):
            return True  # "顺便问下 我儿子还没办卡 能在app上帮他申请不" after 激活: the matter next to it, said clearly
        if anchored and best.search >= ANCHORED_SEARCH and best.unit >= UNIT_FLOOR:
            return True  # "备案让上传居住证明…传不上去": NLU half hears another matter; the service's words, a fact not
        if best.context and _FOLLOW_ON.search(question.text) and best.unit >= UNIT_FLOOR:
            return True  # "那给家里买点水果干海鲜干货能带不" after 通关: on with it, and a fact of it fits
        if best.context and best.search >= ANCHORED_SEARCH and best.unit >= FITTING_FACT:
            return True  # "回来想给家里带点燕窝和水果 这个要报吗" after 通关: its words, and a fact of it fits well
        if best.context and self._asks_of_its_card(question, best.service):
            return True  # "卡里还有钱呢 怕被人拿去刷了 现在先咋弄" after 挂失: the card under discussion, asked about
        if question.intent == OUT_OF_SCOPE and question.confidence >= CONFIDENT_NLU:
            return False  # NLU hears another matter, and the KB search does not clearly disagree
        asks_in_it = best.context and aspects.asks(normalize(question.text))
        if asks_in_it and not self._asks_of_something_unknown(question, best):
            return True  # "能不能直接退保把钱取出来" after 养老保险转移: a question in the conversation
        if best.search >= ANCHORED_SEARCH and anchored:
            return True  # "密码按错了好几回，卡锁住了": NLU may call a long story out of scope; its words do not
        # an aspect asked ("要带什么") is asked of 结婚登记 as much as of 社保卡: an aspect intent does not vote
        nlu_in_scope = (
            question.intent not in NOT_SERVICE_INTENTS | CONVERSATION_INTENTS
            and aspects.from_intent(question.intent) is None
            and question.confidence >= CONFIDENT_NLU
        )
        # "备过了 那报销比例是按哪边的": few of the service's words, but NLU and one of its facts agree
        return nlu_in_scope and (best.search >= SUPPORTED_SEARCH or (best.nlu > 0 and best.unit >= UNIT_FLOOR))

    def _other_office_beside_unanchored(self, text: str, said: str, best: Candidate) -> bool:
        """Another office's errand is named, and no word of the best service's own is said, nor our card or
        insurance (not "户口刚迁过来 想给她办张宿州这边的社保卡")."""
        # (登记 beside another office's errand is that errand's: "回宿州能领失业金不 要去哪登记")
        own_words = self.kb.anchoring_words(text, best.service.key) - _OTHER_ERRANDS_WORDS
        return (
            bool(_OTHER_OFFICE.search(said))
            and not own_words
            and not _names_our_card_or_insurance(self.kb.corrected(text))
        )

    def _unfiled_told_in_it(self, text: str, context: ServiceView) -> bool:
        """No filing done, and what now asked, in a matter whose own facts say what happens without one (not
        "…当时没备案 自己垫了三万多 现在回宿州还能报不": a claim, 手工报销's)."""
        corrected = self.kb.corrected(text)
        return (
            bool(_NOT_FILED.search(corrected))
            and bool(_WHAT_NOW.search(corrected))
            and "报" not in corrected
            and not _EMERGENCY.search(corrected)
            and any(_NOT_FILED.search(unit.text) for unit in self.kb.units_for(context.key))
        )

    def _one_of_its_steps_enough(self, text: str, context: ServiceView) -> bool:
        """Whether one thing the matter's steps name is enough on its own ("光办个备案就中了" in 门诊慢特病)."""
        enough = _ONE_STEP_ENOUGH.search(self.kb.respelled(text))
        return bool(enough) and any(enough.group(1) in step for step in context.steps)

    def _says_if_cashed_out(self, service: ServiceView) -> bool:
        return any(_CASHED_OUT.search(unit.text) for unit in self.kb.units_for(service.key))

    def _asks_of_its_card(self, question: Question, service: ServiceView) -> bool:
        """A question of "the card" in a card's matter, of no other card, that NLU is not sure is another matter."""
        corrected = self.kb.corrected(question.text)
        return (
            "卡" in service.name
            and "卡" in corrected
            and not _OTHER_CARD.search(corrected)
            and aspects.asks(normalize(question.text))
            and not _sure_out_of_scope(question)
            and not self._another_matter(corrected, alone=False)
        )

    def _tells_its_card_problem(self, question: Question, service: ServiceView) -> bool:
        """The text names our card and the trouble that is the service's; or, in a matter with a card, points at
        "that one" with a trouble only a card has ("我老伴那张明年三月到期 现在能先换不" after 激活, "俺这卡上写的日子
        过了" after 一卡通; not "租房合同到期", and anything gets lost)."""
        corrected = self.kb.corrected(question.text)
        told = _card_problems_told(self.kb, question, corrected)
        current = self.kb.service(question.context) if question.context else None
        if not _names_our_card(corrected):
            # (not "锁住的是俺那张农行的储蓄卡": that one is the bank's)
            pointed = _THAT_ONE.search(corrected) or _THIS_CARD.search(corrected)
            pointed = pointed and not _OTHER_CARD.search(corrected)
            card_meant = current is not None and self._has_a_card(current) and pointed
            told = told - {LOST} if card_meant else set()
        return any(CARD_PROBLEM_SERVICE.get(p) == service.key for p in told)

    def _asks_of_something_unknown(self, question: Question, best: Candidate) -> bool:
        """ "俺家楼下的路灯坏了好几天了找谁修" after 12315: a thing the KB does not know (a word of the language, not
        an everyday one) asked of, that NLU does not hear as the matter under discussion, that the search puts with
        no matter, and that no fact of the matter fits clearly (nor asked who may do it, which a fact of the matter
        says: "他腿脚不好出不了门 我当儿子的能替他去弄不" after 社保卡申领)."""
        text = normalize(question.text)
        if self._by_proxy(text, best.service) is not None:
            return False
        # not "…能不能干脆把钱全退出来 回老家翻盖个房子" (the 房子 is what the money is for)
        unknown = self.kb.things_unknown(_up_to_the_question(text))
        known = re.sub("|".join(map(re.escape, unknown)), " ", text) if unknown else text  # "卫生室" is no 卫生 合作
        return (
            not best.nlu
            and bool(unknown)
            and not self.kb.search_services(aspects.without_cues(known), limit=1, min_score=SUPPORTED_SEARCH)
            and not self.a_fact_fits(text, best.service.key, UNIT_FLOOR)
        )

    @staticmethod
    def checks_a_claim(text: str) -> bool:
        """The message tells what the citizen heard, to have it checked: the fact that fits it is the answer."""
        return bool(_HEARSAY.search(normalize(text)))

    def fact_it_builds_on(
        self, text: str, service: ServiceView, bar: float = BUILT_ON_UNIT
    ) -> tuple[ServiceView, Unit] | None:
        """ "那个小程序叫啥" about 门诊直接结算: the fact is 备案's (its app), the step 门诊直接结算 begins with; a fact
        matching at least `bar`, well ahead of the service's own, or else one saying a word only that step says."""
        if not text:
            return None
        bases = self.kb.services_it_builds_on(service.key)
        if self.proxy_unanswered_by(text, service):  # "俺哥替她跑腿中不中" of 门诊慢特病: 备案's says who may
            for base in (b for b in bases if b.key != HUB_SERVICE):  # not "异地代收代办", a way of doing it
                if unit := self._by_proxy(text, base):
                    return base, unit
        # the whole text, or one of its clauses: a long story asks in one of them ("听同事说在长三角看门诊不用备案了
        # 真的假的 俺妈从灵璧来上海住半个月…" in 门诊结算: 备案's FAQ on that rumour)
        # (not one saying the step is done: "俺在国家医保服务平台上备过案了 住院出院的时候咋结账")
        clauses = [c for c in split_clauses(text) if len(c) >= MIN_CLAUSE and not _STEP_DONE.search(c)]
        whole = self.kb.search_units(text, services=[service.key], limit=1)
        whole_score = whole[0][1] if whole else 0.0
        for part in (text, *clauses) if len(clauses) > 1 else (text,):
            own = self.kb.search_units(part, services=[service.key], limit=1) if part is not text else whole
            own_score = max(own[0][1] if own else 0.0, whole_score)
            for base in bases:
                hits = self.kb.search_units(part, services=[base.key], limit=1, min_score=bar)
                if hits and hits[0][1] - own_score >= 2 * SIBLING_MARGIN:
                    return base, hits[0][0]
        return self._base_fact_by_its_word(text, service, bases)

    def _base_fact_by_its_word(
        self, text: str, service: ServiceView, bases: Sequence[ServiceView]
    ) -> tuple[ServiceView, Unit] | None:
        """ "如果算转诊的话 宿州这边医院要开什么证明吗" in 门诊慢特病: a question saying a word that the facts of
        the step it builds on say and none of its own (转诊, 备案's), answered by that step's fact saying it that fits
        best."""
        said = normalize(text)
        if not aspects.asks(said) or _STEP_DONE.search(said):
            return None
        # words few services' facts say, not two-character runs ("州看" of "回宿州看病") nor places (any fact's example)
        told = self.kb.without_places(said)
        words = {
            w
            for w in rare_words_of(told, with_runs=False)
            if not self.kb.service_says(service.key, w) and len(self.kb.services_saying(w)) <= FEW_SAYING
        }
        step = bases[0] if bases and bases[0].key != HUB_SERVICE else None  # the step it begins with (not 手工报销)
        its_words = {w for w in words if self.kb.service_says(step.key, w)} if step else set()
        if not its_words:
            return None
        hits = self.kb.search_units(said, services=[step.key], limit=MAX_SERVICE_UNITS, min_score=ANCHORED_UNIT)
        fact = next((u for u, _ in hits if any(w in u.text for w in its_words)), None)
        return (step, fact) if fact else None

    def fact_next_door(self, text: str, service: ServiceView, asked: Sequence[str]) -> tuple[ServiceView, Unit] | None:
        """A fact of a service next to the one under discussion that fits a follow-up clearly better than any
        of its own, of the aspect asked if one is (or an FAQ or note): quoted with it, the matter discussed kept
        ("以后再碰上急诊 是不是也得提前弄好那个" in 手工报销: 备案's FAQ on emergencies; "我是常年在苏州的 算哪一类" in
        门诊直接结算: 备案's FAQ on its two kinds of people)."""
        if not self.content_size(text):
            return None  # "打折不" in 一卡通游: an aspect of the matter discussed, no word of another
        hits = self.kb.search_units(text, limit=1, min_score=UNIT_FLOOR)
        if not hits or service.key in hits[0][0].services or (asked and hits[0][0].aspect not in (None, *asked)):
            return None
        unit, score = hits[0]
        if unit.aspect in SERVICE_OWN_ASPECTS:
            return None  # "转的话要带啥" in 养老保险转移: its own materials, not 身份证首次申领's
        own = self.kb.search_units(text, services=[service.key], limit=1)
        if self.proxy_unanswered_by(text, service):
            # "新卡做好了俺能替她去领不" in 挂失, which says nothing of proxies: the fact that says who may, of the
            # matter asked (not 备案's for "俺儿子能替我去弄不" in 手工报销, however well its proxy words match)
            if not (aspects.PROXY_ANSWER.search(unit.text) and self._asks_of_its_matter(text, unit)):
                return None
        elif score - (own[0][1] if own else 0.0) < 2 * SIBLING_MARGIN:
            return None  # not "在宿州网上换用哪个" in 换卡 (激活's)
        elif not _shares_more_than_errands(normalize(text), unit):
            return None  # "那证明得跑浙江去开吗" in 养老保险转移: its own 凭证, not the loan's 证明 (only 证明 shared)
        neighbours = [key for key in unit.services if key != HUB_SERVICE and self._next_to(key, service)]
        neighbour = self.kb.service(neighbours[0]) if neighbours else None
        if neighbour is None or _kept_apart(text, service, neighbour, unit):
            return None  # "医保转移去哪办" in 医保关系转移: not 养老保险's fact
        return neighbour, unit

    def facts_on_who(self, text: str, service: ServiceView) -> list[Unit]:
        """The service's own facts on who does it that fit the question: "是民政局发的吗" of 优待证 (no source says
        which department issues it), "这个是哪个局牵头" of 人才 (two bureaus lead its parts)."""
        units = self.answering_units(text, service, (aspects.RESPONSIBLE,))
        return [u for u in units if u.aspect == aspects.RESPONSIBLE or _SAYS_WHO.search(u.text)]

    def answers_beside_who(self, text: str, service: ServiceView) -> list[Unit]:
        """What the message asks of the service besides who does it ("这钱还能回来报不？找哪个部门？要带些啥",
        "在上海交的这五年养老保险，回来以后会不会白交了？要转的话该找哪个部门"): the facts that answer the rest of
        it, read with the story told before (which says what "这钱", "白交" are about)."""
        rest = [c for c in split_clauses(normalize(text)) if aspects.RESPONSIBLE not in aspects.aspects_in(c)]
        if not any(aspects.asks(clause) for clause in rest):
            return []
        said = "，".join(rest)
        return self.answering_units(said, service, aspects.aspects_in(said), on_matter_discussed=True)

    def answering_units(
        self, text: str, service: ServiceView, asked: Sequence[str], on_matter_discussed: bool = False
    ) -> list[Unit]:
        """The units of `service` that answer the question, best first (none if nothing fits well); a question
        about one of its hotlines ("半夜能打12345不") is answered by that hotline's FAQ first."""
        chosen = self._fitting_units(text, service, asked, on_matter_discussed)
        if any(_about_an_emergency(unit) for unit in chosen) and not self._emergency_said(text):
            # "…去南京鼓楼医院复查心脏…要提前弄啥手续不": not "不用提前备案" of an emergency, which none is said
            chosen = [unit for unit in chosen if not _about_an_emergency(unit)]
        if _SINCE_WHEN.search(normalize(text)) and (started := self._when_it_started(text, service)):
            return [started]  # "这是哪年开始有的"
        # (a hotline asked about by its number first, whatever else seems asked besides: "12393前面要不要加区号
        # 俺用手机打的"; not one only quoted: "12393说让我等 备案到底要多久才能办好")
        first_of_all = (
            not chosen or set(asked) <= {aspects.CONTACT} or (aspects.CONTACT in asked and bool(_asked_hotlines(text)))
        )
        if first_of_all and (hotline := self._hotline_asked(text, service)):
            return [hotline, *(u for u in chosen if u is not hotline)][:MAX_UNITS]
        if same := self._same_or_not(text, service):
            return [same, *(u for u in chosen if u is not same)][:MAX_UNITS]
        if handed := self._how_it_is_handed_over(text, service):
            chosen = [handed, *(u for u in chosen if u is not handed)][:MAX_UNITS]  # "给寄到家里行不行"
        if quoted := self._unit_with_its_figure(text, service, chosen):
            chosen = [quoted, *(u for u in chosen if u is not quoted)][:MAX_UNITS]  # "7个工作日是啥意思"
        return self._with_each_clause_answered(text, service, chosen)

    def _how_it_is_handed_over(self, text: str, service: ServiceView) -> Unit | None:
        """Whether what is made is mailed or must be fetched, asked: the service's fact telling it, the best fitting."""
        if not _asks_if_mailed(text):
            return None
        telling = self._handover_facts(service)
        if not telling:
            return None
        hits = self.kb.search_units(text, services=[service.key], limit=MAX_SERVICE_UNITS)
        scores = {u.key: score for u, score in hits}
        return max(telling, key=lambda u: scores.get(u.key, 0.0))

    def _unit_with_its_figure(self, text: str, service: ServiceView, chosen: list[Unit]) -> Unit | None:
        """The fact of the service giving a figure the text quotes ("7个工作日", "6个月"), the best fitting one,
        when none chosen gives it."""
        # (not an age or a year, which the citizen tells of themselves: "俺娘70岁了")
        figures = [m.group(0) for m in _FIGURE.finditer(normalize(text)) if not m.group(0).endswith(("岁", "年"))]
        if not figures or any(f in unit.text for unit in chosen for f in figures):
            return None
        hits = self.kb.search_units(text, services=[service.key], limit=MAX_SERVICE_UNITS)
        return next((unit for unit, _ in hits if any(f in unit.text for f in figures)), None)

    def _with_each_clause_answered(self, text: str, service: ServiceView, chosen: list[Unit]) -> list[Unit]:
        """ "去的时候要带身份证不 输错几回就锁": a second clause asking a fact of its own, that one fact answers
        clearly, gets that fact too."""
        asking = [c for c in split_clauses(normalize(text)) if aspects.asks(c)]
        if not chosen or len(asking) < 2:
            return chosen
        answered = list(chosen)
        for clause in asking:
            hits = self.kb.search_units(clause, services=[service.key], limit=1, min_score=UNIT_GENERAL)
            if hits and all(hits[0][0].key != unit.key for unit in answered):
                answered.append(hits[0][0])
        return answered[: MAX_UNITS + 1] if len(answered) > len(chosen) else chosen

    def _emergency_said(self, text: str) -> bool:
        said = normalize(self.kb.corrected(text))
        return bool(_EMERGENCY.search(said) or _UNPLANNED.search(said))

    def _when_it_started(self, text: str, service: ServiceView) -> Unit | None:
        """The fact of the service saying since when it is so, the one that fits the text best."""
        hits = self.kb.search_units(text, services=[service.key], limit=MAX_SERVICE_UNITS)
        return next((unit for unit, _ in hits if _STARTED_ON.search(unit.text)), None)

    def _same_or_not(self, text: str, service: ServiceView) -> Unit | None:
        """ "这个是不是就是那个异地就医备案" of 医保关系转移, "去杭州看病 是不是得先把医保转过去" (moving the
        insurance to see a doctor): the fact saying whether they are one thing or alike, the service's own or one
        naming it, found by the clause that asks however few words they share."""
        said = normalize(text)
        moved_first = _MOVED_FIRST.search(said) and not _REFERRED.search(said)  # not "开了转诊单 转过来就能住院吗"
        if moved_first and _SEES_DOCTOR.search(said):  # "是不是转了才能在上海看病": few words shared with the fact
            hits = self.kb.search_units(said, limit=MAX_SERVICE_UNITS, min_score=SAME_OR_NOT_UNIT)
        else:
            moving = [c for c in split_clauses(said) if any(m.search(c) for m in _INSURANCE_MOVES.values())]
            if moving and _SEES_DOCTOR.search(said):
                asking = said
            else:
                asking = "，".join(c for c in split_clauses(said) if _ASKS_SAME_THING.search(c))
                moving = []
            # as asked, then in either wording of sameness ("跟备案一样不" finds "不是一回事"), and by the clause
            # moving the insurance alone when a long story tells why ("…住大半年 带带孙子 她在那边看病是不是得先把医保
            # 转到上海去")
            wordings = dict.fromkeys((asking, _SAMENESS.sub(" 一回事 一样 ", asking), *moving)) if asking else {}
            hits = [
                # the fact of any service naming it, or its own fitting a little ("手工报销的比例可能比直接结算低")
                hit
                for wording in wordings
                for hit in self.kb.search_units(wording, limit=3, min_score=UNIT_FLOOR)
                + self.kb.search_units(wording, services=[service.key], limit=2, min_score=UNIT_FOLLOW_UP)
            ]
        return next(
            (
                unit
                for unit, _ in hits
                if _SAYS_SAME_OR_NOT.search(unit.text)
                and (service.key in unit.services or service.name in unit.text)  # "要办的是“跨省异地就医备案”"
            ),
            None,
        )

    def _fitting_units(
        self, text: str, service: ServiceView, asked: Sequence[str], on_matter_discussed: bool
    ) -> list[Unit]:
        """A question asking an aspect takes units of that aspect, or facts of their own (notes, FAQs); a
        general question takes a unit only when it clearly is the question asked, and clearly better
        than the next ("异地就医备案怎么办" fits several FAQs a little)."""
        if not text:
            return []
        asking = self._without_steps_done(text)  # not "备案也办了 上个月办的": told, not asked
        scored = [
            (unit, score + (UNIT_ASPECT_BONUS if unit.aspect and unit.aspect in asked else 0.0))
            for unit, score in self.kb.search_units(asking, services=[service.key], limit=6)
        ]
        scored.sort(key=lambda item: -item[1])
        if not scored:
            return []
        if not asked and (len(scored) > 1 and scored[0][1] - scored[1][1] < UNIT_MARGIN):
            # several units fit a little: none is the answer, unless one says a rare word of a follow-up
            fact = self._fact_by_its_word(text, service) if on_matter_discussed else None
            if fact is None and on_matter_discussed and aspects.asks(text) and scored[0][1] >= UNIT_FOLLOW_UP:
                # "她这个病是2024年才新加进去的吧" in 门诊慢特病: a question on the matter, the fact that fits it best
                fact = scored[0][0]
            return [fact] if fact else []
        # the aspect's own text follows the quote anyway; a question is answered first by the fact that fits it
        # well ("俺有乙肝 还有脂肪肝 这肝上的病能跨省门诊直接结算不": the FAQ on 肝炎), as is a claim heard, told to be
        # checked ("听说这个备案就管三个月 真的假的"); a message that asks nothing only by one that fits it very well
        general = ASKED_UNIT if self.checks_a_claim(text) or aspects.asks(text) else UNIT_GENERAL
        threshold = UNIT_ANSWER if asked else UNIT_FOLLOW_UP if on_matter_discussed else general
        # a unit of another aspect only where it clearly is the question asked, well ahead of the aspect's own
        # ("具体有几种办法" in 跨省通办: the three ways, not a step)
        own_best = max((s for u, s in scored if u.aspect in asked), default=0.0)
        fitting = [
            (u, s)
            for u, s in scored
            if u.aspect is None or u.aspect in asked or (asked and s >= UNIT_GENERAL and s >= own_best + UNIT_MARGIN)
        ]
        # on a follow-up, only the fact that fits best is quoted at the lower bar
        rest = UNIT_GENERAL if threshold == UNIT_FOLLOW_UP else threshold
        chosen = [
            u for i, (u, s) in enumerate(fitting[:MAX_UNITS]) if s >= (rest if i else threshold) + i * UNIT_SECOND_EXTRA
        ]
        chosen = chosen if chosen and chosen[0] is fitting[0][0] else []
        if aspects.CHANNELS in asked and _ONLINE_ASKED.search(normalize(_up_to_the_question(text))):
            # "网上能弄不 骑手…哪有空跑网点": not where the office is first
            chosen = [u for u in chosen if not (_OFFLINE_ONLY.search(u.text) and not _ONLINE_SAID.search(u.text))]
        if by_proxy := self._by_proxy(text, service):
            return [by_proxy, *(u for u in chosen if u is not by_proxy)][:MAX_UNITS]
        if aspects.CONTACT in asked and (domains := self._domain_hotline(text, service)):
            # "医保政策方面还有啥电话能问" after 养老保险转移: 12393 too, not only its own 12333
            return [*domains, *(u for u in chosen if u not in domains)]
        if not chosen and aspects.CONTACT in asked and (other := self._other_hotline(text, service)):
            return [other]
        if not chosen and not asked and on_matter_discussed and (anchored := self._fact_by_its_word(text, service)):
            return [anchored]
        return chosen

    def _fact_by_its_word(self, text: str, service: ServiceView) -> Unit | None:
        """The service's fact that says a rare word of the question ("在外地打要加区号吗": 12393's 区号), if it
        also fits the question a little: what a follow-up asks when no fact fits clearly."""
        anchored = self.kb.units_anchored(text, service.key)
        if not anchored:
            return None
        hits = self.kb.search_units(text, services=[service.key], limit=MAX_SERVICE_UNITS)
        scores = {unit.key: score for unit, score in hits}
        most = max(n for _, n in anchored)  # of the facts saying the most rare words, the one that fits best
        best = max((u for u, n in anchored if n == most), key=lambda u: (scores.get(u.key, 0.0), u.key))
        return best if scores.get(best.key, 0.0) >= ANCHORED_UNIT else None

    def _hotline_asked(self, text: str, service: ServiceView) -> Unit | None:
        """ "12345到底是干啥的 是不是啥事都能打": a question about one hotline is answered by its FAQ, where it is the
        service's own; so is "家里要是着火了也打这个?" about the service's own hotline."""
        numbers = _asked_hotlines(text) or self._its_hotline_in_an_emergency(text, service)
        unit = self.kb.hotline_unit(next(iter(numbers))) if len(numbers) == 1 else None
        return unit if unit and service.key in unit.services else None

    @staticmethod
    def _its_hotline_in_an_emergency(text: str, service: ServiceView) -> set[str]:
        """Whether to call the hotline discussed ("打这个", "打它") in an emergency, where it is 12345 (whose fact
        says it is no emergency line): that hotline asked about."""
        general = (service.hotline or GENERAL_HOTLINE) == GENERAL_HOTLINE
        return {GENERAL_HOTLINE} if general and _CALLS_IT_IN_AN_EMERGENCY.search(normalize(text)) else set()

    def _domain_hotline(self, text: str, service: ServiceView) -> list[Unit]:
        """What the hotlines of the fields a contact question names (医保, 人社, 消费) are, besides its own."""
        said = normalize(text)
        numbers = [n for n, field in _HOTLINE_FIELDS.items() if n != service.hotline and field.search(said)]
        return [unit for n in numbers if (unit := self.kb.hotline_unit(n))]

    def _other_hotline(self, text: str, service: ServiceView) -> Unit | None:
        """ "俺也不晓得俺这张是第几代 打哪个电话能问" of 一卡通行: the fact that fits best of those naming a hotline
        for a part of the matter (12333, whether a card can ride), besides its own and 12345, which are said anyway."""
        said_anyway = {service.hotline, GENERAL_HOTLINE}
        return next(
            (
                unit
                for unit, _ in self.kb.search_units(text, services=[service.key], limit=MAX_SERVICE_UNITS)
                if set(_HOTLINE_NUMBER.findall(unit.text)) - said_anyway
            ),
            None,
        )

    def asks_a_fact_of(self, text: str, service_key: str | None) -> bool:
        """One of the service's facts fits the question well: "领卡也得她本人去？" after 社保卡申领 asks about it;
        or one says whether it is alike what it is compared with ("报的跟直接结的一样多不" after 手工报销)."""
        service = self.kb.service(service_key) if service_key else None
        if service is None:
            return False
        fits = self.kb.search_units(text, services=[service.key], limit=1, min_score=BUILT_ON_UNIT)
        return bool(fits) or self._same_or_not(text, service) is not None

    def proxy_unanswered_by(self, text: str, service: ServiceView) -> bool:
        """Whether someone else may do it is asked, and none of the service's facts says."""
        return bool(aspects.PROXY.search(normalize(text))) and self._by_proxy(text, service) is None

    def _proxy_told(self, text: str, service: ServiceView) -> bool:
        """Whether someone else may do it is asked, and a fact of the service or of one its steps send to says."""
        return self._by_proxy(text, service) is not None or self.proxy_told_by_its_steps(text, service) is not None

    def proxy_told_by_its_steps(self, text: str, service: ServiceView) -> tuple[ServiceView, Unit] | None:
        """Whether someone else may do it, asked of a service whose steps send the citizen to another that says
        ("新卡做好了我回不去 我闺女…替我去拿中不中" in 换领, which goes as 申领 does: 申领's fact)."""
        for other in self.services_its_steps_name(service):
            if fact := self._by_proxy(text, other):
                return other, fact
        return None

    def _mailing_told(self, text: str, service: ServiceView) -> bool:
        """Whether what is made is mailed or fetched in person is asked, and a fact of the service (or of one its
        steps send the citizen to) tells it."""
        return _asks_if_mailed(text) and any(
            self._handover_facts(other) for other in (service, *self.services_its_steps_name(service))
        )

    def _handover_facts(self, service: ServiceView) -> list[Unit]:
        """The service's facts telling how what is made is handed over ("可以选择邮寄", "必须本人去领")."""
        return [unit for unit in self.kb.units_for(service.key) if _HANDED_OVER.search(unit.text)]

    def fetching_told_by_its_steps(self, text: str, service: ServiceView) -> tuple[ServiceView, Unit] | None:
        """Whether what is made must be fetched in person ("新卡做好了能寄到无锡不 还是非得回宿州领" in 换领), asked of
        a service none of whose facts tells how it is handed over, whose steps send the citizen to one that does."""
        if not _asks_if_mailed(text):
            return None
        if self._handover_facts(service):
            return None  # "证件办好后…也可以选择邮寄" of 身份证: its own fact answers
        for other in self.services_its_steps_name(service):
            if facts := self._handover_facts(other):
                return other, facts[0]
        return None

    def _asks_of_its_matter(self, text: str, unit: Unit) -> bool:
        """Besides who may do it, the words are about the fact's own matter: "新卡做好了俺能替她去领不" (领 the
        new card, 申领's), not "俺儿子能替我去弄不" in 手工报销 (备案's proxy fact says nothing of reimbursing)."""
        rest = aspects.without_cues(normalize(text))
        return bool(self.kb.search_units(rest, services=list(unit.services), limit=1, min_score=UNIT_FLOOR))

    def _by_proxy(self, text: str, service: ServiceView) -> Unit | None:
        """ "能叫他爸在外地帮着弄不": whether someone else may do it is answered by the fact that says so, in
        whatever words it is asked (an FAQ about it first)."""
        if not aspects.PROXY.search(normalize(text)):
            return None
        saying_so = [u for u in self.kb.units_for(service.key) if aspects.PROXY_ANSWER.search(u.text)]
        return min(saying_so, key=lambda u: u.kind != "faq", default=None)

    # --- evidence ---------------------------------------------------------------------------

    def _aspects(self, text: str, intent: str | None) -> tuple[str, ...]:
        found = aspects.aspects_in(_asking_part(self._without_steps_done(text)))
        if not found and (rest := self.kb.without_places(text)) != text and _ALSO_THERE.match(rest):
            found = [aspects.ELIGIBILITY]  # "广东也中？": whether it holds there too
        if _IN_TIME_AND_HOW.search(text) and aspects.STEPS not in found:
            found.append(aspects.STEPS)  # "现在办还来得及不 咋办": whether there is time, and how it is done
        from_intent = aspects.from_intent(intent)
        if from_intent == aspects.RESPONSIBLE and _ASKS_WHICH_PLACE.search(text):
            from_intent = None  # "双结对是跟哪个城市搞的": which city, not which bureau
        if from_intent == aspects.CHANNELS and _WHICH_HOSPITAL.search(text):
            from_intent = None  # "随便哪家医院都中吗": where one is treated, not where it is applied for
        if from_intent and from_intent not in found:
            found.insert(0, from_intent) if not found else found.append(from_intent)
        return tuple(found)

    def _about(self, said: str, service: ServiceView) -> bool:
        """What was said is about the service: it names it, or the search finds it among the first."""
        said = aspects.without_cues(normalize(said))
        if any(hit.key == service.key for hit in self.kb.mentioned_services(said)):
            return True
        hits = self.kb.search_services(said, limit=TAKEN_BACK_RANK, min_score=TOPIC_SCORE)
        return any(hit.key == service.key for hit in hits)  # "不是养老那个": 养老服务 or 养老保险

    def _candidates(
        self, question: Question, text: str, retracted: bool = False, context_left: bool = False
    ) -> list[Candidate]:
        kb = self.kb
        scores: dict[str, dict[str, float]] = {}

        def evidence(key: str) -> dict[str, float]:
            return scores.setdefault(key, dict.fromkeys(EVIDENCE, 0.0))

        def named_clearly(key: str) -> None:
            clearly = evidence(key)
            clearly["mention"], clearly["unit"] = 1.0, max(clearly["unit"], CLEAR_UNIT)

        corrected = kb.corrected(question.text)
        sale_complained_of = _complains_of_a_sale(corrected)
        if sale_complained_of:  # "…买了几盒保健品，说能治高血压，吃了一点用没有": the disease is the seller's claim
            text = kb.without_diseases(text)
        topic = aspects.without_cues(text)  # what is asked (多久, 要带啥) says nothing of which service
        for hit in kb.search_services(topic, limit=8):
            evidence(hit.key)["search"] = hit.score
        for hit in self._clause_hits(text):  # a long story asks in one of its clauses
            evidence(hit.key)["search"] = max(evidence(hit.key)["search"], round(CLAUSE_WEIGHT * hit.score, 4))
        for hit in kb.mentioned_services(question.text):
            if not self._named_as_done(question, text, hit.key):
                evidence(hit.key)["mention"] = 1.0
        if self._sees_doctor_elsewhere(
            corrected, self._about_medical_insurance(question.context)
        ) and not self._named_as_done(question, text, MEDICAL_ELSEWHERE_SERVICE):
            elsewhere = evidence(MEDICAL_ELSEWHERE_SERVICE)
            elsewhere["mention"] = 1.0
            if not self._nlu_hears_topic_of(question, MEDICAL_ELSEWHERE_SERVICE):  # not "住院能直接结吗"
                elsewhere["unit"] = max(elsewhere["unit"], CLEAR_UNIT)  # as clear as the FAQ it would be
        # told in other words, as clearly as by its name and as the FAQ it would be
        if sale_complained_of:
            named_clearly(CONSUMER_SERVICE)
        claimed_at_home = _CLAIMED_AT_HOME.search(corrected) and not _SETTLED_DIRECTLY.search(corrected)
        paid_and_claims = _PAID_ONESELF.search(corrected) and _STILL_CLAIMED.search(corrected)
        treated_unclaimed = _TREATED_ALREADY.search(corrected) and (
            _NOT_FILED.search(corrected) or _NOT_SETTLED.search(corrected) or _PAID_ALREADY.search(corrected)
        )
        if treated_unclaimed or claimed_at_home or paid_and_claims or _asks_without_filing(corrected):
            named_clearly(REIMBURSEMENT_SERVICE)
        elif _SETTLED_AT_DISCHARGE.search(corrected) and not _NOT_SETTLED.search(corrected):
            named_clearly(INPATIENT_SERVICE)
        moved_for_a_job = (
            _CHANGES_JOB.search(corrected) and self._elsewhere(corrected) and not _NOT_PAID.search(corrected)
        )
        # a doctor seen elsewhere, unless only as what the move is compared with ("医保要转回来 这个跟去外地看病办的
        # 那个备案是一回事吗")
        sees_doctor = _SEES_DOCTOR.search(_COMPARED_MATTER.sub("", corrected))
        for key, moves in () if sees_doctor else _INSURANCE_MOVES.items():
            if moves.search(corrected) or (moved_for_a_job and _JOB_INSURANCE[key].search(corrected)):
                named_clearly(key)
        # (in the KB's words: "一直给俺交那个老了以后领钱的保险" pays into 养老保险)
        if self._paid_elsewhere_counts(kb.in_kb_words(corrected)):
            named_clearly(_insurance_paid(corrected))
        if _DECLARED_AT_BORDER.search(corrected):
            named_clearly(CUSTOMS_SERVICE)
        if (_TITLE_RECOGNISED.search(corrected) and self._elsewhere(corrected)) or _GRADUATE_ON_THEIR_OWN.search(
            corrected
        ):
            named_clearly(TALENT_SERVICE)
        if _SEEN_REMOTELY.search(corrected):
            named_clearly(TELEMEDICINE_SERVICE)
        if _SCHOOLS_FROM_THE_DELTA.search(corrected):
            named_clearly(EDUCATION_SERVICE)
        if _LOAN_PAPER.search(corrected) and not _OTHER_OFFICE.search(corrected):
            named_clearly(LOAN_CERTIFICATE_SERVICE)
        context_service = kb.service(question.context) if question.context else None
        # "…去苏州吴江 … 听说那边老年人坐公交逛景点都有优惠": favoured away from home
        away = self._elsewhere(corrected)
        elderly_favoured = _AS_LOCAL_ELDERLY.search(corrected) or _elderly_favoured_on_the_card(corrected, away)
        if elderly_favoured and not _NOT_SAME_TREATMENT.search(corrected):
            named_clearly(SAME_TREATMENT_SERVICE)
        asked_hotlines = _asked_hotlines(question.text) or (
            self._its_hotline_in_an_emergency(question.text, context_service) if context_service else set()
        )
        for number in asked_hotlines:
            if unit := kb.hotline_unit(number):
                named_clearly(unit.services[0])
        for value in question.entities.get("service", ()):
            if (service := kb.service_by_name(value)) and not self._named_as_done(question, text, service.key):
                evidence(service.key)["mention"] = 1.0
        for unit, score in kb.search_units(question.text, limit=5, min_score=UNIT_FLOOR):
            for key in unit.services:
                evidence(key)["unit"] = max(evidence(key)["unit"], score)
        # "…国际贸易单一窗口 海关的业务是不是都能在网上办了": the one service 宿州海关 does, its own words said too (not
        # "执业地点变更…还是得回宿州卫健委", another errand at a bureau with one service here)
        for bureau in kb.bureaus_mentioned(question.text):
            theirs = kb.services_by_bureau(bureau)
            its = scores.get(theirs[0].key) if len(theirs) == 1 else None
            if its and its["search"] >= SUPPORTED_SEARCH and its["unit"] >= UNIT_FLOOR:
                its["mention"] = 1.0
        told = _card_problems_told(self.kb, question, corrected) if self._about_a_card(corrected, question) else ()
        for problem in told:
            if problem in CARD_PROBLEM_SERVICE:
                evidence(CARD_PROBLEM_SERVICE[problem])["card"] = 1.0
        # "社宝卡在上海地铁上丢了 急 咋办": the trouble told, and NLU sure of the same, outweigh where it happened
        heard_trouble = [CARD_PROBLEM_SERVICE[p] for p in told if CARD_PROBLEM_SERVICE.get(p) == question.intent]
        our_card = _names_our_card(corrected) and not self._another_matter(corrected, alone=True)  # not 农行卡
        if len(told) == 1 and heard_trouble and question.confidence >= SURE_NLU and our_card:
            named_clearly(heard_trouble[0])
        self._nlu_evidence(question, evidence)
        # NLU's services the search ranked beyond its first eight ("俺这社保卡…除了看病还能当啥用": 一卡通)
        if heard := [k for k, e in scores.items() if e["nlu"] and not e["search"]]:
            for hit in kb.search_services(topic, limit=len(heard), keys=heard):
                evidence(hit.key)["search"] = hit.score
        if (_OTHER_DOCUMENT.search(corrected) and not _OUR_CARD.search(corrected)) or (
            _LOST_PAPERS.search(corrected) and "卡" not in corrected
        ):
            for key in [k for k in scores if (s := kb.service(k)) and "卡" in s.name]:
                scores.pop(key)  # "我驾照快到期了在苏州能换不": that document's expiry, no card's
        school_moved = _MOVING.search(corrected) and _STUDIES.search(corrected)  # "…转回宿州老家读书 转学手续咋弄"
        if (_SOMETHING_ELSE_MOVED.search(corrected) or school_moved) and not _INSURANCE_MOVED.search(corrected):
            for key in INSURANCE_TRANSFERS:
                scores.pop(key, None)
            if _MOVING.search(corrected) and self._elsewhere(corrected):
                evidence(HUB_SERVICE)["mention"] = 1.0  # "退役军人…想把关系转回宿州老家": the hub's errand by name
        if _RECORD_STAYS.search(corrected) and not _MOVED_AT_ALL.search(corrected):
            for key in INSURANCE_TRANSFERS:  # "医保关系还在宿州 备案的时候选哪一种": where it is, not moving it
                if key in scores:
                    scores[key]["mention"] = 0.0
        named_instead = retracted and any(e["mention"] for k, e in scores.items() if k != question.context)
        context = kb.service(question.context) if question.context else None
        # "不是，我就是去上海看个病", "不是锁了，是…", "那社保卡呢": not the one under discussion
        if context and not (named_instead or context_left):
            evidence(question.context)["context"] = 1.0
            evidence(question.context)["follow_on"] = 1.0 if _FOLLOW_ON.search(text) else 0.0
        # "说错了，是医保" after 养老保险转移: 医保关系转移, same topic (not "不是养老保险 是…养老院", which names
        # a service of another topic)
        names_another_topic = context is not None and any(
            e["mention"] and self._topic_of(k) != context.topic for k, e in scores.items()
        )
        if context and retracted and context_left and not names_another_topic:
            for service in kb.services_by_topic(context.topic):
                if service.key != context.key and scores.get(service.key, {}).get("search"):
                    evidence(service.key).update(corrected=1.0, follow_on=1.0)

        candidates = []
        named = any(e["mention"] for e in scores.values())
        for key, e in scores.items():
            service = kb.service(key)
            if service is None:
                continue
            support = NLU_BASE_SUPPORT + (1 - NLU_BASE_SUPPORT) * min(1.0, e["search"] / NLU_SUPPORT)
            if named and not e["mention"]:
                support *= UNNAMED_NLU  # "想用手机申请换社保卡" names 换社保卡; NLU hears 申请
            score = (
                e["search"]
                + NLU_WEIGHT * e["nlu"] * support
                + MENTION_BONUS * e["mention"]
                + UNIT_WEIGHT * max(0.0, e["unit"] - UNIT_FLOOR)
                + (CLEAR_UNIT_BONUS if e["unit"] >= CLEAR_UNIT else 0.0)
                + CARD_PROBLEM_BONUS * e["card"]
                + CONTEXT_BONUS * max(e["context"], e["corrected"])
                + FOLLOW_ON_BONUS * e["follow_on"]
            )
            candidates.append(
                Candidate(
                    service, round(score, 4), e["search"], e["nlu"], bool(e["mention"]), e["unit"], bool(e["context"])
                )
            )
        candidates.sort(key=lambda c: (-c.score, not c.context, c.service.key))  # a tie: the matter under discussion
        if _wants_card_or_medical(corrected) or _files_for_medical_care(corrected):
            return [c for c in candidates if c.service.key != HUB_SERVICE or c.mentioned]
        return candidates

    def _tells_the_trouble_of(self, clause: str, key: str) -> bool:
        """The clause tells the card trouble that is the service's own matter."""
        told = self.kb.situations_said(CARD_PROBLEM, self.kb.corrected(clause))
        return any(CARD_PROBLEM_SERVICE.get(problem) == key for problem in told)

    def _about_a_card(self, corrected: str, question: Question) -> bool:
        """The card is said, or under discussion: "丢了咋办" after 社保卡申领, not "户口本丢了"."""
        current = self.kb.service(question.context) if question.context else None
        return "卡" in corrected or (current is not None and "卡" in current.name)

    def _named_as_done(self, question: Question, text: str, key: str) -> bool:
        """The service is named only as the step behind the citizen of the one NLU hears or the one discussed
        ("异第备案俺闺女在手机上给办过了，想问问出院的时候医宝能直接给报多少" asks of 住院结算, not of 备案)."""
        heard = {s.key for s in self.kb.services_for_intent(question.intent)} | {question.context} - {None}
        if not any(key in {b.key for b in self.kb.services_it_builds_on(other)} for other in heard):
            return False
        return self._only_said_done(text, key)

    def _without_steps_done(self, text: str) -> str:
        """ "俺闺女已经在手机上给俺备过了 那去住院还得注意啥": a clause telling a step done (one that others build on,
        or nothing named) asks nothing of it, when another clause is left (not "那社保卡做好了 俺去替她领中不中")."""
        clauses = split_clauses(text)
        steps = self.kb.steps()
        kept = [
            c
            for c in clauses
            if not _tells_step_done(c)
            or aspects.asks(c)  # "弄好了管多长时间"
            or ((named := self.kb.anchored_services(c)) and not named & steps)
        ]
        return " ".join(kept) if kept and len(kept) < len(clauses) else text

    def _next_after_done(self, text: str, context: ServiceView) -> ServiceView | None:
        """The step discussed is said done, and the message names one matter built on it."""
        if not self._only_said_done(text, context.key):
            return None
        named = self.kb.anchored_services(text)
        after = [s for s in self.kb.services_built_on(context.key) if s.key in named]
        return after[0] if len(after) == 1 else None

    def _used_after_fetching(self, text: str, context: ServiceView) -> ServiceView | None:
        """The card is fetched and asked whether it can be used now: the service that the step after fetching (of
        the matter, or of the one its steps follow, as 换领 follows 申领) sends the citizen to."""
        if not (_FETCHED.search(text) and _PUT_TO_USE.search(text)):
            return None
        for service in (context, *self.services_its_steps_name(context)):
            for step in service.steps:
                if _STEP_AFTER_FETCHING.match(step):
                    named = [hit.key for hit in self.kb.mentioned_services(step) if hit.key != service.key]
                    if named:
                        return self.kb.service(named[0])
        return None

    def _only_said_done(self, text: str, key: str) -> bool:
        """The text names the service only to say it is done ("备案俺闺女给办过了")."""
        said = self.kb.respelled(text)
        words = self.kb.anchoring_words(text, key)
        return bool(words) and all(_said_done(said, word) for word in words)

    def _nlu_hears_topic_of(self, question: Question, key: str) -> bool:
        """NLU hears a service of the same topic as `key` (a sibling whose own question it may be)."""
        service = self.kb.service(key)
        return service is not None and any(
            s.intent == question.intent for s in self.kb.services_by_topic(service.topic)
        )

    def _about_medical_insurance(self, key: str | None) -> bool:
        """The service under discussion is named for 医保 (moving it): after it, "我就是去上海看个病" needs no
        医保 to be 异地就医. (Within 异地就医 itself, "备案办了的" says where the citizen is, not what to do.)"""
        service = self.kb.service(key) if key else None
        return service is not None and "医保" in service.name

    def _sees_doctor_elsewhere(self, corrected: str, about_medical_insurance: bool = False) -> bool:
        return (
            (
                about_medical_insurance
                or bool(
                    _CARD_OR_MEDICAL.search(corrected)
                    or _REFERRED.search(corrected)
                    or _EMERGENCY.search(corrected)
                    or (_WANTS_FILING.search(corrected) and _files_for_medical_care(corrected))
                    or _FORMALITIES_FIRST.search(corrected)  # "…去南京鼓楼医院复查…要提前弄啥手续不"
                )
            )
            and bool(_SEES_DOCTOR.search(corrected))
            and not _not_filing(corrected)
            and self._elsewhere(corrected)
        )

    def _clause_hits(self, text: str) -> list:
        """The best service matches of the message's clauses, when it has several ("……，医保咋弄，是不是得先
        备个啥案"): the whole text's search dilutes the clause that asks among the ones that tell the story."""
        clauses = [c for c in split_clauses(text) if len(c) >= MIN_CLAUSE]
        if len(clauses) < 2:
            return []
        hits = [hit for c in clauses for hit in self.kb.search_services(aspects.without_cues(c), limit=2)]
        return sorted(hits, key=lambda h: -h.score)

    def _stay_asked_of(self, text: str, context: ServiceView) -> ServiceView | None:
        """ "算长期的还是临时的" in a matter built on 备案: both kinds of stay said, the citizen asks which is theirs,
        which 备案 tells apart; or one kind said, and which kind the citizen is asked ("俺是常年在那边上班的 算哪
        一类")."""
        told = self.kb.situations_said(STAY, text)
        if not (told == {LONG_STAY, SHORT_STAY} or (told and _WHICH_KIND.search(text))) or not aspects.asks(text):
            return None
        filing = self.kb.service(MEDICAL_ELSEWHERE_SERVICE)
        if filing is None or context.key == filing.key or not self._next_to(filing.key, context):
            return None
        return filing

    def _sibling_asked_about(self, text: str, context: ServiceView) -> ServiceView | None:
        """ "那医保的呢" after 养老保险转移: the one service of the same topic a word names that the service
        under discussion does not have."""
        medical_topic = context.topic == self._topic_of(MEDICAL_ELSEWHERE_SERVICE)
        if medical_topic and _RELATION_MOVED.search(text) and context.key != MEDICAL_TRANSFER:
            return self.kb.service(MEDICAL_TRANSFER)  # "那转关系去哪弄" after 备案: 医保关系转移, not a doctor seen
        if _PHYSICAL_CARD_SOUGHT.search(text) and "电子" not in text and context.key != CARD_APPLY_SERVICE:
            card = self.kb.service(CARD_APPLY_SERVICE)  # "那先咋办实体卡" after 电子社保卡: the card itself
            if card and self._next_to(card.key, context):
                return card
        said = self._sibling_word_said(text)
        if not said:
            return self._sibling_by_its_own_word(text, context)
        if _said_done(self.kb.respelled(text), said):
            return None  # not "备案也办了 …哪个医院都能刷吗" in 门诊慢特病: a step behind the citizen
        if _asks_without_filing(self.kb.corrected(text)):
            return None  # nor "没备案呢", "要是没来得及备案呢 报的是不是就少了" in 住院结算: the matter without it
        # a part of one sibling's name: "电子的呢" after 社保卡换领; "养老那块" after 医保关系转移 (养老保险关系…,
        # though 养老 names 养老服务 too)
        by_name = self._siblings_named_by(_WORD_TAIL.sub("", said), context)
        if len(by_name) == 1:
            return by_name[0]
        own = {w for w, keys in self.kb.services_named(context.name).items() if context.key in keys}
        named = {w: keys for w, keys in self.kb.services_named(said).items() if w not in own}
        in_topic = {w: {k for k in keys if self._topic_of(k) == context.topic} for w, keys in named.items()}
        if any(not keys for w, keys in in_topic.items() if len(w) >= 2):
            return None  # "那异地看病备案的事呢" after 社保卡申领: another topic's word
        siblings = {
            k
            for w, keys in in_topic.items()
            if len(w) >= 2
            for k in keys
            if k != context.key and self._names_apart(w, self.kb.service(k), context)
        }
        return self.kb.service(siblings.pop()) if len(siblings) == 1 else None

    def _sibling_by_its_own_word(self, text: str, context: ServiceView) -> ServiceView | None:
        """ "他人在常州上学，换卡能在网上办不" after 锁卡: one card matter named by words of its own name that the card
        matter discussed is not called by and its facts do not say (the card's matters differ by a word: 换卡, 挂失,
        解锁; elsewhere a word of a neighbour's name is said of the matter itself: "怕住院拖得长" of 备案)."""
        if "卡" not in context.name or self._another_matter(text, alone=False):
            return None  # nor "…俺这是农行卡不是社保卡，咋解锁啊": a bank's card
        if context.key in self.kb.anchored_services(text):
            return None
        said = self.kb.respelled(text)
        siblings = [
            s
            for s in self.kb.services_by_topic(context.topic)
            if s.key != context.key
            and "卡" in s.name
            and (words := self.kb.anchoring_words(text, s.key))
            and all(
                w in s.name and w not in context.name and not self.kb.service_says(context.key, w)
                and not _said_done(said, w)
                # a card's trouble is told of anything ("租房合同到期", "农行卡…锁住了"): not a name here
                and not self.kb.situations_said(CARD_PROBLEM, w)
                and not _brought(w, text)
                for w in words
            )
        ]  # fmt: skip
        return siblings[0] if len(siblings) == 1 else None

    @staticmethod
    def _sibling_word_said(text: str) -> str | None:
        """What a follow-up names instead: "那医保的呢", "医保的 从无锡转回宿州 先找谁", "说错了，是医保"."""
        if what_about := _WHAT_ABOUT.match(text):
            return what_about.group(1)
        if of_which := _OF_WHICH.match(text) or _ALSO_OF.match(text):
            return of_which.group(1)
        denies = any(m.group(0).endswith("不是") for m in CORRECTS.finditer(text))  # "我说的不是住院": not meant
        if CORRECTS.search(text) and not denies and len(text) <= CORRECTION_CONTENT:
            return CORRECTS.split(text)[-1]
        return None

    def _siblings_named_by(self, word: str, context: ServiceView) -> list[ServiceView]:
        word = _SHORT_FORM.sub(lambda m: _SHORT_FORMS[m.group(0)], word)  # "那医疗保险那块" names 医保关系转移
        if len(word) < 2 or word in context.name:
            return []
        return [s for s in self.kb.services_by_topic(context.topic) if s.key != context.key and word in s.name]

    def _topic_of(self, key: str) -> str | None:
        service = self.kb.service(key)
        return service.topic if service else None

    def _names_another_topic(self, text: str, context: ServiceView, question: Question) -> bool:
        """ "那社保卡呢" after 手工报销: what about something a word of another topic's service names says (not
        外地 or 长三角, which many topics' names share), and no word of the topic under discussion says.
        Without "what about", the word is another topic's only where NLU confidently hears that topic too and
        the matter discussed's own name lacks it: "要是真去上海看 医保能用不" after 远程医疗, not "社保卡也要带着吗"
        after 手工报销 (NLU hears materials asked) nor "先说养老的吧" after 养老保险转移."""
        asked = _LEADING_ACK.sub("", text)
        what_about = _WHAT_ABOUT.match(asked) or _MATTER_OF.match(asked)
        said = what_about.group(1) if what_about else text
        named = {w: topics for w, topics in self.kb.topics_named(said).items() if len(w) >= 2}
        # "那社保卡呢" after 身份证: its 社保 is no 社保 transfer; "养老那块呢" in 养老保险转移 is itself
        if what_about:
            named = {w: t for w, t in named.items() if w not in context.name and not _inside_another(w, named)}
        if any(context.topic in topics for topics in named.values()):
            return False
        telling = {w: topics for w, topics in named.items() if len(topics) <= MAX_TOPICS_OF_A_WORD}
        if what_about:
            return bool(telling)
        expiry = all(self.kb.situation_of(CARD_PROBLEM, w) == EXPIRED for w in telling)
        if telling and expiry and self.kb.service_says(context.key, "有效期"):
            return False  # "到期了是不是还得重新弄一遍" after 备案: its own validity, not the card's expiry
        heard = self._topic_heard(question)
        return (
            heard is not None
            and heard != context.topic
            and any(heard in topics for w, topics in telling.items() if w not in context.name)
        )

    def _topic_heard(self, question: Question) -> str | None:
        """The topic of the service NLU confidently hears, if it hears one."""
        if question.intent not in self.kb.service_intents() or question.confidence < CONFIDENT_NLU:
            return None
        family = self.kb.services_for_intent(question.intent)
        return family[0].topic if family else None

    def _nlu_evidence(self, question: Question, evidence) -> None:
        intent, confidence = question.intent, question.confidence
        if not intent or intent not in self.kb.service_intents():
            return
        family = self.kb.services_for_intent(intent)
        if not family:
            return
        for service in family:
            family_vote = confidence * NLU_FAMILY_WEIGHT / NLU_WEIGHT
            evidence(service.key)["nlu"] = max(evidence(service.key)["nlu"], family_vote)
        chosen = self._pick_in_family(family, question.text)
        evidence(chosen.key)["nlu"] = confidence

    def _pick_in_family(self, family: list[ServiceView], text: str) -> ServiceView:
        """The family's service the text names by its own words and is most like; the family's first (its
        general service) if it names none ("想把孩子转到杭州读初中，能转吗" is no 医保关系转移 for sharing 转…手续)."""
        if len(family) > 1:
            named = [s.key for s in family if s.key in self.kb.anchored_services(text)]
            if not named:
                return family[0]  # the family's own service: 跨省通办 for "公积金咋转回宿州来"
            hits = self.kb.search_services(text, limit=1, keys=named, min_score=0.3)
            if hits:
                return next(s for s in family if s.key == hits[0].key)
        return family[0]

    def _names_topic(self, question: Question, text: str, candidates: list[Candidate], bare: bool) -> bool:
        corrected = self.kb.corrected(text)
        context = self.kb.service(question.context) if question.context else None
        problems = question.entities.get("card_problem") or []
        # not "离到期还有小半年 现在就能申请了不" in 换领: the trouble that is the matter's own (but anything gets
        # lost: "俺家狗昨天也跑丢了" in 挂失 is a dog's)
        its_own = (
            context is not None
            and all(CARD_PROBLEM_SERVICE.get(p) == context.key for p in problems)
            and LOST not in problems
        )
        card_trouble = (
            problems
            and not its_own
            and (
                self._about_a_card(corrected, question)
                or not (context and (self._its_thing_lost(text, context) or self._it_expires(problems, context)))
            )
        )
        if any(c.mentioned for c in candidates) or card_trouble:
            return True
        card_matter = context is not None and context.key in CARD_PROBLEM_SERVICE.values()
        if "卡" in corrected and _card_problems_told(self.kb, question, corrected) and not card_matter:
            return True  # "不是 我是说社宝卡 卡丢了" after 备案, with no card_problem entity left
        if (
            not bare  # on "办了在杭州用得上不" NLU guesses a topic the words do not name
            and question.intent in self.kb.service_intents()
            and question.confidence >= CONFIDENT_NLU
            and (context is None or context.intent != question.intent)
            and not (context and self._nlu_topic_contradicted(question, text, context))  # "咋知道那医院联没联网"
        ):
            return True  # "另外问一句，研究生回宿州有补贴吗": NLU hears another topic
        rest = aspects.without_cues(text)
        if _only_errand_words(rest):
            return False  # "证明", "手续": any errand's ("手续" is no 医保关系转移's, whose alias has it)
        hits = self.kb.search_services(rest, limit=1)
        if not hits or hits[0].score < TOPIC_SCORE:
            return False
        # in a conversation, "从啥时候开始能这样办的" matching some service a little does not change the
        # subject: only a word of that service's own does: of its name, or of an alias that the matter
        # discussed does not use too ("要是这家医院没跟宿州联网呢" after 备案: 联网 is in an alias of 慢特病's,
        # and 备案's facts say it)
        if context is None:
            return True
        if hits[0].key == context.key:
            return hits[0].key in self.kb.anchored_services(rest)
        # "他那个社保卡 去南京能刷公交不" after 优待证: the card, of a matter that is no card's (nor one it pays in:
        # "社保卡能用吗" after 备案)
        if _names_our_card(corrected) and "卡" in hits[0].name and not self._has_a_card(context):
            return True
        if "卡" in hits[0].name and "卡" not in context.name and _CARD_ERRAND.search(corrected):
            return True  # "社保卡补办要带啥东西" after 备案 (whose card it only pays with)
        if _TURNS_AWAY.search(text) and self._clearly_ahead_of(rest, hits[0], context):
            return True  # "顺便问下 我儿子还没办卡 能在app上帮他申请不" after 激活: turning to another matter
        said = self.kb.anchoring_words(rest, hits[0].key)
        return any(self._names_apart(word, hits[0], context) and not _brought(word, text) for word in said)

    def _clearly_ahead_of(self, text: str, hit: Hit, context: ServiceView) -> bool:
        """The search puts another service as far ahead of the one under discussion as a sure answer must be."""
        own = self.kb.search_services(text, limit=1, keys=[context.key])
        return hit.score - (own[0].score if own else 0.0) >= SURE_MARGIN

    def _nlu_topic_contradicted(self, question: Question, text: str, context: ServiceView) -> bool:
        """NLU hears another topic, but the text's words name only the one under discussion: "咋知道那医院联没联网"
        in 门诊结算 (联网 is 异地就医's; NLU heard 远程医疗). A neighbour of the same topic NLU hears stays heard."""
        heard = self._topic_heard(question)
        if heard is None or heard == context.topic:
            return False
        if _THIS_CARD.search(text) and self._has_a_card(context) and not self.kb.services_named(text):
            return True  # "俺这张卡是老早办的" after 一卡通行: the card under discussion
        named = self.kb.topics_named(text)
        return bool(named) and all(topics == {context.topic} for topics in named.values())

    def _names_apart(self, word: str, service: ServiceView, context: ServiceView) -> bool:
        """A word of a service's names tells it apart from the matter discussed: a word of its name, or of an
        alias the matter's own facts do not use (联网 is in an alias of 慢特病's, and 备案's facts say it)."""
        return word in service.name or not self.kb.service_says(context.key, word)
