"""Staff operations: accounts, roles and scopes, validation, versions, history, publish, reviews."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import select

from kb.db import session_factory
from kb.models import HandoffMessage, StaffUser, UnansweredQuestion
from kb.queries import KnowledgeBase
from kb.staff import MAX_FAILURES, Conflict, Forbidden, Invalid, LockedOut, NotSignedIn
from tests.staff.conftest import PASSWORD


def _edit(ops, actor, key):
    record, version, _status, _draft = ops.service_for_edit(actor, key)
    return copy.deepcopy(record), version


class TestAccounts:
    def test_no_weak_passwords_and_no_duplicate_names(self, ops, accounts) -> None:
        with pytest.raises(Invalid, match="至少需要10位"):
            ops.create_staff("x", "x", "short", "viewer")
        with pytest.raises(Invalid, match="已经存在"):
            ops.create_staff("admin", "x", PASSWORD, "viewer")
        with pytest.raises(Invalid, match="编辑必须指定"):
            ops.create_staff("y", "y", PASSWORD, "editor")

    def test_passwords_are_hashed_with_argon2(self, ops, accounts, kb_engine) -> None:
        with session_factory(kb_engine)() as session:
            stored = session.scalars(select(StaffUser.password_hash)).all()
        assert all(h.startswith("$argon2") and PASSWORD not in h for h in stored)

    def test_sign_in_and_lock_out_after_repeated_failures(self, ops, accounts) -> None:
        assert ops.authenticate("yibao", PASSWORD).bureaus == ("市医保局",)
        with pytest.raises(NotSignedIn):
            ops.authenticate("nobody", PASSWORD)
        for _ in range(MAX_FAILURES):
            with pytest.raises(NotSignedIn):
                ops.authenticate("yibao", "wrong password!")
        with pytest.raises(LockedOut):
            ops.authenticate("yibao", PASSWORD)  # even the right password waits now
        ops.update_staff(accounts["admin"], accounts["medical"].id, unlock=True)
        assert ops.authenticate("yibao", PASSWORD).username == "yibao"

    def test_only_admins_manage_staff(self, ops, accounts) -> None:
        assert len(ops.list_staff(accounts["admin"])) == 4
        for who in ("medical", "viewer"):
            with pytest.raises(Forbidden):
                ops.list_staff(accounts[who])
        with pytest.raises(Forbidden):
            ops.update_staff(accounts["medical"], accounts["medical"].id, role="admin")

    def test_deactivated_accounts_cannot_sign_in(self, ops, accounts) -> None:
        ops.update_staff(accounts["admin"], accounts["viewer"].id, active=False)
        with pytest.raises(NotSignedIn):
            ops.authenticate("viewer", PASSWORD)
        assert ops.actor(accounts["viewer"].id) is None


class TestScopes:
    def test_editor_edits_and_publishes_own_bureaus_service(self, ops, accounts, kb_engine) -> None:
        editor = accounts["medical"]
        record, version = _edit(ops, editor, "medical_filing")
        record["materials"] = [*record["materials"], "新的材料说明"]
        version = ops.save_service_draft(editor, "medical_filing", record, version)
        assert "新的材料说明" not in KnowledgeBase(kb_engine).service("medical_filing").materials  # draft only
        ops.publish_service(editor, "medical_filing", version)
        assert "新的材料说明" in KnowledgeBase(kb_engine).service("medical_filing").materials

    def test_editor_cannot_edit_another_bureaus_service(self, ops, accounts) -> None:
        record, version = _edit(ops, accounts["medical"], "elderly_benefits")  # 市民政局's
        record["summary"] = "医保编辑想改民政的内容。"
        with pytest.raises(Forbidden, match="市民政局"):
            ops.save_service_draft(accounts["medical"], "elderly_benefits", record, version)
        with pytest.raises(Forbidden):
            ops.publish_service(accounts["medical"], "elderly_benefits", version)

    def test_editor_cannot_publish_into_another_bureau(self, ops, accounts) -> None:
        record, version = _edit(ops, accounts["medical"], "medical_filing")
        record["bureaus"] = ["市民政局"]
        with pytest.raises(Forbidden):
            ops.save_service_draft(accounts["medical"], "medical_filing", record, version)
        new = {**record, "key": "new_civil_service", "name": "新的民政服务"}
        with pytest.raises(Forbidden):
            ops.create_service(accounts["medical"], new)

    def test_viewer_reads_but_never_writes(self, ops, accounts) -> None:
        record, version = _edit(ops, accounts["viewer"], "customs")
        with pytest.raises(Forbidden):
            ops.save_service_draft(accounts["viewer"], "customs", record, version)
        with pytest.raises(Forbidden):
            ops.dismiss_unanswered(accounts["viewer"], 1)

    def test_faq_scope_follows_its_services(self, ops, accounts) -> None:
        record, version, _s, _d = ops.faq_for_edit(accounts["civil"], "emergency_no_filing")  # a 医保 FAQ
        record["answer"] = "民政编辑改医保问答。"
        with pytest.raises(Forbidden):
            ops.save_faq_draft(accounts["civil"], "emergency_no_filing", record, version)
        version = ops.save_faq_draft(accounts["medical"], "emergency_no_filing", record, version)
        assert ops.publish_faq(accounts["medical"], "emergency_no_filing", version) > version


class TestIntegrity:
    def test_second_save_from_a_stale_version_is_refused(self, ops, accounts) -> None:
        first, version = _edit(ops, accounts["medical"], "settle_chronic")
        second = copy.deepcopy(first)
        first["summary"] = "第一位编辑的修改，先保存。"
        ops.save_service_draft(accounts["medical"], "settle_chronic", first, version)
        second["summary"] = "第二位编辑的修改，基于旧版本。"
        with pytest.raises(Conflict, match="yibao"):
            ops.save_service_draft(accounts["admin"], "settle_chronic", second, version)
        record, _v = _edit(ops, accounts["admin"], "settle_chronic")
        assert record["summary"] == "第一位编辑的修改，先保存。"

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"summary": ""}, "summary"),
            ({"name": ""}, "name"),
            ({"links": [{"title": "官网", "url": "ftp://x"}]}, "links"),
            ({"bureaus": []}, "bureaus"),
            ({"sources": []}, "sources"),
            ({"tasks": [99]}, "tasks"),
            ({"topic": "天气"}, "topic"),
            ({"last_verified": "去年"}, "last_verified"),
            ({"hotline": "拨打我"}, "hotline"),
        ],
    )
    def test_invalid_records_are_refused_by_field_and_nothing_is_saved(self, ops, accounts, change, field) -> None:
        record, version = _edit(ops, accounts["admin"], "customs")
        before = copy.deepcopy(record)
        record.update(change)
        with pytest.raises(Invalid) as info:
            ops.save_service_draft(accounts["admin"], "customs", record, version)
        assert field in info.value.errors
        assert _edit(ops, accounts["admin"], "customs") == (before, version)

    def test_unknown_bureau_is_named(self, ops, accounts) -> None:
        record, version = _edit(ops, accounts["admin"], "customs")
        record["bureaus"] = ["宿州海关", "市不存在局"]
        with pytest.raises(Invalid, match="没有这个部门：市不存在局"):
            ops.save_service_draft(accounts["admin"], "customs", record, version)


class TestHistory:
    def test_every_change_is_audited_with_before_and_after(self, ops, accounts) -> None:
        editor = accounts["medical"]
        record, version = _edit(ops, editor, "manual_reimbursement")
        old_summary = record["summary"]
        record["summary"] = "改过的简介，用来检查审计记录。"
        version = ops.save_service_draft(editor, "manual_reimbursement", record, version)
        ops.publish_service(editor, "manual_reimbursement", version)
        history = ops.history("service", "manual_reimbursement")
        assert [h["action"] for h in history[:2]] == ["publish", "save_draft"]
        publish = history[0]
        assert publish["username"] == "yibao" and "summary" in publish["changes"]
        assert publish["before"]["summary"] == old_summary
        assert publish["after"]["summary"] == "改过的简介，用来检查审计记录。"

    def test_restore_an_earlier_version(self, ops, accounts, kb_engine) -> None:
        editor = accounts["medical"]
        record, version = _edit(ops, editor, "settle_outpatient")
        original = record["summary"]
        record["summary"] = "一个错误的修改，后来要撤回。"
        version = ops.save_service_draft(editor, "settle_outpatient", record, version)
        version = ops.publish_service(editor, "settle_outpatient", version)
        assert KnowledgeBase(kb_engine).service("settle_outpatient").summary == "一个错误的修改，后来要撤回。"
        imported = next(h for h in ops.history("service", "settle_outpatient") if h["action"] == "import")
        version = ops.restore_service(editor, "settle_outpatient", imported["id"], version)
        assert ops.service_for_edit(editor, "settle_outpatient")[0]["summary"] == original  # back as the draft
        ops.publish_service(editor, "settle_outpatient", version)
        assert KnowledgeBase(kb_engine).service("settle_outpatient").summary == original
        actions = [h["action"] for h in ops.history("service", "settle_outpatient")]
        assert actions[:4] == ["publish", "restore", "publish", "save_draft"]


class TestNewContentAndQueues:
    def test_new_service_is_a_draft_until_published(self, ops, accounts, kb_engine) -> None:
        record, _version = _edit(ops, accounts["admin"], "customs")
        record.update(key="customs_goods", name="旅客携带物品通关", aliases=["带东西过海关"])
        ops.create_service(accounts["admin"], record)
        knowledge = KnowledgeBase(kb_engine)
        assert knowledge.service("customs_goods") is None
        _r, version, status, has_draft = ops.service_for_edit(accounts["admin"], "customs_goods")
        assert status == "draft" and has_draft
        ops.publish_service(accounts["admin"], "customs_goods", version)
        assert knowledge.service("customs_goods").name == "旅客携带物品通关"
        assert knowledge.search_services("带东西过海关")[0].key in ("customs_goods", "customs")

    def test_linking_an_unanswered_question_teaches_the_search(self, ops, accounts, kb_engine) -> None:
        with session_factory(kb_engine).begin() as session:
            question = UnansweredQuestion(
                conversation_id="c", text="社保卡磁条坏了刷不出来", reason="unclear", suggested=["sscard_renew"]
            )
            session.add(question)
            session.flush()
            question_id = question.id
        knowledge = KnowledgeBase(kb_engine)
        with pytest.raises(Forbidden):  # a 人社 question: not 民政's to close, even onto a 民政 service
            ops.link_unanswered(accounts["civil"], question_id, "elderly_benefits", add_alias=False)
        with pytest.raises(Forbidden):
            ops.link_unanswered(accounts["civil"], question_id, "sscard_renew", add_alias=True)
        ops.link_unanswered(accounts["admin"], question_id, "sscard_renew", add_alias=True)
        assert knowledge.search_services("社保卡磁条坏了刷不出来")[0].key == "sscard_renew"
        with pytest.raises(Conflict):  # handled once: not linked (nor aliased) again
            ops.link_unanswered(accounts["admin"], question_id, "elderly_benefits", add_alias=True)

    def test_messages_are_marked_handled_within_scope(self, ops, accounts, kb_engine) -> None:
        with session_factory(kb_engine).begin() as session:
            message = HandoffMessage(conversation_id="c", text="请回电", bureau="市医保局", consent=True)
            session.add(message)
            session.flush()
            message_id = message.id
        with pytest.raises(Forbidden):
            ops.mark_message_handled(accounts["civil"], message_id)
        ops.mark_message_handled(accounts["medical"], message_id)
        with session_factory(kb_engine)() as session:
            stored = session.get(HandoffMessage, message_id)
            assert stored.status == "handled" and stored.handled_by == "yibao"
