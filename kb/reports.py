"""What staff read: content lists (drafts included), stale content, review queues, feedback over time."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Collection
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import selectinload

from kb.db import session_factory
from kb.models import (
    LEAD,
    Bureau,
    Faq,
    FaqService,
    Feedback,
    HandoffMessage,
    NluExampleSuggestion,
    PlanTask,
    PlanTaskUnit,
    Revision,
    Service,
    ServiceBureau,
    UnansweredQuestion,
    utcnow,
)

MESSAGES_PER_PAGE = 50  # messages left, per page of the staff list and the API


class StaffReports:
    def __init__(self, engine: Engine) -> None:
        self._sessions = session_factory(engine)

    def services(self, text: str = "", bureau: str = "", topic: str = "") -> list[dict[str, Any]]:
        with self._sessions() as session:
            query = select(Service).options(selectinload(Service.bureau_links).selectinload(ServiceBureau.bureau))
            if text:
                needle = text.strip()  # `%` and `_` are matched literally, not as LIKE wildcards
                columns = (Service.name, Service.key, Service.summary)
                query = query.where(or_(*(c.contains(needle, autoescape=True) for c in columns)))
            if topic:
                query = query.where(Service.topic == topic)
            rows = session.scalars(query.order_by(Service.topic, Service.id)).all()
            items = [
                {
                    "key": s.key,
                    "name": s.name,
                    "topic": s.topic,
                    "bureaus": [b.name for b in s.bureaus],
                    "status": s.status,
                    "has_draft": s.draft is not None,
                    "version": s.version,
                    "last_verified": s.last_verified.isoformat() if s.last_verified else None,
                    "updated_at": s.updated_at.isoformat(timespec="seconds"),
                }
                for s in rows
            ]
        return [i for i in items if not bureau or bureau in i["bureaus"]]

    def faqs(self, text: str = "") -> list[dict[str, Any]]:
        with self._sessions() as session:
            rows = session.scalars(
                select(Faq).options(selectinload(Faq.service_links).selectinload(FaqService.service)).order_by(Faq.id)
            ).all()
            items = [
                {
                    "key": f.key,
                    "question": f.questions[0],
                    "services": [s.key for s in f.services],
                    "status": f.status,
                    "has_draft": f.draft is not None,
                    "version": f.version,
                    "last_verified": f.last_verified.isoformat() if f.last_verified else None,
                }
                for f in rows
            ]
        needle = text.strip()
        return [i for i in items if not needle or needle in i["question"] or needle in i["key"]]

    def bureaus(self) -> list[dict[str, Any]]:
        with self._sessions() as session:
            lead_counts = Counter(
                session.scalars(select(PlanTaskUnit.bureau_id).where(PlanTaskUnit.role == LEAD)).all()
            )
            return [
                {"id": b.id, "name": b.name, "aliases": b.aliases, "leads": lead_counts.get(b.id, 0)}
                for b in session.scalars(select(Bureau).order_by(Bureau.id))
            ]

    def tasks(self) -> list[dict[str, Any]]:
        with self._sessions() as session:
            rows = session.scalars(
                select(PlanTask)
                .options(selectinload(PlanTask.units).selectinload(PlanTaskUnit.bureau))
                .order_by(PlanTask.number)
            ).all()
            return [
                {
                    "number": t.number,
                    "title": t.title,
                    "chapter": t.chapter,
                    "leads": [b.name for b in t.leads],
                    "cos": [b.name for b in t.cos],
                }
                for t in rows
            ]

    def stale(self, older_than_days: int) -> list[dict[str, Any]]:
        """Services and FAQs not checked against their sources for `older_than_days` or more."""
        cutoff = utcnow().date() - dt.timedelta(days=older_than_days)
        today = utcnow().date()
        items = []
        with self._sessions() as session:
            for kind, model, label in (("service", Service, Service.name), ("faq", Faq, Faq.key)):
                rows = session.execute(
                    select(model.key, label, model.last_verified)
                    .where(or_(model.last_verified.is_(None), model.last_verified <= cutoff))
                    .order_by(model.last_verified)
                ).all()
                for key, name, verified in rows:
                    age = (today - verified).days if verified else None
                    items.append({"kind": kind, "key": key, "name": name, "last_verified": verified, "age_days": age})
        items.sort(key=lambda i: -(i["age_days"] if i["age_days"] is not None else 10**6))
        return items

    def unanswered(self, status: str = "open", limit: int = 200) -> list[dict[str, Any]]:
        with self._sessions() as session:
            rows = session.scalars(
                select(UnansweredQuestion)
                .where(UnansweredQuestion.status == status)
                .order_by(UnansweredQuestion.id.desc())
                .limit(limit)
            ).all()
            same_text = Counter(r.text for r in rows)
            return [
                {
                    "id": r.id,
                    "at": r.created_at.isoformat(timespec="minutes"),
                    "text": r.text,
                    "reason": r.reason,
                    "intent": r.intent,
                    "confidence": r.confidence,
                    "suggested": r.suggested,
                    "times": same_text[r.text],
                    "service_key": r.service_key,
                    "faq_key": r.faq_key,
                    "status": r.status,
                }
                for r in rows
            ]

    def suggestions(self, statuses: Collection[str] = (), limit: int = 200) -> list[dict[str, Any]]:
        """NLU example suggestions (those with one of `statuses`, else all), newest first."""
        with self._sessions() as session:
            query = select(NluExampleSuggestion, Service.name).outerjoin(
                Service, Service.key == NluExampleSuggestion.service_key
            )
            if statuses:
                query = query.where(NluExampleSuggestion.status.in_(statuses))
            rows = session.execute(query.order_by(NluExampleSuggestion.id.desc()).limit(limit)).all()
            return [
                {
                    "id": s.id,
                    "at": s.created_at.isoformat(timespec="minutes"),
                    "text": s.text,
                    "intent": s.intent,
                    "service_key": s.service_key,
                    "service_name": name,
                    "question_id": s.question_id,
                    "status": s.status,
                    "offered_by": s.offered_by,
                    "decided_by": s.decided_by,
                    "decided_at": s.decided_at.isoformat(timespec="minutes") if s.decided_at else None,
                }
                for s, name in rows
            ]

    def messages(self, status: str = "open", page: int = 1, per_page: int = MESSAGES_PER_PAGE) -> list[dict[str, Any]]:
        """One page of messages left (newest first): a flood of messages cannot make the page unusable."""
        with self._sessions() as session:
            rows = session.scalars(
                select(HandoffMessage)
                .where(HandoffMessage.status == status)
                .order_by(HandoffMessage.id.desc())
                .limit(per_page)
                .offset((max(page, 1) - 1) * per_page)
            ).all()
            return [
                {
                    "id": m.id,
                    "at": m.created_at.isoformat(timespec="minutes"),
                    "text": m.text,
                    "service_key": m.service_key,
                    "bureau": m.bureau,
                    "status": m.status,
                    "handled_by": m.handled_by,
                }
                for m in rows
            ]

    def message_count(self, status: str = "open") -> int:
        with self._sessions() as session:
            return session.scalar(
                select(func.count()).select_from(HandoffMessage).where(HandoffMessage.status == status)
            )

    def feedback_summary(self, days: int = 30) -> dict[str, Any]:
        """Counts per service and per day (helpful / unhelpful) for the last `days` days."""
        since = utcnow() - dt.timedelta(days=days)
        with self._sessions() as session:
            rows = session.execute(
                select(Feedback.created_at, Feedback.helpful, Feedback.service_key).where(Feedback.created_at >= since)
            ).all()
            names = dict(session.execute(select(Service.key, Service.name)).all())
        per_day: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        per_service: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for created, helpful, key in rows:
            slot = 0 if helpful else 1
            per_day[created.date().isoformat()][slot] += 1
            per_service[key or ""][slot] += 1
        start = since.date()
        timeline = [
            {"day": d, "helpful": per_day[d][0], "unhelpful": per_day[d][1]}
            for d in ((start + dt.timedelta(days=i)).isoformat() for i in range(days + 1))
        ]
        services = sorted(
            (
                {"key": k, "name": names.get(k, "（未关联服务）"), "helpful": v[0], "unhelpful": v[1]}
                for k, v in per_service.items()
            ),
            key=lambda s: -(s["helpful"] + s["unhelpful"]),
        )
        return {
            "helpful": sum(v[0] for v in per_service.values()),
            "unhelpful": sum(v[1] for v in per_service.values()),
            "timeline": timeline,
            "services": services,
        }

    def model_history(self, limit: int = 40) -> list[dict[str, Any]]:
        """Trainings, quality gates, switches and rollbacks of the assistant's model, newest first."""
        with self._sessions() as session:
            rows = session.scalars(
                select(Revision).where(Revision.entity == "model").order_by(Revision.id.desc()).limit(limit)
            ).all()
            return [
                {"version": r.entity_key, "action": r.action, "username": r.username,
                 "at": r.at.isoformat(timespec="seconds"), "details": r.after or {}}
                for r in rows
            ]  # fmt: skip

    def counts(self) -> dict[str, int]:
        with self._sessions() as session:

            def count(query: Any) -> int:
                return session.scalar(query) or 0

            return {
                "services": count(select(func.count()).select_from(Service)),
                "drafts": count(select(func.count()).select_from(Service).where(Service.draft.is_not(None))),
                "faqs": count(select(func.count()).select_from(Faq)),
                "unanswered": count(
                    select(func.count()).select_from(UnansweredQuestion).where(UnansweredQuestion.status == "open")
                ),
                "messages": count(
                    select(func.count()).select_from(HandoffMessage).where(HandoffMessage.status == "open")
                ),
            }
