"""Search finds the right service for how citizens really type (tests/data/search_queries.yaml).

The queries were written independently of the KB's aliases: colloquial, dialect, homophone typos,
long messages with personal context, very short ones, mixed English and 繁體.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kb.search import Entry, SearchIndex
from kb.textnorm import PinyinCorrector, normalize

QUERIES = yaml.safe_load((Path(__file__).parent.parent / "data" / "search_queries.yaml").read_text("utf-8"))
TOP1_BAR = 0.90  # measured 0.934 on 2026-11-28, 0.977 on 2026-12-01 (217 queries); a regression below 0.90 fails


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q["query"])
def test_an_acceptable_service_is_in_the_top_three(kb, query) -> None:
    hits = kb.search_services(query["query"], limit=3)
    assert any(h.key in query["expect"] for h in hits), [(h.key, h.score) for h in hits]


def test_top_result_is_acceptable_for_nine_in_ten(kb) -> None:
    right = sum((hits := kb.search_services(q["query"], limit=1)) and hits[0].key in q["expect"] for q in QUERIES)
    assert right / len(QUERIES) >= TOP1_BAR, f"{right}/{len(QUERIES)}"


def test_queries_cover_every_seeded_service(kb) -> None:
    expected = {q["expect"][0] for q in QUERIES}
    seeded = {s.key for topic in kb.topics() for s in kb.services_by_topic(topic)}
    assert seeded <= expected
    assert len(QUERIES) >= 60


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("异地看病咋报销", "manual_reimbursement"),
        ("医宝异地备案", "medical_filing"),
        ("社宝卡丢了", "sscard_loss"),
        ("老人坐公交免费吗", "elderly_benefits"),
    ],
)
def test_the_issue_examples(kb, text: str, key: str) -> None:
    assert kb.search_services(text, limit=3)[0].key == key


def test_ranking_is_deterministic_with_scores(kb) -> None:
    first = kb.search_services("社保卡", limit=10)
    assert first == kb.search_services("社保卡", limit=10)
    assert all(0 < h.score <= 1 for h in first)
    assert [h.score for h in first] == sorted((h.score for h in first), reverse=True)
    ties = [h for h in first if h.score == first[0].score]
    assert [h.key for h in ties] == sorted(h.key for h in ties)


@pytest.mark.parametrize("text", ["", "   ", "？？？", "😀😀", "<script>", "' OR 1=1 --", "\x00\x01"])
def test_noise_finds_nothing_confident(kb, text: str) -> None:
    assert all(h.score < 0.5 for h in kb.search_services(text))


def test_search_within_a_family(kb) -> None:
    hits = kb.search_services("第一次办身份证", keys=["cross_province", "first_id_card", "pension_transfer"])
    assert hits[0].key == "first_id_card"
    assert {h.key for h in hits} <= {"cross_province", "first_id_card", "pension_transfer"}


def test_long_text_is_fast_enough_and_safe(kb) -> None:
    hits = kb.search_services("社保卡丢了" * 2000)
    assert hits[0].key == "sscard_loss"


class TestTextNormalisation:
    def test_length_is_kept(self) -> None:
        for text in ["社保卡掛失", "ＡＢＣ１２３", "医宝。", "㎡①", "İstanbul", "a\ud800b"]:
            assert len(normalize(text)) == len(text)

    def test_every_chinese_character_is_searchable(self, kb) -> None:
        every = "".join(chr(c) for c in range(0x4E00, 0xA000))
        for start in range(0, len(every), 500):
            kb.search_services(every[start : start + 500])
            kb.search_faqs(every[start : start + 500])
        assert kb.search_services("兙嗧医宝异地被案")[0].key == "medical_filing"

    def test_traditional_full_width_and_case(self) -> None:
        assert normalize("醫保ＡＰＰ") == "医保app"

    @pytest.mark.parametrize(
        ("typed", "meant"),
        [("医宝异地被案", "医保异地备案"), ("社宝卡", "社保卡"), ("报消", "报销"), ("挂矢", "挂失")],
    )
    def test_homophone_typos_of_known_terms(self, typed: str, meant: str) -> None:
        corrector = PinyinCorrector(["医保", "异地", "备案", "社保卡", "报销", "挂失"])
        assert corrector.correct(typed) == meant

    def test_ordinary_words_that_sound_alike_are_left_alone(self) -> None:
        corrector = PinyinCorrector(["医保", "苏州", "宿州"])
        assert corrector.correct("买一包烟") == "买一包烟"  # 一包 is not 医保
        assert corrector.correct("去苏州") == "去苏州"  # a known word wins over its homophone

    def test_a_correctly_spelt_term_is_never_rewritten(self) -> None:
        corrector = PinyinCorrector(["直接", "结算"])
        assert corrector.correct("医保能直结算不") == "医保能直结算不"  # not 直接 + 算
        assert corrector.correct("能直接节算不") == "能直接结算不"

    def test_a_common_word_is_not_split_when_a_dictionary_is_given(self) -> None:
        terms = ["苏州", "苏州市"]
        assert PinyinCorrector(terms).correct("能去苏州实习吗") == "能去苏州市习吗"
        counts = {"实习": 300, "实在": 900}
        with_words = PinyinCorrector(terms, lambda word: counts.get(word, 0))
        assert with_words.correct("能去苏州实习吗") == "能去苏州实习吗"
        assert with_words.correct("住苏州实") == "住苏州市"

    def test_an_everyday_word_is_no_typo_of_a_rarer_term(self) -> None:
        counts = {"强制": 932, "强直": 46, "报效": 138, "报销": 232}
        corrector = PinyinCorrector(["强直", "报销"], lambda word: counts.get(word, 0))
        assert corrector.correct("这个是强制的吗") == "这个是强制的吗"  # not the disease 强直
        assert corrector.correct("住院报效要啥") == "住院报销要啥"  # the term is the more usual word
        assert corrector.correct("医院报消") == "医院报销"  # 报消 is no word at all

    def test_the_search_never_reads_an_everyday_word_as_a_term(self) -> None:
        index = SearchIndex([Entry("chronic", "门诊慢特病", ("强直性脊柱炎", "强直"))])
        assert index.prepare("这个是强制的吗") == "这个是强制的吗"
        # nor splits one at the edge of a term: 正要 is a word, so 身份正 stays (the price of the rule)
        index = SearchIndex([Entry("id", "身份证首次申领", ("身份证",))])
        assert index.prepare("身份正要带哪些材料") == "身份正要带哪些材料"
        assert index.prepare("身份正丢了") == "身份证丢了"

    def test_an_a_not_a_question_is_never_rewritten(self) -> None:
        corrector = PinyinCorrector(["家人", "医保"])
        assert corrector.correct("拿到杭州人家认不认") == "拿到杭州人家认不认"  # not 家人
        assert corrector.correct("医宝认不认") == "医保认不认"

    def test_numerals_are_never_rewritten(self) -> None:
        corrector = PinyinCorrector(["绍兴市", "绍兴"])
        assert corrector.correct("住绍兴十来年了") == "住绍兴十来年了"  # 十来年, not 绍兴市
        assert corrector.correct("住绍兴是来年了") == "住绍兴是来年了"  # 是 is a function word
        assert corrector.correct("绍星市") == "绍兴市"  # a real typo is still corrected

    def test_dialect_sounds_are_corrected_in_terms_of_three_characters_or_more(self) -> None:
        corrector = PinyinCorrector(["身份证", "社保"])
        assert corrector.correct("森份证丢了") == "身份证丢了"  # sen for shen, as northern Anhui says it
        assert corrector.correct("色保") == "色保"  # too short to be read loosely


@pytest.mark.parametrize("index_name", ["index", "unit_index"])
def test_the_best_results_are_those_of_the_whole_ranking(kb, index_name: str) -> None:
    """Partial (rapidfuzz) matching is computed only where it can change the top results: the top five
    must be the first five of the whole ranking, where every item is scored in full."""
    index = getattr(kb._fresh(), index_name)
    everything = len(index.entries)
    for query in QUERIES:
        top = index._search(query["query"], 5, None, 0.0)
        assert top == index._search(query["query"], everything, None, 0.0)[:5], query["query"]


@pytest.mark.parametrize(
    ("text", "unknown"),
    [
        ("那彩礼一般给多少", {"彩礼"}),
        ("房子多少钱", {"房子"}),
        ("东西往哪交", set()),  # 东西 names nothing
        ("人社局在哪交", set()),  # a bureau's alias is the KB's own
        ("异地就医备案要带啥", set()),
        ("这个可以帮我订个酒店吗", {"酒店"}),
    ],
)
def test_the_nouns_a_message_says_that_the_kb_never_does(kb, text: str, unknown: set[str]) -> None:
    assert kb.words_unknown(text) == unknown
