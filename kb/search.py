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
A query's phrases are scored together with numpy (inverted postings summed with bincount, in the
order a Python loop would add them), and rapidfuzz only where a partial match can change the results.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import jieba
import jieba.posseg
import numpy as np
from rapidfuzz import fuzz, process

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
SCORED_CACHE = 64  # texts whose arrays of scores are kept (a few per answer)
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


def _word_count(word: str) -> int:
    """How often jieba's dictionary counts the word (0 if it does not know it)."""
    jieba.dt.check_initialized()
    return jieba.dt.FREQ.get(word, 0)


def _content(char: str) -> float:
    return FUNCTION_WEIGHT if char in FUNCTION_CHARS else 1.0


# A number or a latin word is one unit: 12345 is not 12315 with one digit wrong, it is another hotline.
_UNIT = re.compile(r"[0-9]+|[a-z]+|.")


def _chars(segments: Sequence[str]) -> list[Units]:
    return [[(u, _content(u)) for u in _UNIT.findall(seg)] for seg in segments]


def _sound(segments: Sequence[str]) -> list[Units]:
    """Pinyin units, one syllable per character (numbers and latin words whole), weighted like _chars."""
    return [[(u if len(u) > 1 else text_pinyin(u)[0], _content(u)) for u in _UNIT.findall(seg)] for seg in segments]


@dataclass(frozen=True)
class _Scored:
    """A query's plain scores against every phrase, before any limit to some items or fuzzy matching."""

    query: str
    char_mass: float
    matched: np.ndarray  # phrases sharing a character or a sound with the query
    char_matched: np.ndarray
    scores: np.ndarray
    coverage: np.ndarray  # of each item's vocabulary
    # each phrase's partial ratio with the query once computed (-1 before), and the cutoff it was computed with: a
    # ratio below its cutoff was given as 0, which stands for any later cutoff at least as high
    ratios: np.ndarray
    cutoffs: np.ndarray

    def partial_ratios(self, phrases: np.ndarray, texts: Sequence[str], at_least: float) -> np.ndarray:
        """_partial_ratios of these phrases (indices, with their texts), computing only what is not known."""
        cutoff = max(0.0, min(100.0, at_least))
        known = self.ratios[phrases]
        unknown = ~((known > 0) | ((known == 0) & (self.cutoffs[phrases] <= cutoff)))
        if unknown.any():
            todo = phrases[unknown]
            self.ratios[todo] = _partial_ratios([texts[i] for i in np.flatnonzero(unknown)], self.query, cutoff)
            self.cutoffs[todo] = cutoff  # (after the ratios: a reader in another thread never pairs a new 0 with it)
        return self.ratios[phrases]


_NOT_SCORED = object()  # (a text scored to nothing is remembered as None)


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
        self._scored_texts: dict[str, _Scored | None] = {}
        raw_phrases = {p for e in self.entries.values() for p in e.phrases}
        self.corrector = PinyinCorrector(vocabulary_of(raw_phrases) | set(extra_vocabulary), _word_count)
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
        self._char_postings = _Postings.of_rows([p.chars for p in self._phrases])
        self._sound_postings = _Postings.of_rows([p.sounds for p in self._phrases])
        self._keys = sorted(self.entries)
        self._key_number = {key: n for n, key in enumerate(self._keys)}
        self._phrase_keys = np.array([self._key_number[p.key] for p in self._phrases], dtype=np.intp)
        self._char_masses = np.array([p.char_mass for p in self._phrases])
        self._sound_masses = np.array([p.sound_mass for p in self._phrases])
        self._fuzzy_able = np.array([_fuzzy_able(p.text) for p in self._phrases], dtype=bool)
        self._key_char_postings = _Postings.of_rows([dict.fromkeys(self._vocab_chars[k], 1.0) for k in self._keys])
        self._key_sound_postings = _Postings.of_rows([dict.fromkeys(self._vocab_sounds[k], 1.0) for k in self._keys])

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
        fuzzy = [name for name, _ in self._names if 3 <= len(name) <= len(query)]
        ratios = dict(zip(fuzzy, _partial_ratios(fuzzy, query, min_ratio * 100), strict=True))
        hits: dict[str, Hit] = {}
        for name, key in self._names:
            if key in hits or not MIN_MENTION <= len(name) <= len(query):
                continue
            ratio = 100.0 if name in query else ratios.get(name, 0.0)
            if ratio >= min_ratio * 100:
                hits[key] = Hit(key, self.entries[key].name, round(ratio / 100, 4), name)
        return list(hits.values())

    def topic_words(self) -> set[str]:
        """The words of all items' names that say what they are about (社保卡, 备案, 慢特病, 12315)."""
        return {w for ws in self._words.values() for w in ws}

    def words_in(self, text: str) -> dict[str, set[str]]:
        """The items' name words the text contains, each with the items whose names have it."""
        query = self.prepare(text)
        found: dict[str, set[str]] = {}
        for key, words in self._words.items():
            for word in words:
                if word in query:
                    found.setdefault(word, set()).add(key)
        return found

    def anchored(self, text: str) -> set[str]:
        """Items one of whose distinctive name words ("身份证", "养老保险", "透析") the text contains: a match
        on such a word says more than one on words every service shares (办, 证明, 外地)."""
        return set(self.anchors_in(text))

    def anchors_in(self, text: str) -> dict[str, set[str]]:
        """The items anchored in the text, each with its distinctive name words the text says."""
        query = self.prepare(text)
        found = {key: {w for w in words if w in query} for key, words in self._anchors.items()}
        return {key: words for key, words in found.items() if words}

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
        scored = self._scored(text)
        if scored is None:
            return []
        matched = scored.matched
        if keys is not None:
            allowed = np.zeros(len(self._keys), dtype=bool)
            allowed[[self._key_number[key] for key in keys if key in self._key_number]] = True
            matched = matched & allowed[self._phrase_keys]
        phrases = np.flatnonzero(matched)
        if not len(phrases):
            return []
        char_part, scores = scored.char_matched[phrases], scored.scores[phrases]
        key_of = self._phrase_keys[phrases]
        coverage = scored.coverage
        if scored.char_mass:
            scores = self._with_fuzzy(scored, phrases, char_part, scores, key_of, coverage, limit, min_score)

        # each item's best phrase: its highest score, the first such phrase on a tie
        order = np.lexsort((phrases, -scores, key_of))
        firsts = order[np.r_[True, key_of[order][1:] != key_of[order][:-1]]]
        items = key_of[firsts]
        totals = PHRASE_WEIGHT * scores[firsts] + (1 - PHRASE_WEIGHT) * coverage[items]
        kept = np.flatnonzero(totals > min_score)
        if len(kept) > limit:  # only the best can be returned; keep whatever rounds level with them
            floor = np.partition(totals[kept], len(kept) - limit)[len(kept) - limit]
            kept = kept[totals[kept] >= floor - 1e-4]
        hits = [
            Hit(key, self.entries[key].name, round(float(totals[n]), 4), self._phrases[phrases[firsts[n]]].text)
            for n in kept
            for key in [self._keys[items[n]]]
        ]
        hits.sort(key=lambda h: (-h.score, h.key))
        return hits[:limit]

    def _scored(self, text: str) -> _Scored | None:
        """What a search of the text computes whichever items it is limited to (remembered for a few texts:
        one answer searches the same text among several services' facts)."""
        known = self._scored_texts.get(text, _NOT_SCORED)  # (one lookup: another thread may clear the dict)
        if known is not _NOT_SCORED:
            return known
        if len(self._scored_texts) >= SCORED_CACHE:
            self._scored_texts.clear()
        query = self.prepare(text)
        segments = self._segments(query)
        q_chars = _weights(_chars(segments), self._idf_chars)
        q_sounds = _weights(_sound(segments), self._idf_sounds)
        q_char_mass, q_sound_mass = sum(q_chars.values()), sum(q_sounds.values())
        scored = None
        if q_char_mass or q_sound_mass:
            char_matched = self._char_postings.row_weights(q_chars)
            sound_matched = self._sound_postings.row_weights(q_sounds)
            scores = np.maximum(
                _ratios(char_matched, self._char_masses, q_char_mass),
                PINYIN_DISCOUNT * _ratios(sound_matched, self._sound_masses, q_sound_mass),
            )
            informative = min(1.0, q_char_mass / MIN_QUERY_MASS)  # "归" alone is covered by anything
            coverage = informative * np.maximum(
                self._key_char_postings.query_weights(q_chars) / q_char_mass if q_char_mass else 0.0,
                PINYIN_DISCOUNT * self._key_sound_postings.query_weights(q_sounds) / q_sound_mass
                if q_sound_mass
                else 0.0,
            )
            matched = (char_matched > 0) | (sound_matched > 0)
            untried = np.full(len(self._phrases), -1.0)
            scored = _Scored(
                query, q_char_mass, matched, char_matched, scores, coverage, untried, np.full_like(untried, np.inf)
            )
        self._scored_texts[text] = scored
        return scored

    def _with_fuzzy(
        self,
        scored: _Scored,
        phrases: np.ndarray,
        char_matched: np.ndarray,
        scores: np.ndarray,
        key_of: np.ndarray,
        coverage: np.ndarray,
        limit: int,
        min_score: float,
    ) -> np.ndarray:
        """The phrases' scores raised by rapidfuzz partial matching where that can change the results.

        A partial match scores at most its ceiling (a ratio of 100). It is computed only for a phrase
        whose ceiling beats its score so far and whose item could then reach the top `limit`; every
        other phrase's score, and so the results, are what computing all of them would give."""
        query_mass = scored.char_mass
        masses = self._char_masses[phrases]
        shared = self._fuzzy_able[phrases] & (char_matched > 0)
        ceilings = np.where(shared, FUZZY_DISCOUNT * (2 * np.minimum(masses, query_mass) / (masses + query_mass)), 0.0)
        worth = ceilings > scores
        if not worth.any():
            return scores
        plain_best = np.full(len(coverage), -np.inf)
        np.maximum.at(plain_best, key_of, scores)
        ceiling_best = plain_best.copy()
        np.maximum.at(ceiling_best, key_of, ceilings)
        plain_totals = PHRASE_WEIGHT * plain_best + (1 - PHRASE_WEIGHT) * coverage
        ceiling_totals = PHRASE_WEIGHT * ceiling_best + (1 - PHRASE_WEIGHT) * coverage
        floor = -np.inf
        if len(plain_totals) >= limit:  # the results' lowest score is at least the limit-th best so far
            floor = np.partition(plain_totals, len(plain_totals) - limit)[len(plain_totals) - limit] - 1e-4
        reachable = (ceiling_totals > min_score) & (ceiling_totals >= floor)
        worth &= reachable[key_of]
        at = np.flatnonzero(worth)
        if not len(at):
            return scores
        shares = 2 * np.minimum(masses[at], query_mass) / (masses[at] + query_mass)
        # a ratio raises a phrase's score only above score / (discount · share): lower ones need no exact value
        needed = float(np.min(scores[at] / (FUZZY_DISCOUNT * shares))) * 100 - 1e-6
        ratios = scored.partial_ratios(phrases[at], [self._phrases[i].text for i in phrases[at]], needed) / 100
        fuzzy = FUZZY_DISCOUNT * (2 * (ratios * np.minimum(masses[at], query_mass)) / (masses[at] + query_mass))
        scores = scores.copy()
        scores[at] = np.maximum(scores[at], fuzzy)
        return scores

    def _segments(self, text: str) -> list[str]:
        """The text split around neutral terms (place names), which are dropped."""
        if self._neutral is None:
            return [text] if text else []
        return [s for s in self._neutral.split(text) if s]


ANCHOR_MAX_ITEMS = 2  # a word in the names of at most this many items is distinctive …
ANCHOR_MAX_FREQUENCY = 5000  # … unless everyday Chinese uses it this often (jieba's counts: 孩子, 多少, 关系)


def everyday_frequency(word: str) -> int:
    """How often everyday Chinese uses the word (jieba's counts; 0 for a word its dictionary lacks)."""
    jieba.dt.check_initialized()
    return jieba.dt.FREQ.get(word) or 0


# Words of errands in general: "法律援助去哪申请" and "出生证明能补办不" name no service of ours by them
ERRAND_WORDS = frozenset({"申请", "补办", "办理", "手续", "证明", "材料", "流程", "咨询", "服务"})
# jieba's guesses at words it does not know glue a modal or a particle to one character ("外地住院能刷医保吗" →
# 能刷, "证在哪办" → 证在): no word of a service's, or "能刷不" after 一卡通 would name 住院直接结算
_GLUED = re.compile(r"^[能可要会得该].$|^.[吗了过在用要]$")


def _content_words(names: dict[str, list[str]], neutral: re.Pattern[str] | None) -> dict[str, set[str]]:
    """Each item's words that say what it is about: not particles, places, errands in general or everyday words."""
    jieba.dt.check_initialized()
    everyday = jieba.dt.FREQ

    def content(word: str) -> bool:
        return (
            len(word) >= 2
            and word not in ERRAND_WORDS
            and any(ch not in FUNCTION_CHARS for ch in word)
            and not (neutral and neutral.search(word))
            and everyday.get(word, 0) < ANCHOR_MAX_FREQUENCY
            and not (word not in everyday and _GLUED.match(word))
            and aspects.without_cues(word).strip()  # not a question word ("啥时候", of "一网通办啥时候开始的")
        )

    return {key: {w for n in ns for w in vocabulary_of([n]) if content(w)} for key, ns in names.items()}


GENERIC_NOUN = 20000  # jieba counts a noun this often: said of anything (时间, 问题, 工作), no matter of its own
_NOUN_TAGS = frozenset({"n", "nz", "nt", "nl", "ng"})  # jieba.posseg's nouns; places (ns) are the KB's terms
_NOT_A_MATTER = frozenset(
    {"东西", "事情", "事儿", "情况", "时候", "地方", "办法", "意思", "样子", "手续", "都行", "也行", "就行", "才行"}
    | {"块钱", "毛钱", "算数"}  # "六千来块钱", "到时候算数不"
)  # (jieba takes "都行" for a noun)
# who the citizen asks for ("是我奶奶 她今年才58"): a person, no matter of its own
_FAMILY = frozenset(
    {"奶奶", "爷爷", "姥姥", "姥爷", "外婆", "外公", "婆婆", "公公", "岳父", "岳母", "丈母娘", "老丈人", "孙子", "孙女"}
    | {"外孙", "外孙女", "儿媳", "儿媳妇", "女婿", "老伴", "老公", "老婆", "媳妇", "闺女", "儿子", "女儿", "父母"}
    | {"爸妈", "哥哥", "姐姐", "弟弟", "妹妹", "亲戚", "家人", "家里人"}
)


def said_of_anything(word: str) -> bool:
    """A word everyday Chinese says of anything (可以, 时间, 东西): it names no matter."""
    return word in _NOT_A_MATTER or word in _FAMILY or _word_count(word) >= GENERIC_NOUN


@functools.lru_cache(maxsize=4096)  # one answer asks it of the same text many times; jieba's tagging is slow
def nouns_of(text: str) -> frozenset[str]:
    """The nouns of the text besides its aspect cues, that could name a matter: "房子", "彩礼", "酒店" (not "东西",
    nor nouns everyday Chinese says of anything)."""
    return frozenset(
        pair.word
        for pair in jieba.posseg.lcut(aspects.without_cues(text))
        if pair.flag in _NOUN_TAGS
        and len(pair.word) >= 2
        and all("\u4e00" <= ch <= "\u9fff" for ch in pair.word)
        and not said_of_anything(pair.word)
    )


@functools.lru_cache(maxsize=4096)
def rare_words_of(text: str, with_runs: bool = True) -> frozenset[str]:
    """The text's words and two-character runs that could be a fact's own (区号, 领卡, 承诺书): no particles,
    question words, errands in general or everyday words (jieba splits 区号, so runs count too, unless not wanted)."""
    jieba.dt.check_initialized()
    everyday = jieba.dt.FREQ
    runs = {a + b for part in _KEEP.findall(text) for a, b in itertools.pairwise(part)} if with_runs else set()
    candidates = {w for w in jieba.lcut(text) if len(w) >= 2} | runs
    return frozenset(
        w
        for w in candidates
        if all(ch not in FUNCTION_CHARS and "\u4e00" <= ch <= "\u9fff" for ch in w)
        and w not in ERRAND_WORDS
        and everyday.get(w, 0) < ANCHOR_MAX_FREQUENCY
        and aspects.without_cues(w).strip() == w
    )


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


class _Postings:
    """Rows (phrases or items) by feature: per query, the rows' summed weights in one numpy pass.

    A row's sum adds its weights in the order of the query's features, as a Python loop over the
    postings would: the same floats, so the ranking does not depend on how it was computed."""

    def __init__(self, spans: dict[str, tuple[int, int]], rows: np.ndarray, weights: np.ndarray, size: int) -> None:
        self.spans, self.rows, self.weights, self.size = spans, rows, weights, size

    @classmethod
    def of_rows(cls, rows: Sequence[Features]) -> _Postings:
        columns: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for row, features in enumerate(rows):
            for gram, weight in features.items():
                columns[gram].append((row, weight))
        spans, flat = {}, []
        for gram, postings in columns.items():
            spans[gram] = (len(flat), len(flat) + len(postings))
            flat += postings
        return cls(
            spans,
            np.array([row for row, _ in flat], dtype=np.intp),
            np.array([weight for _, weight in flat], dtype=float),
            len(rows),
        )

    def row_weights(self, query: Features) -> np.ndarray:
        """For each row: its own weight of the features it shares with the query."""
        at, _ = self._postings(query)
        return np.bincount(self.rows[at], weights=self.weights[at], minlength=self.size)

    def query_weights(self, query: Features) -> np.ndarray:
        """For each row: the query's weight of the features it shares with the row."""
        at, counts = self._postings(query)
        return np.bincount(self.rows[at], weights=np.repeat(list(query.values()), counts), minlength=self.size)

    def _postings(self, query: Features) -> tuple[np.ndarray, np.ndarray]:
        """Where the query's features' postings are in `rows` and `weights`, and how many each has."""
        spans = np.array([self.spans.get(gram, (0, 0)) for gram in query], dtype=np.intp).reshape(-1, 2)
        starts, counts = spans[:, 0], spans[:, 1] - spans[:, 0]
        ends = np.cumsum(counts)
        return np.arange(ends[-1] if len(ends) else 0) + np.repeat(starts - (ends - counts), counts), counts


def _ratios(matched: np.ndarray, phrase_masses: np.ndarray, query_mass: float) -> np.ndarray:
    """F1 of the overlap: twice the matched weight over both masses."""
    if not query_mass:
        return np.zeros(len(matched))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(phrase_masses > 0, 2 * matched / (phrase_masses + query_mass), 0.0)


def _fuzzy_able(phrase: str) -> bool:
    """Character edits are typos in words, not in numbers; and a short phrase is not matched loosely."""
    return len(phrase) >= FUZZY_MIN_PHRASE and not _DIGITS.search(phrase)


def _partial_ratios(texts: Sequence[str], query: str, at_least: float = 0.0) -> np.ndarray:
    """fuzz.partial_ratio(text, query) of each text, computed in one call; a ratio below `at_least` is
    given as 0 (rapidfuzz then skips work, about 40 % of it on citizens' questions)."""
    if not texts:
        return np.zeros(0)
    cutoff = max(0.0, min(100.0, at_least))
    return process.cdist(texts, [query], scorer=fuzz.partial_ratio, dtype=np.float64, score_cutoff=cutoff)[:, 0]
