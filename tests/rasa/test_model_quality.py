"""NLU quality on the held-out test set, and the conversation tests, on the trained model."""

from __future__ import annotations

import json
import re

import pytest

from bot.gate import ENTITY_F1, INTENT_MACRO_F1
from tests.rasa.conftest import RESULTS, rasa


@pytest.mark.slow
def test_nlu_on_held_out_messages(model) -> None:
    out = RESULTS / "nlu"
    result = rasa("test", "nlu", "--nlu", "tests/nlu/test_nlu.yml", "--model", str(model), "--out", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    intents = json.loads((out / "intent_report.json").read_text())
    entities = json.loads((out / "CRFEntityExtractor_report.json").read_text())
    summary = _summary(intents, entities)
    (out / "summary.txt").write_text(summary, encoding="utf-8")
    print(summary)
    assert intents["macro avg"]["f1-score"] >= INTENT_MACRO_F1, summary
    assert entities["micro avg"]["f1-score"] >= ENTITY_F1, summary
    assert (out / "intent_confusion_matrix.png").exists()


def _summary(intents: dict, entities: dict) -> str:
    lines = [
        f"intent macro F1 {intents['macro avg']['f1-score']:.3f}  accuracy {intents['accuracy']:.3f}",
        f"entity micro F1 {entities['micro avg']['f1-score']:.3f}",
        "per intent (precision recall f1 support):",
    ]
    for name, r in sorted(intents.items()):
        if isinstance(r, dict) and "support" in r and name not in ("macro avg", "weighted avg", "micro avg"):
            lines.append(f"  {name:<26} {r['precision']:.2f} {r['recall']:.2f} {r['f1-score']:.2f} {r['support']}")
    lines.append("per entity:")
    for name, r in sorted(entities.items()):
        if isinstance(r, dict) and "support" in r and "avg" not in name:
            lines.append(f"  {name:<26} {r['precision']:.2f} {r['recall']:.2f} {r['f1-score']:.2f} {r['support']}")
    return "\n".join(lines) + "\n"


@pytest.mark.slow
def test_conversations(model) -> None:
    out = RESULTS / "core"
    result = rasa(
        "test", "core", "--stories", "tests/test_stories.yml", "--model", str(model),
        "--out", str(out), "--fail-on-prediction-errors",
    )  # fmt: skip
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-4000:] + (out / "failed_test_stories.yml").read_text()[:4000]
    correct = re.findall(r"Correct:\s+(\d+) / (\d+)", log)
    assert correct and all(a == b for a, b in correct), correct
    assert int(correct[0][1]) >= 40  # conversations
