"""Build the NLU artefacts that come from the knowledge base.

- `build/spacy/zh_suzhou_kb`: a Chinese spaCy pipeline — the project's jieba tokenizer with the KB's
  words and typo-correction terms, and an entity ruler whose patterns are the KB's service, bureau,
  place and disease names and aliases. Rasa's SpacyNLP loads it by path. By default it starts from a
  blank `zh` pipeline; with SZ_SPACY_BASE naming a real `zh_core_web_sm` 3.4.x it starts from that.
- `data/nlu/generated/kb.yml`: entity synonyms (alias → the KB's canonical name) and lookup tables.
- `data/nlu/generated/staff.yml`: the NLU examples admins accepted on the staff pages (训练例句).

Each is rewritten only when the KB content behind it changed, so an unchanged KB never triggers
retraining.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kb import settings
from kb.queries import SITUATIONS, KnowledgeBase

PIPELINE_DIR = settings.PROJECT_ROOT / "build" / "spacy" / "zh_suzhou_kb"
GENERATED_NLU = settings.PROJECT_ROOT / "data" / "nlu" / "generated" / "kb.yml"
STAFF_EXAMPLES = settings.PROJECT_ROOT / "data" / "nlu" / "generated" / "staff.yml"
TOKENIZER = {"@tokenizers": "suzhou_kb_tokenizer.v1"}
SHORT_ALIAS = 4  # service aliases up to this length are kept whole by the segmenter (社保卡, 一卡通行)
RULER_LABELS = ("service", "bureau", "place", "disease")


@dataclass(frozen=True)
class KbVocabulary:
    """Everything the NLU artefacts take from the KB, in a stable order."""

    patterns: list[dict[str, str]]
    user_words: list[str]
    correction_terms: list[str]
    synonyms: dict[str, list[str]]
    lookups: dict[str, list[str]]

    def fingerprint(self, base: str) -> str:
        payload = json.dumps([base, self.__dict__], ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def collect(kb: KnowledgeBase) -> KbVocabulary:
    named: dict[str, dict[str, list[str]]] = {label: {} for label in RULER_LABELS}
    for service in _all_services(kb):
        named["service"][service.name] = [service.name, *service.aliases]
    for bureau in kb.bureaus():
        named["bureau"][bureau.name] = [bureau.name, *bureau.aliases]
    for term in kb.terms():
        if term.kind in named:  # not the English glossary: the resolver reads English, not the NLU
            named[term.kind][term.name] = [term.name, *term.aliases]

    patterns = [
        {"label": label, "pattern": surface, "id": canonical}
        for label in RULER_LABELS
        for canonical, surfaces in sorted(named[label].items())
        for surface in sorted(set(surfaces))
    ]
    entity_words = {s for label in ("bureau", "place", "disease") for ss in named[label].values() for s in ss}
    short_service_words = {s for ss in named["service"].values() for s in ss if len(s) <= SHORT_ALIAS}
    synonyms = {
        canonical: sorted(set(surfaces) - {canonical})
        for label in ("bureau", "place", "disease")
        for canonical, surfaces in sorted(named[label].items())
        if set(surfaces) - {canonical}
    }
    # what citizens say has happened to a card or how long they stay, in the value the forms and the resolver read
    synonyms |= {t.name: sorted(set(t.aliases) - {t.name}) for kind in SITUATIONS for t in kb.terms(kind)}
    lookups = {
        label: sorted({s for ss in named[label].values() for s in ss}) for label in ("bureau", "place", "disease")
    }
    # not an entity: a feature saying the message uses the words of some KB service, which long stories
    # about other matters (the weather, a neighbour, a job) do not
    lookups["service_word"] = sorted(kb.service_words())
    return KbVocabulary(
        patterns=patterns,
        user_words=sorted(entity_words | short_service_words),
        correction_terms=sorted(kb.vocabulary()),
        synonyms=synonyms,
        lookups=lookups,
    )


def _all_services(kb: KnowledgeBase) -> list[Any]:
    return [s for topic in kb.topics() for s in kb.services_by_topic(topic)]


def build_pipeline(vocabulary: KbVocabulary, base: str = "") -> Any:
    """A spaCy Language (spaCy is imported here only: the gateway reads fingerprints without it)."""
    import spacy

    importlib.import_module("nlp.tokenizer")  # registers the project's tokenizer with spaCy
    override = {"nlp": {"tokenizer": TOKENIZER}}
    pipeline = spacy.load(base, config=override) if base else spacy.blank("zh", config=override)
    pipeline.tokenizer.configure(vocabulary.user_words, vocabulary.correction_terms)
    ruler = pipeline.add_pipe("entity_ruler", config={"phrase_matcher_attr": "NORM", "overwrite_ents": True}, last=True)
    ruler.add_patterns(vocabulary.patterns)
    pipeline.meta.update(
        name="suzhou_kb",
        version="1.0.0",
        description="宿州长三角政务服务助手: jieba tokenizer and entity ruler built from the knowledge base",
        sources=[{"name": base or "blank zh pipeline"}],
    )
    return pipeline


def write_generated_nlu(vocabulary: KbVocabulary, path: Path = GENERATED_NLU) -> bool:
    """Write Rasa synonyms and lookup tables; True if the file changed."""
    nlu: list[dict[str, str]] = []
    for canonical, surfaces in vocabulary.synonyms.items():
        nlu.append({"synonym": canonical, "examples": "".join(f"- {s}\n" for s in surfaces)})
    for name, values in vocabulary.lookups.items():
        nlu.append({"lookup": name, "examples": "".join(f"- {v}\n" for v in values)})
    return _write_nlu(path, "# Generated from the knowledge base by `python -m nlp build`; do not edit.\n", nlu)


def write_staff_examples(examples: Iterable[tuple[str, str]], path: Path = STAFF_EXAMPLES) -> bool:
    """Write the (intent, text) examples admins accepted as Rasa NLU data; True if the file changed.
    With none it is still a valid training file (`nlu: []`)."""
    by_intent: dict[str, dict[str, None]] = {}
    for intent, text in examples:
        line = " ".join(text.split())  # an example is one line of the block
        if line:
            by_intent.setdefault(intent, {})[line] = None  # each text once, in the order given
    nlu = [
        {"intent": intent, "examples": "".join(f"- {text}\n" for text in texts)}
        for intent, texts in sorted(by_intent.items())
    ]
    header = "# Generated by `python -m nlp build` from the examples admins accepted (训练例句); do not edit.\n"
    return _write_nlu(path, header, nlu)


def _write_nlu(path: Path, header: str, nlu: list[dict[str, str]]) -> bool:
    """Write a Rasa NLU file unless it already has this content (an untouched file does not retrain)."""
    text = header + yaml.dump(
        {"version": "3.1", "nlu": nlu}, Dumper=_LiteralDumper, allow_unicode=True, sort_keys=False, width=1000
    )
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def built_fingerprint(target: Path = PIPELINE_DIR) -> str | None:
    """The KB fingerprint the pipeline on disk was built from."""
    meta = target / "meta.json"
    return json.loads(meta.read_text("utf-8")).get("kb_fingerprint") if meta.exists() else None


def build(
    kb: KnowledgeBase, target: Path = PIPELINE_DIR, force: bool = False, generated: Path = GENERATED_NLU.parent
) -> dict[str, bool]:
    """Rebuild whatever is out of date; returns which artefacts changed. The staff pages' retraining job
    builds into a work folder (`target`, `generated`) of its own."""
    vocabulary = collect(kb)
    fingerprint = vocabulary.fingerprint(settings.env("SZ_SPACY_BASE"))
    pipeline_changed = force or built_fingerprint(target) != fingerprint
    if pipeline_changed:
        pipeline = build_pipeline(vocabulary, settings.env("SZ_SPACY_BASE"))
        pipeline.meta["kb_fingerprint"] = fingerprint
        staging = target.with_name(target.name + ".tmp")
        shutil.rmtree(staging, ignore_errors=True)
        staging.parent.mkdir(parents=True, exist_ok=True)
        pipeline.to_disk(staging)
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
    return {
        "pipeline": pipeline_changed,
        "nlu_data": write_generated_nlu(vocabulary, generated / GENERATED_NLU.name),
        "staff_examples": write_staff_examples(kb.training_examples(), generated / STAFF_EXAMPLES.name),
    }


class _LiteralDumper(yaml.SafeDumper):
    """Dump multi-line strings as YAML block literals, the way Rasa's examples are written."""


def _literal(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_LiteralDumper.add_representer(str, _literal)
