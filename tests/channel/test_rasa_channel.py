"""Rasa's safe REST channel (bot/rasa_channel.py), in Rasa's environment: cleaning and masking."""

from __future__ import annotations

import json
import re

from actions.replies import NEXT_QUESTIONS
from bot.rasa_channel import BUTTON_INTENTS, clean_text, safe_payload
from kb.settings import PROJECT_ROOT


def test_rasa_channel_masks_before_it_cuts() -> None:
    text = clean_text("好" * 495 + "340102199001011234")
    assert "34010" not in text and text.startswith("好" * 495)


def test_entity_values_decoded_from_a_button_payload_are_masked() -> None:
    """A payload is kept as a button (it is one of the assistant's own), but JSON escapes cannot carry
    a number past the masking into the entities Rasa stores."""
    escaped = "".join(f"\\u{ord(d):04x}" for d in "13812345678")
    text = safe_payload(clean_text('/inform{"stay_type":"' + escaped + '"}'))
    assert text.startswith("/inform{")
    assert json.loads(text[len("/inform") :]) == {"stay_type": "***"}
    kept = safe_payload(clean_text('/inform{"stay_type":"长期居住"}'))
    assert json.loads(kept[len("/inform") :]) == {"stay_type": "长期居住"}


def test_every_button_the_assistant_sends_is_accepted_as_a_button() -> None:
    """A payload the channel does not accept reaches Rasa as plain text: the button would do nothing."""
    sources = [*(PROJECT_ROOT / "actions").glob("*.py"), PROJECT_ROOT / "domain.yml"]
    found = {m for path in sources for m in re.findall(r"""["' ]/([a-z_]+)""", path.read_text(encoding="utf-8"))}
    intents = {i for i in found if not i.endswith("_")} | {f"ask_{aspect}" for aspect, _ in NEXT_QUESTIONS}
    assert {"tailor_medical", "choose_service", "request_human"} <= intents
    assert intents <= BUTTON_INTENTS
    for intent in intents:
        assert safe_payload(f"/{intent}") == f"/{intent}"
