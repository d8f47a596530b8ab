"""Whole-KB export and validated, transactional import."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kb.models import (
    CO,
    LEAD,
    Bureau,
    Faq,
    FaqService,
    KbRevision,
    PlanTask,
    PlanTaskUnit,
    Revision,
    Service,
    ServiceBureau,
    ServiceTask,
    Term,
    utcnow,
)
from kb.schema import BureauIn, FaqIn, KbDocument, ServiceIn, TaskIn, TermIn


class KbImportError(ValueError):
    """Raised when an import file is invalid; nothing has been written."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class ImportSummary:
    bureaus: int = 0
    tasks: int = 0
    services: int = 0
    faqs: int = 0
    terms: int = 0

    def __str__(self) -> str:
        return (
            f"{self.bureaus} bureaus, {self.tasks} tasks, {self.services} services, "
            f"{self.faqs} FAQs, {self.terms} terms"
        )


# --- validation ---------------------------------------------------------------------------------

_RECORD_LABEL = {"bureaus": "name", "tasks": "number", "services": "key", "faqs": "key"}


def parse_document(raw: Any) -> KbDocument:
    """Validate the shape of an import file; errors name the record and the field."""
    if not isinstance(raw, Mapping):
        raise KbImportError(["the file must hold one JSON object with bureaus/tasks/services/faqs/terms"])
    try:
        return KbDocument.parse_obj(raw)
    except ValidationError as exc:
        raise KbImportError([_describe(err, raw) for err in exc.errors()]) from None


def _describe(error: Mapping[str, Any], raw: Mapping[str, Any]) -> str:
    loc = list(error["loc"])
    where = ""
    if len(loc) >= 2 and isinstance(loc[1], int):
        section, index = loc[0], loc[1]
        where = f"{section}[{index}]"
        label = _RECORD_LABEL.get(str(section))
        record = _safe_index(raw.get(section), index)
        if label and isinstance(record, Mapping) and record.get(label) is not None:
            where += f" ({label}={record[label]})"
        rest = loc[2:]
    else:
        rest = loc
    field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in rest)
    location = (where + field).lstrip(".") or "file"
    return f"{location}: {error['msg']}"


def _safe_index(items: Any, index: int) -> Any:
    if isinstance(items, list) and 0 <= index < len(items):
        return items[index]
    return None


def _check_references(session: Session, doc: KbDocument) -> list[str]:
    problems: list[str] = []
    for section, keys in (
        ("bureaus", [b.name for b in doc.bureaus]),
        ("tasks", [t.number for t in doc.tasks]),
        ("services", [s.key for s in doc.services]),
        ("faqs", [f.key for f in doc.faqs]),
        ("terms", [f"{t.kind}:{t.name}" for t in doc.terms]),
    ):
        for key, count in Counter(keys).items():
            if count > 1:
                problems.append(f"{section}: {key} appears {count} times")

    bureaus = {b.name for b in doc.bureaus} | set(session.scalars(select(Bureau.name)))
    tasks = {t.number for t in doc.tasks} | set(session.scalars(select(PlanTask.number)))
    services = {s.key for s in doc.services} | set(session.scalars(select(Service.key)))

    for i, task in enumerate(doc.tasks):
        for field, names in (("leads", task.leads), ("cos", task.cos)):
            problems += _unknown(f"tasks[{i}] (number={task.number}).{field}", names, bureaus, "bureau")
    for i, service in enumerate(doc.services):
        where = f"services[{i}] (key={service.key})"
        problems += _unknown(f"{where}.bureaus", service.bureaus, bureaus, "bureau")
        problems += _unknown(f"{where}.tasks", service.tasks, tasks, "plan task")
    for i, faq in enumerate(doc.faqs):
        problems += _unknown(f"faqs[{i}] (key={faq.key}).services", faq.services, services, "service")
    for i, term in enumerate(doc.terms):
        linked = [term.service] if term.service else []
        problems += _unknown(f"terms[{i}] (name={term.name}).service", linked, services, "service")
    return problems


def _unknown(where: str, values: Iterable[Any], known: set[Any], what: str) -> list[str]:
    return [f"{where}[{j}]: unknown {what} {v!r}" for j, v in enumerate(values) if v not in known]


# --- import -------------------------------------------------------------------------------------


def import_document(session: Session, raw: Any) -> ImportSummary:
    """Validate and upsert a whole document in the caller's transaction.

    Raises KbImportError before writing anything if any record or reference is wrong; the caller's
    `session.begin()` block guarantees that a failure half-way leaves the database unchanged.
    """
    doc = raw if isinstance(raw, KbDocument) else parse_document(raw)
    problems = _check_references(session, doc)
    if problems:
        raise KbImportError(problems)

    bureaus = {b.name: b for b in session.scalars(select(Bureau))}
    for record in doc.bureaus:
        _upsert_bureau(session, bureaus, record)
    session.flush()
    for record in doc.tasks:
        _upsert_task(session, bureaus, record)
    session.flush()
    services = {s.key: s for s in session.scalars(select(Service))}
    for record in doc.services:
        _upsert_service(session, bureaus, services, record)
    session.flush()
    for record in doc.faqs:
        _upsert_faq(session, services, record)
    for record in doc.terms:
        _upsert_term(session, services, record)
    bump_revision(session)
    session.flush()
    return ImportSummary(len(doc.bureaus), len(doc.tasks), len(doc.services), len(doc.faqs), len(doc.terms))


def bump_revision(session: Session) -> int:
    """Mark the KB content as changed so caches (search index, NLU vocabulary) rebuild."""
    row = session.get(KbRevision, 1)
    if row is None:
        row = KbRevision(id=1, revision=0)
        session.add(row)
    row.revision += 1
    row.changed_at = utcnow()
    return row.revision


def _upsert_bureau(session: Session, bureaus: dict[str, Bureau], record: BureauIn) -> None:
    bureau = bureaus.get(record.name)
    if bureau is None:
        bureau = bureaus[record.name] = Bureau(name=record.name)
        session.add(bureau)
    bureau.full_name = record.full_name
    bureau.aliases = record.aliases
    bureau.duties = record.duties
    bureau.sources = [s.dict(exclude_none=True) for s in record.sources]


def _upsert_task(session: Session, bureaus: dict[str, Bureau], record: TaskIn) -> None:
    task = session.get(PlanTask, record.number)
    if task is None:
        task = PlanTask(number=record.number)
        session.add(task)
    for field in ("chapter", "section", "title", "text", "leads_open", "cos_open", "remark"):
        setattr(task, field, getattr(record, field))
    task.units = [
        PlanTaskUnit(role=role, position=i, bureau=bureaus[name])
        for role, names in ((LEAD, record.leads), (CO, record.cos))
        for i, name in enumerate(names)
    ]


SERVICE_FIELDS = (
    "intent", "name", "aliases", "topic", "summary", "eligibility", "materials", "steps",
    "online_channels", "offline_channel", "time_limit", "fees", "hotline", "notes",
    "last_verified", "status",
)  # fmt: skip


def apply_service_record(service: Service, record: ServiceIn, bureaus: Mapping[str, Bureau]) -> None:
    """Copy a validated record onto a Service row (used by import and by staff edits)."""
    for field in SERVICE_FIELDS:
        setattr(service, field, getattr(record, field))
    service.links = [link.dict() for link in record.links]
    service.sources = [s.dict(exclude_none=True) for s in record.sources]
    service.bureau_links = [ServiceBureau(bureau=bureaus[name], position=i) for i, name in enumerate(record.bureaus)]
    service.task_links = [ServiceTask(task_number=n) for n in record.tasks]
    service.updated_at = utcnow()


def _upsert_service(
    session: Session,
    bureaus: dict[str, Bureau],
    services: dict[str, Service],
    record: ServiceIn,
) -> None:
    service = services.get(record.key)
    before = None
    if service is None:
        service = services[record.key] = Service(key=record.key)
        session.add(service)
    else:
        before = service_record(service).dict()
        _discard_draft(session, "service", service)
        # replace the association rows in a separate flush so their primary keys can be reused
        service.bureau_links = []
        service.task_links = []
        session.flush()
    apply_service_record(service, record, bureaus)
    _record_import(session, "service", record.key, before, record.dict())


def _upsert_faq(session: Session, services: dict[str, Service], record: FaqIn) -> None:
    faq = session.scalars(select(Faq).where(Faq.key == record.key)).first()
    before = None
    if faq is None:
        faq = Faq(key=record.key)
        session.add(faq)
    else:
        before = faq_record(faq).dict()
        _discard_draft(session, "faq", faq)
        if faq.service_links:
            faq.service_links = []
            session.flush()
    faq.questions = record.questions
    faq.answer = record.answer
    faq.sources = [s.dict(exclude_none=True) for s in record.sources]
    faq.last_verified = record.last_verified
    faq.status = record.status
    faq.updated_at = utcnow()
    faq.service_links = [FaqService(service=services[key]) for key in record.services]
    _record_import(session, "faq", record.key, before, record.dict())


def _record_import(
    session: Session, entity: str, key: str, before: dict[str, Any] | None, after: dict[str, Any]
) -> None:
    """Imports appear in each record's history, so staff can restore what was imported."""
    session.add(
        Revision(
            entity=entity,
            entity_key=key,
            action="import",
            username="import",
            before=jsonable(before) if before else None,
            after=jsonable(after),
        )
    )


def _discard_draft(session: Session, entity: str, row: Service | Faq) -> None:
    """An import replaces the content, so a pending staff draft would undo it on publish: drop the
    draft, keeping it in the history (restorable) under the action `discard_draft`."""
    if row.draft is None:
        return
    session.add(
        Revision(
            entity=entity,
            entity_key=row.key,
            action="discard_draft",
            username="import",
            before=row.draft,
            after=None,
        )
    )
    row.draft = None


def jsonable(value: Any) -> Any:
    """A record (dicts, lists, dates) as plain JSON values, for JSON columns."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _upsert_term(session: Session, services: dict[str, Service], record: TermIn) -> None:
    term = session.scalars(select(Term).where(Term.kind == record.kind, Term.name == record.name)).first()
    if term is None:
        term = Term(kind=record.kind, name=record.name)
        session.add(term)
    term.aliases = record.aliases
    term.detail = record.detail
    term.service = services[record.service] if record.service else None
    term.sources = [s.dict(exclude_none=True) for s in record.sources]


# --- export -------------------------------------------------------------------------------------


def export_document(session: Session) -> dict[str, Any]:
    """The whole KB as plain JSON-able data, in the import format."""
    bureaus = session.scalars(select(Bureau).order_by(Bureau.id)).all()
    tasks = session.scalars(
        select(PlanTask)
        .options(selectinload(PlanTask.units).selectinload(PlanTaskUnit.bureau))
        .order_by(PlanTask.number)
    ).all()
    services = session.scalars(
        select(Service)
        .options(
            selectinload(Service.bureau_links).selectinload(ServiceBureau.bureau),
            selectinload(Service.task_links),
        )
        .order_by(Service.id)
    ).all()
    faqs = session.scalars(
        select(Faq).options(selectinload(Faq.service_links).selectinload(FaqService.service)).order_by(Faq.id)
    ).all()
    terms = session.scalars(select(Term).options(selectinload(Term.service)).order_by(Term.kind, Term.id)).all()
    doc = KbDocument(
        bureaus=[BureauIn(**_columns(b, BureauIn)) for b in bureaus],
        tasks=[task_record(t) for t in tasks],
        services=[service_record(s) for s in services],
        faqs=[faq_record(f) for f in faqs],
        terms=[
            TermIn(**_columns(t, TermIn, skip={"service"}), service=t.service.key if t.service else None) for t in terms
        ],
    )
    return doc.dict()


def task_record(task: PlanTask) -> TaskIn:
    return TaskIn(
        **_columns(task, TaskIn, skip={"leads", "cos"}),
        leads=[b.name for b in task.leads],
        cos=[b.name for b in task.cos],
    )


def faq_record(faq: Faq) -> FaqIn:
    return FaqIn(**_columns(faq, FaqIn, skip={"services"}), services=[s.key for s in faq.services])


def service_record(service: Service) -> ServiceIn:
    return ServiceIn(
        **_columns(service, ServiceIn, skip={"bureaus", "tasks"}),
        bureaus=[b.name for b in service.bureaus],
        tasks=[link.task_number for link in service.task_links],
    )


def _columns(row: Any, model: type, skip: set[str] = frozenset()) -> dict[str, Any]:  # type: ignore[assignment]
    return {name: getattr(row, name) for name in model.__fields__ if name not in skip}
