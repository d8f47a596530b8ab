"""`rasa data validate` is clean, and the NLU data follow docs/nlu-guide.md."""

from __future__ import annotations

import re

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from kb.settings import PROJECT_ROOT
from tests.rasa.conftest import rasa

# Warnings Rasa's validator gives for things that are used, just not by a story or rule:
# the forms' questions, the greeting sent by action_greet, and the button-only intent.
KNOWN_FALSE_WARNINGS = {
    "The intent 'choose_service' is listed in the domain file, but is not found in the NLU training data.",
    *(
        f"The utterance '{u}' is not used in any story or rule."
        for u in (
            "utter_ask_medical_stay",
            "utter_ask_medical_emergency",
            "utter_ask_medical_referral",
            "utter_ask_card_problem",
            "utter_ask_handoff_text",
            "utter_greet",
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


def test_test_set_covers_every_intent_with_300_plus_messages() -> None:
    from rasa.shared.core.domain import Domain

    domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    test = _examples("tests/nlu/test_nlu.yml")
    assert len(test) >= 300
    own_intents = set(domain.intents) - {"choose_service", "back", "restart", "session_start", "nlu_fallback"}
    assert {e.get("intent") for e in test} == own_intents


def test_no_service_entities_are_annotated() -> None:
    """Services are found by the KB search and the entity ruler, not by DIET (docs/nlu-guide.md)."""
    for path in ("data/nlu", "tests/nlu/test_nlu.yml"):
        assert not any(x["entity"] == "service" for e in _examples(path) for x in e.get("entities") or [])
