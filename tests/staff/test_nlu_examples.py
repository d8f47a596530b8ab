"""Linked questions offered as NLU examples: masked, offered once, decided by admins only, audited, and
read back as training data only once accepted."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.staff.retraining import model_intents
from kb.db import session_factory
from kb.models import NluExampleSuggestion, Service, UnansweredQuestion
from kb.queries import KnowledgeBase
from kb.reports import StaffReports
from kb.staff import Conflict, Forbidden, StaffOps

ID_CARD = "34010219900101123X"
PHONE = "138 1234 5678"
FILING = "异地就医备案怎么弄"


@pytest.fixture
def ops(kb_engine) -> StaffOps:
    """Operations that know the trained model's intents, as the gateway wires them."""
    return StaffOps(kb_engine, model_intents)


def _question(engine, text: str, suggested: tuple[str, ...] = ("medical_filing",)) -> int:
    with session_factory(engine).begin() as session:
        question = UnansweredQuestion(conversation_id="c", text=text, reason="unclear", suggested=list(suggested))
        session.add(question)
        session.flush()
        return question.id


def _suggestions(engine) -> list[dict]:
    return StaffReports(engine).suggestions()


def _offer(ops, engine, actor, text: str = FILING, service: str = "medical_filing") -> int:
    ops.link_unanswered(actor, _question(engine, text, (service,)), service, add_alias=False)
    return _suggestions(engine)[0]["id"]


class TestOffer:
    def test_linking_offers_the_masked_wording_as_an_example_of_the_services_intent(
        self, ops, accounts, kb_engine
    ) -> None:
        text = f"我身份证号{ID_CARD}，电话{PHONE}，{FILING}"
        ops.link_unanswered(accounts["medical"], _question(kb_engine, text), "medical_filing", add_alias=False)
        [offered] = _suggestions(kb_engine)
        assert offered["text"] == f"我身份证号***，电话***，{FILING}"
        assert (offered["intent"], offered["service_key"], offered["status"]) == ("medical_filing",) * 2 + ("offered",)
        assert offered["offered_by"] == "yibao" and offered["decided_by"] is None
        with session_factory(kb_engine)() as session:
            stored = session.scalars(select(NluExampleSuggestion.text)).all()
        assert not any(digits in s for s in stored for digits in ("1234", "19900101", "5678"))
        [history] = ops.history("nlu_example", str(offered["id"]))
        assert (history["action"], history["username"], history["before"]) == ("offer", "yibao", None)
        assert history["after"]["text"] == offered["text"]
        assert KnowledgeBase(kb_engine).training_examples() == []  # offered, not added

    def test_the_same_wording_is_offered_once_per_intent(self, ops, accounts, kb_engine) -> None:
        admin = accounts["admin"]
        for text in (FILING, f"  {FILING} ", FILING):
            ops.link_unanswered(admin, _question(kb_engine, text), "medical_filing", add_alias=False)
        assert [s["text"] for s in _suggestions(kb_engine)] == [FILING]
        ops.link_unanswered(admin, _question(kb_engine, FILING), "settle_inpatient", add_alias=False)
        assert sorted(s["intent"] for s in _suggestions(kb_engine)) == ["medical_filing", "settle_inpatient"]

    def test_a_rejected_wording_is_not_offered_again(self, ops, accounts, kb_engine) -> None:
        ops.reject_example(accounts["admin"], _offer(ops, kb_engine, accounts["admin"]))
        ops.link_unanswered(accounts["admin"], _question(kb_engine, FILING), "medical_filing", add_alias=False)
        assert [s["status"] for s in _suggestions(kb_engine)] == ["rejected"]

    def test_nothing_is_offered_for_an_intent_the_model_does_not_know(self, accounts, kb_engine) -> None:
        only_filing = StaffOps(kb_engine, lambda: {"medical_filing"})
        only_filing.link_unanswered(accounts["admin"], _question(kb_engine, "补办社保卡"), "sscard_renew", False)
        StaffOps(kb_engine).link_unanswered(accounts["admin"], _question(kb_engine, FILING), "medical_filing", False)
        with session_factory(kb_engine).begin() as session:
            session.scalars(select(Service).where(Service.key == "customs")).one().intent = None
        ops = StaffOps(kb_engine, model_intents)
        ops.link_unanswered(accounts["admin"], _question(kb_engine, "过海关", ("customs",)), "customs", False)
        assert _suggestions(kb_engine) == []

    @pytest.mark.parametrize("text", ["***", f"  {PHONE} ！", "我想问[社保卡](service)怎么补"])
    def test_wording_with_nothing_to_learn_or_markup_is_not_offered(self, ops, accounts, kb_engine, text) -> None:
        ops.link_unanswered(accounts["admin"], _question(kb_engine, text), "medical_filing", add_alias=False)
        assert _suggestions(kb_engine) == []


class TestDecisions:
    def test_only_admins_accept_or_reject(self, ops, accounts, kb_engine) -> None:
        suggestion = _offer(ops, kb_engine, accounts["medical"])
        for who in ("medical", "civil", "viewer"):
            with pytest.raises(Forbidden, match="只有管理员"):
                ops.accept_example(accounts[who], suggestion)
            with pytest.raises(Forbidden, match="只有管理员"):
                ops.reject_example(accounts[who], suggestion)
        assert _suggestions(kb_engine)[0]["status"] == "offered"
        assert [h["action"] for h in ops.history("nlu_example", str(suggestion))] == ["offer"]

    def test_decisions_are_audited_and_can_be_changed_but_not_repeated(self, ops, accounts, kb_engine) -> None:
        admin = accounts["admin"]
        suggestion = _offer(ops, kb_engine, accounts["medical"])
        ops.accept_example(admin, suggestion)
        with pytest.raises(Conflict, match="已由admin采纳"):
            ops.accept_example(admin, suggestion)
        ops.reject_example(admin, suggestion)  # withdrawn before the next training
        history = ops.history("nlu_example", str(suggestion))
        assert [(h["action"], h["username"]) for h in history] == [
            ("reject", "admin"), ("accept", "admin"), ("offer", "yibao"),
        ]  # fmt: skip
        assert (history[1]["before"]["status"], history[1]["after"]["status"]) == ("offered", "accepted")
        assert (history[0]["before"]["status"], history[0]["after"]["status"]) == ("accepted", "rejected")
        decided = _suggestions(kb_engine)[0]
        assert decided["status"] == "rejected" and decided["decided_by"] == "admin" and decided["decided_at"]

    def test_training_examples_are_the_accepted_ones(self, ops, accounts, kb_engine) -> None:
        admin = accounts["admin"]
        accepted = _offer(ops, kb_engine, admin, FILING)
        rejected = _offer(ops, kb_engine, admin, "备案的事情问一下")
        _offer(ops, kb_engine, admin, "住院了能直接结算吗", "settle_inpatient")  # left undecided
        ops.accept_example(admin, accepted)
        ops.reject_example(admin, rejected)
        assert KnowledgeBase(kb_engine).training_examples() == [("medical_filing", FILING)]

    def test_the_same_wording_is_not_accepted_for_two_intents(self, ops, accounts, kb_engine) -> None:
        admin = accounts["admin"]
        filing = _offer(ops, kb_engine, admin, FILING, "medical_filing")
        inpatient = _offer(ops, kb_engine, admin, FILING, "settle_inpatient")
        ops.accept_example(admin, filing)
        with pytest.raises(Conflict, match="medical_filing"):
            ops.accept_example(admin, inpatient)
        assert KnowledgeBase(kb_engine).training_examples() == [("medical_filing", FILING)]

    def test_an_intent_the_model_no_longer_knows_is_not_accepted(self, ops, accounts, kb_engine) -> None:
        suggestion = _offer(ops, kb_engine, accounts["admin"])
        with pytest.raises(Conflict, match="medical_filing"):
            StaffOps(kb_engine, frozenset).accept_example(accounts["admin"], suggestion)
        assert KnowledgeBase(kb_engine).training_examples() == []
