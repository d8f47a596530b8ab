"""Personal numbers are masked however they are typed; ordinary numbers stay."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb import privacy
from kb.privacy import MASK, mask_message, mask_pii


@pytest.mark.parametrize(
    "typed",
    [
        "340102199001011234",
        "34010219900101123X",
        "34010219900101123x",
        "340102900101123",  # the old 15-digit card
        "340102-19900101-123X",
        "340102 1990 0101 1234",
        "３４０１０２１９９００１０１１２３Ｘ",
        "13812345678",
        "138 1234 5678",
        "1381 234 5678",
        "138-1234-5678",
        "138.1234.5678",
        "138 - 1234 - 5678",
        "+86 138 1234 5678",
        "+8613812345678",
        "１３８１２３４５６７８",
        "0557-1234567",
        "(0557)12345678",
        "6222 0212 3456 7890 123",  # a bank card
    ],
)
def test_personal_numbers_are_masked_however_they_are_typed(typed: str) -> None:
    masked = mask_pii(f"俺的号是{typed}，麻烦了")
    assert masked == f"俺的号是{MASK}，麻烦了"


@pytest.mark.parametrize(
    "text",
    [
        "打12345问问",
        "医保热线12393，人社12333",
        "2024-12-31前要办完",
        "2024.12.31",
        "第23项任务谁牵头",
        "住院花了3.5万，报了60%",
        "我今年65岁，住了10来年",
    ],
)
def test_ordinary_numbers_stay(text: str) -> None:
    assert mask_pii(text) == text


def test_nothing_in_nothing_out() -> None:
    assert mask_pii("") == ""
    assert mask_pii("社保卡丢了咋办") == "社保卡丢了咋办"


def test_text_around_a_number_is_kept_as_typed() -> None:
    assert mask_pii("（备注）电话：１３８１２３４５６７８！") == "（备注）电话：***！"


# --- the forms a review used to get numbers past the masking (issue 11) -----------------------

DODGES = [
    "138，1234，5678",
    "138、1234、5678",
    "340102/19900101/123X",
    "1\u200b3\u200b8\u200b1\u200b2\u200b3\u200b4\u200b5\u200b6\u200b7\u200b8",  # zero-width spaces
    "1\u20603\u20608\ufeff1234\u00ad5678",  # word joiner, BOM, soft hyphen
    "幺三八一二三四五六七八",
    "一三八 一二三四 五六七八",
    "幺叁八",  # a financial numeral is not a digit here: three characters, nothing to mask (checked below)
    "①③⑧①②③④⑤⑥⑦⑧",
    "１３８－１２３４－５６７８",
    "138----1234----5678",
    "138 / - . 1234 ， 、 5678",
    "1 3 8 1 2 3 4 5 6 7 8",
    "三四〇一〇二一九九〇〇一〇一一二三X",
    "340102900101123",  # an old 15-digit ID-card number
    "6222021234567890",  # a 16-digit bank card
    "6222 0212 3456 7890 123",  # 19 digits
    "2024-12-31 13812345678",  # a date does not shelter a number next to it
    "138-12345-678",  # nor does a hotline-shaped middle
    "1̶3̶8̶1̶2̶3̶4̶5̶6̶7̶8̶",  # combining strokes
]


@pytest.mark.parametrize("typed", [d for d in DODGES if d != "幺叁八"])
def test_the_dodging_forms_are_masked(typed: str) -> None:
    assert mask_pii(f"俺的号是{typed}，麻烦了") == f"俺的号是{MASK}，麻烦了"


@pytest.mark.parametrize(
    "text",
    [
        "拨打12345、12393、12333或12315都行",
        "12345，12393，12333",
        "2024.12.31-2025.01.01之间",
        "2024-12-31至2025-1-1",
        "20241231到20250101",
        "上午8:30-12:00，下午14:30-17:30",
        "2024-12 到 2025-01",
        "第23项、第25项任务",
        "住院花了35,000.50元",
        "三三两两",
        "幺叁八",
    ],
)
def test_dates_times_hotlines_and_amounts_stay(text: str) -> None:
    assert mask_pii(text) == text


def test_a_button_payloads_decoded_values_are_masked() -> None:
    escaped = '/inform{"stay_type": "\\u0031\\u0033\\u0038\\u0031\\u0032\\u0033\\u0034\\u0035\\u0036\\u0037\\u0038"}'
    assert mask_pii(escaped) == escaped  # the digits are JSON escapes in the raw text
    assert mask_message(escaped) == '/inform{"stay_type": "***"}'
    assert mask_message('/inform{"stay_type": "长期居住"}') == '/inform{"stay_type": "长期居住"}'
    assert mask_message("/affirm") == "/affirm"
    assert mask_message("电话13812345678") == "电话***"


# --- property-based: numbers with arbitrary separators are never kept -------------------------

SEPARATORS = [*" ，、/.．-－—_·・()（）:：;；|\\~*#·\t\n\u3000", "\u200b", "\u2060", "\ufeff", "\u00ad"]
DIGIT_FORMS = {
    d: [d, chr(0xFF10 + int(d)), "〇一二三四五六七八九"[int(d)]] + ([chr(0x245F + int(d))] if d != "0" else [])
    for d in "0123456789"
}
DIGIT_FORMS["1"].append("幺")
DIGIT_FORMS["2"].append("两")
DIGIT_FORMS["0"].append("零")
AROUND = st.sampled_from(["", "我的号码是", "电话：", "身份证", "卡号", "请回电", "谢谢"])


PREFIXES = {
    "mobile": ["13", "14", "15", "16", "17", "18", "19"],
    "id18": ["340102", "341302", "310101", "320106"],
    "id15": ["340102", "341302"],
    "bank": ["62", "42", "51"],
    "landline": ["0557", "0551", "021"],
}
LENGTHS = {"mobile": [11], "id18": [17], "id15": [15], "bank": [16, 17, 18, 19], "landline": [11, 12]}
# what may stand between two characters of a number: nothing (most often), or 1–6 separator characters
GAPS = ["" for _ in range(60)] + [
    "".join(SEPARATORS[(i * 7 + j * 13) % len(SEPARATORS)] for j in range(1 + i % 6)) for i in range(60)
]


@st.composite
def typed_forms(draw: st.DrawFn) -> tuple[str, str]:
    """A personal number as someone might type it to dodge masking (digit forms, separators and
    invisible characters anywhere), and the number itself."""
    kind = draw(st.sampled_from(sorted(PREFIXES)))
    prefix = draw(st.sampled_from(PREFIXES[kind]))
    length = draw(st.sampled_from(LENGTHS[kind]))
    rnd = draw(st.randoms(use_true_random=True))  # the digits and how each is typed
    number = prefix + "".join(rnd.choice("0123456789") for _ in range(length - len(prefix)))
    if kind == "id18":
        number += rnd.choice("0123456789Xx")
    out = [rnd.choice(DIGIT_FORMS.get(ch, [ch])) + rnd.choice(GAPS) for ch in number]
    return draw(AROUND) + "".join(out).rstrip() + draw(AROUND), number


def _digits_kept(text: str) -> str:
    view, _origin = privacy.detection_view(text)
    return "".join(ch for ch in view if ch.isdigit())


BATCH = 10  # numbers per generated example: 1,000 examples check 10,000 numbers


@settings(max_examples=1_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(typed_forms(), min_size=BATCH, max_size=BATCH))
def test_no_generated_personal_number_survives_masking(cases: list[tuple[str, str]]) -> None:
    for typed, number in cases:
        masked = mask_pii(typed)
        assert MASK in masked
        assert number.rstrip("Xx") not in _digits_kept(masked), (typed, masked)
        assert mask_pii(masked) == masked  # masking again changes nothing


@settings(max_examples=2_000, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Nd", "No", "Cs")), max_size=80))
def test_text_without_digits_is_kept_exactly(text: str) -> None:
    if not any(ch in privacy.CHINESE_DIGITS for ch in text):
        assert mask_pii(text) == text
