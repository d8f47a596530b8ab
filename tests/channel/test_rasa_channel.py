"""Rasa's safe REST channel (bot/rasa_channel.py), in Rasa's environment: cleaning and masking."""

from __future__ import annotations

import json

from bot.rasa_channel import clean_text, safe_payload


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
