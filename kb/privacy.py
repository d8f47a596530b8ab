"""Masking of personal data typed by citizens, applied before a message is stored or logged.

The assistant never asks for these; when a citizen types them anyway they are replaced by a neutral
marker ("我的身份证号是***"): the sentence stays readable, and the marker carries no words the NLU could
mistake for a question (a marker saying 电话 would read as asking for a phone number).

People split long numbers as they read them out (340102 1990 0101 123X, 138-1234-5678, 138，1234，5678,
(0557)1234567), write them in full-width or circled digits or in Chinese numerals (幺三八…), and text can
carry invisible characters (zero-width spaces) between the digits. So the text is first normalised for
detection only — NFKC, format and combining characters dropped, every kind of digit and the Chinese
numerals 〇零一二三四五六七八九幺两 read as digits — and a *number* is a run of digits with nothing but
separators (punctuation, symbols, spaces, however many) between them. A number with ten or more digits
is masked: every mobile number, landline with area code, ID-card number (18 digits with its X, and the
old 15-digit ones), bank card (16–19) and social-security number has that many. A number made only of
dates (2024-12-31, 20241231), times (8:30) and the public hotlines (12345, 12393, 12333, 12315) stays,
as do shorter numbers: dates, amounts (3.5万), ages and task numbers (第23项). What is masked is the
span of the original text, so the rest stays exactly as typed.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

MASK = "***"
MIN_SENSITIVE_DIGITS = 10
HOTLINES = frozenset({"12345", "12393", "12333", "12315"})
CHINESE_DIGITS = {
    "〇": "0", "零": "0", "一": "1", "幺": "1", "二": "2", "两": "2", "三": "3", "四": "4",
    "五": "5", "六": "6", "七": "7", "八": "8", "九": "9",
}  # fmt: skip
_DROPPED = ("Cf", "Mn", "Me", "Mc")  # zero-width and other format characters, combining marks
_SEPARATOR_CATEGORIES = ("P", "S", "Z", "Cc")
_LEADING = "+(（["  # kept with the number: +86, (0557)
_CHECK_CHARACTER = "Xx"  # the last character of an ID-card number
PAYLOAD = re.compile(r"^(/[a-z_]+)(\{.*\})$", re.DOTALL)


def mask_pii(text: str) -> str:
    """Replace ID-card, phone, bank-card and other long numbers with a marker."""
    if not text:
        return text
    view, origin = detection_view(text)
    spans = [(origin[start], _marks_after(text, origin[end])) for start, end in _sensitive_runs(view)]
    if not spans:
        return text
    out, position = [], 0
    for start, end in spans:
        out += [text[position:start], MASK]
        position = end + 1
    out.append(text[position:])
    return "".join(out)


def mask_message(text: str) -> str:
    """A chat message masked; a button payload `/intent{"entity": "value"}` has its decoded values masked
    too (JSON escapes such as \\u0031 would otherwise carry a number past `mask_pii`)."""
    match = PAYLOAD.match(text)
    if match:
        try:
            entities = json.loads(match.group(2))
        except ValueError:
            entities = None
        if isinstance(entities, dict):
            masked = {k: mask_pii(v) if isinstance(v, str) else v for k, v in entities.items()}
            if masked == entities and "\\" not in match.group(2):
                return mask_pii(text)  # nothing hidden by escapes: the payload as sent
            return match.group(1) + json.dumps(masked, ensure_ascii=False)
    return mask_pii(text)


# --- detection --------------------------------------------------------------------------------


def detection_view(text: str) -> tuple[str, list[int]]:
    """The text as numbers are detected in, and for each of its characters the original's index."""
    chars: list[str] = []
    origin: list[int] = []
    for index, character in enumerate(text):
        if unicodedata.category(character) in _DROPPED:
            continue
        for normal in unicodedata.normalize("NFKC", character):
            if unicodedata.category(normal) in _DROPPED:
                continue
            chars.append(_as_digit(normal))
            origin.append(index)
    return "".join(chars), origin


def _marks_after(text: str, end: int) -> int:
    """The end of a masked span, with the combining marks of its last character (1̶ is 1 and a stroke)."""
    while end + 1 < len(text) and unicodedata.category(text[end + 1]) in _DROPPED[1:]:
        end += 1
    return end


def _as_digit(character: str) -> str:
    if character in CHINESE_DIGITS:
        return CHINESE_DIGITS[character]
    value = unicodedata.decimal(character, None)
    return str(value) if value is not None else character


def _is_digit(character: str) -> bool:
    return "0" <= character <= "9"


def _is_separator(character: str) -> bool:
    return unicodedata.category(character).startswith(_SEPARATOR_CATEGORIES)


@dataclass
class _Run:
    start: int
    end: int  # inclusive
    groups: list[str]
    separators: list[str]  # between consecutive groups


def _runs(view: str) -> Iterator[_Run]:
    """Digits with only separators between them, in the detection view."""
    i, n = 0, len(view)
    while i < n:
        if not _is_digit(view[i]):
            i += 1
            continue
        run = _Run(i, i, [], [])
        k = i
        while k < n:
            group_start = k
            while k < n and _is_digit(view[k]):
                k += 1
            run.groups.append(view[group_start:k])
            run.end = k - 1
            gap_start = k
            while k < n and not _is_digit(view[k]) and _is_separator(view[k]):
                k += 1
            if k < n and _is_digit(view[k]):
                run.separators.append(view[gap_start:k])
                continue
            break
        yield run
        i = run.end + 1


def _sensitive_runs(view: str) -> Iterator[tuple[int, int]]:
    for run in _runs(view):
        digits = sum(len(g) for g in run.groups)
        if digits < MIN_SENSITIVE_DIGITS or _harmless(run):
            continue
        start, end = run.start, run.end
        if start > 0 and view[start - 1] in _LEADING:
            start -= 1
        yield start, _with_check_character(view, end, digits)


def _with_check_character(view: str, end: int, digits: int) -> int:
    """Include the X of an ID-card number (17 digits, then X after at most a few separators)."""
    if digits != 17:
        return end
    k = end + 1
    while k < len(view) and k - end <= 3 and _is_separator(view[k]):
        k += 1
    return k if k < len(view) and view[k] in _CHECK_CHARACTER else end


def _harmless(run: _Run) -> bool:
    """Whether the whole run reads as dates, times and public hotlines only."""
    g = 0
    groups, separators = run.groups, run.separators
    while g < len(groups):
        step = _harmless_token(groups, separators, g)
        if not step:
            return False
        g += step
    return True


def _harmless_token(groups: list[str], separators: list[str], g: int) -> int:
    """How many groups from `g` form one date, time or hotline (0: none does)."""
    group = groups[g]
    if group in HOTLINES or _compact_date(group):
        return 1
    rest = groups[g + 1 : g + 3]
    if _year(group) and len(rest) == 2 and _month(rest[0]) and _day(rest[1]) and separators[g] == separators[g + 1]:
        return 3
    if _year(group) and rest and _month(rest[0]):
        return 2
    if rest and separators[g].strip() == ":" and _hour(group) and len(rest[0]) == 2 and int(rest[0]) < 60:
        return 2
    return 0


def _year(group: str) -> bool:
    return len(group) == 4 and 1900 <= int(group) <= 2099


def _month(group: str) -> bool:
    return len(group) <= 2 and 1 <= int(group) <= 12


def _day(group: str) -> bool:
    return len(group) <= 2 and 1 <= int(group) <= 31


def _hour(group: str) -> bool:
    return len(group) <= 2 and int(group) <= 23


def _compact_date(group: str) -> bool:
    return len(group) == 8 and _year(group[:4]) and _month(group[4:6]) and _day(group[6:])
