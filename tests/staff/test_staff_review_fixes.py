"""Review fixes: missed questions (alias, FAQ, dismiss), audit snapshots, account safety, staff search."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import event, select

from kb.db import session_factory
from kb.models import Faq, Service, UnansweredQuestion
from kb.queries import KnowledgeBase
from kb.reports import StaffReports
from kb.staff import Forbidden, Invalid
from tests.staff.conftest import PASSWORD

LONG_TEXT = "我父亲的社保卡" + "磁条坏了刷不出来" * 20  # well over the 100-character alias limit


def _question(engine, text: str = "社保卡磁条坏了刷不出来", suggested: tuple[str, ...] = ()) -> int:
    with session_factory(engine).begin() as session:
        question = UnansweredQuestion(conversation_id="c", text=text, reason="unclear", suggested=list(suggested))
        session.add(question)
        session.flush()
        return question.id


def _service(engine, key: str) -> Service:
    with session_factory(engine)() as session:
        return session.scalars(select(Service).where(Service.key == key)).one()


def _edit(ops, actor, key):
    record, version, _status, _draft = ops.service_for_edit(actor, key)
    return copy.deepcopy(record), version


class TestLinkUnanswered:
    def test_the_same_long_question_linked_twice_adds_one_alias(self, ops, accounts, kb_engine) -> None:
        admin = accounts["admin"]
        for _ in range(2):
            ops.link_unanswered(admin, _question(kb_engine, LONG_TEXT), "sscard_renew", add_alias=True)
        aliases = _service(kb_engine, "sscard_renew").aliases
        assert aliases.count(LONG_TEXT[:100]) == 1
        assert sum(1 for h in ops.history("service", "sscard_renew") if h["action"] == "add_alias") == 1

    def test_alias_goes_into_a_pending_draft_once(self, ops, accounts, kb_engine) -> None:
        admin = accounts["admin"]
        record, version = _edit(ops, admin, "sscard_renew")
        record["summary"] = "一份待发布的草稿，链接问题时不能丢掉别名。"
        ops.save_service_draft(admin, "sscard_renew", record, version)
        for _ in range(2):
            ops.link_unanswered(admin, _question(kb_engine, f"  {LONG_TEXT}  "), "sscard_renew", add_alias=True)
        draft = _service(kb_engine, "sscard_renew").draft
        assert draft["aliases"].count(LONG_TEXT[:100]) == 1
        version = ops.service_for_edit(admin, "sscard_renew")[1]
        ops.publish_service(admin, "sscard_renew", version)  # the draft (with the alias) is still valid
        assert _service(kb_engine, "sscard_renew").aliases.count(LONG_TEXT[:100]) == 1

    def test_an_alias_already_published_is_added_to_the_draft_only(self, ops, accounts, kb_engine) -> None:
        admin = accounts["admin"]
        ops.link_unanswered(admin, _question(kb_engine), "sscard_renew", add_alias=True)
        record, version = _edit(ops, admin, "sscard_renew")
        record["aliases"] = [a for a in record["aliases"] if a != "社保卡磁条坏了刷不出来"]
        ops.save_service_draft(admin, "sscard_renew", record, version)
        ops.link_unanswered(admin, _question(kb_engine), "sscard_renew", add_alias=True)
        service = _service(kb_engine, "sscard_renew")
        assert service.aliases.count("社保卡磁条坏了刷不出来") == 1
        assert service.draft["aliases"].count("社保卡磁条坏了刷不出来") == 1


class TestFaqFromUnanswered:
    def test_the_faq_cites_the_staff_answer_not_the_services_documents(self, ops, accounts, kb_engine) -> None:
        question_id = _question(kb_engine, "门诊慢特病备案后多久能报销？", suggested=("settle_chronic",))
        key = ops.faq_from_unanswered(
            accounts["medical"], question_id, "备案成功后即可在定点医院直接结算。", "settle_chronic", "chronic_when"
        )
        record, _version, status, _draft = ops.faq_for_edit(accounts["medical"], key)
        assert status == "draft"
        [source] = record["sources"]
        assert source["title"].startswith("市医保局工作人员答复（")
        assert source["ref"] == "staff:yibao"
        assert source not in _service(kb_engine, "settle_chronic").sources
        with session_factory(kb_engine)() as session:
            question = session.get(UnansweredQuestion, question_id)
            assert (question.status, question.faq_key, question.handled_by) == ("faq", key, "yibao")

    def test_faq_and_question_change_together_or_not_at_all(self, ops, accounts, kb_engine) -> None:
        question_id = _question(kb_engine, "门诊慢特病备案后多久能报销？", suggested=("settle_chronic",))

        def refuse(*_args) -> None:
            raise RuntimeError("the question could not be updated")

        event.listen(UnansweredQuestion, "before_update", refuse)
        try:
            with pytest.raises(RuntimeError):
                ops.faq_from_unanswered(
                    accounts["medical"], question_id, "一个答复。", "settle_chronic", "chronic_when"
                )
        finally:
            event.remove(UnansweredQuestion, "before_update", refuse)
        with session_factory(kb_engine)() as session:
            assert session.scalars(select(Faq).where(Faq.key == "chronic_when")).first() is None
            assert session.get(UnansweredQuestion, question_id).status == "open"


class TestDismissScope:
    def test_editors_dismiss_only_questions_about_their_bureaus(self, ops, accounts, kb_engine) -> None:
        question_id = _question(kb_engine, suggested=("elderly_benefits",))  # a 市民政局 service
        with pytest.raises(Forbidden):
            ops.dismiss_unanswered(accounts["medical"], question_id)
        ops.dismiss_unanswered(accounts["civil"], question_id)

    def test_unattributed_questions_are_dismissed_by_admins(self, ops, accounts, kb_engine) -> None:
        question_id = _question(kb_engine)
        with pytest.raises(Forbidden):
            ops.dismiss_unanswered(accounts["civil"], question_id)
        ops.dismiss_unanswered(accounts["admin"], question_id)


class TestAuditSnapshots:
    def test_unpublishing_is_in_the_history_and_can_be_restored(self, ops, accounts, kb_engine) -> None:
        editor = accounts["medical"]
        _record, version = _edit(ops, editor, "medical_filing")
        version = ops.unpublish_service(editor, "medical_filing", version)
        assert KnowledgeBase(kb_engine).service("medical_filing") is None
        entry = ops.history("service", "medical_filing")[0]
        assert entry["action"] == "unpublish" and entry["changes"] == ["status"]
        assert entry["before"]["status"] == "published"
        version = ops.restore_service(editor, "medical_filing", entry["id"], version)
        ops.publish_service(editor, "medical_filing", version)
        assert KnowledgeBase(kb_engine).service("medical_filing") is not None

    def test_an_unpublished_service_cannot_be_unpublished_again(self, ops, accounts) -> None:
        editor = accounts["medical"]
        version = ops.unpublish_service(editor, "medical_filing", _edit(ops, editor, "medical_filing")[1])
        with pytest.raises(Invalid, match="还没有发布"):
            ops.unpublish_service(editor, "medical_filing", version)

    def test_a_first_service_draft_shows_what_changed(self, ops, accounts) -> None:
        record, version = _edit(ops, accounts["medical"], "medical_filing")
        record["summary"] = "第一次保存草稿，历史要显示改了简介。"
        ops.save_service_draft(accounts["medical"], "medical_filing", record, version)
        entry = ops.history("service", "medical_filing")[0]
        assert entry["action"] == "save_draft" and entry["changes"] == ["summary"]

    def test_a_first_faq_draft_shows_what_changed(self, ops, accounts) -> None:
        record, version, _s, _d = ops.faq_for_edit(accounts["medical"], "emergency_no_filing")
        record["answer"] = "第一次保存问答草稿。"
        ops.save_faq_draft(accounts["medical"], "emergency_no_filing", record, version)
        entry = ops.history("faq", "emergency_no_filing")[0]
        assert entry["action"] == "save_draft" and entry["changes"] == ["answer"]


class TestAccounts:
    def test_the_last_active_admin_cannot_be_demoted_or_deactivated(self, ops, accounts) -> None:
        admin = accounts["admin"]
        with pytest.raises(Invalid, match="最后一位"):
            ops.update_staff(admin, admin.id, role="editor", bureaus=["市医保局"])
        second = ops.create_staff("admin2", "第二位管理员", PASSWORD, "admin", by=admin)
        ops.update_staff(second, admin.id, role="viewer")  # another admin remains
        with pytest.raises(Invalid, match="最后一位"):
            ops.update_staff(second, second.id, role="viewer")
        ops.update_staff(second, admin.id, role="admin", active=False)  # an inactive admin does not count
        with pytest.raises(Invalid, match="最后一位"):
            ops.update_staff(second, second.id, role="viewer")
        ops.update_staff(second, admin.id, active=True)
        ops.update_staff(admin, second.id, active=False)
        with pytest.raises(Invalid, match="最后一位"):
            ops.update_staff(admin, admin.id, role="viewer")

    def test_account_changes_are_audited_without_the_password(self, ops, accounts) -> None:
        ops.update_staff(accounts["admin"], accounts["viewer"].id, role="editor", bureaus=["市医保局"])
        history = ops.history("staff", "viewer")
        assert [h["action"] for h in history] == ["update", "create"]
        assert history[0]["username"] == "admin"
        assert history[0]["changes"] == ["bureaus", "role"]
        assert all("password" not in key for h in history for key in h["after"])


class TestStaffSearch:
    def test_percent_and_underscore_are_matched_literally(self, kb_engine) -> None:
        reports = StaffReports(kb_engine)
        everything = reports.services()
        for needle in ("%", "医_"):
            found = reports.services(needle)
            assert len(found) < len(everything)
            assert all(needle in f"{s['name']} {s['key']}" or _in_summary(kb_engine, s["key"], needle) for s in found)


def _in_summary(engine, key: str, needle: str) -> bool:
    return needle in _service(engine, key).summary
