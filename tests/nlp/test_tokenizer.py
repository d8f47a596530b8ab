"""The NLU artefacts built from the KB: the tokenizer, the entity ruler and the generated Rasa data."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.training_data.loading import load_data

from kb.settings import PROJECT_ROOT
from nlp.build import KbVocabulary, build, build_pipeline, collect, write_generated_nlu
from nlp.tokenizer import SuzhouKbTokenizer


@pytest.fixture(scope="session")
def vocabulary(kb) -> KbVocabulary:
    return collect(kb)


@pytest.fixture(scope="session")
def pipeline(vocabulary):
    return build_pipeline(vocabulary)


def words(pipeline, text: str) -> list[str]:
    return [token.text for token in pipeline(text)]


def entities(pipeline, text: str) -> list[tuple[str, str, str]]:
    return [(e.text, e.label_, e.ent_id_) for e in pipeline(text).ents]


class TestTokenizer:
    def test_kb_terms_stay_whole(self, pipeline) -> None:
        assert words(pipeline, "到宿州看病") == ["到", "宿州", "看病"]  # jieba alone: 到宿|州
        assert words(pipeline, "想办社保卡") == ["想", "办社保卡"]  # a short service alias
        assert "宿州海关" in words(pipeline, "宿州海关在啥地方")
        assert "市医保局" in words(pipeline, "市医保局电话多少")

    def test_typos_are_understood_but_the_citizens_text_is_kept(self, pipeline) -> None:
        doc = pipeline("医宝异地被案咋弄")
        assert doc.text == "医宝异地被案咋弄"
        assert [t.text for t in doc][:2] == ["医宝", "异地被案"]
        assert [t.norm_ for t in doc][:2] == ["医保", "异地备案"]
        assert [t.lemma_ for t in doc][:2] == ["医保", "异地备案"]

    def test_a_place_next_to_an_ordinary_word_stays_that_place(self, pipeline) -> None:
        assert entities(pipeline, "中职学生能去苏州实习吗") == [("苏州", "place", "苏州市")]
        assert entities(pipeline, "我妈住绍兴十来年了") == [("绍兴", "place", "绍兴市")]
        assert "医保" not in [t.norm_ for t in pipeline("消费者权益保护找谁")]

    def test_the_entity_ruler_names_the_kb_canonical_name(self, pipeline) -> None:
        assert ("医保局", "bureau", "市医保局") in entities(pipeline, "医保局在哪")
        assert ("抗排异治疗", "disease", "器官移植术后抗排异治疗") in entities(pipeline, "抗排异治疗能直接结吗")
        assert ("砀山县", "place", "砀山县") in entities(pipeline, "砀山县医院")

    @pytest.mark.parametrize(
        "text",
        [
            "",
            "   ",
            "😊😊😊",
            "医保 card ok？",
            "<script>alert(1)</script>",
            "a\tb\n医保",
            "社保卡" * 3000,
            "兙嗧桛烪医宝卡",  # characters pypinyin has no reading for
            "İstanbul医保",  # lower-casing İ would add a character
        ],
        ids=["empty", "spaces", "emoji", "mixed", "html", "control", "long", "no-pinyin", "dotted-i"],
    )
    def test_any_text_comes_back_unchanged(self, pipeline, text: str) -> None:
        assert pipeline(text).text == text

    def test_serialisation_keeps_the_vocabulary(self, pipeline) -> None:
        copy = SuzhouKbTokenizer(pipeline.vocab).from_bytes(pipeline.tokenizer.to_bytes())
        text = "社宝卡丢了 在杭州咋补办"
        assert [(t.text, t.norm_) for t in copy(text)] == [(t.text, t.norm_) for t in pipeline.tokenizer(text)]


@pytest.mark.parametrize("path", ["data/nlu", "tests/nlu/test_nlu.yml"])
def test_every_annotation_covers_whole_words(pipeline, path: str) -> None:
    """The CRF tags words: a span that cuts a word in two teaches it nothing (docs/nlu-guide.md)."""
    misaligned = []
    for example in load_data(str(PROJECT_ROOT / path)).training_examples:
        annotations = example.get("entities") or []
        if not annotations:
            continue
        doc = pipeline(example.get("text"))
        starts = {t.idx for t in doc}
        ends = {t.idx + len(t.text) for t in doc}
        for entity in annotations:
            if entity["start"] not in starts or entity["end"] not in ends:
                misaligned.append((example.get("text"), entity["value"], "/".join(t.text for t in doc)))
    assert not misaligned


class TestBuild:
    def test_synonyms_and_lookups_come_from_the_kb(self, kb, vocabulary, tmp_path: Path) -> None:
        target = tmp_path / "kb.yml"
        assert write_generated_nlu(vocabulary, target)
        assert not write_generated_nlu(vocabulary, target)  # unchanged content is not rewritten
        nlu = yaml.safe_load(target.read_text("utf-8"))["nlu"]
        synonyms = {item["synonym"]: item["examples"] for item in nlu if "synonym" in item}
        lookups = {item["lookup"]: item["examples"] for item in nlu if "lookup" in item}
        for bureau in kb.bureaus():
            assert f"- {bureau.name}\n" in lookups["bureau"]
            for alias in bureau.aliases:
                assert f"- {alias}\n" in synonyms[bureau.name]
        assert "- 杭州\n" in synonyms["杭州市"]
        for problem in kb.terms("card_problem"):  # what happened to a card, in the value the forms read
            surfaces = set(synonyms[problem.name].splitlines(keepends=True))
            assert {f"- {alias}\n" for alias in problem.aliases} <= surfaces

    def test_an_unchanged_kb_does_not_rebuild(self, kb, tmp_path: Path) -> None:
        target = tmp_path / "zh_suzhou_kb"
        first = build(kb, target)
        assert first["pipeline"] and (target / "meta.json").exists()
        second = build(kb, target)
        assert second["pipeline"] is False and second["staff_examples"] is False
