"""`rasa data validate` is clean, and the NLU data follow docs/nlu-guide.md."""

from __future__ import annotations

import re

import numpy
import pytest
import yaml
from rapidfuzz import fuzz, process
from rasa.shared.nlu.training_data.loading import load_data

from harness.citizen import SET_NAMES, load_conversations, load_questions
from kb.settings import PROJECT_ROOT
from tests.rasa.conftest import rasa

NEAR_COPY = 90

# Warnings Rasa's validator gives for things that are used, just not by a story or rule:
# the forms' questions, the greeting sent by action_greet, "anything else?", "I am a bot" and "you're welcome" sent by
# action_answer, and the button-only intents.
KNOWN_FALSE_WARNINGS = {
    "The intent 'choose_service' is listed in the domain file, but is not found in the NLU training data.",
    "The intent 'tailor_medical' is listed in the domain file, but is not found in the NLU training data.",
    *(
        f"The utterance '{u}' is not used in any story or rule."
        for u in (
            "utter_ask_medical_stay",
            "utter_ask_medical_emergency",
            "utter_ask_medical_referral",
            "utter_ask_handoff_text",
            "utter_greet",
            "utter_anything_else",
            "utter_iamabot",
            "utter_you_are_welcome",
        )
    ),
}


@pytest.mark.slow
def test_rasa_data_validate_is_clean() -> None:
    result = rasa("data", "validate", "--fail-on-warnings", timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    warnings = set(re.findall(r"UserWarning: (.+?)\n", result.stderr))
    assert warnings <= KNOWN_FALSE_WARNINGS, warnings - KNOWN_FALSE_WARNINGS
    assert "No story structure conflicts found" in result.stdout + result.stderr


def _examples(path: str):
    return load_data(str(PROJECT_ROOT / path)).training_examples


def _plain(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


def test_training_and_test_sets_do_not_overlap() -> None:
    """Not even up to case, spaces and punctuation."""
    train = {_plain(e.get("text")) for e in _examples("data/nlu")}
    test = {_plain(e.get("text")) for e in _examples("tests/nlu/test_nlu.yml")}
    assert not train & test


def _citizen_messages() -> list[str]:
    """Every message of the independent citizen sets (tests/citizen), held-out and dev."""
    texts = []
    for name in SET_NAMES:
        texts += [c.text for c in load_questions(name)]
        texts += [t.text for c in load_conversations(name) for t in c.turns]
    return texts


@pytest.mark.parametrize("source", ["tests/nlu/test_nlu.yml", "tests/citizen"])
def test_no_test_message_is_a_near_copy_of_a_training_one(source: str) -> None:
    """A held-out message that differs from a training one by a particle measures memory, not
    understanding (rapidfuzz's ratio on the plain text; 社保卡能当公交卡用不/用吗 scores 90). The citizen
    sets are kept out of the training data the same way."""
    train = [_plain(e.get("text")) for e in _examples("data/nlu")]
    if source == "tests/citizen":
        test = [_plain(t) for t in _citizen_messages()]
    else:
        test = [_plain(e.get("text")) for e in _examples(source)]
    test = [t for t in test if t]  # an emoji alone ("🙏") says nothing to copy
    scores = process.cdist(test, train, scorer=fuzz.ratio)
    near = [(test[i], train[j]) for i, j in zip(*numpy.nonzero(scores >= NEAR_COPY), strict=True)]
    assert not near


def test_test_set_covers_every_intent_with_300_plus_messages() -> None:
    from rasa.shared.core.domain import Domain

    domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    test = _examples("tests/nlu/test_nlu.yml")
    assert len(test) >= 300
    buttons_only = {"choose_service", "tailor_medical"}
    own_intents = set(domain.intents) - buttons_only - {"back", "restart", "session_start", "nlu_fallback"}
    assert {e.get("intent") for e in test} == own_intents


def test_no_service_entities_are_annotated() -> None:
    """Services are found by the KB search and the entity ruler, not by the NLU classifier (docs/nlu-guide.md)."""
    for path in ("data/nlu", "tests/nlu/test_nlu.yml"):
        assert not any(x["entity"] == "service" for e in _examples(path) for x in e.get("entities") or [])


def _rule_intents(path: str) -> dict[str, set[str]]:
    """Each rule's name → the intents its first step accepts."""
    rules = yaml.safe_load((PROJECT_ROOT / path).read_text(encoding="utf-8"))["rules"]
    found = {}
    for rule in rules:
        first = rule["steps"][0]
        options = first.get("or", [first])
        found[rule["rule"]] = {step["intent"] for step in options if "intent" in step}
    return found


def test_every_kb_service_intent_is_routed(kb) -> None:
    """The KB names each service's intent; the domain and the hand-written rules must know them all."""
    from rasa.shared.core.domain import Domain

    intents = set(kb.service_intents())
    assert intents <= set(Domain.load(str(PROJECT_ROOT / "domain.yml")).intents)
    answered = _rule_intents("data/rules/services.yml")["answer a question from the KB"]
    assert intents <= answered  # answered first, every one of them; forms only tailor
    assert {"out_of_scope", "nlu_fallback"} <= answered  # a service NLU does not know yet may be named
    forms = _rule_intents("data/rules/forms.yml")
    assert intents <= forms["leave the medical_form for another question"]
