"""Masking of personal data typed by citizens, applied before a message is stored or logged.

The assistant never asks for these; when a citizen types them anyway they are replaced by a neutral
marker ("我的身份证号是***"): the sentence stays readable, and the marker carries no words the NLU could
mistake for a question (a marker saying 电话 would read as asking for a phone number).

People split long numbers as they read them out (340102 1990 0101 123X, 138-1234-5678, 138.1234.5678,
(0557)1234567), so a number is a run of digits with short separators between them; the run is masked
when it is an ID-card number or has ten or more digits (every mobile, landline with area code, bank
card and social-security number does). Dates, amounts and hotlines such as 12345 stay.
"""

from __future__ import annotations

import re

MASK = "***"
MIN_SENSITIVE_DIGITS = 10

# \d is any decimal digit, full-width ones included.
_SEPARATORS = r"[\s\-‐‑‒–—―－.．·・_()（）]"
# Digits with at most three separator characters between them, an optional leading + (+86) or
# bracket, and an optional final X (the check character of an ID-card number).
_NUMBER_RUN = re.compile(rf"[+＋(（]?(?<!\d)\d(?:{_SEPARATORS}{{0,3}}\d)*(?:{_SEPARATORS}{{0,3}}[XxＸｘ])?(?!\d)")
_ID_CARD = re.compile(r"\d{17}[\dXxＸｘ]|\d{15}")


def mask_pii(text: str) -> str:
    """Replace ID-card numbers, phone numbers and other long numbers with a marker."""
    if not text:
        return text
    return _NUMBER_RUN.sub(_mask_if_sensitive, text)


def _mask_if_sensitive(match: re.Match[str]) -> str:
    run = match.group()
    characters = re.sub(r"[^\dXxＸｘ]", "", run)
    digits = sum(ch.isdigit() for ch in characters)
    return MASK if _ID_CARD.fullmatch(characters) or digits >= MIN_SENSITIVE_DIGITS else run
