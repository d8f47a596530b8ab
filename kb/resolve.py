"""Understand a citizen's message: which service(s), which aspect(s), which KB unit answers it.

NLU's intent is one voice among several. The KB search reads the whole text (typos, pinyin, long stories),
names and aliases the text contains are strong evidence, a curated FAQ or note that matches closely points
at its service, and the conversation's service under discussion answers follow-ups that name none. The
result says how sure the combination is, so the answer can be given outright, given with "您问的应该是…"
and alternatives, or replaced by a short list when the message is truly ambiguous.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from kb import aspects
from kb.queries import KnowledgeBase, ServiceView
from kb.textnorm import normalize
from kb.units import Unit

# weights of the evidence (search scores are in [0, 1])
NLU_WEIGHT = 0.35  # × NLU confidence, for the service the intent routes to
NLU_FAMILY_WEIGHT = 0.15  # × NLU confidence, for the other members of its family
MENTION_BONUS = 0.25  # the text contains the service's name or an alias
UNIT_WEIGHT = 0.5  # × the best unit score of a service, above UNIT_FLOOR
UNIT_FLOOR = 0.35
CARD_PROBLEM_BONUS = 0.3

SURE_SCORE = 0.75
SURE_MARGIN = 0.12
PROBABLE_SCORE = 0.5
STRONG_SEARCH = 0.55  # the KB search alone is this sure: in scope, whatever NLU said
STRONG_UNIT = 0.6
ANCHORED_SEARCH = 0.33  # with a distinctive word of the service in the text, this much search keeps it in scope
SUPPORTED_SEARCH = 0.3  # with an in-scope NLU intent, this much search support keeps a question in scope
NLU_SUPPORT = 0.4  # NLU's vote for a service counts in full once the search supports it this much
CONFIDENT_NLU = 0.5
TOPIC_SCORE = 0.42  # the text without its aspect cues still matches a service this well: it names a topic
UNIT_ANSWER = 0.45  # a unit matching this well is quoted as the answer

# A cross-province errand the KB has no service for: 跨省通办 is where to start.
_ELSEWHERE = re.compile(r"跨省|异地|外地|外省|省外|长三角|回老家|回宿州|回去办|两头跑|不回去|回不去|在当地办|在这边办|人在")
_ERRAND = re.compile(r"办|证明|手续|转移|转回|转入|转出|迁|登记|认证|注销|开具|换证|补证|领取|申请|过户|证")

# What to do with a message
ANSWER = "answer"  # sure of the service: answer it
GUESS = "guess"  # probably this service: answer it, saying so, with the alternatives as buttons
NEAR_SCOPE = "near_scope"  # a cross-province errand the KB has no service for: 跨省通办 and 12345
UNSURE = "unsure"  # in scope, but no service stands out: offer the likeliest
DECLINE = "decline"  # not what this assistant answers
NOT_SERVICE_INTENTS = frozenset({"out_of_scope", "nlu_fallback"})

# 社保卡 problems (entity card_problem) and the service about each
CARD_PROBLEM_SERVICE = {"丢失": "sscard_loss", "到期": "sscard_renew", "锁定": "sscard_locked", "未激活": "sscard_activate"}
CARD_FAMILY_INTENT = "sscard_problem"


@dataclass(frozen=True)
class Question:
    text: str
    intent: str | None = None
    confidence: float = 0.0
    entities: Mapping[str, Sequence[str]] = field(default_factory=dict)
    context: str | None = None  # key of the service under discussion


@dataclass(frozen=True)
class Candidate:
    service: ServiceView
    score: float
    search: float = 0.0
    nlu: float = 0.0
    mentioned: bool = False
    unit: float = 0.0


@dataclass(frozen=True)
class Understanding:
    candidates: tuple[Candidate, ...]  # best first
    aspects: tuple[str, ...]  # asked in this order
    names_topic: bool  # the text itself says what it is about (else it is a follow-up)
    from_context: bool  # the service is the one under discussion
    near_scope: bool  # a cross-province errand without a service of its own
    decision: str = UNSURE

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def margin(self) -> float:
        if len(self.candidates) < 2:
            return self.candidates[0].score if self.candidates else 0.0
        return self.candidates[0].score - self.candidates[1].score

    @property
    def sure(self) -> bool:
        best = self.best
        return best is not None and (self.from_context or (best.score >= SURE_SCORE and self.margin >= SURE_MARGIN))

    @property
    def probable(self) -> bool:
        return self.best is not None and self.best.score >= PROBABLE_SCORE


class Resolver:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def understand(self, question: Question) -> Understanding:
        text = normalize(question.text)
        asked = self._aspects(text, question.intent)
        candidates = self._candidates(question, text)
        names_topic = self._names_topic(question, text, candidates)
        if not names_topic and question.context and (service := self.kb.service(question.context)):
            return Understanding((Candidate(service, 1.0),), asked, False, True, False, ANSWER)
        near = bool(_ELSEWHERE.search(text) and _ERRAND.search(text))
        understood = Understanding(tuple(candidates), asked, names_topic, False, near)
        return replace(understood, decision=self._decide(question, understood))

    def _decide(self, question: Question, u: Understanding) -> str:
        best = u.best
        if (
            u.near_scope
            and best
            and not best.mentioned
            and best.search < STRONG_SEARCH
            and best.service.key not in self.kb.anchored_services(question.text)
        ):
            return NEAR_SCOPE  # "办营业执照注销" shares 办/证 with every service, and names none of them
        in_scope = best is not None and self._in_scope(question, best)
        if in_scope and u.sure:
            return ANSWER
        if in_scope and u.probable:
            return GUESS
        if u.near_scope:
            return NEAR_SCOPE
        return UNSURE if in_scope else DECLINE

    def _in_scope(self, question: Question, best: Candidate) -> bool:
        if best.mentioned or best.search >= STRONG_SEARCH or best.unit >= STRONG_UNIT:
            return True
        if best.search >= ANCHORED_SEARCH and best.service.key in self.kb.anchored_services(question.text):
            return True  # "密码按错了好几回，卡锁住了": NLU may call a long story out of scope; its words do not
        nlu_in_scope = question.intent not in NOT_SERVICE_INTENTS and question.confidence >= CONFIDENT_NLU
        return nlu_in_scope and best.search >= SUPPORTED_SEARCH

    def answering_units(self, question: Question, service: ServiceView, asked: Sequence[str]) -> list[Unit]:
        """The units of `service` that answer the question, best first (none if nothing fits well)."""
        hits = self.kb.search_units(question.text, services=[service.key], limit=4)
        scored = sorted(
            ((u, s + (0.1 if u.aspect and u.aspect in asked else 0.0)) for u, s in hits),
            key=lambda item: -item[1],
        )
        return [u for u, s in scored if s >= UNIT_ANSWER][:1]

    # --- evidence ---------------------------------------------------------------------------

    def _aspects(self, text: str, intent: str | None) -> tuple[str, ...]:
        found = aspects.aspects_in(text)
        from_intent = aspects.from_intent(intent)
        if from_intent and from_intent not in found:
            found.insert(0, from_intent) if not found else found.append(from_intent)
        return tuple(found)

    def _candidates(self, question: Question, text: str) -> list[Candidate]:
        kb = self.kb
        scores: dict[str, dict[str, float]] = {}

        def evidence(key: str) -> dict[str, float]:
            return scores.setdefault(key, {"search": 0.0, "nlu": 0.0, "mention": 0.0, "unit": 0.0, "card": 0.0})

        topic = aspects.without_cues(text)  # what is asked (多久, 要带啥) says nothing of which service
        for hit in kb.search_services(topic, limit=8):
            evidence(hit.key)["search"] = hit.score
        for hit in kb.mentioned_services(question.text):
            evidence(hit.key)["mention"] = 1.0
        for value in question.entities.get("service", ()):
            if service := kb.service_by_name(value):
                evidence(service.key)["mention"] = 1.0
        for unit, score in kb.search_units(question.text, limit=5, min_score=UNIT_FLOOR):
            for key in unit.services:
                evidence(key)["unit"] = max(evidence(key)["unit"], score)
        for problem in question.entities.get("card_problem", ()):
            if problem in CARD_PROBLEM_SERVICE:
                evidence(CARD_PROBLEM_SERVICE[problem])["card"] = 1.0
        self._nlu_evidence(question, evidence)

        candidates = []
        for key, e in scores.items():
            service = kb.service(key)
            if service is None:
                continue
            support = min(1.0, e["search"] / NLU_SUPPORT)
            score = (
                e["search"]
                + NLU_WEIGHT * e["nlu"] * support
                + MENTION_BONUS * e["mention"]
                + UNIT_WEIGHT * max(0.0, e["unit"] - UNIT_FLOOR)
                + CARD_PROBLEM_BONUS * e["card"]
            )
            candidates.append(Candidate(service, round(score, 4), e["search"], e["nlu"], bool(e["mention"]), e["unit"]))
        candidates.sort(key=lambda c: (-c.score, c.service.key))
        return candidates

    def _nlu_evidence(self, question: Question, evidence) -> None:
        intent, confidence = question.intent, question.confidence
        if not intent or intent not in self.kb.service_intents():
            return
        family = self.kb.services_for_intent(intent)
        if not family:
            return
        for service in family:
            evidence(service.key)["nlu"] = max(evidence(service.key)["nlu"], confidence * NLU_FAMILY_WEIGHT / NLU_WEIGHT)
        chosen = self._pick_in_family(family, question.text)
        evidence(chosen.key)["nlu"] = confidence

    def _pick_in_family(self, family: list[ServiceView], text: str) -> ServiceView:
        if len(family) > 1:
            hits = self.kb.search_services(text, limit=1, keys=[s.key for s in family], min_score=0.3)
            if hits:
                return next(s for s in family if s.key == hits[0].key)
        return family[0]

    def _names_topic(self, question: Question, text: str, candidates: list[Candidate]) -> bool:
        if any(c.mentioned for c in candidates) or question.entities.get("card_problem"):
            return True
        rest = aspects.without_cues(text)
        hits = self.kb.search_services(rest, limit=1)
        return bool(hits and hits[0].score >= TOPIC_SCORE)
