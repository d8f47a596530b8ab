"""Staff pages and JSON API through aiohttp's test client: sign-in, CSRF, roles, forms, API, routes."""

from __future__ import annotations

import json
import re

import pytest

from bot.config import GatewayConfig
from bot.gateway import create_app
from tests.staff.conftest import PASSWORD

PUBLIC_PAGES = {("GET", "/admin/login"), ("POST", "/admin/login"), ("POST", "/admin/api/session")}
# What only an admin may do: accounts, and changing what the model citizens are answered by learns.
ADMIN_ONLY = {
    ("GET", "/admin/staff"), ("POST", "/admin/staff/{id}"), ("GET", "/admin/api/staff"),
    ("POST", "/admin/retraining/start"), ("POST", "/admin/retraining/rollback"),
    ("POST", "/admin/api/retraining"), ("POST", "/admin/api/retraining/rollback"),
    ("POST", "/admin/suggestions/{id}/accept"), ("POST", "/admin/suggestions/{id}/reject"),
    ("POST", "/admin/api/suggestions/{id}/accept"), ("POST", "/admin/api/suggestions/{id}/reject"),
}  # fmt: skip


@pytest.fixture
async def client(aiohttp_client, kb_engine, accounts):
    config = GatewayConfig(
        rasa_urls=("http://127.0.0.1:9",), allowed_origins=(), public_url="http://127.0.0.1:8000",
        secret_key=b"test-secret",
    )  # fmt: skip
    return await aiohttp_client(create_app(config, kb_engine))


def _token(html: str) -> str:
    match = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


async def sign_in(client, username: str) -> None:
    page = await (await client.get("/admin/login")).text()
    reply = await client.post(
        "/admin/login",
        data={"csrf_token": _token(page), "username": username, "password": PASSWORD},
        allow_redirects=False,
    )
    assert reply.status == 302, await reply.text()


async def api_sign_in(client, username: str) -> str:
    reply = await client.post("/admin/api/session", json={"username": username, "password": PASSWORD})
    assert reply.status == 200
    return (await reply.json())["csrf_token"]


async def test_sign_in_sets_a_safe_session_cookie_and_sign_out_ends_it(client) -> None:
    page = await (await client.get("/admin/login")).text()
    reply = await client.post(
        "/admin/login",
        data={"csrf_token": _token(page), "username": "yibao", "password": PASSWORD},
        allow_redirects=False,
    )
    cookie = reply.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/admin" in cookie
    assert PASSWORD not in cookie and "yibao" not in cookie  # only a random key
    home = await client.get("/admin")
    assert home.status == 200 and "医保编辑" in await home.text()
    await client.post("/admin/logout", data={"csrf_token": _token(await home.text())}, allow_redirects=False)
    after = await client.get("/admin", allow_redirects=False)
    assert after.status == 302 and after.headers["Location"].startswith("/admin/login")


async def test_login_without_a_valid_csrf_token_is_refused(client) -> None:
    reply = await client.post("/admin/login", data={"username": "yibao", "password": PASSWORD}, allow_redirects=False)
    assert reply.status == 403
    reply = await client.post(
        "/admin/login", data={"csrf_token": "forged", "username": "yibao", "password": PASSWORD}, allow_redirects=False
    )
    assert reply.status == 403


async def test_repeated_failures_lock_the_account(client) -> None:
    for _ in range(5):
        page = await (await client.get("/admin/login")).text()
        reply = await client.post(
            "/admin/login", data={"csrf_token": _token(page), "username": "yibao", "password": "nope nope nope"}
        )
        assert reply.status == 401 and "用户名或密码不对" in await reply.text()
    page = await (await client.get("/admin/login")).text()
    reply = await client.post(
        "/admin/login", data={"csrf_token": _token(page), "username": "yibao", "password": PASSWORD}
    )
    assert reply.status == 429 and "锁定" in await reply.text()


async def test_editor_edits_in_scope_and_sees_errors_next_to_fields(client) -> None:
    await sign_in(client, "yibao")
    page = await (await client.get("/admin/services/medical_filing")).text()
    form = _form_fields(page)
    form["summary"] = ""
    form["links"] = "官网 没有网址"
    reply = await client.post("/admin/services/medical_filing", data={**form, "action": "save"})
    html = await reply.text()
    assert reply.status == 422
    assert re.search(r'id="summary"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="summary"', html)
    assert "第1行应为“标题 | 网址”" in html
    form = _form_fields(page)
    form["materials"] += "\n网页上新加的材料"
    reply = await client.post(
        "/admin/services/medical_filing", data={**form, "action": "publish"}, allow_redirects=False
    )
    assert reply.status == 302 and "published" in reply.headers["Location"]


async def test_editor_of_another_bureau_is_refused(client) -> None:
    await sign_in(client, "minzheng")
    page = await (await client.get("/admin/services/medical_filing")).text()
    reply = await client.post("/admin/services/medical_filing", data={**_form_fields(page), "action": "save"})
    assert reply.status == 403 and "市医保局" in await reply.text()
    staff = await client.get("/admin/staff")
    assert staff.status == 403


async def test_second_save_from_the_same_version_is_refused_with_a_clear_message(client) -> None:
    await sign_in(client, "admin")
    page = await (await client.get("/admin/services/customs")).text()
    first, second = _form_fields(page), _form_fields(page)
    first["summary"] = "第一位的修改内容。"
    assert (
        await client.post("/admin/services/customs", data={**first, "action": "save"}, allow_redirects=False)
    ).status == 302
    second["summary"] = "第二位的修改内容。"
    reply = await client.post("/admin/services/customs", data={**second, "action": "save"})
    assert reply.status == 409
    assert "已被admin" in await reply.text() and "没有保存" in await reply.text()


async def test_every_staff_page_renders_for_an_admin(client) -> None:
    await sign_in(client, "admin")
    for path in ("/admin", "/admin/services", "/admin/services/new", "/admin/faqs", "/admin/faqs/new",
                 "/admin/faqs/emergency_no_filing", "/admin/services/customs/history", "/admin/bureaus",
                 "/admin/tasks", "/admin/stale?days=0", "/admin/unanswered", "/admin/feedback",
                 "/admin/messages", "/admin/staff", "/admin/retraining", "/admin/suggestions"):  # fmt: skip
        reply = await client.get(path)
        assert reply.status == 200, path
        assert "<svg" in await reply.text() or path != "/admin"


async def test_api_needs_csrf_for_writes_and_enforces_roles(client) -> None:
    token = await api_sign_in(client, "yibao")
    state = await (await client.get("/admin/api/services/settle_inpatient")).json()
    record = state["record"]
    record["notes"].append("通过API加的说明")
    body = {"record": record, "version": state["version"]}
    refused = await client.put("/admin/api/services/settle_inpatient", json=body)
    assert refused.status == 403 and "CSRF" in (await refused.json())["error"]
    saved = await client.put("/admin/api/services/settle_inpatient", json=body, headers={"X-CSRF-Token": token})
    assert saved.status == 200
    published = await client.post(
        "/admin/api/services/settle_inpatient/publish",
        json={"version": (await saved.json())["version"]},
        headers={"X-CSRF-Token": token},
    )
    assert published.status == 200 and (await published.json())["status"] == "published"
    stale = await client.put("/admin/api/services/settle_inpatient", json=body, headers={"X-CSRF-Token": token})
    assert stale.status == 409
    other = await (await client.get("/admin/api/services/elderly_care")).json()
    forbidden = await client.put(
        "/admin/api/services/elderly_care",
        json={"record": other["record"], "version": other["version"]},
        headers={"X-CSRF-Token": token},
    )
    assert forbidden.status == 403
    assert (await client.get("/admin/api/staff")).status == 403


async def test_api_validation_names_the_fields(client) -> None:
    token = await api_sign_in(client, "admin")
    state = await (await client.get("/admin/api/services/customs")).json()
    record = {**state["record"], "summary": "", "bureaus": ["宿州海关", "市不存在局"]}
    reply = await client.put(
        "/admin/api/services/customs",
        json={"record": record, "version": state["version"]},
        headers={"X-CSRF-Token": token},
    )
    body = await reply.json()
    assert reply.status == 422 and "summary" in body["fields"]
    record = {**state["record"], "bureaus": ["宿州海关", "市不存在局"]}
    reply = await client.put(
        "/admin/api/services/customs",
        json={"record": record, "version": state["version"]},
        headers={"X-CSRF-Token": token},
    )
    assert reply.status == 422 and "市不存在局" in str((await reply.json())["fields"])


async def test_every_staff_route_rejects_an_unauthenticated_request(client) -> None:
    """Route inventory: nothing under /admin answers without sign-in, except signing in itself."""
    routes = [
        (route.method, route.resource.canonical)
        for route in client.app.router.routes()
        if route.resource and route.resource.canonical.startswith("/admin") and route.method != "HEAD"
    ]
    assert len(routes) > 40
    for method, path in routes:
        if (method, path) in PUBLIC_PAGES or path == "/admin/static/admin.css":
            continue
        concrete = re.sub(r"\{[^}]+\}", "1", path.replace("{kind}", "faqs"))
        methods = ("GET", "POST", "PUT", "DELETE") if method == "*" else (method,)
        for verb in methods:
            reply = await client.request(verb, concrete, allow_redirects=False, json={})
            if path.startswith("/admin/api/"):
                assert reply.status == 401, (verb, path, reply.status)
                assert "请先登录" in (await reply.json())["error"]
            else:
                assert reply.status in (302, 403), (verb, path, reply.status)
                if reply.status == 302:
                    assert reply.headers["Location"].startswith("/admin/login")
        handler = next(
            r.handler
            for r in client.app.router.routes()
            if r.resource and r.resource.canonical == path and r.method == method
        )
        assert getattr(handler, "staff_only", False), (method, path)
        assert getattr(handler, "admin_only", False) == ((method, path) in ADMIN_ONLY), (method, path)


def _form_fields(html: str) -> dict[str, str]:
    """The edit form's current values, as the browser would send them."""
    fields: dict[str, str] = {}
    form = html[html.index('class="record"') :]
    form = form[: form.index("</form>")]
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form):
        fields[name] = _unescape(value)
    for name, value in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>\n?(.*?)</textarea>', form, re.S):
        fields[name] = _unescape(value)
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        selected = re.findall(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', body)
        values = [a or b for a, b in selected]
        if values:
            fields[name] = values if name in ("other_bureaus", "services") else values[0]
    return fields


def _unescape(value: str) -> str:
    import html

    return html.unescape(value)


async def test_form_round_trip_keeps_the_lead_bureau_first(client, ops, accounts) -> None:
    await sign_in(client, "admin")
    before, _version, _status, _draft = ops.service_for_edit(accounts["admin"], "onecard_transport")
    assert before["bureaus"] == ["市交通运输局", "市人力资源社会保障局"]
    page = await (await client.get("/admin/services/onecard_transport")).text()
    reply = await client.post(
        "/admin/services/onecard_transport", data={**_form_fields(page), "action": "save"}, allow_redirects=False
    )
    assert reply.status == 302
    after, _version, _status, has_draft = ops.service_for_edit(accounts["admin"], "onecard_transport")
    assert has_draft and after == before  # an unchanged form changes nothing


async def test_api_faq_edit_publish_and_restore_round_trip(client) -> None:
    token = await api_sign_in(client, "yibao")
    headers = {"X-CSRF-Token": token}
    url = "/admin/api/faqs/emergency_no_filing"
    state = await (await client.get(url)).json()
    original = state["record"]["answer"]
    record = {**state["record"], "answer": original + "（编辑补充）"}
    saved = await client.put(url, json={"record": record, "version": state["version"]}, headers=headers)
    assert saved.status == 200, await saved.text()
    published = await client.post(f"{url}/publish", json={"version": (await saved.json())["version"]}, headers=headers)
    assert published.status == 200

    history = await (await client.get(f"{url}/history")).json()
    assert [entry["action"] for entry in history[:2]] == ["publish", "save_draft"]
    imported = history[-1]
    assert imported["after"]["answer"] == original

    current = await (await client.get(url)).json()
    assert current["record"]["answer"].endswith("（编辑补充）")
    missing = await client.post(f"{url}/restore", json={"version": current["version"]}, headers=headers)
    assert missing.status == 422 and "revision" in (await missing.json())["fields"]
    restored = await client.post(
        f"{url}/restore", json={"revision": imported["id"], "version": current["version"]}, headers=headers
    )
    assert restored.status == 200, await restored.text()
    draft = await restored.json()
    assert draft["has_draft"] and draft["record"]["answer"] == original
    republished = await client.post(f"{url}/publish", json={"version": draft["version"]}, headers=headers)
    assert republished.status == 200
    final = await (await client.get(url)).json()
    assert final["status"] == "published" and not final["has_draft"] and final["record"]["answer"] == original


async def test_faq_pages_create_edit_and_restore(client) -> None:
    await sign_in(client, "yibao")
    page = await (await client.get("/admin/faqs/new")).text()
    new = {
        **_form_fields(page),
        "key": "filing_online_test",
        "questions": "网上能办备案吗\n手机上怎么备案",
        "answer": "可以在国家医保服务平台APP上办理，具体以市医保局规定为准。",
        "services": ["medical_filing"],
        "sources": "3RD | 测试来源 | https://example.org/x",
    }
    created = await client.post("/admin/faqs/new", data=new, allow_redirects=False)
    assert created.status == 302, await created.text()
    assert created.headers["Location"] == "/admin/faqs/filing_online_test?saved=created"

    page = await (await client.get("/admin/faqs/filing_online_test")).text()
    edited = {**_form_fields(page), "answer": "改过的答复，以市医保局规定为准。", "action": "publish"}
    assert edited["services"] == ["medical_filing"]
    published = await client.post("/admin/faqs/filing_online_test", data=edited, allow_redirects=False)
    assert published.status == 302 and published.headers["Location"].endswith("saved=published")

    history = await (await client.get("/admin/faqs/filing_online_test/history")).text()
    restore_paths = re.findall(r'action="(/admin/faqs/filing_online_test/restore/\d+)"', history)
    assert len(restore_paths) == 3  # create, save_draft, publish; the oldest is listed last
    restored = await client.post(
        restore_paths[-1], data={"csrf_token": _token(history), "version": _version_in(history)}, allow_redirects=False
    )
    assert restored.status == 302 and restored.headers["Location"].endswith("saved=restored")
    page = await (await client.get("/admin/faqs/filing_online_test")).text()
    assert "可以在国家医保服务平台APP上办理" in _form_fields(page)["answer"]


def _version_in(html: str) -> str:
    match = re.search(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"', html)
    assert match, "no version field in the page"
    return match.group(1) or match.group(2)


async def test_a_long_service_edit_fits_and_an_over_limit_post_says_why(client) -> None:
    await sign_in(client, "yibao")
    page = await (await client.get("/admin/services/medical_filing")).text()
    form = _form_fields(page)
    form["summary"] += "（补充说明）" * 500  # 3,000 more characters: over 27 KB once URL-encoded
    reply = await client.post("/admin/services/medical_filing", data={**form, "action": "save"}, allow_redirects=False)
    assert reply.status == 302, await reply.text()

    form["summary"] += "很长" * 20000
    reply = await client.post("/admin/services/medical_filing", data={**form, "action": "save"})
    html = await reply.text()
    assert reply.status == 413 and "太大" in html and "后退" in html and "Maximum" not in html
    token = await api_sign_in(client, "yibao")
    reply = await client.put(
        "/admin/api/services/medical_filing",
        json={"record": {"summary": "长" * 100000}},
        headers={"X-CSRF-Token": token},
    )
    assert reply.status == 413 and "太大" in (await reply.json())["error"]


@pytest.mark.parametrize("days", ["99999999999999", "²", "0007", "-3", "１０"])
async def test_days_parameters_are_checked_and_bounded(client, days: str) -> None:
    await sign_in(client, "admin")
    for path in ("/admin/stale", "/admin/feedback", "/admin/api/stale", "/admin/api/feedback"):
        reply = await client.get(path, params={"days": days})
        assert reply.status == 200, (path, days)
    feedback = await (await client.get("/admin/api/feedback", params={"days": days})).json()
    assert len(feedback["timeline"]) <= 366


async def test_sign_in_is_limited_per_address_on_the_form_and_the_api(client, monkeypatch) -> None:
    from bot.staff import auth

    monkeypatch.setattr(auth, "FAILED_SIGN_IN_DELAY", 0.0)
    for attempt in range(10):  # spraying over accounts: no account fails often enough to lock
        username = ("admin", "yibao", "minzheng", "viewer", "nobody")[attempt % 5]
        reply = await client.post("/admin/api/session", json={"username": username, "password": "Winter2024!"})
        assert reply.status == 401
    page = await (await client.get("/admin/login")).text()
    reply = await client.post(
        "/admin/login", data={"csrf_token": _token(page), "username": "yibao", "password": PASSWORD}
    )
    assert reply.status == 429 and "太频繁" in await reply.text()
    reply = await client.post("/admin/api/session", json={"username": "yibao", "password": PASSWORD})
    assert reply.status == 429 and "太频繁" in (await reply.json())["error"]


async def test_a_failed_api_sign_in_waits_as_the_form_does(client, monkeypatch) -> None:
    import asyncio

    from bot.staff import auth

    monkeypatch.setattr(auth, "FAILED_SIGN_IN_DELAY", 0.3)
    started = asyncio.get_running_loop().time()
    reply = await client.post("/admin/api/session", json={"username": "yibao", "password": "wrong wrong"})
    assert reply.status == 401 and asyncio.get_running_loop().time() - started >= 0.3


async def test_api_sign_in_needs_json_from_the_gateways_own_origin(client) -> None:
    credentials = json.dumps({"username": "yibao", "password": PASSWORD})
    form_post = await client.post("/admin/api/session", data=credentials, headers={"Content-Type": "text/plain"})
    assert form_post.status == 415 and "application/json" in (await form_post.json())["error"]
    cross_site = await client.post(
        "/admin/api/session",
        json={"username": "yibao", "password": PASSWORD},
        headers={"Origin": "https://evil.example"},
    )
    assert cross_site.status == 403
    assert (await client.get("/admin/api/session")).status == 401  # neither signed anyone in
    own = await client.post(
        "/admin/api/session",
        json={"username": "yibao", "password": PASSWORD},
        headers={"Origin": "http://127.0.0.1:8000"},
    )
    assert own.status == 200


async def test_a_viewer_cannot_post_the_edit_form(client) -> None:
    await sign_in(client, "viewer")
    page = await client.get("/admin/services/medical_filing")
    assert page.status == 200  # reading is fine
    form = {k: v for k, v in _form_fields(await page.text()).items() if k != "version"}
    reply = await client.post("/admin/services/medical_filing", data={**form, "action": "save"})
    assert reply.status == 403 and "只读" in await reply.text()


async def test_staff_api_errors_are_json(client) -> None:
    from bot.keys import STAFF

    missing = await client.get("/admin/api/nothing")
    assert missing.status == 404 and "error" in await missing.json()
    wrong = await client.patch("/admin/api/session")
    assert wrong.status == 405 and "error" in await wrong.json()

    def broken() -> None:
        raise RuntimeError("database went away")

    await api_sign_in(client, "admin")
    client.app[STAFF].reports.bureaus = broken
    reply = await client.get("/admin/api/bureaus")
    assert reply.status == 500 and "稍后再试" in (await reply.json())["error"]


def _filing_question(kb_engine, text: str) -> int:
    """A question the assistant missed, about 异地就医备案 (市医保局's)."""
    from kb.db import session_factory
    from kb.models import UnansweredQuestion

    with session_factory(kb_engine).begin() as session:
        question = UnansweredQuestion(conversation_id="c", text=text, reason="unclear", suggested=["medical_filing"])
        session.add(question)
        session.flush()
        return question.id


async def test_linking_on_the_page_offers_an_example_that_an_admin_accepts(client, kb_engine) -> None:
    question_id = _filing_question(kb_engine, "电话13812345678，异地就医备案怎么弄")
    await sign_in(client, "yibao")
    page = await (await client.get("/admin/unanswered")).text()
    linked = await client.post(
        f"/admin/unanswered/{question_id}/link",
        data={"csrf_token": _token(page), "service_key": "medical_filing"},
        allow_redirects=False,
    )
    assert linked.status == 302
    [offered] = await (await client.get("/admin/api/suggestions?status=offered")).json()
    assert offered["text"] == "电话***，异地就医备案怎么弄" and offered["intent"] == "medical_filing"
    editors_view = await (await client.get("/admin/suggestions")).text()
    assert "异地就医备案怎么弄" in editors_view and "训练例句" in editors_view
    assert f"/admin/suggestions/{offered['id']}/accept" not in editors_view  # no buttons for an editor

    await client.post("/admin/logout", data={"csrf_token": _token(editors_view)}, allow_redirects=False)
    await sign_in(client, "admin")
    page = await (await client.get("/admin/suggestions")).text()
    assert f'action="/admin/suggestions/{offered["id"]}/accept"' in page
    accepted = await client.post(
        f"/admin/suggestions/{offered['id']}/accept", data={"csrf_token": _token(page)}, allow_redirects=False
    )
    assert accepted.status == 302 and accepted.headers["Location"] == "/admin/suggestions?done=accepted"
    assert [s["id"] for s in await (await client.get("/admin/api/suggestions?status=accepted")).json()] == [
        offered["id"]
    ]
    forged = await client.post(f"/admin/suggestions/{offered['id']}/reject", data={}, allow_redirects=False)
    assert forged.status == 403 and "CSRF" in await forged.text()

    token = await api_sign_in(client, "admin")
    url = f"/admin/api/suggestions/{offered['id']}/reject"
    assert (await client.post(url)).status == 403  # no CSRF header
    rejected = await client.post(url, headers={"X-CSRF-Token": token})
    assert rejected.status == 200 and (await rejected.json()) == {"status": "rejected"}
    again = await client.post(url, headers={"X-CSRF-Token": token})
    assert again.status == 409 and "已由admin拒绝" in (await again.json())["error"]


@pytest.mark.parametrize("username", ["yibao", "viewer"])
async def test_only_admins_accept_or_reject_examples_on_the_page_and_the_api(client, kb_engine, username) -> None:
    from bot.staff.retraining import model_intents
    from kb.reports import StaffReports
    from kb.staff import StaffOps

    question_id = _filing_question(kb_engine, "异地就医备案怎么弄")
    admin = StaffOps(kb_engine).authenticate("admin", PASSWORD)
    StaffOps(kb_engine, model_intents).link_unanswered(admin, question_id, "medical_filing", add_alias=False)
    [suggestion] = StaffReports(kb_engine).suggestions()

    await sign_in(client, username)
    page = await client.get("/admin/suggestions")
    assert page.status == 200 and "异地就医备案怎么弄" in await page.text()  # seeing the list is fine
    csrf = _token(await page.text())
    for decision in ("accept", "reject"):
        reply = await client.post(f"/admin/suggestions/{suggestion['id']}/{decision}", data={"csrf_token": csrf})
        assert reply.status == 403 and "只有管理员" in await reply.text(), decision

    token = await api_sign_in(client, username)
    listed = await client.get("/admin/api/suggestions")
    assert listed.status == 200 and [s["id"] for s in await listed.json()] == [suggestion["id"]]
    for decision in ("accept", "reject"):
        reply = await client.post(
            f"/admin/api/suggestions/{suggestion['id']}/{decision}", headers={"X-CSRF-Token": token}
        )
        assert reply.status == 403 and "只有管理员" in (await reply.json())["error"], decision
    assert StaffReports(kb_engine).suggestions()[0]["status"] == "offered"
