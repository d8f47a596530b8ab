"""The quality gate's judgement and which files Rasa's model switch will load (no servers needed)."""

from __future__ import annotations

import os

import pytest

from bot.gate import CitizenScores, GateResult, NluScores, judge_citizen, judge_nlu
from bot.rasa_model import loadable


def nlu(**f1: float) -> NluScores:
    return NluScores(intent_f1=f1, macro_f1=sum(f1.values()) / len(f1), entity_f1=0.97)


def citizen(bureau: float = 0.93, fact: float = 0.90, declined: float = 0.885, passed: int = 33) -> CitizenScores:
    return CitizenScores(bureau, fact, declined, 61, passed, 40)


def test_one_intent_falling_fails_the_gate_even_if_the_average_holds() -> None:
    result = GateResult(passed=False)
    judge_nlu(nlu(ask_fees=0.80, ask_steps=1.0, greet=1.0), nlu(ask_fees=0.95, ask_steps=0.97, greet=1.0), result)
    assert [f["intent"] for f in result.fell] == ["ask_fees"]  # ask_steps rose, greet unchanged
    assert result.reasons and "ask_fees" in result.reasons[0]
    within = GateResult(passed=False)
    judge_nlu(nlu(ask_fees=0.90, greet=1.0), nlu(ask_fees=0.95, greet=1.0), within)
    assert not within.reasons and within.fell[0]["intent"] == "ask_fees"  # shown, but within the limit


def test_citizen_measures_must_reach_the_target_or_not_fall_below_the_serving_model() -> None:
    serving = citizen()
    passed = GateResult(passed=False)
    judge_citizen(citizen(declined=0.87), serving, passed)  # one question fewer declined: within
    assert not passed.reasons
    failed = GateResult(passed=False)
    judge_citizen(citizen(bureau=0.90, declined=0.85, passed=31), serving, failed)
    assert len(failed.reasons) == 3 and "答对负责部门" in failed.reasons[0]
    above_target = GateResult(passed=False)
    judge_citizen(citizen(bureau=0.925), citizen(bureau=0.95), above_target)
    assert not above_target.reasons  # at the target is good enough, whatever the serving model did


def test_only_the_products_own_models_can_be_loaded(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SZ_DATA_DIR", str(tmp_path))
    models = tmp_path / "models"
    models.mkdir()
    (models / "v3.tar.gz").write_bytes(b"model")
    (models / "v3").mkdir()
    elsewhere = tmp_path / "evil.tar.gz"
    elsewhere.write_bytes(b"model")
    os.symlink(elsewhere, models / "v4.tar.gz")
    assert loadable(models / "v3.tar.gz")
    assert not loadable(models / "v3")  # a folder
    assert not loadable(models / "v9.tar.gz")  # missing
    assert not loadable(elsewhere)
    assert not loadable(models / ".." / "evil.tar.gz")
    assert not loadable(models / "v4.tar.gz")  # a link out of the folder


@pytest.mark.parametrize("token", ["", "wrong", "令牌"])
def test_the_switch_needs_the_control_token(token, tmp_path, monkeypatch) -> None:
    from types import SimpleNamespace

    from bot.model_store import control_token
    from bot.rasa_model import _authorised

    monkeypatch.setenv("SZ_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SZ_INTERNAL_TOKEN", "")
    assert not _authorised(SimpleNamespace(headers={"X-Model-Token": token}))
    assert _authorised(SimpleNamespace(headers={"X-Model-Token": control_token()}))


def test_the_serving_model_is_asked_only_where_the_candidate_misses_a_target() -> None:
    from bot.gate import CONVERSATIONS, IN_SCOPE, OUT_OF_SCOPE, parts_to_compare

    assert parts_to_compare(citizen()) == {OUT_OF_SCOPE, CONVERSATIONS}  # bureau and fact at target
    assert parts_to_compare(citizen(fact=0.80, declined=0.96, passed=40)) == {IN_SCOPE}
    assert parts_to_compare(citizen(declined=0.96, passed=40)) == frozenset()
    partial = GateResult(passed=False)
    serving = CitizenScores(None, None, 0.885, 61, 33, 40)  # in-scope part not asked
    judge_citizen(citizen(), serving, partial)
    assert not partial.reasons
