"""Which KB changes the running model has not learnt yet, and the command that teaches it.

Service content, aliases and FAQs reach answers at once (the actions and the search read the KB).
What needs a rebuild and retraining: names and aliases the spaCy pipeline's tokenizer, typo corrector
and entity ruler were built from, the generated synonyms and lookup tables, and services whose NLU
intent the model does not know (they are reachable through search and suggestions only).
"""

from __future__ import annotations

from typing import Any

import yaml

from kb import settings
from kb.queries import KnowledgeBase
from nlp.build import built_fingerprint, collect

RETRAIN_COMMAND = "make model（或重新运行 make run）"


def model_intents() -> set[str]:
    domain = yaml.safe_load((settings.PROJECT_ROOT / "domain.yml").read_text("utf-8"))
    return set(domain.get("intents") or [])


def retraining_report(kb: KnowledgeBase) -> dict[str, Any]:
    vocabulary = collect(kb)
    current = vocabulary.fingerprint(settings.env("SZ_SPACY_BASE"))
    built = built_fingerprint()
    intents = model_intents()
    without_intent = [
        {"key": s.key, "name": s.name, "intent": s.intent}
        for topic in kb.topics()
        for s in kb.services_by_topic(topic)
        if not s.intent or s.intent not in intents
    ]
    return {
        "vocabulary_changed": built is not None and built != current,
        "pipeline_missing": built is None,
        "without_intent": without_intent,
        "command": RETRAIN_COMMAND,
    }
