"""Text normalisation shared by the KB search and the NLU tokenizer.

Everything here keeps the text's length, character for character, so entity offsets found on the
normalised text are valid on what the citizen typed:
- `normalize`: full-width → half-width (NFKC where it maps one character to one), traditional →
  simplified, lower case;
- `PinyinCorrector`: homophone typos of the KB's own vocabulary (医宝→医保, 社宝卡→社保卡, 被案→备案),
  found by pinyin, with dialect-tolerant pinyin (zh/z, sh/s, n/l, in/ing …) for longer terms.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

import opencc
from pypinyin import Style, lazy_pinyin, pinyin

_T2S = opencc.OpenCC("t2s")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_A_NOT_A = re.compile(r"([\u4e00-\u9fff])[不没]\1")
_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("l", "n"), ("r", "n"))
_FUZZY_FINALS = (("ing", "in"), ("eng", "en"), ("ang", "an"))
MIN_TERM = 2
MAX_TERM = 12
FUZZY_MIN_TERM = 3  # dialect-tolerant matching only for terms long enough to be unambiguous
CORRECTED_CACHE = 4096
CACHED_TEXT = 1000  # longer texts (documents, not messages) are not remembered
COMMON_WORD_FREQUENCY = 20  # jieba's dictionary counts a word this often: a real word, no typo


def normalize(text: str) -> str:
    """Same-length normalisation: half-width, simplified, lower case."""
    return _normalized(text) if len(text) <= CACHED_TEXT else _normalize(text)


@lru_cache(maxsize=8192)  # one answer normalises the same text dozens of times
def _normalized(text: str) -> str:
    return _normalize(text)


def _normalize(text: str) -> str:
    text = _LONE_SURROGATE.sub("\ufffd", text)  # not encodable, and OpenCC needs UTF-8
    chars = [_one_char(unicodedata.normalize("NFKC", ch).lower(), ch) for ch in text]
    simplified = _T2S.convert("".join(chars))
    if len(simplified) != len(text):  # a phrase conversion changed the length: go char by char
        simplified = "".join(_one_char(_T2S.convert(ch), ch) for ch in chars)
    return simplified


def _one_char(converted: str, original: str) -> str:
    return converted if len(converted) == 1 else original


def is_cjk(ch: str) -> bool:
    return bool(_CJK.fullmatch(ch))


def cjk_pairs(text: str) -> set[str]:
    """Every two Chinese characters in a row."""
    return {text[i : i + 2] for i in range(len(text) - 1) if is_cjk(text[i]) and is_cjk(text[i + 1])}


# Particles, pronouns and light verbs: never rewritten by the corrector ("是医保局" stays 是 + 医保局),
# and weighted down by the search.
FUNCTION_CHARS = frozenset(
    "的了吗呢啊吧呀嘛哦不没能可会要想咋怎么啥什在是有我俺你您他她它们去到来给把和跟还也都就这那哪个些一上下里办弄用事"
)

# Numerals are never rewritten either: "住绍兴十来年" is 绍兴 + 十来年, not a typo of 绍兴市.
NUMERAL_CHARS = frozenset("一二两三四五六七八九十百千万几")
_NEVER_CORRECTED = FUNCTION_CHARS | NUMERAL_CHARS


@lru_cache(maxsize=20000)
def char_readings(ch: str) -> frozenset[str]:
    """The common toneless reading of one Chinese character (empty for anything else).

    Only the most frequent reading counts: people mistype by how a character usually sounds, and
    rare readings (宿 as "qi") would turn ordinary words into KB terms.
    """
    if not is_cjk(ch):
        return frozenset()
    readings = pinyin(ch, style=Style.NORMAL, heteronym=False, errors="ignore")
    return frozenset(readings[0]) if readings else frozenset()  # a few rare characters have none


def fuzzy_syllable(syllable: str) -> str:
    """Collapse the distinctions many speakers of northern Anhui and nearby dialects do not make."""
    for strict, loose in _FUZZY_INITIALS:
        if syllable.startswith(strict):
            syllable = loose + syllable[len(strict) :]
            break
    for strict, loose in _FUZZY_FINALS:
        if syllable.endswith(strict):
            syllable = syllable[: -len(strict)] + loose
            break
    return syllable


@lru_cache(maxsize=1 << 16)
def term_pinyin(term: str) -> tuple[str, ...]:
    """Context-aware toneless pinyin of a vocabulary term (one syllable per character); cached, since
    rebuilding the search indexes after an edit asks for the same characters and terms many times."""
    return tuple(lazy_pinyin(term, style=Style.NORMAL, errors=lambda chars: ["?"] * len(chars)))


def text_pinyin(text: str) -> list[str]:
    """Toneless pinyin per character; non-Chinese characters stand for themselves."""
    return [s for ch in text for s in (term_pinyin(ch) if is_cjk(ch) else (ch,))]


class PinyinCorrector:
    """Rewrites homophone misspellings of known terms, keeping the text's length.

    A window is rewritten to a term only when every character can be read as the term's syllable, at
    least half of the characters already agree with the term, no particle, pronoun or numeral would be
    replaced and no correctly spelt term rewritten, so ordinary words that merely sound alike ("一包"
    is not "医保") are left alone. Given `word_frequency` (a dictionary's counts), it also never splits
    a common word across the window's edge ("权益保护" keeps 权益 rather than becoming 权医保护), nor rewrites a
    common word into a rarer one that sounds alike ("强制" is no typo of the disease name 强直).
    """

    def __init__(self, terms: Iterable[str], word_frequency: Callable[[str], int] | None = None) -> None:
        self._frequency = word_frequency
        self._corrected: dict[str, str] = {}  # one answer corrects the same text several times
        # terms by syllable path, as spelt and with fuzzy syllables: a text's readings lead only to the
        # terms they can spell
        self._exact, self._loose = _SyllableTrie(), _SyllableTrie()
        seen: set[str] = set()
        for raw in terms:
            term = normalize(raw.strip())
            if term in seen or not MIN_TERM <= len(term) <= MAX_TERM:
                continue
            if not all(is_cjk(ch) for ch in term):
                continue
            seen.add(term)
            syllables = term_pinyin(term)
            self._exact.add(syllables, term)
            if len(term) >= FUZZY_MIN_TERM:
                self._loose.add(tuple(fuzzy_syllable(s) for s in syllables), term)
        self.vocabulary = frozenset(seen)

    def correct(self, text: str) -> str:
        if len(text) > CACHED_TEXT:
            return self._correct(text)
        corrected = self._corrected.get(text)
        if corrected is None:
            if len(self._corrected) >= CORRECTED_CACHE:
                self._corrected.clear()
            corrected = self._corrected[text] = self._correct(text)
        return corrected

    def _correct(self, text: str) -> str:
        if not self.vocabulary:
            return text
        readings = [char_readings(ch) for ch in text]
        loose = [frozenset(fuzzy_syllable(r) for r in rs) for rs in readings]
        verbatim = self._verbatim_positions(text)
        out = list(text)
        i = 0
        while i < len(text):
            match = self._longest_match(text, i, readings, loose, verbatim)
            if match is None:
                i += 1
                continue
            out[i : i + len(match)] = match
            i += len(match)
        return "".join(out)

    def _verbatim_positions(self, text: str) -> set[int]:
        """Positions inside a term the text already spells correctly, or in an "A不A" question ("人家认不认" is
        no 家人): those are never rewritten."""
        positions = {n for m in _A_NOT_A.finditer(text) for n in range(m.start(), m.end())}
        for start in range(len(text)):
            for length in range(MIN_TERM, min(MAX_TERM, len(text) - start) + 1):
                if text[start : start + length] in self.vocabulary:
                    positions.update(range(start, start + length))
        return positions

    def _is_common_word(self, word: str) -> bool:
        return self._frequency is not None and self._frequency(word) >= COMMON_WORD_FREQUENCY

    def _more_common_than(self, window: str, term: str) -> bool:
        """The text's own word is a real word, more usual than the term it sounds like: no typo."""
        return self._is_common_word(window) and self._frequency(window) > self._frequency(term)

    def _splits_a_word(self, text: str, start: int, end: int, changed: list[int]) -> bool:
        if self._frequency is None:
            return False
        before = start in changed and start > 0 and self._is_common_word(text[start - 1 : start + 1])
        after = end - 1 in changed and end < len(text) and self._is_common_word(text[end - 1 : end + 1])
        return before or after

    def _longest_match(
        self,
        text: str,
        start: int,
        readings: list[frozenset[str]],
        loose: list[frozenset[str]],
        verbatim: set[int],
    ) -> str | None:
        """The longest term readable at `start` that keeps correctly spelt terms ("苏州实习" stays)."""
        matches: set[str] = set()
        for term in self._exact.spelt(readings, start) + self._loose.spelt(loose, start):
            if term not in matches:
                end = start + len(term)
                changed = [start + k for k, ch in enumerate(term) if text[start + k] != ch]
                if (
                    len(changed) * 2 <= len(term)
                    and not verbatim.intersection(changed)
                    and not _NEVER_CORRECTED.intersection(text[k] for k in changed)
                    and not self._splits_a_word(text, start, end, changed)
                    and not self._more_common_than(text[start:end], term)
                ):
                    matches.add(term)
        if not matches:
            return None
        longest = max(len(m) for m in matches)
        window = text[start : start + longest]
        return window if window in matches else min(m for m in matches if len(m) == longest)


class _SyllableTrie:
    """Terms by their syllables, one node per syllable."""

    def __init__(self) -> None:
        self.children: dict[str, _SyllableTrie] = {}
        self.terms: list[str] = []

    def add(self, syllables: Sequence[str], term: str) -> None:
        node = self
        for syllable in syllables:
            node = node.children.setdefault(syllable, _SyllableTrie())
        node.terms.append(term)

    def spelt(self, readings: Sequence[frozenset[str]], start: int) -> list[str]:
        """The terms whose k-th syllable is among the readings of position start + k, for every k."""
        found: list[str] = []
        pending = [(self, start)]
        while pending:
            node, at = pending.pop()
            found += node.terms
            if at < len(readings):
                pending += [(child, at + 1) for r in readings[at] if (child := node.children.get(r))]
        return found
