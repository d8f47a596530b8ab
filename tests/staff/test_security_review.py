"""The security review's staff findings (issue 11): each test here failed before its fix."""

from __future__ import annotations

import hashlib
import io

import pytest
from sqlalchemy import select

from bot.config import GatewayConfig
from bot.gateway import create_app
from kb.__main__ import main as kb_main
from kb.db import session_factory
from kb.models import HandoffMessage, StaffSession, UnansweredQuestion
from kb.staff import Conflict, Forbidden
from tests.staff.conftest import PASSWORD
from tests.staff.test_staff_web import _form_fields, _token, sign_in


@pytest.fixture
async def client(aiohttp_client, kb_engine, accounts):
    config = GatewayConfig(
        rasa_urls=("http://127.0.0.1:9",), allowed_origins=(), public_url="http://127.0.0.1:8000",
        secret_key=b"test-secret",
    )  # fmt: skip
    return await aiohttp_client(create_app(config, kb_engine))


def session_rows(engine) -> list[StaffSession]:
    with session_factory(engine)() as session:
        return list(session.scalars(select(StaffSession)))


# --- anonymous sign-in page: no server state ---------------------------------------------------


async def test_anonymous_sign_in_page_visits_leave_the_session_table_unchanged(client, kb_engine) -> None:
    before = len(session_rows(kb_engine))
    for _ in range(1000):
        client.session.cookie_jar.clear()  # every visit a new, cookieless visitor
        assert (await client.get("/admin/login")).status == 200
    for token in ("", "forged", "1.abc"):  # failed CSRF posts write nothing either
        refused = await client.post("/admin/login", data={"csrf_token": token, "username": "yibao", "password": "x"})
        assert refused.status == 403
    assert len(session_rows(kb_engine)) == before


async def test_the_sign_in_token_is_bound_to_the_browsers_nonce(client, kb_engine) -> None:
    page = await (await client.get("/admin/login")).text()
    token = _token(page)
    client.session.cookie_jar.clear()  # another browser, without this page's nonce cookie
    other = await client.post("/admin/login", data={"csrf_token": token, "username": "yibao", "password": PASSWORD})
    assert other.status == 403
    await client.get("/admin/login")  # a nonce of its own does not make the first page's token valid
    other = await client.post("/admin/login", data={"csrf_token": token, "username": "yibao", "password": PASSWORD})
    assert other.status == 403
    assert session_rows(kb_engine) == []
    await sign_in(client, "yibao")  # the page's own token, with its cookie, signs in
    assert len(session_rows(kb_engine)) == 1


# --- sessions: keys hashed, ended by a password reset ------------------------------------------


async def test_session_keys_are_stored_hashed(client, kb_engine) -> None:
    await sign_in(client, "yibao")
    cookie = next(c for c in client.session.cookie_jar if c.key == "sz_staff").value
    [row] = session_rows(kb_engine)
    assert row.key != cookie and row.key == hashlib.sha256(cookie.encode()).hexdigest()


async def test_a_password_reset_ends_the_accounts_sessions(client, kb_engine, monkeypatch) -> None:
    await sign_in(client, "yibao")
    assert (await client.get("/admin", allow_redirects=False)).status == 200
    monkeypatch.setattr("sys.stdin", io.StringIO("a new password 2026\n"))
    url = kb_engine.url.render_as_string(hide_password=False)
    assert kb_main(["--database-url", url, "staff", "set-password", "yibao", "--password-stdin"]) == 0
    after = await client.get("/admin", allow_redirects=False)
    assert after.status == 302 and after.headers["Location"].startswith("/admin/login")
    api = await client.get("/admin/api/session")
    assert api.status == 401


# --- HEAD is a read everywhere -----------------------------------------------------------------


async def test_head_is_a_read_for_the_role_check_and_the_handler_alike(client) -> None:
    await sign_in(client, "viewer")
    assert (await client.head("/admin/services/medical_filing")).status == 200
    assert (await client.head("/admin/faqs/emergency_no_filing")).status == 200
    client.session.cookie_jar.clear()
    await sign_in(client, "yibao")
    assert (await client.head("/admin/services/new")).status == 200


# --- messages left: paginated ------------------------------------------------------------------


async def test_messages_left_are_listed_a_page_at_a_time(client, kb_engine) -> None:
    with session_factory(kb_engine).begin() as session:
        session.add_all(HandoffMessage(conversation_id=f"c{n}", text=f"留言{n}号", consent=True) for n in range(120))
    await sign_in(client, "admin")
    first = await client.get("/admin/api/messages")
    assert len(await first.json()) == 50 and first.headers["X-Total-Count"] == "120"
    assert (await first.json())[0]["text"] == "留言119号"  # newest first
    last = await (await client.get("/admin/api/messages", params={"page": "3"})).json()
    assert [m["text"] for m in last][-1] == "留言0号" and len(last) == 20
    assert len(await (await client.get("/admin/api/messages", params={"page": "９"})).json()) == 50  # page 1
    html = await (await client.get("/admin/messages", params={"page": "2"})).text()
    assert html.count("留言") < 120 and "第 2 / 3 页" in html and 'rel="next"' in html


# --- editors stay within their bureaus -----------------------------------------------------------


def _question(engine, text: str, suggested: tuple[str, ...] = (), status: str = "open") -> int:
    with session_factory(engine).begin() as session:
        question = UnansweredQuestion(
            conversation_id="c", text=text, reason="unclear", suggested=list(suggested), status=status
        )
        session.add(question)
        session.flush()
        return question.id


class TestQueueScope:
    def test_an_editor_cannot_link_another_bureaus_question_to_their_service(self, ops, accounts, kb_engine) -> None:
        question_id = _question(kb_engine, "老年人优待证怎么办", suggested=("elderly_benefits",))  # 市民政局's
        with pytest.raises(Forbidden):
            ops.link_unanswered(accounts["medical"], question_id, "medical_filing", add_alias=True)
        ops.link_unanswered(accounts["civil"], question_id, "elderly_benefits", add_alias=False)

    def test_a_handled_question_is_not_handled_again(self, ops, accounts, kb_engine) -> None:
        question_id = _question(kb_engine, "备案怎么弄", suggested=("medical_filing",), status="dismissed")
        with pytest.raises(Conflict):
            ops.link_unanswered(accounts["medical"], question_id, "medical_filing", add_alias=True)
        with pytest.raises(Conflict):
            ops.faq_from_unanswered(accounts["medical"], question_id, "答复。", "medical_filing", "filing_how")

    def test_an_editor_cannot_turn_another_bureaus_question_into_their_faq(self, ops, accounts, kb_engine) -> None:
        question_id = _question(kb_engine, "优待证在哪领", suggested=("elderly_benefits",))
        with pytest.raises(Forbidden):
            ops.faq_from_unanswered(accounts["medical"], question_id, "去医保局。", "medical_filing", "where_card")

    def test_linking_cannot_make_another_bureaus_alias_live(self, ops, accounts, kb_engine) -> None:
        question_id = _question(kb_engine, "老年人优待证", suggested=("medical_filing",))
        with pytest.raises(Forbidden, match="市民政局"):
            ops.link_unanswered(accounts["medical"], question_id, "medical_filing", add_alias=True)


class TestOwnWording:
    def _edit(self, ops, actor, key: str, **changes) -> int:
        record, version, _status, _draft = ops.service_for_edit(actor, key)
        return ops.save_service_draft(actor, key, {**record, **changes}, version)

    def test_an_editor_cannot_take_another_bureaus_intent(self, ops, accounts) -> None:
        with pytest.raises(Forbidden, match="elderly_benefits"):
            self._edit(ops, accounts["medical"], "settle_inpatient", intent="elderly_benefits")

    def test_an_editor_cannot_take_another_bureaus_aliases(self, ops, accounts) -> None:
        record, *_ = ops.service_for_edit(accounts["medical"], "settle_inpatient")
        with pytest.raises(Forbidden, match="市民政局"):
            self._edit(ops, accounts["medical"], "settle_inpatient", aliases=[*record["aliases"], "老年人 优待证"])
        with pytest.raises(Forbidden):
            self._edit(ops, accounts["medical"], "settle_inpatient", name="安徽省老年人优待证办理")

    def test_publishing_checks_the_draft_too(self, ops, accounts) -> None:
        record, *_ = ops.service_for_edit(accounts["admin"], "settle_inpatient")
        version = self._edit(ops, accounts["admin"], "settle_inpatient", aliases=[*record["aliases"], "优待证"])
        with pytest.raises(Forbidden):  # an admin's draft that takes 民政's alias is the admin's to publish
            ops.publish_service(accounts["medical"], "settle_inpatient", version)
        ops.publish_service(accounts["admin"], "settle_inpatient", version)

    def test_an_editor_cannot_ask_another_bureaus_service_as_their_faq(self, ops, accounts) -> None:
        faq = {
            "key": "card_where", "questions": ["老年优待证"], "answer": "请问医保局。", "services": ["medical_filing"],
            "sources": [{"tag": "3RD", "title": "测试", "url": "https://example.org/x"}],
        }  # fmt: skip
        with pytest.raises(Forbidden):
            ops.create_faq(accounts["medical"], faq)
        ops.create_faq(accounts["medical"], {**faq, "questions": ["医保备案在哪办"]})

    def test_own_wording_stays_allowed(self, ops, accounts) -> None:
        """An editor's own aliases are theirs to change."""
        record, *_ = ops.service_for_edit(accounts["medical"], "settle_inpatient")
        self._edit(ops, accounts["medical"], "settle_inpatient", aliases=[*record["aliases"], "住院能直接刷卡吗"])


async def test_the_staff_page_shows_the_refusal(client) -> None:
    await sign_in(client, "yibao")
    page = await (await client.get("/admin/services/settle_inpatient")).text()
    form = _form_fields(page)
    form["intent"] = "elderly_benefits"
    reply = await client.post("/admin/services/settle_inpatient", data={**form, "action": "publish"})
    assert reply.status == 403 and "elderly_benefits" in await reply.text()
