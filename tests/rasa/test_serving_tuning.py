"""The Rasa server's speed-ups (bot/rasa_tuning.py) give Rasa's own results: same rules, same parses."""

from __future__ import annotations

import asyncio
import json
import random
import tarfile
from pathlib import Path
from typing import Any

import pytest
from rasa.core.agent import Agent
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.nlu.extractors.spacy_entity_extractor import SpacyEntityExtractor
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import rasa_tuning

RULES = "components/train_RulePolicy0/rule_policy.json"


def _as_conversation_state(state: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    # JSON turned the featurizer's tuples into lists
    return {part: {k: tuple(v) if isinstance(v, list) else v for k, v in f.items()} for part, f in state.items()}


@pytest.fixture(scope="module")
def rule_tables(model: Path) -> dict[str, dict[str, str]]:
    with tarfile.open(model) as archive:
        return json.load(archive.extractfile(RULES))["lookup"]


def test_the_rules_found_are_rasas(rule_tables: dict[str, dict[str, str]]) -> None:
    lookup = rule_tables["rules"]
    rule_states = [[_as_conversation_state(s) for s in json.loads(key)] for key in lookup]
    rng = random.Random(7)
    conversations = [*rule_states]  # each rule's own states: that rule (at least) fits
    for _ in range(400):  # the end of one rule after the start of another: fits some, most not
        first, second = rng.sample(rule_states, 2)
        conversations.append(first[: rng.randint(0, len(first))] + second[-rng.randint(1, len(second)) :])
    policy = RulePolicy.__new__(RulePolicy)
    rasas = rasa_tuning.RASA_ORIGINALS[RulePolicy, "_get_possible_keys"]
    found_any = 0
    for states in conversations * 2:  # twice: the second time from what was remembered
        ours = rasa_tuning._get_possible_keys(policy, lookup, states)
        assert ours == rasas(policy, lookup, states)
        found_any += bool(ours)
    assert found_any >= len(rule_states) * 2  # not a comparison of empty sets


TEXTS = [
    "社保卡丢了咋办", "俺娘在南京住院，宿州的医宝能直接结算不", "How long is the filing VALID?", "12345是干啥的",
    "ABC社保卡能在上海坐地铁吗", "异地就医备案要带啥材料", "不是社保卡，是农业银行的储蓄卡", "谢谢",
]  # fmt: skip


def _parses(agent: Agent) -> list[dict[str, Any]]:
    async def parse_all() -> list[dict[str, Any]]:
        return [await agent.parse_message(text) for text in TEXTS]

    return asyncio.run(parse_all())


def test_nlu_parses_are_rasas(model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    agent = Agent.load(str(model))
    for owner, name in [(SpacyEntityExtractor, "process"), (LogisticRegressionClassifier, "_create_X")]:
        monkeypatch.setattr(owner, name, rasa_tuning.RASA_ORIGINALS[owner, name])
    rasas = _parses(agent)
    monkeypatch.setattr(SpacyEntityExtractor, "process", rasa_tuning._extract_spacy_entities)
    monkeypatch.setattr(LogisticRegressionClassifier, "_create_X", rasa_tuning._create_X)
    ours = _parses(agent)
    assert ours == rasas
    assert any(parse["entities"] for parse in ours)  # entities were extracted at all


def _parses_and_predictions(agent: Agent) -> list[tuple[Any, ...]]:
    async def run_all() -> list[tuple[Any, ...]]:
        results = []
        for i, text in enumerate(TEXTS):
            parse = await agent.parse_message(text)
            events = [ActionExecuted(ACTION_LISTEN_NAME), UserUttered(text, parse["intent"], parse["entities"], parse)]
            tracker = DialogueStateTracker.from_events(f"runner-{i}", events, slots=agent.domain.slots)
            prediction = agent.processor._predict_next_with_tracker(tracker)
            results.append((parse, prediction.policy_name, prediction.max_confidence_index, prediction.probabilities))
        return results

    return asyncio.run(run_all())


def test_graph_run_in_order_is_rasas(model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    agent = Agent.load(str(model))
    monkeypatch.setattr(DaskGraphRunner, "run", rasa_tuning.RASA_ORIGINALS[DaskGraphRunner, "run"])
    rasas = _parses_and_predictions(agent)
    monkeypatch.setattr(DaskGraphRunner, "run", rasa_tuning._run_in_order)
    ours = _parses_and_predictions(agent)
    assert ours == rasas
    assert {policy for _, policy, _, _ in ours} - {None}  # a policy predicted at all
    assert agent.processor.graph_runner.__dict__["_execution_orders"]  # the nodes were run by _run_in_order
