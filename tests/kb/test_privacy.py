"""Personal numbers are masked however they are typed; ordinary numbers stay."""

from __future__ import annotations

import pytest

from kb.privacy import MASK, mask_pii


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
