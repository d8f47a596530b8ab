"""Masking of personal data typed by citizens, applied before a message is stored or logged.

The assistant never asks for these; when a citizen types them anyway they are replaced by a neutral
marker ("我的身份证号是***"): the sentence stays readable, and the marker carries no words the NLU could
mistake for a question (a marker saying 电话 would read as asking for a phone number).
"""

from __future__ import annotations

import re

MASK = "***"
ID_CARD = PHONE = NUMBER = MASK

# 18-digit resident ID (the last character may be X) and the old 15-digit form.
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
# Mainland mobile numbers, optionally with +86 and spaces or dashes (138 1234 5678, 138-1234-5678).
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)")
# Landlines with an area code: 0557-1234567, (0557)12345678.
_LANDLINE = re.compile(r"(?<!\d)(?:\(0\d{2,3}\)|0\d{2,3})[\s-]?\d{7,8}(?!\d)")
# Any other long run of digits (bank cards, social-security numbers).
_LONG_NUMBER = re.compile(r"(?<!\d)\d{10,}(?!\d)")


_FULL_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘ＋－　", "0123456789Xx+- ")


def mask_pii(text: str) -> str:
    """Replace ID-card numbers, phone numbers and other long numbers with markers."""
    if not text:
        return text
    if any(ch in text for ch in "０１２３４５６７８９"):
        text = text.translate(_FULL_WIDTH)
    text = _ID_CARD.sub(ID_CARD, text)
    text = _MOBILE.sub(PHONE, text)
    text = _LANDLINE.sub(PHONE, text)
    return _LONG_NUMBER.sub(NUMBER, text)


def contains_pii(text: str) -> bool:
    return mask_pii(text) != text
