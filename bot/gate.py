"""The quality gate a newly trained model passes before citizens get it (run in-process by the training job).

Both the candidate and the model serving now are measured the same way, in this process:
- NLU on the held-out NLU examples (tests/nlu/test_nlu.yml): intent macro-F1 and entity F1 (exact
  spans) must reach the test suite's thresholds, and no intent's F1 may fall by more than
  MAX_INTENT_DROP from the serving model's.
- Answers on the independent citizen set (harness.citizen, the held-out questions and conversations),
  through the gate's own action server: each measure must reach its target or be no worse than the
  serving model's (right bureau and key fact within half a percentage point, declined within one
  question, conversations within one): a model is never swapped in that answers citizens worse than
  the one it replaces. (Requiring every target outright would block all retraining while the serving
  model itself misses one.)
Only figures are reported, never the citizen set's questions (it is a yardstick, not tuning data).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rasa.core.agent import Agent
from rasa.nlu.classifiers import fallback_classifier
from rasa.shared.nlu.training_data.loading import load_data
from rasa.utils.endpoints import EndpointConfig
from sklearn.metrics import precision_recall_fscore_support

from bot.rasa_channel import clean_text, safe_payload
from harness.citizen import (
    DECLINED_TARGET,
    KEY_FACT_TARGET,
    RIGHT_BUREAU_TARGET,
    Judge,
    Report,
    load_conversations,
    load_questions,
    run,
)
from kb.queries import KnowledgeBase
from kb.settings import PROJECT_ROOT

NLU_TEST_SET = PROJECT_ROOT / "tests" / "nlu" / "test_nlu.yml"
CITIZEN_SET = "heldout"
INTENT_MACRO_F1 = 0.90
ENTITY_F1 = 0.85
MAX_INTENT_DROP = 0.10  # one intent may not lose more F1 than this, however good the average stays
REPORTED_DROP = 0.02  # intents that fell at least this much are listed for staff


@dataclass
class NluScores:
    intent_f1: dict[str, float]
    macro_f1: float
    entity_f1: float


@dataclass
class CitizenScores:
    """None where the part of the set behind a figure was not asked (see parts_to_compare)."""

    right_bureau: float | None
    key_fact: float | None
    declined: float | None
    declined_of: int
    conversations: int | None
    conversations_of: int


IN_SCOPE, OUT_OF_SCOPE, CONVERSATIONS = "in_scope", "out_of_scope", "conversations"
ALL_PARTS = frozenset({IN_SCOPE, OUT_OF_SCOPE, CONVERSATIONS})


@dataclass
class GateResult:
    passed: bool
    reasons: list[str] = field(default_factory=list)
    fell: list[dict[str, Any]] = field(default_factory=list)  # {"intent", "before", "after"}
    candidate: dict[str, Any] = field(default_factory=dict)
    serving: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- measuring ----------------------------------------------------------------------------------------
def load_agent(model: Path, action_url: str | None = None) -> Agent:
    return Agent.load(str(model), action_endpoint=EndpointConfig(action_url) if action_url else None)


def nlu_scores(agent: Agent, test_set: Path = NLU_TEST_SET) -> NluScores:
    examples = load_data(str(test_set)).intent_examples
    parsed = asyncio.run(_parse_all(agent, [e.get("text") for e in examples]))
    gold = [e.get("intent") for e in examples]
    predicted = [p["intent"]["name"] if p.get("intent") else "" for p in parsed]
    labels = sorted(set(gold) | set(predicted))
    _, _, f1, _ = precision_recall_fscore_support(gold, predicted, labels=labels, zero_division=0)
    intent_f1 = {label: round(float(score), 4) for label, score in zip(labels, f1, strict=True) if label in set(gold)}
    return NluScores(intent_f1, round(float(sum(f1) / len(f1)), 4), _entity_f1(examples, parsed))


async def _parse_all(agent: Agent, texts: Sequence[str]) -> list[dict[str, Any]]:
    """Parses with the FallbackClassifier's override undone, as `rasa test nlu` scores them (the
    thresholds are the test suite's, measured that way)."""
    parsed = [await agent.parse_message(text) for text in texts]
    return [
        fallback_classifier.undo_fallback_prediction(p) if fallback_classifier.is_fallback_classifier_prediction(p)
        else p
        for p in parsed
    ]  # fmt: skip


def _entity_f1(examples: Sequence[Any], parsed: Sequence[dict[str, Any]]) -> float:
    """Micro F1 over exact (entity, start, end) spans, for the entity types the test set annotates."""
    types = {e["entity"] for ex in examples for e in ex.get("entities") or []}
    hits = gold_total = predicted_total = 0
    for example, result in zip(examples, parsed, strict=True):
        gold = {(e["entity"], e["start"], e["end"]) for e in example.get("entities") or []}
        found = {(e["entity"], e["start"], e["end"]) for e in result.get("entities") or [] if e["entity"] in types}
        hits += len(gold & found)
        gold_total += len(gold)
        predicted_total += len(found)
    if not hits:
        return 0.0
    precision, recall = hits / predicted_total, hits / gold_total
    return round(2 * precision * recall / (precision + recall), 4)


def citizen_scores(
    agent: Agent, kb: KnowledgeBase, parts: frozenset[str] = ALL_PARTS, set_name: str = CITIZEN_SET
) -> CitizenScores:
    """The citizen set's figures for `agent`, asking only the parts of the set named in `parts`."""
    questions = [
        c for c in load_questions(set_name)
        if (c.in_scope and IN_SCOPE in parts) or (c.out_of_scope and OUT_OF_SCOPE in parts)
    ]  # fmt: skip
    conversations = load_conversations(set_name) if CONVERSATIONS in parts else []
    loop = asyncio.new_event_loop()
    prefix = f"gate-{uuid.uuid4().hex[:8]}"

    def ask(sender: str, text: str) -> list[dict]:
        message = safe_payload(clean_text(text))
        return loop.run_until_complete(agent.handle_text(message, sender_id=f"{prefix}-{sender[-12:]}")) or []

    try:
        report = run(ask, Judge(kb), questions, conversations)
    finally:
        loop.close()
    return _citizen_figures(report, parts)


def parts_to_compare(candidate: CitizenScores) -> frozenset[str]:
    """The parts of the set the serving model must be asked too: those where the candidate misses its
    target (elsewhere the target alone decides)."""
    parts = set()
    if candidate.right_bureau < RIGHT_BUREAU_TARGET or candidate.key_fact < KEY_FACT_TARGET:
        parts.add(IN_SCOPE)
    if candidate.declined < DECLINED_TARGET:
        parts.add(OUT_OF_SCOPE)
    if candidate.conversations < candidate.conversations_of:
        parts.add(CONVERSATIONS)
    return frozenset(parts)


def _citizen_figures(report: Report, parts: frozenset[str]) -> CitizenScores:
    return CitizenScores(
        right_bureau=round(report.bureau_rate, 4) if IN_SCOPE in parts else None,
        key_fact=round(report.fact_rate, 4) if IN_SCOPE in parts else None,
        declined=round(report.declined_rate, 4) if OUT_OF_SCOPE in parts else None,
        declined_of=sum(v.case.out_of_scope for v in report.questions),
        conversations=report.conversations_passed if CONVERSATIONS in parts else None,
        conversations_of=len(report.conversations),
    )


# --- judging ------------------------------------------------------------------------------------------
def judge_nlu(candidate: NluScores, serving: NluScores, result: GateResult) -> None:
    if candidate.macro_f1 < INTENT_MACRO_F1:
        result.reasons.append(f"意图宏平均F1 {candidate.macro_f1:.4f}，低于 {INTENT_MACRO_F1:.2f}")
    if candidate.entity_f1 < ENTITY_F1:
        result.reasons.append(f"实体F1 {candidate.entity_f1:.4f}，低于 {ENTITY_F1:.2f}")
    for intent, before in sorted(serving.intent_f1.items()):
        after = candidate.intent_f1.get(intent, 0.0)
        if before - after >= REPORTED_DROP:
            result.fell.append({"intent": intent, "before": before, "after": after})
        if before - after > MAX_INTENT_DROP:
            result.reasons.append(f"意图 {intent} 的F1从 {before:.2f} 降到 {after:.2f}")
    result.fell.sort(key=lambda f: f["after"] - f["before"])
    result.candidate["nlu"] = asdict(candidate)
    result.serving["nlu"] = asdict(serving)


def judge_citizen(candidate: CitizenScores, serving: CitizenScores, result: GateResult) -> None:
    """`serving` need only have the figures where the candidate misses its target."""
    one_question = 1 / max(candidate.declined_of, 1)
    checks = [
        ("答对负责部门", candidate.right_bureau, serving.right_bureau, RIGHT_BUREAU_TARGET, 0.005),
        ("答出关键事实", candidate.key_fact, serving.key_fact, KEY_FACT_TARGET, 0.005),
        ("婉拒范围外问题", candidate.declined, serving.declined, DECLINED_TARGET, one_question + 1e-9),
    ]
    for label, now, before, target, tolerance in checks:
        if now < target and now < before - tolerance:
            result.reasons.append(f"{label} {now:.3f}，低于目标 {target:.2f}，也低于正在服务的模型（{before:.3f}）")
    if candidate.conversations < candidate.conversations_of and candidate.conversations < serving.conversations - 1:
        result.reasons.append(
            f"多轮对话通过 {candidate.conversations}/{candidate.conversations_of}，"
            f"正在服务的模型为 {serving.conversations}/{serving.conversations_of}"
        )
    result.candidate["citizen"] = asdict(candidate)
    result.serving["citizen"] = asdict(serving)
