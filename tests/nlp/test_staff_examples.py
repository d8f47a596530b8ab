"""The NLU examples admins accepted on the staff pages, written as Rasa training data (staff.yml)."""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from rasa.shared.nlu.training_data.loading import load_data

from kb.db import session_factory
from kb.models import ACCEPTED, OFFERED, REJECTED, NluExampleSuggestion
from kb.queries import KnowledgeBase
from nlp.build import write_staff_examples


def _suggest(engine, *rows: tuple[str, str, str]) -> None:
    with session_factory(engine).begin() as session:
        for intent, text, status in rows:
            session.add(
                NluExampleSuggestion(text=text, intent=intent, service_key=intent, offered_by="yibao", status=status)
            )


def _examples(path: Path) -> list[tuple[str, str]]:
    return sorted((m.get("intent"), m.get("text")) for m in load_data(str(path)).training_examples)


def test_accepted_examples_load_with_rasas_reader_and_nothing_else_does(kb_engine, tmp_path: Path) -> None:
    _suggest(
        kb_engine,
        ("sscard_renew", "社保卡坏了去哪换", ACCEPTED),
        ("medical_filing", "异地就医备案怎么弄", ACCEPTED),
        ("medical_filing", "身份证***丢了还能备案吗", ACCEPTED),
        ("medical_filing", "还没决定的说法", OFFERED),
        ("sscard_renew", "被拒绝的说法", REJECTED),
    )
    path = tmp_path / "work" / "staff.yml"  # a work directory of its own, as the retraining job uses
    assert write_staff_examples(KnowledgeBase(kb_engine).training_examples(), path)
    text = path.read_text("utf-8")
    assert text.splitlines()[0].startswith("# Generated") and "do not edit" in text.splitlines()[0]
    assert "- intent: medical_filing\n  examples: |\n    - 异地就医备案怎么弄\n" in text
    assert _examples(path) == [
        ("medical_filing", "异地就医备案怎么弄"),
        ("medical_filing", "身份证***丢了还能备案吗"),
        ("sscard_renew", "社保卡坏了去哪换"),
    ]


def test_no_accepted_examples_is_a_valid_empty_training_file(tmp_path: Path) -> None:
    path = tmp_path / "staff.yml"
    assert write_staff_examples([], path)
    assert yaml.safe_load(path.read_text("utf-8")) == {"version": "3.1", "nlu": []}
    assert load_data(str(path)).training_examples == []


def test_unchanged_examples_are_not_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "staff.yml"
    examples = [("medical_filing", "异地就医备案怎么弄"), ("medical_filing", "异地就医 \n 备案怎么弄")]
    assert write_staff_examples(examples, path)
    assert _examples(path) == [("medical_filing", "异地就医 备案怎么弄"), ("medical_filing", "异地就医备案怎么弄")]
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    assert not write_staff_examples(list(examples), path)
    assert path.stat().st_mtime_ns == 1_000_000_000  # untouched: make sees no reason to retrain
    assert write_staff_examples([*examples, ("sscard_renew", "社保卡坏了去哪换")], path)
    assert ("sscard_renew", "社保卡坏了去哪换") in _examples(path)
