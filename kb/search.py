"""Free-text search over services: colloquial names, aliases, FAQ phrasings, typos and homophones.

Each service is represented by its phrases (name, aliases, the questions of its FAQs, linked terms).
A query is normalised and homophone-corrected against the KB vocabulary (kb.textnorm); place names are
cut out (they say where, not what). The query is then compared with every service on IDF-weighted
character and pinyin features (bigrams, and unigrams at a lower weight):

- phrase match: the best single phrase, as an F1 of overlapping weight, taking the best of the
  character channel, the pinyin channel (homophones the corrector left alone) and rapidfuzz partial
  matching (characters inserted into or dropped from a phrase);
- coverage: the share of the query's weight that the service's whole vocabulary explains, which
  rewards a long message whose hints are spread over several phrases.

The score is their weighted mean, in [0, 1]; ties break on the service key, so ranking is deterministic.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import jieba
from rapidfuzz import fuzz

from kb import aspects
from kb.textnorm import FUNCTION_CHARS, PinyinCorrector, normalize, text_pinyin

UNIGRAM_WEIGHT = 0.3
PINYIN_DISCOUNT = 0.95  # a sound-alike match is slightly weaker evidence than the same characters
FUZZY_DISCOUNT = 0.9
FUZZY_MIN_PHRASE = 3
PHRASE_WEIGHT = 0.6  # the rest is coverage
MIN_QUERY_MASS = 3.0  # about one distinctive bigram: less than this explains too little to count
MENTION_RATIO = 0.9  # how completely a name must appear in a text to count as mentioned
MIN_MENTION = 2
PREPARED_CACHE = 4096
# n-grams made only of particles, pronouns and light verbs (textnorm.FUNCTION_CHARS) count for a fifth
FUNCTION_WEIGHT = 0.2
_KEEP = re.compile(r"[\u4e00-\u9fff0-9a-z]+")
_DIGITS = re.compile(r"[0-9]")

jieba.setLogLevel(60)  # jieba prints its dictionary loading to stderr otherwise

Features = dict[str, float]


@dataclass(frozen=True)
class Entry:
    """What the index knows of one searchable item: its names, and further phrases (FAQ questions)."""

    key: str
    name: str
    names: tuple[str, ...]
    questions: tuple[str, ...] = ()

    @property
    def phrases(self) -> tuple[str, ...]:
        return self.names + self.questions


@dataclass(frozen=True)
class Hit:
    key: str
    name: str
    score: float
    phrase: str


@dataclass(frozen=True)
class _Phrase:
    key: str
    text: str
    chars: Features
    sounds: Features
    char_mass: float
    sound_mass: float


def clean(text: str) -> str:
    """Keep Chinese characters, digits and latin letters; drop punctuation, spaces and emoji."""
    return "".join(_KEEP.findall(text))


def vocabulary_of(phrases: Iterable[str]) -> set[str]:
    """Words worth correcting towards: the phrases themselves and their jieba words."""
    words: set[str] = set()
    for phrase in phrases:
        words.add(phrase)
        words.update(w for w in jieba.lcut(phrase) if len(w) >= 2)
    return words


Units = list[tuple[str, float]]  # a feature unit (character or syllable) and its content weight


def _grams(segments: Sequence[Units]) -> list[tuple[str, float]]:
    grams: list[tuple[str, float]] = []
    for units in segments:
        grams += [(u, UNIGRAM_WEIGHT * w) for u, w in units]
        grams += [(a + "\u0001" + b, max(wa, wb)) for (a, wa), (b, wb) in itertools.pairwise(units)]
    return grams


def _content(char: str) -> float:
    return FUNCTION_WEIGHT if char in FUNCTION_CHARS else 1.0


# A number or a latin word is one unit: 12345 is not 12315 with one digit wrong, it is another hotline.
_UNIT = re.compile(r"[0-9]+|[a-z]+|.")


def _chars(segments: Sequence[str]) -> list[Units]:
    return [[(u, _content(u)) for u in _UNIT.findall(seg)] for seg in segments]


def _sound(segments: Sequence[str]) -> list[Units]:
    """Pinyin units, one syllable per character (numbers and latin words whole), weighted like _chars."""
    return [
        [(u if len(u) > 1 else text_pinyin(u)[0], _content(u)) for u in _UNIT.findall(seg)] for seg in segments
    ]


class SearchIndex:
    def __init__(
        self,
        entries: Iterable[Entry],
        extra_vocabulary: Iterable[str] = (),
        neutral_terms: Iterable[str] = (),
    ) -> None:
        self.entries = {e.key: e for e in entries}
        self._prepared: dict[str, str] = {}
        self._searched: dict[tuple, list[Hit]] = {}
        raw_phrases = {p for e in self.entries.values() for p in e.phrases}
        self.corrector = PinyinCorrector(vocabulary_of(raw_phrases) | set(extra_vocabulary))
        neutral = sorted({clean(normalize(t)) for t in neutral_terms} - {""}, key=len, reverse=True)
        self._neutral = re.compile("|".join(map(re.escape, neutral))) if neutral else None

        prepared = [
            (e.key, text, self._segments(text))
            for e in self.entries.values()
            for text in sorted({self.prepare(p) for p in e.phrases} - {""})
        ]
        self._idf_chars = _idf((key, _chars(segs)) for key, _, segs in prepared)
        self._idf_sounds = _idf((key, _sound(segs)) for key, _, segs in prepared)
        self._phrases: list[_Phrase] = []
        self._vocab_chars: dict[str, set[str]] = defaultdict(set)
        self._vocab_sounds: dict[str, set[str]] = defaultdict(set)
        for key, text, segs in prepared:
            chars = _weights(_chars(segs), self._idf_chars)
            sounds = _weights(_sound(segs), self._idf_sounds)
            if not chars:
                continue
            self._phrases.append(_Phrase(key, text, chars, sounds, sum(chars.values()), sum(sounds.values())))
            self._vocab_chars[key].update(chars)
            self._vocab_sounds[key].update(sounds)
        # inverted indexes: a query is compared only with the phrases that share a feature with it
        self._char_postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self._sound_postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for i, phrase in enumerate(self._phrases):
            for gram, weight in phrase.chars.items():
                self._char_postings[gram].append((i, weight))
            for gram, weight in phrase.sounds.items():
                self._sound_postings[gram].append((i, weight))
        self._key_char_postings = _key_postings(self._vocab_chars)
        self._key_sound_postings = _key_postings(self._vocab_sounds)

        named = {(name, e.key) for e in self.entries.values() for n in e.names if (name := self.prepare(n))}
        self._names = sorted(named, key=lambda item: (-len(item[0]), item[1], item[0]))
        names_of = {key: [name for name, k in named if k == key] for key in self.entries}
        self._words = _content_words(names_of, self._neutral)
        self._anchors = _distinctive(self._words)

    def prepare(self, text: str) -> str:
        prepared = self._prepared.get(text)
        if prepared is None:
            if len(self._prepared) >= PREPARED_CACHE:  # one answer prepares the same text many times
                self._prepared.clear()
            prepared = self._prepared[text] = clean(self.corrector.correct(normalize(text)))
        return prepared

    def mentions(self, text: str, min_ratio: float = MENTION_RATIO) -> list[Hit]:
        """Items whose name (not just some words of a question) the text contains, longest name first.

        "社保卡挂失要带啥" names 社保卡挂失; "那要带什么材料" names nothing, although it shares most of its
        words with an FAQ question.
        """
        query = self.prepare(text)
        hits: dict[str, Hit] = {}
        for name, key in self._names:
            if key in hits or not MIN_MENTION <= len(name) <= len(query):
                continue
            ratio = 100.0 if name in query else fuzz.partial_ratio(name, query) if len(name) >= 3 else 0.0
            if ratio >= min_ratio * 100:
                hits[key] = Hit(key, self.entries[key].name, round(ratio / 100, 4), name)
        return list(hits.values())

    def topic_words(self) -> set[str]:
        """The words of all items' names that say what they are about (社保卡, 备案, 慢特病, 12315)."""
        return {w for ws in self._words.values() for w in ws}

    def anchored(self, text: str) -> set[str]:
        """Items one of whose distinctive name words ("身份证", "养老保险", "透析") the text contains: a match
        on such a word says more than one on words every service shares (办, 证明, 外地)."""
        query = self.prepare(text)
        return {key for key, words in self._anchors.items() if any(w in query for w in words)}

    def search(self, text: str, limit: int = 5, keys: Iterable[str] | None = None, min_score: float = 0.0) -> list[Hit]:
        """Items matching free text, best first. Results are remembered: one answer asks the same
        questions of the index more than once (the topic, then whether it names a topic)."""
        wanted = None if keys is None else tuple(sorted(set(keys)))
        memo = (text, limit, wanted, min_score)
        hits = self._searched.get(memo)
        if hits is None:
            if len(self._searched) >= PREPARED_CACHE:
                self._searched.clear()
            hits = self._searched[memo] = self._search(text, limit, wanted, min_score)
        return list(hits)

    def _search(self, text: str, limit: int, keys: Iterable[str] | None, min_score: float) -> list[Hit]:
        query = self.prepare(text)
        segments = self._segments(query)
        q_chars = _weights(_chars(segments), self._idf_chars)
        q_sounds = _weights(_sound(segments), self._idf_sounds)
        q_char_mass, q_sound_mass = sum(q_chars.values()), sum(q_sounds.values())
        if not q_char_mass and not q_sound_mass:
            return []
        allowed = set(keys) if keys is not None else None
        char_matched = _matched(q_chars, self._char_postings)
        sound_matched = _matched(q_sounds, self._sound_postings)
        phrase_score: dict[str, tuple[float, str]] = {}
        for i in sorted(char_matched.keys() | sound_matched.keys()):
            phrase = self._phrases[i]
            if allowed is not None and phrase.key not in allowed:
                continue
            score = max(
                _ratio(char_matched.get(i, 0.0), phrase.char_mass, q_char_mass),
                PINYIN_DISCOUNT * _ratio(sound_matched.get(i, 0.0), phrase.sound_mass, q_sound_mass),
                FUZZY_DISCOUNT * _fuzzy(phrase, query, q_char_mass) if i in char_matched else 0.0,
            )
            if score > phrase_score.get(phrase.key, (-1.0, ""))[0]:
                phrase_score[phrase.key] = (score, phrase.text)
        hits = []
        informative = min(1.0, q_char_mass / MIN_QUERY_MASS)  # "归" alone is covered by anything
        char_covered = _covered(q_chars, self._key_char_postings)
        sound_covered = _covered(q_sounds, self._key_sound_postings)
        for key, (best, text_matched) in phrase_score.items():
            coverage = informative * max(
                char_covered.get(key, 0.0) / q_char_mass if q_char_mass else 0.0,
                PINYIN_DISCOUNT * sound_covered.get(key, 0.0) / q_sound_mass if q_sound_mass else 0.0,
            )
            score = PHRASE_WEIGHT * best + (1 - PHRASE_WEIGHT) * coverage
            if score > min_score:
                hits.append(Hit(key, self.entries[key].name, round(score, 4), text_matched))
        hits.sort(key=lambda h: (-h.score, h.key))
        return hits[:limit]

    def _segments(self, text: str) -> list[str]:
        """The text split around neutral terms (place names), which are dropped."""
        if self._neutral is None:
            return [text] if text else []
        return [s for s in self._neutral.split(text) if s]


ANCHOR_MAX_ITEMS = 2  # a word in the names of at most this many items is distinctive …
ANCHOR_MAX_FREQUENCY = 5000  # … unless everyday Chinese uses it this often (jieba's counts: 孩子, 多少, 关系)


def _content_words(names: dict[str, list[str]], neutral: re.Pattern[str] | None) -> dict[str, set[str]]:
    """Each item's words that say what it is about: not particles, places or everyday words."""
    jieba.dt.check_initialized()
    everyday = jieba.dt.FREQ

    def content(word: str) -> bool:
        return (
            len(word) >= 2
            and any(ch not in FUNCTION_CHARS for ch in word)
            and not (neutral and neutral.search(word))
            and everyday.get(word, 0) < ANCHOR_MAX_FREQUENCY
            and aspects.without_cues(word).strip()  # not a question word ("啥时候", of "一网通办啥时候开始的")
        )

    return {key: {w for n in ns for w in vocabulary_of([n]) if content(w)} for key, ns in names.items()}


def _distinctive(words: dict[str, set[str]]) -> dict[str, set[str]]:
    holders: dict[str, int] = defaultdict(int)
    for ws in words.values():
        for w in ws:
            holders[w] += 1
    return {key: {w for w in ws if holders[w] <= ANCHOR_MAX_ITEMS} for key, ws in words.items()}


def _idf(items: Iterable[tuple[str, Sequence[Units]]]) -> Features:
    holders: dict[str, set[str]] = defaultdict(set)
    keys: set[str] = set()
    for key, segments in items:
        keys.add(key)
        for gram, _ in _grams(segments):
            holders[gram].add(key)
    n = len(keys)
    return {g: math.log((n + 1) / (len(ks) + 0.5)) + 0.1 for g, ks in holders.items()}


def _weights(segments: Sequence[Units], idf: Features) -> Features:
    """IDF weight of each feature the vocabulary knows; unknown features carry no information."""
    weights: Features = {}
    for gram, factor in _grams(segments):
        if gram in idf:
            weights[gram] = idf[gram] * factor
    return weights


def _matched(query: Features, postings: dict[str, list[tuple[int, float]]]) -> dict[int, float]:
    """For each phrase sharing a feature with the query: the phrase's weight of the shared features."""
    matched: dict[int, float] = defaultdict(float)
    for gram in query:
        for i, weight in postings.get(gram, ()):
            matched[i] += weight
    return matched


def _ratio(matched: float, phrase_mass: float, query_mass: float) -> float:
    """F1 of the overlap: twice the matched weight over both masses."""
    if not phrase_mass or not query_mass:
        return 0.0
    return 2 * matched / (phrase_mass + query_mass)


def _key_postings(vocabularies: dict[str, set[str]]) -> dict[str, list[str]]:
    postings: dict[str, list[str]] = defaultdict(list)
    for key, grams in vocabularies.items():
        for gram in grams:
            postings[gram].append(key)
    return postings


def _covered(query: Features, postings: dict[str, list[str]]) -> dict[str, float]:
    """For each item: the query's weight that the item's whole vocabulary explains."""
    covered: dict[str, float] = defaultdict(float)
    for gram, weight in query.items():
        for key in postings.get(gram, ()):
            covered[key] += weight
    return covered


def _fuzzy(phrase: _Phrase, query: str, query_mass: float) -> float:
    if len(phrase.text) < FUZZY_MIN_PHRASE or not query_mass or _DIGITS.search(phrase.text):
        return 0.0  # character edits are typos in words, not in numbers
    ratio = fuzz.partial_ratio(phrase.text, query) / 100
    matched = ratio * min(phrase.char_mass, query_mass)
    return 2 * matched / (phrase.char_mass + query_mass)
