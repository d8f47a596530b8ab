"""Staff operations on the KB: accounts, sign-in, role-scoped edits, draft → publish, history, reviews.

Every rule about who may do what lives here, so the staff pages and the JSON API enforce the same
checks. Edits are validated with the same record shapes as import (kb.schema) and written in one
transaction with an audit revision; a stale version is refused instead of overwriting a colleague.

Roles: admin (everything, manages staff, decides which NLU examples become training data); editor
(services and FAQs whose responsible — lead — bureau is one of theirs); viewer (reads and reports only).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from kb.db import session_factory
from kb.io import apply_service_record, bump_revision, faq_record, jsonable, service_record
from kb.models import (
    ACCEPTED,
    ADMIN,
    DRAFT,
    EDITOR,
    PUBLISHED,
    REJECTED,
    ROLES,
    VIEWER,
    Bureau,
    Faq,
    FaqService,
    HandoffMessage,
    NluExampleSuggestion,
    PlanTask,
    Revision,
    Service,
    ServiceBureau,
    StaffBureau,
    StaffUser,
    UnansweredQuestion,
    utcnow,
)
from kb.privacy import MASK, mask_pii
from kb.schema import FaqIn, ServiceIn
from kb.textnorm import normalize

MAX_FAILURES = 5
LOCK_MINUTES = 15
MIN_PASSWORD = 10
MAX_ALIAS = 100
_ENTITY_MARKUP = re.compile(r"\[[^\]]+\][({\[]")  # how Rasa annotates an entity in an example: [text](entity)
# kb.schema.SourceIn allows only OFFICIAL/PRESS/3RD; a staff answer is the bureau's own (official)
# word, and its title and `staff:` ref say that it is a staff answer, not a published document.
STAFF_SOURCE_TAG = "OFFICIAL"
_hasher = PasswordHasher()
T = TypeVar("T")


# --- errors the web layer turns into answers --------------------------------------------------


class StaffError(Exception):
    status = 400


class NotSignedIn(StaffError):
    status = 401


class Forbidden(StaffError):
    status = 403


class NotFound(StaffError):
    status = 404


class Conflict(StaffError):
    """Someone saved the record after the version the editor started from."""

    status = 409


class Invalid(StaffError):
    """Field errors, by field name (`__all__` for the record as a whole)."""

    status = 422

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items()))


class LockedOut(StaffError):
    status = 429


# --- who is acting ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    id: int
    username: str
    display_name: str
    role: str
    bureaus: tuple[str, ...]
    session_generation: int = 0  # sessions signed in under another generation are no longer valid

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def can_edit(self) -> bool:
        return self.role in (ADMIN, EDITOR)

    def may_edit_bureau(self, bureau: str | None) -> bool:
        return self.is_admin or (self.role == EDITOR and bureau in self.bureaus)


def _actor(user: StaffUser) -> Actor:
    return Actor(
        user.id, user.username, user.display_name, user.role, tuple(user.bureaus), user.session_generation or 0
    )


def _password_ok(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise Invalid({"password": [f"密码至少需要{MIN_PASSWORD}位"]})
    return _hasher.hash(password)


@dataclass(frozen=True)
class ContentOps:
    """The editing operations of one kind of content: services and FAQs share one editor."""

    entity: str
    for_edit: Callable[[Actor, str], tuple[dict[str, Any], int, str, bool]]
    create: Callable[[Actor, dict[str, Any]], str]
    save_draft: Callable[[Actor, str, dict[str, Any], int], int]
    publish: Callable[[Actor, str, int], int]
    restore: Callable[[Actor, str, int, int], int]


# --- the operations ---------------------------------------------------------------------------


class StaffOps:
    def __init__(self, engine: Engine, model_intents: Callable[[], Collection[str]] = frozenset) -> None:
        """`model_intents` gives the NLU intents the trained model knows (the gateway reads them from
        domain.yml): a linked question is offered as a training example only for one of those. Without
        it nothing is offered."""
        self._sessions = session_factory(engine)
        self._model_intents = model_intents

    @contextmanager
    def _write(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    # accounts ------------------------------------------------------------------------------

    def create_staff(
        self, username: str, display_name: str, password: str, role: str, bureaus: list[str] = (),
        *, by: Actor | str = "cli",
    ) -> Actor:  # fmt: skip
        """A new account; `by` is who created it, for the audit (an admin, or the command line)."""
        if role not in ROLES:
            raise Invalid({"role": [f"角色只能是 {', '.join(ROLES)}"]})
        if role == EDITOR and not bureaus:
            raise Invalid({"bureaus": ["编辑必须指定负责的部门"]})
        with self._write() as session:
            user = StaffUser(
                username=username.strip(),
                display_name=display_name.strip() or username.strip(),
                password_hash=hash_password(password),
                role=role,
            )
            user.bureau_links = [StaffBureau(bureau=_bureau(session, b)) for b in bureaus]
            session.add(user)
            try:
                session.flush()
            except IntegrityError:
                raise Invalid({"username": ["这个用户名已经存在"]}) from None
            audit(session, "staff", user.username, "create", by, None, staff_snapshot(user))
            return _actor(user)

    def authenticate(self, username: str, password: str) -> Actor:
        """The signed-in actor; failures count towards a temporary lock-out of the account."""
        failure: StaffError | None = None
        with self._write() as session:  # commits the failure count as well as a success
            user = session.scalars(
                select(StaffUser)
                .where(StaffUser.username == username.strip())
                .options(selectinload(StaffUser.bureau_links).selectinload(StaffBureau.bureau))
            ).first()
            now = utcnow()
            if user is None or not user.active:
                _hasher.hash(password or "x")  # same work as a real check: no hint which names exist
                failure = NotSignedIn("用户名或密码不对")
            elif user.locked_until and user.locked_until > now:
                failure = LockedOut(
                    f"登录失败次数太多，账户已锁定到{user.locked_until:%H:%M}（UTC），请稍后再试或联系管理员"
                )
            elif not _password_ok(user.password_hash, password):
                user.failed_logins += 1
                if user.failed_logins >= MAX_FAILURES:
                    user.locked_until = now + dt.timedelta(minutes=LOCK_MINUTES)
                    user.failed_logins = 0
                failure = NotSignedIn("用户名或密码不对")
            else:
                user.failed_logins = 0
                user.locked_until = None
                user.last_login_at = now
                if _hasher.check_needs_rehash(user.password_hash):
                    user.password_hash = _hasher.hash(password)
                actor = _actor(user)
        if failure:
            raise failure
        return actor

    def actor(self, user_id: int) -> Actor | None:
        with self._sessions() as session:
            user = session.get(StaffUser, user_id)
            return _actor(user) if user and user.active else None

    def list_staff(self, actor: Actor) -> list[dict[str, Any]]:
        _require_admin(actor)
        with self._sessions() as session:
            users = session.scalars(select(StaffUser).order_by(StaffUser.id)).all()
            return [
                {
                    "id": u.id,
                    "username": u.username,
                    "display_name": u.display_name,
                    "role": u.role,
                    "bureaus": u.bureaus,
                    "active": u.active,
                    "locked_until": u.locked_until.isoformat() if u.locked_until else None,
                    "last_login_at": u.last_login_at.isoformat() if u.last_login_at else None,
                }
                for u in users
            ]

    def update_staff(
        self, actor: Actor, user_id: int, *, role: str | None = None, bureaus: list[str] | None = None,
        active: bool | None = None, unlock: bool = False,
    ) -> None:  # fmt: skip
        _require_admin(actor)
        with self._write() as session:
            user = _get(session, StaffUser, user_id, "没有这个工作人员")
            before = staff_snapshot(user)
            if role is not None:
                if role not in ROLES:
                    raise Invalid({"role": [f"角色只能是 {', '.join(ROLES)}"]})
                user.role = role
            if bureaus is not None:
                user.bureau_links = []
                session.flush()
                user.bureau_links = [StaffBureau(bureau=_bureau(session, b)) for b in bureaus]
            if active is not None:
                if user.id == actor.id and not active:
                    raise Invalid({"active": ["不能停用自己的账户"]})
                user.active = active
            if unlock:
                user.locked_until = None
                user.failed_logins = 0
            if user.role == EDITOR and not user.bureau_links:
                raise Invalid({"bureaus": ["编辑必须指定负责的部门"]})
            _keep_an_admin(session, user, before)
            after = staff_snapshot(user)
            if after != before:
                audit(session, "staff", user.username, "update", actor, before, after)

    # services ------------------------------------------------------------------------------

    def service_for_edit(self, actor: Actor, key: str) -> tuple[dict[str, Any], int, str, bool]:
        """The record an editor starts from (the draft if any), its version, status, has-draft."""
        with self._sessions() as session:
            service = _service(session, key)
            record = service.draft or _service_record(service)
            return record, service.version, service.status, service.draft is not None

    def create_service(self, actor: Actor, raw: dict[str, Any]) -> str:
        record = _validate(ServiceIn, raw)
        _require_bureau(actor, record.bureaus[0])
        with self._write() as session:
            if session.scalar(select(Service.id).where(Service.key == record.key)):
                raise Invalid({"key": ["这个标识已被其他服务使用"]})
            _require_service_wording(session, actor, record)
            bureaus = _bureaus_for(session, record.bureaus)
            _check_tasks(session, record.tasks)
            service = Service(key=record.key, status=DRAFT)
            apply_service_record(service, record.copy(update={"status": DRAFT}), bureaus)
            service.draft = jsonable(record.dict())
            session.add(service)
            session.flush()
            audit(session, "service", record.key, "create", actor, None, service.draft)
        return record.key

    def save_service_draft(
        self, actor: Actor, key: str, raw: dict[str, Any], version: int, action: str = "save_draft"
    ) -> int:
        """Keep edits as a draft (citizens still see the published text); returns the new version."""
        record = _validate(ServiceIn, raw)
        if record.key != key:
            raise Invalid({"key": ["标识不能修改"]})
        with self._write() as session:
            service = _service(session, key)
            _require_bureau(actor, _lead_bureau(service))
            _require_bureau(actor, record.bureaus[0])
            _check_version(session, "service", key, service.version, version)
            _require_service_wording(session, actor, record)
            _bureaus_for(session, record.bureaus)
            _check_tasks(session, record.tasks)
            return _store_draft(session, actor, action, "service", service, record, _service_record(service))

    def publish_service(self, actor: Actor, key: str, version: int) -> int:
        """Make the draft what citizens see, at once (the actions read the KB on every answer)."""
        with self._write() as session:
            service = _service(session, key)
            _require_bureau(actor, _lead_bureau(service))
            _check_version(session, "service", key, service.version, version)
            if service.draft is None and service.status == PUBLISHED:
                raise Invalid({"__all__": ["没有待发布的修改"]})
            record = _validate(ServiceIn, service.draft or _service_record(service))
            _require_bureau(actor, record.bureaus[0])
            _require_service_wording(session, actor, record)
            before = _service_record(service) if service.status == PUBLISHED else None
            bureaus = _bureaus_for(session, record.bureaus)
            service.bureau_links = []
            service.task_links = []
            session.flush()
            apply_service_record(service, record.copy(update={"status": PUBLISHED}), bureaus)
            service.draft = None
            _flush_or_conflict(session)
            audit(session, "service", key, "publish", actor, before, _service_record(service))
            bump_revision(session)
            return service.version

    def unpublish_service(self, actor: Actor, key: str, version: int) -> int:
        with self._write() as session:
            service = _service(session, key)
            _require_bureau(actor, _lead_bureau(service))
            _check_version(session, "service", key, service.version, version)
            if service.status != PUBLISHED:
                raise Invalid({"__all__": ["这项服务还没有发布，无需撤下"]})
            before = _service_record(service)
            service.status = DRAFT
            _flush_or_conflict(session)
            audit(session, "service", key, "unpublish", actor, before, _service_record(service))
            bump_revision(session)
            return service.version

    def restore_service(self, actor: Actor, key: str, revision_id: int, version: int) -> int:
        """Put an earlier version back as the draft, to check and publish."""
        snapshot = self._snapshot("service", key, revision_id)
        return self.save_service_draft(actor, key, snapshot, version, action="restore")

    def _snapshot(self, entity: str, key: str, revision_id: int) -> dict[str, Any]:
        """The record as a revision left it (or found it, for a revision that removed it)."""
        with self._sessions() as session:
            revision = session.get(Revision, revision_id)
            if revision is None or (revision.entity, revision.entity_key) != (entity, key):
                raise NotFound("没有这条历史记录")
            snapshot = revision.after or revision.before
        if not snapshot:
            raise Invalid({"__all__": ["这条历史记录没有可恢复的内容"]})
        return snapshot

    # FAQs ----------------------------------------------------------------------------------

    def faq_for_edit(self, actor: Actor, key: str) -> tuple[dict[str, Any], int, str, bool]:
        with self._sessions() as session:
            faq = _faq(session, key)
            return faq.draft or _faq_record(faq), faq.version, faq.status, faq.draft is not None

    def create_faq(self, actor: Actor, raw: dict[str, Any]) -> str:
        record = _validate(FaqIn, raw)
        with self._write() as session:
            return self._create_faq(session, actor, record)

    def _create_faq(self, session: Session, actor: Actor, record: FaqIn) -> str:
        """A new FAQ as a draft, in the caller's transaction."""
        self._require_faq_scope(session, actor, record.services)
        _require_own_wording(session, actor, None, None, {"questions": record.questions})
        if session.scalar(select(Faq.id).where(Faq.key == record.key)):
            raise Invalid({"key": ["这个标识已被其他问答使用"]})
        faq = Faq(key=record.key, status=DRAFT, questions=record.questions, answer=record.answer)
        _apply_faq(session, faq, record)
        faq.status = DRAFT
        faq.draft = jsonable(record.dict())
        session.add(faq)
        session.flush()
        audit(session, "faq", record.key, "create", actor, None, faq.draft)
        return record.key

    def save_faq_draft(
        self, actor: Actor, key: str, raw: dict[str, Any], version: int, action: str = "save_draft"
    ) -> int:
        record = _validate(FaqIn, raw)
        if record.key != key:
            raise Invalid({"key": ["标识不能修改"]})
        with self._write() as session:
            faq = _faq(session, key)
            self._require_faq_scope(session, actor, [s.key for s in faq.services])
            self._require_faq_scope(session, actor, record.services)
            _require_own_wording(session, actor, None, None, {"questions": record.questions})
            _check_version(session, "faq", key, faq.version, version)
            return _store_draft(session, actor, action, "faq", faq, record, _faq_record(faq))

    def publish_faq(self, actor: Actor, key: str, version: int) -> int:
        with self._write() as session:
            faq = _faq(session, key)
            self._require_faq_scope(session, actor, [s.key for s in faq.services])
            _check_version(session, "faq", key, faq.version, version)
            if faq.draft is None and faq.status == PUBLISHED:
                raise Invalid({"__all__": ["没有待发布的修改"]})
            record = _validate(FaqIn, faq.draft or _faq_record(faq))
            self._require_faq_scope(session, actor, record.services)
            _require_own_wording(session, actor, None, None, {"questions": record.questions})
            before = _faq_record(faq) if faq.status == PUBLISHED else None
            faq.service_links = []
            session.flush()
            _apply_faq(session, faq, record)
            faq.status = PUBLISHED
            faq.draft = None
            _flush_or_conflict(session)
            audit(session, "faq", key, "publish", actor, before, _faq_record(faq))
            bump_revision(session)
            return faq.version

    def restore_faq(self, actor: Actor, key: str, revision_id: int, version: int) -> int:
        snapshot = self._snapshot("faq", key, revision_id)
        return self.save_faq_draft(actor, key, snapshot, version, action="restore")

    def _require_faq_scope(self, session: Session, actor: Actor, service_keys: list[str]) -> None:
        if actor.is_admin:
            return
        if not actor.can_edit or not service_keys:
            raise Forbidden("只有管理员可以编辑不属于任何服务的问答")
        for key in service_keys:
            service = session.scalars(select(Service).where(Service.key == key)).first()
            if service is None:
                raise Invalid({"services": [f"没有这个服务：{key}"]})
            _require_bureau(actor, _lead_bureau(service))

    def content(self, entity: str) -> ContentOps:
        """The operations for `service` or `faq` records."""
        if entity == "service":
            return ContentOps(
                entity, self.service_for_edit, self.create_service, self.save_service_draft,
                self.publish_service, self.restore_service,
            )  # fmt: skip
        if entity == "faq":
            return ContentOps(
                entity, self.faq_for_edit, self.create_faq, self.save_faq_draft, self.publish_faq, self.restore_faq
            )
        raise NotFound(f"没有这类内容：{entity}")

    # history -------------------------------------------------------------------------------

    def history(self, entity: str, key: str) -> list[dict[str, Any]]:
        with self._sessions() as session:
            rows = session.scalars(
                select(Revision)
                .where(Revision.entity == entity, Revision.entity_key == key)
                .order_by(Revision.id.desc())
            ).all()
            return [
                {
                    "id": r.id,
                    "action": r.action,
                    "username": r.username,
                    "at": r.at.isoformat(timespec="seconds"),
                    "changes": _changes(r.before, r.after),
                    "before": r.before,
                    "after": r.after,
                }
                for r in rows
            ]

    # review queues -------------------------------------------------------------------------

    def link_unanswered(self, actor: Actor, question_id: int, service_key: str, add_alias: bool) -> None:
        """Tie a question the assistant missed to a service; optionally teach the search its wording.

        By design the alias goes live at once (audited as `add_alias`, restorable from the history) and
        is added to a pending draft too, so publishing that draft later does not drop it. The wording is
        also offered as an NLU example of the service's intent, which reaches training only if an admin
        accepts it.
        """
        _require_editor(actor)
        intents = self._model_intents()
        with self._write() as session:
            question = _open_question(session, question_id)
            _require_question_scope(session, actor, question)
            service = _service(session, service_key)
            _require_bureau(actor, _lead_bureau(service))
            _mark_handled(question, actor, "linked")
            question.service_key = service_key
            alias = _alias_of(question.text)
            if add_alias and alias:
                _require_own_wording(session, actor, service.key, None, {"aliases": [alias]})
                _add_alias(session, actor, service, alias)
            if service.intent in intents:
                _offer_example(session, actor, question, service)

    def faq_from_unanswered(self, actor: Actor, question_id: int, answer: str, service_key: str, key: str) -> str:
        """A draft FAQ from a missed question and a staff member's answer, in one transaction."""
        _require_editor(actor)
        with self._write() as session:
            question = _open_question(session, question_id)
            _require_question_scope(session, actor, question)
            service = _service(session, service_key)
            raw = {
                "key": key,
                "questions": [question.text],
                "answer": answer,
                "services": [service_key],
                "sources": [_staff_source(actor, service)],
            }
            created = self._create_faq(session, actor, _validate(FaqIn, raw))
            _mark_handled(question, actor, "faq")
            question.faq_key = created
            return created

    def dismiss_unanswered(self, actor: Actor, question_id: int) -> None:
        _require_editor(actor)
        with self._write() as session:
            question = _open_question(session, question_id)
            _require_question_scope(session, actor, question)
            _mark_handled(question, actor, "dismissed")

    # NLU example suggestions -------------------------------------------------------------

    def accept_example(self, actor: Actor, suggestion_id: int) -> None:
        """Make an offered (or earlier rejected) example training data for the next training."""
        _require_admin(actor, "决定哪些例句用于训练")
        intents = self._model_intents()
        with self._write() as session:
            suggestion = _suggestion(session, suggestion_id, ACCEPTED)
            if suggestion.intent not in intents:
                raise Conflict(f"当前模型没有意图 {suggestion.intent}，这条例句不能用于训练")
            _require_one_intent(session, suggestion)
            _decide(session, actor, suggestion, ACCEPTED, "accept")

    def reject_example(self, actor: Actor, suggestion_id: int) -> None:
        """Keep an example out of training; an accepted one is withdrawn before the next training."""
        _require_admin(actor, "决定哪些例句用于训练")
        with self._write() as session:
            _decide(session, actor, _suggestion(session, suggestion_id, REJECTED), REJECTED, "reject")

    def mark_message_handled(self, actor: Actor, message_id: int, handled: bool = True) -> None:
        _require_editor(actor)
        with self._write() as session:
            message = _get(session, HandoffMessage, message_id, "没有这条留言")
            if message.bureau and not actor.may_edit_bureau(message.bureau):
                raise Forbidden(f"这条留言属于{message.bureau}")
            message.status = "handled" if handled else "open"
            message.handled_by = actor.username if handled else None
            message.handled_at = utcnow() if handled else None


# --- helpers ----------------------------------------------------------------------------------


def _require_admin(actor: Actor, what: str = "管理工作人员") -> None:
    if not actor.is_admin:
        raise Forbidden(f"只有管理员可以{what}")


def _require_editor(actor: Actor) -> None:
    if not actor.can_edit:
        raise Forbidden("只读账户不能修改内容")


def _store_draft(
    session: Session, actor: Actor, action: str, entity: str, row: Service | Faq, record: Any, published: dict
) -> int:
    """Keep `record` as the row's draft and audit it against the previous draft (or the published
    text on a first edit); returns the row's new version."""
    before = row.draft or published
    row.draft = jsonable(record.dict())
    row.updated_at = utcnow()
    _flush_or_conflict(session)
    audit(session, entity, row.key, action, actor, before, row.draft)
    return row.version


def _require_question_scope(session: Session, actor: Actor, question: UnansweredQuestion) -> None:
    """Like linking: an editor handles a question only through a service of their bureaus — the one
    it was linked to, else one the assistant suggested. Questions with neither are for admins."""
    if actor.is_admin:
        return
    keys = [question.service_key] if question.service_key else list(question.suggested)
    services = session.scalars(select(Service).where(Service.key.in_(keys))).all() if keys else []
    if not any(actor.may_edit_bureau(_lead_bureau(s)) for s in services):
        raise Forbidden("这条问题不涉及您负责部门的服务，请由管理员或相关部门处理")


def _open_question(session: Session, question_id: int) -> UnansweredQuestion:
    """A question still waiting in the queue: one already handled is not handled again."""
    question = _get(session, UnansweredQuestion, question_id, "没有这条问题")
    if question.status != "open":
        raise Conflict(f"这条问题已由{question.handled_by or '其他人'}处理（{question.status}），请刷新列表")
    return question


def _require_service_wording(session: Session, actor: Actor, record: ServiceIn) -> None:
    _require_own_wording(
        session, actor, record.key, record.intent, {"name": [record.name], "aliases": list(record.aliases)}
    )


def _require_own_wording(
    session: Session, actor: Actor, own_key: str | None, intent: str | None, phrases: dict[str, list[str]]
) -> None:
    """An editor may not give their content another bureau's NLU intent, nor a name, alias or FAQ
    question that is another bureau's service's name or alias: that would capture the questions
    citizens ask about the other bureau's service. Admins decide such overlaps."""
    if actor.is_admin:
        return
    for service in session.scalars(
        select(Service).options(selectinload(Service.bureau_links).selectinload(ServiceBureau.bureau))
    ):
        bureau = _lead_bureau(service)
        if service.key == own_key or actor.may_edit_bureau(bureau):
            continue
        if intent and service.intent == intent:
            raise Forbidden(f"意图 {intent} 属于{bureau}的服务“{service.name}”，请联系管理员")
        theirs = {_wording(w) for w in [service.name, *service.aliases]}
        for field, texts in phrases.items():
            taken = next((t for t in texts if _wording(t) in theirs), None)
            if taken:
                raise Forbidden(f"“{taken}”（{field}）是{bureau}的服务“{service.name}”的名称或别名，请联系管理员")


def _wording(text: str) -> str:
    """A phrase as compared across services: normalised (full-width, 繁體, case), spaces and punctuation gone."""
    return "".join(ch for ch in normalize(text) if ch.isalnum())


def _keep_an_admin(session: Session, user: StaffUser, before: dict[str, Any]) -> None:
    """Refuse to demote or deactivate the last active admin: nobody could manage staff any more."""
    was_admin = before["role"] == ADMIN and before["active"]
    if not was_admin or (user.role == ADMIN and user.active):
        return
    others = session.scalar(
        select(func.count())
        .select_from(StaffUser)
        .where(StaffUser.role == ADMIN, StaffUser.active.is_(True), StaffUser.id != user.id)
    )
    if not others:
        field = "role" if user.role != ADMIN else "active"
        raise Invalid({field: ["这是最后一位在用的管理员，请先指定另一位管理员"]})


def staff_snapshot(user: StaffUser) -> dict[str, Any]:
    """An account as the audit records it (never the password hash)."""
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "bureaus": user.bureaus,
        "active": bool(user.active),
        "locked_until": user.locked_until.isoformat(timespec="seconds") if user.locked_until else None,
    }


def _mark_handled(question: UnansweredQuestion, actor: Actor, status: str) -> None:
    question.status = status
    question.handled_by = actor.username
    question.handled_at = utcnow()


def _alias_of(text: str) -> str:
    """A question's wording as a service alias: masked again (a live alias is searchable text), trimmed
    and cut to MAX_ALIAS characters."""
    return mask_pii(text.strip())[:MAX_ALIAS].strip()


def _add_alias(session: Session, actor: Actor, service: Service, alias: str) -> None:
    """Add an alias to the published service (audited) and to its pending draft, each only once."""
    if service.draft is not None:
        drafted = service.draft.get("aliases", [])
        if alias not in drafted:
            service.draft = {**service.draft, "aliases": [*drafted, alias]}
    if alias in service.aliases:
        return
    before = _service_record(service)
    service.aliases = [*service.aliases, alias]
    _flush_or_conflict(session)
    audit(session, "service", service.key, "add_alias", actor, before, _service_record(service))
    bump_revision(session)


def _example_text(text: str) -> str:
    """A question's wording as an NLU example: masked again, on one line (an example is one line of a
    Rasa block); empty if nothing is left to learn from or Rasa would read it as entity markup."""
    example = " ".join(mask_pii(text).split())
    if _ENTITY_MARKUP.search(example) or not any(ch.isalnum() for ch in example.replace(MASK, "")):
        return ""
    return example


def _offer_example(session: Session, actor: Actor, question: UnansweredQuestion, service: Service) -> None:
    """Offer the question's wording as an example of the service's intent, unless the same wording was
    offered for that intent before (whatever was decided then)."""
    text = _example_text(question.text)
    if not text or not service.intent:
        return
    offered = select(NluExampleSuggestion.id).where(
        NluExampleSuggestion.text == text, NluExampleSuggestion.intent == service.intent
    )
    if session.scalar(offered.limit(1)) is not None:
        return
    suggestion = NluExampleSuggestion(
        question_id=question.id, text=text, intent=service.intent, service_key=service.key, offered_by=actor.username
    )
    session.add(suggestion)
    session.flush()
    audit(session, "nlu_example", str(suggestion.id), "offer", actor, None, _suggestion_record(suggestion))


def _suggestion(session: Session, suggestion_id: int, decision: str) -> NluExampleSuggestion:
    suggestion = _get(session, NluExampleSuggestion, suggestion_id, "没有这条例句")
    if suggestion.status == decision:
        label = "采纳" if decision == ACCEPTED else "拒绝"
        raise Conflict(f"这条例句已由{suggestion.decided_by or '其他人'}{label}，请刷新列表")
    return suggestion


def _require_one_intent(session: Session, suggestion: NluExampleSuggestion) -> None:
    """The same wording accepted for two intents would teach the model to confuse them."""
    other = session.scalar(
        select(NluExampleSuggestion.intent).where(
            NluExampleSuggestion.text == suggestion.text,
            NluExampleSuggestion.intent != suggestion.intent,
            NluExampleSuggestion.status == ACCEPTED,
        )
    )
    if other:
        raise Conflict(f"这句话已作为意图 {other} 的例句被采纳，不能再教给意图 {suggestion.intent}")


def _decide(session: Session, actor: Actor, suggestion: NluExampleSuggestion, decision: str, action: str) -> None:
    before = _suggestion_record(suggestion)
    suggestion.status = decision
    suggestion.decided_by = actor.username
    suggestion.decided_at = utcnow()
    audit(session, "nlu_example", str(suggestion.id), action, actor, before, _suggestion_record(suggestion))


def _suggestion_record(suggestion: NluExampleSuggestion) -> dict[str, Any]:
    return {
        "text": suggestion.text,
        "intent": suggestion.intent,
        "service_key": suggestion.service_key,
        "status": suggestion.status,
    }


def _staff_source(actor: Actor, service: Service) -> dict[str, str]:
    """The source of an answer staff wrote: the staff answer itself, not the service's documents."""
    bureau = _lead_bureau(service) or "宿州市"
    return {
        "title": f"{bureau}工作人员答复（{utcnow():%Y-%m-%d}）",
        "ref": f"staff:{actor.username}",
        "tag": STAFF_SOURCE_TAG,
    }


def _require_bureau(actor: Actor, bureau: str | None) -> None:
    _require_editor(actor)
    if not actor.may_edit_bureau(bureau):
        raise Forbidden(
            f"您只能编辑{'、'.join(actor.bureaus) or '（未指定部门）'}负责的内容，这一项由{bureau or '未指定部门'}负责"
        )


def check_record(model: type, raw: Any) -> dict[str, list[str]]:
    """The field errors a record would get, without saving anything."""
    try:
        _validate(model, raw)
    except Invalid as exc:
        return exc.errors
    return {}


def _validate(model: type[T], raw: Any) -> T:
    if not isinstance(raw, dict):
        raise Invalid({"__all__": ["内容必须是一个对象"]})
    try:
        return model.parse_obj(raw)  # type: ignore[attr-defined]
    except ValidationError as exc:
        errors: dict[str, list[str]] = {}
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "__all__"
            errors.setdefault(field, []).append(_message(error))
        raise Invalid(errors) from None


_PYDANTIC_MESSAGES: dict[str, Callable[[dict[str, Any]], str]] = {
    "value_error.missing": lambda e: "必填",
    "value_error.any_str.min_length": lambda e: f"至少{e['ctx']['limit_value']}个字",
    "value_error.any_str.max_length": lambda e: f"最多{e['ctx']['limit_value']}个字",
    "value_error.list.min_items": lambda e: f"至少填{e['ctx']['limit_value']}项",
    "value_error.str.regex": lambda e: "格式不对",
    "type_error.date": lambda e: "日期格式应为 YYYY-MM-DD",
    "value_error.date": lambda e: "日期格式应为 YYYY-MM-DD",
}


def _message(error: dict[str, Any]) -> str:
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error["loc"][1:])
    text = _PYDANTIC_MESSAGES.get(error["type"], lambda e: e["msg"])(error)
    translated = {"must be an http(s) URL": "必须是 http(s) 网址", "empty item": "有空行", "duplicate item": "有重复项"}
    text = translated.get(text, text)
    return f"{where.lstrip('.')}: {text}" if where else text


def _service(session: Session, key: str) -> Service:
    service = session.scalars(
        select(Service)
        .where(Service.key == key)
        .options(
            selectinload(Service.bureau_links).selectinload(ServiceBureau.bureau), selectinload(Service.task_links)
        )
    ).first()
    if service is None:
        raise NotFound(f"没有这个服务：{key}")
    return service


def _faq(session: Session, key: str) -> Faq:
    faq = session.scalars(
        select(Faq).where(Faq.key == key).options(selectinload(Faq.service_links).selectinload(FaqService.service))
    ).first()
    if faq is None:
        raise NotFound(f"没有这个问答：{key}")
    return faq


def _faq_record(faq: Faq) -> dict[str, Any]:
    return jsonable(faq_record(faq).dict())


def _service_record(service: Service) -> dict[str, Any]:
    return jsonable(service_record(service).dict())


def _lead_bureau(service: Service) -> str | None:
    """The bureau responsible for a service (the first listed), whose editors may change it."""
    return service.bureaus[0].name if service.bureaus else None


def _apply_faq(session: Session, faq: Faq, record: FaqIn) -> None:
    faq.questions = record.questions
    faq.answer = record.answer
    faq.sources = [s.dict(exclude_none=True) for s in record.sources]
    faq.last_verified = record.last_verified
    faq.updated_at = utcnow()
    services = []
    for key in record.services:
        service = session.scalars(select(Service).where(Service.key == key)).first()
        if service is None:
            raise Invalid({"services": [f"没有这个服务：{key}"]})
        services.append(service)
    faq.service_links = [FaqService(service=s) for s in services]


def _get(session: Session, model: type[T], row_id: int, missing: str) -> T:
    row = session.get(model, row_id)
    if row is None:
        raise NotFound(missing)
    return row


def _bureau(session: Session, name: str) -> Bureau:
    bureau = session.scalars(select(Bureau).where(Bureau.name == name)).first()
    if bureau is None:
        raise Invalid({"bureaus": [f"没有这个部门：{name}"]})
    return bureau


def _bureaus_for(session: Session, names: list[str]) -> dict[str, Bureau]:
    return {name: _bureau(session, name) for name in names}


def _check_tasks(session: Session, numbers: list[int]) -> None:
    known = set(session.scalars(select(PlanTask.number).where(PlanTask.number.in_(numbers))))
    missing = [n for n in numbers if n not in known]
    if missing:
        raise Invalid({"tasks": [f"行动计划里没有第{n}项任务" for n in missing]})


def _check_version(session: Session, entity: str, key: str, current: int, expected: int) -> None:
    if current != expected:
        last = session.scalars(
            select(Revision).where(Revision.entity == entity, Revision.entity_key == key).order_by(Revision.id.desc())
        ).first()
        who = f"{last.username}于{last.at:%Y-%m-%d %H:%M}（UTC）" if last else "其他人"
        raise Conflict(f"这条内容已被{who}修改过，您的修改没有保存。请刷新页面，在最新内容上重新修改。")


def _flush_or_conflict(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError:
        raise Conflict("这条内容刚刚被其他人修改过，您的修改没有保存。请刷新后重新修改。") from None


def audit(
    session: Session, entity: str, key: str, action: str, actor: Actor | str,
    before: dict[str, Any] | None, after: dict[str, Any] | None,
) -> None:  # fmt: skip
    username = actor if isinstance(actor, str) else actor.username
    session.add(Revision(entity=entity, entity_key=key, action=action, username=username, before=before, after=after))


def _changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """The fields that differ between two snapshots."""
    if not before or not after:
        return []
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


__all__ = ["ADMIN", "EDITOR", "VIEWER", "Actor", "StaffOps", "audit", "staff_snapshot"]
