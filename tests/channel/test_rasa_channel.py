"""Rasa's safe REST channel (bot/rasa_channel.py), in Rasa's environment: cleaning and masking."""

from __future__ import annotations

from bot.rasa_channel import clean_text


def test_rasa_channel_masks_before_it_cuts() -> None:
    text = clean_text("好" * 495 + "340102199001011234")
    assert "34010" not in text and text.startswith("好" * 495)
