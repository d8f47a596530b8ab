"""Import is validated and transactional: a bad file changes nothing and says what is wrong."""

from __future__ import annotations

import copy
import json

import pytest
from sqlalchemy import func, select

from kb.db import session_factory
from kb.io import KbImportError, export_document, import_document
from kb.models import Bureau, Faq, Service
from kb.staff import StaffOps


def _export(engine) -> dict:
    with session_factory(engine)() as session:
        return json.loads(json.dumps(export_document(session), default=str))


def _import(engine, raw) -> None:
    with session_factory(engine).begin() as session:
        import_document(session, raw)


def _counts(engine) -> tuple[int, int, int]:
    with session_factory(engine)() as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(m)) for m in (Bureau, Service, Faq)
        )


def test_export_then_import_is_a_fixed_point(kb_engine) -> None:
    before = _export(kb_engine)
    _import(kb_engine, before)
    assert _export(kb_engine) == before


def test_import_updates_and_adds_records(kb_engine) -> None:
    doc = _export(kb_engine)
    service = copy.deepcopy(doc["services"][0])
    service["key"] = "new_service"
    service["name"] = "新的服务"
    doc["services"][1]["aliases"].append("一个新的叫法")
    _import(kb_engine, {"services": [service, doc["services"][1]]})
    after = {s["key"]: s for s in _export(kb_engine)["services"]}
    assert "new_service" in after
    assert "一个新的叫法" in after[doc["services"][1]["key"]]["aliases"]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: d["services"][3].update(bureaus=["市医疗局"]),
            "services[3] (key={key3}).bureaus[0]: unknown bureau '市医疗局'",
        ),
        (
            lambda d: d["services"][3].update(sources=[]),
            "services[3] (key={key3}).sources: ensure this value has at least 1 items",
        ),
        (lambda d: d["services"][3].update(topic="天气"), "services[3] (key={key3}).topic: unknown topic"),
        (
            lambda d: d["services"][3]["links"].append({"title": "官网", "url": "javascript:alert(1)"}),
            "services[3] (key={key3}).links[0].url: must be an http(s) URL",
        ),
        (lambda d: d["services"][3].update(tasks=[81]), "services[3] (key={key3}).tasks[0]: unknown plan task 81"),
        (lambda d: d["faqs"][0].update(services=["nope"]), "faqs[0] (key={faq0}).services[0]: unknown service 'nope'"),
        (lambda d: d["services"].append(copy.deepcopy(d["services"][0])), "services: {key0} appears 2 times"),
        (lambda d: d["tasks"][0].update(leads=[]), "tasks[0] (number=1).leads: ensure this value has at least 1 items"),
        (
            lambda d: d["services"][3].update(colour="red"),
            "services[3] (key={key3}).colour: extra fields not permitted",
        ),
    ],
    ids=[
        "unknown-bureau",
        "no-source",
        "bad-topic",
        "bad-url",
        "unknown-task",
        "unknown-faq-service",
        "duplicate-key",
        "task-without-lead",
        "unknown-field",
    ],
)
def test_a_wrong_record_changes_nothing_and_is_named(kb_engine, mutate, expected: str) -> None:
    doc = _export(kb_engine)
    before = copy.deepcopy(doc)
    # a valid change first, so a non-transactional import would leave it behind
    doc["services"][0]["summary"] = "这句改动不应该被保存下来。"
    mutate(doc)
    with pytest.raises(KbImportError) as info:
        _import(kb_engine, doc)
    message = expected.format(
        key0=before["services"][0]["key"], key3=before["services"][3]["key"], faq0=before["faqs"][0]["key"]
    )
    assert any(p.startswith(message) for p in info.value.problems), info.value.problems
    assert _export(kb_engine) == before


@pytest.mark.parametrize("raw", [[], "text", None, {"services": "x"}, {"services": [{"key": "A"}]}])
def test_malformed_files_are_refused(kb_engine, raw) -> None:
    counts = _counts(kb_engine)
    with pytest.raises(KbImportError):
        _import(kb_engine, raw)
    assert _counts(kb_engine) == counts


def test_failure_during_write_rolls_back(kb_engine, monkeypatch) -> None:
    """Even an error after validation (here: while writing FAQs) leaves the database unchanged."""
    import kb.io

    doc = _export(kb_engine)
    before = copy.deepcopy(doc)
    doc["services"][0]["summary"] = "半途失败时这句不应留下。"

    def explode(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(kb.io, "_upsert_faq", explode)
    with pytest.raises(RuntimeError):
        _import(kb_engine, doc)
    assert _export(kb_engine) == before


def test_import_discards_pending_drafts_so_they_cannot_undo_it(kb_engine) -> None:
    """A draft saved before an import would otherwise bring the old text back when published."""
    ops = StaffOps(kb_engine)
    admin = ops.create_staff("admin", "管理员", "correct horse battery", "admin")
    doc = _export(kb_engine)
    service_key, faq_key = doc["services"][0]["key"], doc["faqs"][0]["key"]
    record, version, _s, _d = ops.service_for_edit(admin, service_key)
    ops.save_service_draft(admin, service_key, {**record, "summary": "导入前保存的旧草稿。"}, version)
    record, version, _s, _d = ops.faq_for_edit(admin, faq_key)
    ops.save_faq_draft(admin, faq_key, {**record, "answer": "导入前保存的旧草稿。"}, version)

    _import(kb_engine, {"services": doc["services"][:1], "faqs": doc["faqs"][:1]})

    for entity, key, model in (("service", service_key, Service), ("faq", faq_key, Faq)):
        with session_factory(kb_engine)() as session:
            assert session.scalars(select(model.draft).where(model.key == key)).one() is None
        history = ops.history(entity, key)
        assert [h["action"] for h in history[:2]] == ["import", "discard_draft"]
        assert "导入前保存的旧草稿。" in history[1]["before"].values()  # kept, and restorable


def test_faq_import_records_what_it_replaced(kb_engine) -> None:
    doc = _export(kb_engine)
    faq = {**doc["faqs"][0], "answer": "导入的新答案。"}
    _import(kb_engine, {"faqs": [faq]})
    entry = StaffOps(kb_engine).history("faq", faq["key"])[0]
    assert entry["action"] == "import" and entry["changes"] == ["answer"]
    assert entry["before"]["answer"] == doc["faqs"][0]["answer"]
