"""The project's spaCy tokenizer for citizens' Chinese: jieba with the KB's vocabulary.

Before segmenting, the text is normalised and homophone typos of KB terms are corrected
(kb.textnorm, length-preserving). KB terms (bureaus, places, diseases, short service names) are then
cut out whole, so "到宿州" is 到|宿州 rather than jieba's 到宿|州, and jieba segments the text between
them. Tokens keep the citizen's own characters (so entity offsets are theirs) while `norm_` and
`lemma_` carry the corrected form: the entity ruler matches on NORM and Rasa's featurizers read the
lemma, so "医宝" is understood as "医保" without rewriting the message.

Registered for spaCy as `suzhou_kb_tokenizer.v1` through the project's entry point, so a pipeline
saved to disk loads in any process where the project is installed (Rasa's SpacyNLP included).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import jieba
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import get_words_and_spaces, registry
from spacy.vocab import Vocab

from kb.textnorm import PinyinCorrector, normalize

VOCABULARY_FILE = "kb_vocabulary.json"
jieba.setLogLevel(60)


@registry.tokenizers("suzhou_kb_tokenizer.v1")
def create_tokenizer() -> Callable[[Language], SuzhouKbTokenizer]:
    def make(nlp: Language) -> SuzhouKbTokenizer:
        return SuzhouKbTokenizer(nlp.vocab)

    return make


class SuzhouKbTokenizer:
    def __init__(
        self,
        vocab: Vocab,
        user_words: Iterable[str] = (),
        correction_terms: Iterable[str] = (),
    ) -> None:
        self.vocab = vocab
        self.configure(user_words, correction_terms)

    def configure(self, user_words: Iterable[str], correction_terms: Iterable[str]) -> None:
        """Set the KB vocabulary: words kept whole by jieba, terms whose typos get corrected."""
        self.user_words = sorted(set(user_words))
        self.correction_terms = sorted(set(correction_terms))
        self._segmenter = jieba.Tokenizer()  # its own dictionary, not jieba's global one
        self._segmenter.initialize()
        for word in self.user_words:
            self._segmenter.add_word(word)
        self._corrector = PinyinCorrector(self.correction_terms, self._word_frequency)
        self._terms = {normalize(w) for w in self.user_words if len(w) >= 2}
        self._longest_term = max((len(t) for t in self._terms), default=0)

    def _word_frequency(self, word: str) -> int:
        return self._segmenter.FREQ.get(word, 0)

    def __call__(self, text: str) -> Doc:
        corrected = self._corrector.correct(normalize(text))
        pieces = [p for p in self._segment(corrected) if p]
        words_in_text, position = [], 0
        for piece in pieces:
            words_in_text.append(text[position : position + len(piece)])
            position += len(piece)
        words, spaces = get_words_and_spaces(words_in_text, text)
        doc = Doc(self.vocab, words=words, spaces=spaces)
        for token in doc:
            meant = corrected[token.idx : token.idx + len(token.text)]
            token.norm_ = meant
            token.lemma_ = meant
        return doc

    def _segment(self, text: str) -> list[str]:
        """KB terms whole (longest first, left to right); jieba for the text between them."""
        pieces: list[str] = []
        start = gap = 0
        while start < len(text):
            term = self._term_at(text, start)
            if term is None:
                start += 1
                continue
            if gap < start:
                pieces += self._segmenter.lcut(text[gap:start], HMM=True)
            pieces.append(term)
            start = gap = start + len(term)
        if gap < len(text):
            pieces += self._segmenter.lcut(text[gap:], HMM=True)
        return pieces

    def _term_at(self, text: str, start: int) -> str | None:
        for length in range(min(self._longest_term, len(text) - start), 1, -1):
            if text[start : start + length] in self._terms:
                return text[start : start + length]
        return None

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterable[Doc]:
        for text in texts:
            yield self(text)

    # --- serialisation (spaCy's tokenizer protocol) ---------------------------------------------

    def to_bytes(self, **_kwargs: Any) -> bytes:
        data = {"user_words": self.user_words, "correction_terms": self.correction_terms}
        return json.dumps(data, ensure_ascii=False).encode("utf-8")

    def from_bytes(self, data: bytes, **_kwargs: Any) -> SuzhouKbTokenizer:
        loaded = json.loads(data.decode("utf-8"))
        self.configure(loaded["user_words"], loaded["correction_terms"])
        return self

    def to_disk(self, path: str | Path, **kwargs: Any) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / VOCABULARY_FILE).write_bytes(self.to_bytes(**kwargs))

    def from_disk(self, path: str | Path, **kwargs: Any) -> SuzhouKbTokenizer:
        return self.from_bytes((Path(path) / VOCABULARY_FILE).read_bytes(), **kwargs)
