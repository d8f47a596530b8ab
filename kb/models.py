"""The knowledge base schema: bureaus, plan tasks, services (办事指南), FAQs and gazetteer terms.

The schema is created and upgraded by the Alembic migrations in `kb/migrations`; a test checks that
these models and the migrations agree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, declarative_base, relationship

# Stable constraint names so migrations behave the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Base: Any = declarative_base(metadata=MetaData(naming_convention=NAMING_CONVENTION))

PUBLISHED = "published"
DRAFT = "draft"
LEAD = "lead"
CO = "co"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Bureau(Base):
    """A unit named in the plan (市医保局, 宿州海关 …), under the name the plan uses."""

    __tablename__ = "bureau"

    id: Mapped[int] = Column(Integer, primary_key=True)
    name: Mapped[str] = Column(String(100), nullable=False, unique=True)
    full_name: Mapped[str | None] = Column(String(200))
    aliases: Mapped[list[str]] = Column(JSON, nullable=False, default=list)
    duties: Mapped[str | None] = Column(Text)
    sources: Mapped[list[dict[str, str]]] = Column(JSON, nullable=False, default=list)

    task_units: Mapped[list[PlanTaskUnit]] = relationship(
        "PlanTaskUnit", back_populates="bureau", order_by="PlanTaskUnit.task_number"
    )


class PlanTask(Base):
    """One of the plan's 80 numbered tasks."""

    __tablename__ = "plan_task"

    number: Mapped[int] = Column(Integer, primary_key=True, autoincrement=False)
    chapter: Mapped[str] = Column(String(200), nullable=False)
    section: Mapped[str] = Column(String(200), nullable=False)
    title: Mapped[str] = Column(String(200), nullable=False)
    text: Mapped[str] = Column(Text, nullable=False)
    leads_open: Mapped[bool] = Column(Boolean, nullable=False, default=False)
    cos_open: Mapped[bool] = Column(Boolean, nullable=False, default=False)
    remark: Mapped[str | None] = Column(Text)

    units: Mapped[list[PlanTaskUnit]] = relationship(
        "PlanTaskUnit",
        back_populates="task",
        order_by="(PlanTaskUnit.role.desc(), PlanTaskUnit.position)",
        cascade="all, delete-orphan",
    )

    @property
    def leads(self) -> list[Bureau]:
        return [u.bureau for u in self.units if u.role == LEAD]

    @property
    def cos(self) -> list[Bureau]:
        return [u.bureau for u in self.units if u.role == CO]


class PlanTaskUnit(Base):
    """A unit's role in a task: lead (牵头) or co-operating (配合), in the plan's order."""

    __tablename__ = "plan_task_unit"

    task_number: Mapped[int] = Column(ForeignKey("plan_task.number", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = Column(String(8), primary_key=True)
    position: Mapped[int] = Column(Integer, primary_key=True, autoincrement=False)
    bureau_id: Mapped[int] = Column(ForeignKey("bureau.id"), nullable=False, index=True)

    task: Mapped[PlanTask] = relationship("PlanTask", back_populates="units")
    bureau: Mapped[Bureau] = relationship("Bureau", back_populates="task_units")


class ServiceBureau(Base):
    __tablename__ = "service_bureau"

    service_id: Mapped[int] = Column(ForeignKey("service.id", ondelete="CASCADE"), primary_key=True)
    bureau_id: Mapped[int] = Column(ForeignKey("bureau.id"), primary_key=True, index=True)
    position: Mapped[int] = Column(Integer, nullable=False, default=0)

    bureau: Mapped[Bureau] = relationship("Bureau")


class ServiceTask(Base):
    __tablename__ = "service_task"

    service_id: Mapped[int] = Column(ForeignKey("service.id", ondelete="CASCADE"), primary_key=True)
    task_number: Mapped[int] = Column(ForeignKey("plan_task.number"), primary_key=True)

    task: Mapped[PlanTask] = relationship("PlanTask")


class Service(Base):
    """A citizen-facing service guide (办事指南). Optional fields stay empty rather than invented."""

    __tablename__ = "service"

    id: Mapped[int] = Column(Integer, primary_key=True)
    key: Mapped[str] = Column(String(64), nullable=False, unique=True)
    intent: Mapped[str | None] = Column(String(64), index=True)
    name: Mapped[str] = Column(String(100), nullable=False)
    aliases: Mapped[list[str]] = Column(JSON, nullable=False, default=list)
    topic: Mapped[str] = Column(String(32), nullable=False, index=True)
    summary: Mapped[str] = Column(Text, nullable=False)
    eligibility: Mapped[str | None] = Column(Text)
    materials: Mapped[list[str]] = Column(JSON, nullable=False, default=list)
    steps: Mapped[list[str]] = Column(JSON, nullable=False, default=list)
    online_channels: Mapped[list[str]] = Column(JSON, nullable=False, default=list)
    offline_channel: Mapped[str | None] = Column(Text)
    time_limit: Mapped[str | None] = Column(Text)
    fees: Mapped[str | None] = Column(Text)
    hotline: Mapped[str | None] = Column(String(32))
    notes: Mapped[list[str]] = Column(JSON, nullable=False, default=list)
    links: Mapped[list[dict[str, str]]] = Column(JSON, nullable=False, default=list)
    sources: Mapped[list[dict[str, str]]] = Column(JSON, nullable=False, default=list)
    last_verified: Mapped[dt.date | None] = Column(Date)
    status: Mapped[str] = Column(String(16), nullable=False, default=PUBLISHED, index=True)
    # staff edits waiting to be published (a validated record); citizens see only the columns above
    draft: Mapped[dict[str, Any] | None] = Column(JSON(none_as_null=True))
    version: Mapped[int] = Column(Integer, nullable=False, default=1)
    updated_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=utcnow)

    bureau_links: Mapped[list[ServiceBureau]] = relationship(
        "ServiceBureau", order_by="ServiceBureau.position", cascade="all, delete-orphan"
    )
    task_links: Mapped[list[ServiceTask]] = relationship(
        "ServiceTask", order_by="ServiceTask.task_number", cascade="all, delete-orphan"
    )

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": version}

    @property
    def bureaus(self) -> list[Bureau]:
        return [link.bureau for link in self.bureau_links]

    @property
    def tasks(self) -> list[PlanTask]:
        return [link.task for link in self.task_links]


class FaqService(Base):
    __tablename__ = "faq_service"

    faq_id: Mapped[int] = Column(ForeignKey("faq.id", ondelete="CASCADE"), primary_key=True)
    service_id: Mapped[int] = Column(ForeignKey("service.id", ondelete="CASCADE"), primary_key=True, index=True)

    service: Mapped[Service] = relationship("Service")


class Faq(Base):
    __tablename__ = "faq"

    id: Mapped[int] = Column(Integer, primary_key=True)
    key: Mapped[str] = Column(String(64), nullable=False, unique=True)
    questions: Mapped[list[str]] = Column(JSON, nullable=False, default=list)
    answer: Mapped[str] = Column(Text, nullable=False)
    sources: Mapped[list[dict[str, str]]] = Column(JSON, nullable=False, default=list)
    last_verified: Mapped[dt.date | None] = Column(Date)
    status: Mapped[str] = Column(String(16), nullable=False, default=PUBLISHED, index=True)
    draft: Mapped[dict[str, Any] | None] = Column(JSON(none_as_null=True))
    version: Mapped[int] = Column(Integer, nullable=False, default=1)
    updated_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=utcnow)

    service_links: Mapped[list[FaqService]] = relationship("FaqService", cascade="all, delete-orphan")

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": version}

    @property
    def services(self) -> list[Service]:
        return [link.service for link in self.service_links]


class Term(Base):
    """Gazetteer entries: places and covered chronic diseases (for the NLU), English words (for the resolver)."""

    __tablename__ = "term"
    __table_args__ = (UniqueConstraint("kind", "name"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    kind: Mapped[str] = Column(String(16), nullable=False, index=True)
    name: Mapped[str] = Column(String(64), nullable=False)
    aliases: Mapped[list[str]] = Column(JSON, nullable=False, default=list)
    detail: Mapped[str | None] = Column(String(64))
    # the service a citizen naming this term most likely needs (a covered disease → 门诊慢特病结算)
    service_id: Mapped[int | None] = Column(ForeignKey("service.id", ondelete="SET NULL"))
    sources: Mapped[list[dict[str, str]]] = Column(JSON, nullable=False, default=list)

    service: Mapped[Service | None] = relationship("Service")


class KbRevision(Base):
    """A counter bumped by every content change, so readers know when to rebuild their caches."""

    __tablename__ = "kb_revision"

    id: Mapped[int] = Column(Integer, primary_key=True)
    revision: Mapped[int] = Column(Integer, nullable=False, default=0)
    changed_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=utcnow)


class Feedback(Base):
    """A citizen's rating of an answer (有帮助 / 没帮助)."""

    __tablename__ = "feedback"

    id: Mapped[int] = Column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=utcnow, index=True)
    conversation_id: Mapped[str] = Column(String(64), nullable=False, index=True)
    helpful: Mapped[bool] = Column(Boolean, nullable=False)
    service_key: Mapped[str | None] = Column(String(64), index=True)
    intent: Mapped[str | None] = Column(String(64))
    comment: Mapped[str | None] = Column(Text)


class UnansweredQuestion(Base):
    """A question the assistant could not answer, kept (masked) for staff review."""

    __tablename__ = "unanswered_question"

    id: Mapped[int] = Column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=utcnow, index=True)
    conversation_id: Mapped[str] = Column(String(64), nullable=False, index=True)
    text: Mapped[str] = Column(Text, nullable=False)
    reason: Mapped[str] = Column(String(32), nullable=False)
    intent: Mapped[str | None] = Column(String(64))
    confidence: Mapped[float | None] = Column(Float)
    suggested: Mapped[list[str]] = Column(JSON, nullable=False, default=list)
    status: Mapped[str] = Column(String(16), nullable=False, default="open", index=True)
    service_key: Mapped[str | None] = Column(String(64))  # the service staff linked it to
    faq_key: Mapped[str | None] = Column(String(64))  # the FAQ staff turned it into
    handled_by: Mapped[str | None] = Column(String(64))
    handled_at: Mapped[dt.datetime | None] = Column(DateTime)


OFFERED = "offered"
ACCEPTED = "accepted"
REJECTED = "rejected"


class NluExampleSuggestion(Base):
    """A missed question's wording (masked) offered as a training example of the NLU intent of the
    service staff linked it to. It becomes training data only once an admin accepts it."""

    __tablename__ = "nlu_example_suggestion"

    id: Mapped[int] = Column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=utcnow, index=True)
    # kept when retention deletes the question: an accepted example is KB content from then on
    question_id: Mapped[int | None] = Column(ForeignKey("unanswered_question.id", ondelete="SET NULL"), index=True)
    text: Mapped[str] = Column(Text, nullable=False)
    intent: Mapped[str] = Column(String(64), nullable=False, index=True)
    service_key: Mapped[str] = Column(String(64), nullable=False)
    status: Mapped[str] = Column(String(16), nullable=False, default=OFFERED, index=True)
    offered_by: Mapped[str] = Column(String(64), nullable=False)  # who linked the question
    decided_by: Mapped[str | None] = Column(String(64))
    decided_at: Mapped[dt.datetime | None] = Column(DateTime)


class HandoffMessage(Base):
    """A message a citizen chose to leave for staff (stored only with their consent)."""

    __tablename__ = "handoff_message"

    id: Mapped[int] = Column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=utcnow, index=True)
    conversation_id: Mapped[str] = Column(String(64), nullable=False, index=True)
    text: Mapped[str] = Column(Text, nullable=False)
    service_key: Mapped[str | None] = Column(String(64))
    bureau: Mapped[str | None] = Column(String(100))
    consent: Mapped[bool] = Column(Boolean, nullable=False)
    status: Mapped[str] = Column(String(16), nullable=False, default="open", index=True)
    handled_by: Mapped[str | None] = Column(String(64))
    handled_at: Mapped[dt.datetime | None] = Column(DateTime)


ADMIN = "admin"
EDITOR = "editor"
VIEWER = "viewer"
ROLES = (ADMIN, EDITOR, VIEWER)


class StaffBureau(Base):
    """The bureaus an editor may edit content for."""

    __tablename__ = "staff_bureau"

    staff_id: Mapped[int] = Column(ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True)
    bureau_id: Mapped[int] = Column(ForeignKey("bureau.id"), primary_key=True)

    bureau: Mapped[Bureau] = relationship("Bureau")


class StaffUser(Base):
    __tablename__ = "staff_user"

    id: Mapped[int] = Column(Integer, primary_key=True)
    username: Mapped[str] = Column(String(64), nullable=False, unique=True)
    display_name: Mapped[str] = Column(String(100), nullable=False)
    password_hash: Mapped[str] = Column(String(255), nullable=False)
    role: Mapped[str] = Column(String(16), nullable=False)
    active: Mapped[bool] = Column(Boolean, nullable=False, default=True)
    failed_logins: Mapped[int] = Column(Integer, nullable=False, default=0)
    locked_until: Mapped[dt.datetime | None] = Column(DateTime)
    last_login_at: Mapped[dt.datetime | None] = Column(DateTime)
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=utcnow)
    # bumped when the password is reset: sessions signed in under an older generation end
    session_generation: Mapped[int] = Column(Integer, nullable=False, default=0, server_default="0")

    bureau_links: Mapped[list[StaffBureau]] = relationship("StaffBureau", cascade="all, delete-orphan")

    @property
    def bureaus(self) -> list[str]:
        return [link.bureau.name for link in self.bureau_links]


class StaffSession(Base):
    """Server-side staff sessions: the cookie holds only a random key, stored here as its SHA-256 (a
    copy of the table does not hand out signed-in sessions)."""

    __tablename__ = "staff_session"

    key: Mapped[str] = Column(String(64), primary_key=True)  # hex SHA-256 of the cookie's key
    data: Mapped[dict[str, Any]] = Column(JSON, nullable=False, default=dict)
    expires_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, index=True)


class Revision(Base):
    """Who changed what, when: the record before and after, for history and restore."""

    __tablename__ = "revision"

    id: Mapped[int] = Column(Integer, primary_key=True)
    entity: Mapped[str] = Column(String(16), nullable=False)
    entity_key: Mapped[str] = Column(String(64), nullable=False)
    action: Mapped[str] = Column(String(32), nullable=False)
    username: Mapped[str] = Column(String(64), nullable=False)
    at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=utcnow, index=True)
    before: Mapped[dict[str, Any] | None] = Column(JSON)
    after: Mapped[dict[str, Any] | None] = Column(JSON)

    __table_args__ = (Index("ix_revision_entity_key", "entity", "entity_key"),)
