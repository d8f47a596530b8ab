"""What a question asks about a service (its aspect), read from the citizen's own words.

A message names a service AND asks one or more aspects of it ("用手机怎么办异地备案": 异地备案 × channels), so
the aspect is a dimension of its own, found by cue words, in the order they appear. The cues are written for
how people in 宿州 type (咋/啥/搁哪/中不中), on text already normalised by kb.textnorm (simplified, lower case).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MATERIALS = "materials"
STEPS = "steps"
CHANNELS = "channels"
TIME_LIMIT = "time_limit"
ELIGIBILITY = "eligibility"
FEES = "fees"
CONTACT = "contact"
RESPONSIBLE = "responsible"

# Chinese labels, as the answers show them
LABELS: dict[str, str] = {
    MATERIALS: "所需材料",
    STEPS: "办理流程",
    CHANNELS: "办理渠道",
    TIME_LIMIT: "办理时限",
    ELIGIBILITY: "谁可以办",
    FEES: "收费",
    CONTACT: "咨询电话",
    RESPONSIBLE: "负责部门",
}

# The citizen's family, for whom or by whom an errand is done
_KIN = r"老伴|老婆|媳妇|儿媳|老公|爱人|对象|爸|妈|爹|娘|孩子|儿子|闺女|女儿|孙子|孙女"
# … asked whether it may be so ("弄行不", "办中不中"), not told it failed ("弄不了", "申请不下来")
_ASKED_IF_MAY = r"(?=[^，,。？?\s]{0,2}(?:不(?![了成下明会])|吗|么|嘛|中|行|[？?]|$))"
# Someone else doing it for the citizen ("能找人代办不"): who may do it, not a request for a person to talk to
PROXY_CUES = (
    r"代办|代领|代替|替我|替俺|帮忙办|帮我办|帮她办|帮他办|别人办|家人办|"
    r"帮着办|帮着弄|帮忙弄|帮我弄|帮她弄|帮他弄|替(?:他|她)(?!问|打听|咨询)|"  # not "我替她问问"
    r"(?:帮忙|帮着|帮我|帮俺)去?(?:拿|领|取)|"  # "做好了让邻居帮忙去拿行不", "或者我哥帮我拿了也中"
    r"帮(?:她|他|俺|老人|父母|爸妈|我妈|我爸|俺娘|俺爹|俺妈)把|"  # "用我的手机帮她把备案给办了"
    # "我帮他在app上弄行不"
    r"帮(?:她|他|老人|父母|爸妈|我妈|我爸|俺娘|俺爹|俺妈)(?:在|用)[^，,。？?\s]{1,8}?(?:弄|办|申请)"
    + _ASKED_IF_MAY
    + "|"
    # "新卡做好了能叫俺儿子去领不", "让俺家里的拿着东西去给我办中不中"
    rf"(?:让|叫|请|找)(?:我|俺)?(?:家)?(?:{_KIN}|家人|家里人|家里的|屋里的|亲戚|邻居|别人)"
    r"(?:[^，,。？?\s]{0,6}?(?:去|来))?(?:帮|替|给)?(?:我|俺)?(?:拿|领|取|办|弄)|"
    # "能叫俺闺女在手机上帮俺弄不"
    rf"(?:让|叫|请|找)(?:我|俺)?(?:家)?(?:{_KIN}|家人|家里人|亲戚)在[^，,。？?\s]{{1,6}}?(?:帮|替|给)(?:我|俺|他|她)?(?:拿|领|取|办|弄)"
    + _ASKED_IF_MAY
)
PROXY = re.compile(PROXY_CUES)
# … and a fact that answers it ("申请可以请别人代办，但卡做好以后，必须本人去领")
PROXY_ANSWER = re.compile(r"代办|代为|代领|代理|委托|别人|家人|亲属")

# When a place is open ("周末开门不", "几点上班")
OPENING_HOURS = r"(?:开门|上班|营业|几点|周末|周六|周日|礼拜|节假日|放假)"
# How much is paid back ("能报几成", "报的是不是就少了"): a fee of the claim, and of 手工报销 when no filing was done
RATE_PAID_BACK = (
    r"报多少|能报多少|报几成|报销比例|报百分之|报(?:的|得)[^，,。？?\s]{0,4}少(?!不)|少报|报(?:的|得)(?:钱)?一样多"
)

# "不是人社局吗", "不归医保局管吗": the citizen doubts the bureau named (the group: which one they think of)
DOUBTED_BUREAU = (
    r"(?:不是|不该是|不应该是|应该是|不归)([^，,。？?\s]{1,8}?(?:局|委|部门))(?:管)?(?:吗|么|嘛|吧|啊|呀|呢)"
)

_CUES: dict[str, str] = {
    MATERIALS: (
        r"materials|documents|what to bring|"
        r"材料|带(?:点|些)?(?:啥|什么)|带哪些|要带|得带|拿(?:点|些)?(?:啥|什么)|拿哪些|准备(?:点|些)?(?:啥|什么)|准备哪些|准备些|"
        r"要啥东西|要什么东西|啥证件|什么证件|哪些证件|复印件|原件|证件照|照片|户口本|户口簿|"
        r"单据|单子|发票|开啥证明|开什么证明|啥证明|什么证明|开(?:个|张)(?:啥|什么)|"
        r"啥手续|什么手续|哪些手续"  # "要啥手续": the papers as much as the steps
    ),
    STEPS: (
        r"procedure|process|steps|流程|步骤|程序|啥手续|什么手续|哪些手续|怎么操作|咋操作|怎么申请|咋申请|从哪开始|第一步|先干啥|先弄啥|先做啥|先办啥|咋个办法|"
        r"怎么个办法|先(?:弄|办|做|干)哪个|哪个先(?:办|弄|做)|先后顺序|办的?顺序|"
        r"结果(?:咋|怎么|如何|会)?(?:告诉|通知|反馈)|"  # "投完了 处理结果咋告诉我": what happens after it is handed in
        # "拿到手还要弄啥不", "下一步呢": what is left to do
        r"还(?:要|得|需要)(?:再)?(?:弄|干|办|做)(?:点)?(?:啥|什么)(?!手续|证|材料|东西)|下一步|接下来(?:咋|怎么|干啥|弄啥|做啥|该)"
    ),
    CHANNELS: (
        r"在哪办|在哪里办|在哪儿办|搁哪|去哪|到哪|哪里办|哪儿办|在哪弄|在哪|哪里能|哪能|网上|线上|在线|手机|"
        r"(?:往|交到?|送到?)哪(?:里|儿)?(?![些个种样])|"  # "东西往哪交", not "要交哪些材料"
        r"app|小程序|微信|支付宝|公众号|窗口|网点|柜台|大厅|渠道|入口|平台|online|官网|网站|网址|链接|二维码|不用跑|跑一趟|"
        r"on (?:my|the|a) (?:phone|mobile)|"
        r"回去办|回来办|回老家|跑回(?:宿州|老家)|当面|专门跑|亲自跑|"
        # the hours of the place it is done: "那地方周末开门不"
        # (and "社区那个办事的地方早上几点开门")
        r"(?:[那这]个?(?:[^，,。？?\s]{0,3}的)?(?:地方|窗口|大厅)|居委会|村委会|派出所)"
        rf"[^，,。？?\s]{{0,4}}{OPENING_HOURS}|"
        r"(?:得|要|必须|需要|用)跑?回(?:宿州|老家|去|来)?(?:换|补|拿|领)"  # "人搁昆山 还得回宿州换不"
    ),
    TIME_LIMIT: (
        r"多久|多长时间|多少天|(?<![那这好前过了头])(?:几天|几个月|几年)|有效期|管多久|能用多久|管多长|过期|期限|时限|啥时候|什么时候|多会|"
        r"到账|生效|来得及|提前多|多长|要等|一辈子|永久|一直有效|长期有效|过(?:段|些)?时间(?:还|又)得|"
        r"(?:几|多少)个?工作日|"
        # how long it holds, told to be doubted: "俺邻居说这个备案就管三个月 过了还得重新弄一遍"
        r"管[一二两三四五六七八九十半\d]+个?(?:月|年|天)|(?:过了|到期了?|过期了?)[^，,。？?\s]{0,3}(?:还|又)?得重新|"
        # a wait told to be too long: "听人说…一个月都没人理你 真的吗", "投诉半个月了还没回音"
        r"[一两俩二三四五六七八九十半几多\d]个?(?:天|礼拜|星期|周|月|年)[^，,。？?\s]{0,2}(?:都|也|还)"
        r"(?:没人理|没回音|没动静|没人回)|"  # (not "没结果" of a medical test)
        r"how long|valid|expire"
    ),
    ELIGIBILITY: (
        r"谁能|谁可以|能不能办|能办吗|可以办吗|能办不|能不能享受|能享受|符合|条件|资格|算不算|算哪|哪一类|哪类|够不够|"
        r"(?:选|属于)哪一?[种类]|"  # "备案的时候选哪一种": which kind the citizen is
        r"岁数|年龄|多大|够格|有没有份|我能不能|能不能用|"
        # an age said to fall short ("是我奶奶 她今年才58", "还没满六十"): whether it is old enough
        r"(?:才|没到|不到|没满|不满|还差)(?:[四五六七八]十[一二三四五六七八九]?|[4-8]\d)(?:岁|周岁)?(?![\d万块元个])|"
        r"(?:过期|到期|过了期)(?=[^，,。？?]{0,6}还能)|"  # "要是过了期限咋办 还能换不"
        # "那我老伴的呢": the same for someone else — whether it holds for them
        rf"^\W*(?:行|好|嗯)?\W*那(?:我|俺)?(?:{_KIN})的呢|" + PROXY_CUES + r"|who can|eligible"
    ),
    FEES: (
        r"收费|费用|免费|要钱|花钱|多少钱(?![以之]上|以内|以下)|钱吗|钱不|工本费|收钱|几块|掏钱|花费|贵不贵|要不要钱|交钱"
        rf"|{RATE_PAID_BACK}|比例|打折|打几折|折扣|how much|fee|cost"
        r"|便宜(?:点|些|一点)?(?:不|吗|么|没|嘛|呗|$|[？?])"  # "能便宜点不", not "便宜点的宾馆"
    ),
    CONTACT: (
        r"电话|热线|号码|打哪个|打给谁|联系方式|联系谁|咨询哪|问谁|找谁问|客服|咨询|"
        r"能打(?:到|去)?外地|打得通|打不通|接不通|能接通|区号|"  # "能打到外地的吗" of a hotline
        r"打这个号|这个号码?(?:打|接)|"  # "我在外地打这个号 接的是宿州的吗"
        r"(?<!on my )(?<!on the )(?<!on a )phone|hotline|\bcall\b|contact"
    ),
    RESPONSIBLE: (
        r"哪个部门|哪个单位|哪个局|什么部门|什么单位|哪个机关|哪家单位|谁管|谁负责|谁来管|归哪|归谁|牵头|负责单位|"
        r"主管部门|(?<!不)管这事|(?<!不)管这个|找哪个部门|找谁\s*[？?。！!]?\s*$|谁给办|谁来办|哪个科室|职责|"
        + DOUBTED_BUREAU
    ),
}
_PATTERNS = {aspect: re.compile(cues) for aspect, cues in _CUES.items()}
# Money that is not what the service costs: what a complaint is about, what a traveller carries across the border,
# what a patient no longer pays first or has paid already, what is refunded ("被多收钱了", "出国带多少钱要申报",
# "不用先掏钱了呗", "这回已经自己掏钱了 还能报不")
_NOT_FEES = re.compile(
    r"被多收|多收了|乱收|(?:带|拿|揣)多少(?:钱|现金)(?=[^，,。？?]{0,8}(?:申报|报关|出境|入境|过关))|先掏钱|先垫钱|不用垫钱|不用掏钱|退钱|"
    r"[掏垫]钱了|[掏垫]了钱"
)
# Question words that ask without saying about what: blanked out with the cues when looking for the topic.
_QUESTION_WORDS = re.compile(
    r"多少|几个|几种|几样|哪些|哪个|哪种|是不是|能不能|可不可以|行不行|中不中|有没有|好不好|对不对|是啥|是什么|差不多|"
    r"请问|想问一下|想问下|问一下|问下|问问|想问|打听一下|打听"  # "问下异地看病的事": asking, not what about
)
_INTENT_PREFIX = "ask_"


@dataclass(frozen=True)
class AspectMention:
    aspect: str
    start: int
    cue: str


def mentions(text: str) -> list[AspectMention]:
    """Every aspect cue in a normalised text, in order of appearance."""
    not_fees = _NOT_FEES.sub(lambda m: " " * len(m.group(0)), text)  # the same length: positions stay
    found = [
        AspectMention(aspect, m.start(), m.group(0))
        for aspect, pattern in _PATTERNS.items()
        for m in pattern.finditer(not_fees if aspect == FEES else text)
    ]
    return sorted(found, key=lambda m: (m.start, m.aspect))


# A message that asks something: a follow-up in a conversation, even when it names no service itself ("啥也不会",
# "什么都不懂" tell, they do not ask).
_QUESTION = re.compile(
    r"咋|怎么|怎样|啥(?![也都])|什么(?![也都])|吗|呢|嘛|哪|(?<![好十这那])(?<![^提]前)(?<!^前)几(?!乎)|多少|多久|多长|谁|能不能|行不行|中不中|是不是|要不要|有没有|没$|(?<=[的了])没(?=[\s，,。])|了不(?![想起少])|[?？]|"
    r"不(?=$|[\s，,。])|([\u4e00-\u9fff])不\1|"  # "能给寄过来不 我俩上班没空", "到这边认不认"
    r"(?<=[^\s，,。])还是(?=[^\s，,。])|"  # "选长期的还是临时的", not "还是没搞懂"
    # "得本人去吧", "手机能弄吧": a short question asking to be told yes; not "那我明天要早点去吧", "得了吧"
    r"^[^我俺\s]{0,3}(?:得|要|(?<!可)能|可以)(?!不|了吧)[^我俺\s]{1,5}(?<!问问|看看|试试|等等|算了|再说)吧\s*$|"
    # "她这个病是2024年才新加进去的吧", "那就是现在还没有呗": what was said, put back to be confirmed (not "就是这样吧")
    r"是[^\s，,。]{3,12}[吧呗](?=$|[\s，,。])|"
    r"(?:也|都|还)(?:能|可以)(?!不)[^我俺\s，,。]{1,4}(?<!问问|看看|试试|等等|算了|再说)吧\s*$|"  # "俺娘七十了也能办吧"
    r"^(?:can|could|how|what|where|when|who|which|is|are|do|does|should)\b"  # "can I call someone"
)


def asks(text: str) -> bool:
    return bool(_QUESTION.search(text))


def aspects_in(text: str) -> list[str]:
    """The aspects a normalised text asks about, first mentioned first, each once."""
    return list(dict.fromkeys(m.aspect for m in mentions(text)))


def without_cues(text: str) -> str:
    """The text with its aspect cues blanked out: what is left says which service is meant."""
    for pattern in (*_PATTERNS.values(), _QUESTION_WORDS):
        text = pattern.sub(" ", text)
    return text


def from_intent(intent: str | None) -> str | None:
    """The aspect an NLU follow-up intent (ask_materials …) stands for."""
    if intent and intent.startswith(_INTENT_PREFIX) and intent[len(_INTENT_PREFIX) :] in LABELS:
        return intent[len(_INTENT_PREFIX) :]
    return None
