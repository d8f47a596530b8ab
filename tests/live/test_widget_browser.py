"""The citizen's widget in real (headless Debian) chromium, against the running product."""

from __future__ import annotations

import json

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect, sync_playwright
from sqlalchemy import select

from kb.db import make_engine, session_factory
from kb.io import bump_revision
from kb.models import HandoffMessage, Service
from tests.live.browser import CHROMIUM_ARGS, ServerThread, chromium_path, portal_app

pytestmark = pytest.mark.slow
ANSWER_TIMEOUT = 20_000


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live) -> Page:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    yield page
    context.close()


def open_widget(page: Page, url: str) -> None:
    page.goto(url)
    page.locator(".launcher").click()
    expect(page.locator(".panel")).to_be_visible()


def ask(page: Page, text: str) -> None:
    page.locator("textarea").fill(text)
    page.locator("textarea").press("Enter")


def log(page: Page):
    return page.locator(".log")


def test_ask_answer_quick_reply_reload_and_navigate(page: Page, live) -> None:
    open_widget(page, f"{live.gateway_url}/")
    expect(log(page)).to_contain_text("宿州长三角政务服务助手", timeout=ANSWER_TIMEOUT)
    expect(page.locator(".quick button", has_text="异地就医")).to_be_visible()

    ask(page, "异地就医备案怎么办")  # answered first
    expect(log(page)).to_contain_text("【跨省异地就医备案】", timeout=ANSWER_TIMEOUT)
    expect(log(page)).to_contain_text("负责部门：市医保局")
    page.locator(".msg.bot .quick button", has_text="按您的情况细说").last.click()  # then tailored
    page.locator(".quick button", has_text="长期在外地居住/工作").click(timeout=ANSWER_TIMEOUT)
    expect(log(page)).to_contain_text("长期在外地居住或工作", timeout=ANSWER_TIMEOUT)
    page.locator(".msg.bot .quick button", has_text="所需材料").last.click()
    expect(log(page)).to_contain_text("跨省异地就医备案 · 所需材料", timeout=ANSWER_TIMEOUT)
    assert page.locator("time").count() >= 4  # timestamps on messages

    conversation = page.evaluate("localStorage.getItem('sz-assistant:conversation')")
    page.reload()
    expect(log(page)).to_contain_text("跨省异地就医备案 · 所需材料")  # history kept across reloads
    page.goto(f"{live.gateway_url}/services")  # and across navigation within the portal
    expect(log(page)).to_contain_text("负责部门：市医保局")
    assert page.evaluate("localStorage.getItem('sz-assistant:conversation')") == conversation

    answers = log(page).locator(".msg.bot").count()
    ask(page, "要带什么材料")  # the same conversation continues on the new page
    expect(log(page).locator(".msg.bot")).to_have_count(answers + 1, timeout=ANSWER_TIMEOUT)
    expect(log(page).locator(".msg.bot").last).to_contain_text("所需材料")

    page.get_by_role("button", name="新对话").click()
    expect(log(page)).not_to_contain_text("所需材料")
    assert page.evaluate("localStorage.getItem('sz-assistant:conversation')") != conversation


def test_feedback_and_handoff_with_a_message_left(page: Page, live) -> None:
    open_widget(page, f"{live.gateway_url}/")
    ask(page, "社保卡丢了咋办")
    expect(log(page)).to_contain_text("【社会保障卡挂失】", timeout=ANSWER_TIMEOUT)
    page.locator(".feedback button", has_text="有帮助").click()
    expect(log(page)).to_contain_text("谢谢您的反馈", timeout=ANSWER_TIMEOUT)

    page.locator(".composer .human").click()
    expect(log(page)).to_contain_text("12345政务服务便民热线", timeout=ANSWER_TIMEOUT)
    expect(log(page)).to_contain_text("市人力资源社会保障局")
    page.locator(".quick button", has_text="我要留言").last.click()
    expect(log(page)).to_contain_text("请写下您想问的问题", timeout=ANSWER_TIMEOUT)
    ask(page, "补办社保卡能不能邮寄 我电话13800001111")
    expect(log(page)).to_contain_text("已收到您的留言", timeout=ANSWER_TIMEOUT)

    engine = make_engine(f"sqlite:///{live.data_dir / 'kb.sqlite3'}")
    with session_factory(engine)() as session:
        texts = [m.text for m in session.scalars(select(HandoffMessage))]
    engine.dispose()
    assert any("补办社保卡能不能邮寄" in t and "13800001111" not in t for t in texts)


def test_large_text_high_contrast_and_keyboard_only(page: Page, live) -> None:
    page.goto(f"{live.gateway_url}/")
    for _ in range(20):  # reach the launcher with Tab alone
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == "sz-assistant-widget":
            break
    page.keyboard.press("Enter")
    expect(page.locator(".panel")).to_be_visible()
    expect(page.locator("textarea")).to_be_focused()
    page.keyboard.type("老人坐公交免费吗")
    page.keyboard.press("Enter")
    expect(log(page)).to_contain_text("负责部门：市民政局", timeout=ANSWER_TIMEOUT)
    page.keyboard.press("Escape")
    expect(page.locator(".panel")).to_be_hidden()
    expect(page.locator(".launcher")).to_be_focused()

    page.locator(".launcher").click()
    normal = _font_size(page)
    page.get_by_role("button", name="大字").click()
    expect(page.get_by_role("button", name="大字")).to_have_attribute("aria-pressed", "true")
    assert _font_size(page) >= normal + 3
    page.get_by_role("button", name="高对比").click()
    assert page.locator(".panel").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(0, 0, 0)"
    page.reload()
    expect(page.get_by_role("button", name="大字")).to_have_attribute("aria-pressed", "true")  # remembered


def _font_size(page: Page) -> float:
    return float(page.locator(".panel").evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))


def test_works_on_a_360_px_phone(browser, live) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    open_widget(page, f"{live.gateway_url}/")
    box = page.locator(".panel").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    ask(page, "电子社保卡咋领")
    expect(log(page)).to_contain_text("负责部门：市人力资源社会保障局", timeout=ANSWER_TIMEOUT)
    send_box = page.locator(".send").bounding_box()
    assert send_box["x"] + send_box["width"] <= 360
    context.close()


def test_markup_typed_or_returned_is_shown_as_text(page: Page, live) -> None:
    engine = make_engine(f"sqlite:///{live.data_dir / 'kb.sqlite3'}")
    payload = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
    with session_factory(engine).begin() as session:
        service = session.scalars(select(Service).where(Service.key == "education")).one()
        service.summary = f"{service.summary}{payload}"
        bump_revision(session)
    engine.dispose()

    open_widget(page, f"{live.gateway_url}/")
    ask(page, f"{payload} 测试")
    expect(log(page).locator(".msg.user").last).to_contain_text("<img src=x")
    ask(page, "宿州跟长三角有啥教育合作")
    expect(log(page)).to_contain_text("window.__xss=2</script>", timeout=ANSWER_TIMEOUT)
    assert page.evaluate("window.__xss") is None
    assert log(page).locator("img, script").count() == 0


def test_no_serious_accessibility_violations(page: Page, live) -> None:
    open_widget(page, f"{live.gateway_url}/")
    ask(page, "社保卡丢了咋办")
    expect(log(page)).to_contain_text("负责部门", timeout=ANSWER_TIMEOUT)
    for mode in ("normal", "contrast"):
        if mode == "contrast":
            page.get_by_role("button", name="高对比").click()
        results = Axe().run(page)
        serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        assert not serious, [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in serious]


def test_two_portals_on_other_origins_and_one_not_allowed(browser, live) -> None:
    allowed_a, allowed_b, not_allowed = live.portal_ports
    widget = f"{live.gateway_url}/widget.js"
    with (
        ServerThread(lambda: portal_app("门户甲", widget), allowed_a),
        ServerThread(lambda: portal_app("门户乙", widget), allowed_b),
        ServerThread(lambda: portal_app("门户丙", widget), not_allowed),
    ):
        context = browser.new_context()
        ids = []
        for port in (allowed_a, allowed_b):
            page = context.new_page()
            open_widget(page, f"http://127.0.0.1:{port}/")
            expect(page.locator("h2", has_text="助手")).to_be_visible()
            ask(page, "社保卡能坐地铁吗")
            expect(log(page)).to_contain_text("负责部门", timeout=ANSWER_TIMEOUT)
            # the portal's CSS does not reach the widget, and the widget leaves the portal's JS alone
            color = page.locator(".launcher").evaluate("e => getComputedStyle(e).backgroundColor")
            assert color != "rgb(255, 105, 180)"
            assert page.evaluate("window.portalVariable") == "portal"
            ids.append(page.evaluate("localStorage.getItem('sz-assistant:conversation')"))
        assert ids[0] != ids[1]

        page = context.new_page()
        open_widget(page, f"http://127.0.0.1:{not_allowed}/")
        ask(page, "社保卡丢了")
        expect(log(page)).to_contain_text("12345", timeout=ANSWER_TIMEOUT)
        expect(log(page)).not_to_contain_text("负责部门")
        context.close()


def test_personal_numbers_are_not_kept_in_the_browser(page: Page, live) -> None:
    open_widget(page, f"{live.gateway_url}/")
    ask(page, "俺电话13812345678 社保卡丢了咋办")
    expect(log(page).locator(".msg.user").last).to_contain_text("俺电话*** 社保卡丢了咋办", timeout=ANSWER_TIMEOUT)
    expect(log(page)).not_to_contain_text("13812345678")
    assert "13812345678" not in page.evaluate("JSON.stringify(Object.assign({}, window.localStorage))")


def test_text_the_gateway_refuses_goes_back_into_the_box(page: Page, live) -> None:
    open_widget(page, f"{live.gateway_url}/")
    expect(log(page)).to_contain_text("宿州长三角政务服务助手", timeout=ANSWER_TIMEOUT)
    refusal = json.dumps({"error": "您发得太快了，请稍等一会儿再发。"}, ensure_ascii=False)
    page.route("**/api/chat", lambda route: route.fulfill(status=429, content_type="application/json", body=refusal))
    ask(page, "社保卡丢了怎么办")
    expect(log(page)).to_contain_text("您发得太快了，请稍等一会儿再发。", timeout=ANSWER_TIMEOUT)
    expect(page.locator("textarea")).to_have_value("社保卡丢了怎么办")


def _stored(page: Page, kind: str = "localStorage") -> str:
    return page.evaluate(f"JSON.stringify(Object.assign({{}}, window.{kind}))")


def test_typed_text_is_kept_only_as_the_masked_echo(page: Page, live) -> None:
    """Nothing typed reaches storage before the server's masked echo — nor after a refusal or a
    failure, which never bring one."""
    open_widget(page, f"{live.gateway_url}/")
    expect(log(page)).to_contain_text("宿州长三角政务服务助手", timeout=ANSWER_TIMEOUT)
    held = []
    page.route("**/api/chat", lambda route: held.append(route))
    ask(page, "电话138，1234，5678 社保卡丢了")
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the message was not sent"
    assert "5678" not in _stored(page)  # on screen while it is being sent, not kept
    refusal = json.dumps({"error": "您发得太快了，请稍等一会儿再发。"}, ensure_ascii=False)
    held.pop().fulfill(status=429, content_type="application/json", body=refusal)
    expect(log(page)).to_contain_text("您发得太快了", timeout=ANSWER_TIMEOUT)
    assert "5678" not in _stored(page)
    page.unroute("**/api/chat")
    page.route("**/api/chat", lambda route: route.abort())
    page.locator("textarea").fill("")
    ask(page, "手机一三八 一二三四 五六七八 在哪办")
    expect(page.locator(".retry")).to_have_count(1, timeout=ANSWER_TIMEOUT)
    assert "五六七八" not in _stored(page) and "5678" not in _stored(page)
    page.unroute("**/api/chat")
    page.locator(".retry").click()
    expect(log(page).locator(".msg.user").last).to_contain_text("手机*** 在哪办", timeout=ANSWER_TIMEOUT)
    stored = _stored(page)
    assert "手机*** 在哪办" in stored and "五六七八" not in stored


def test_kept_history_expires(page: Page, live) -> None:
    open_widget(page, f"{live.gateway_url}/")
    ask(page, "社保卡丢了咋办")
    expect(log(page)).to_contain_text("【社会保障卡挂失】", timeout=ANSWER_TIMEOUT)
    conversation = page.evaluate("localStorage.getItem('sz-assistant:conversation')")
    day_ago = "Date.now() - 25 * 3600 * 1000"  # older than SZ_WIDGET_HISTORY_HOURS (24)
    page.evaluate(f"localStorage.setItem('sz-assistant:savedAt', String({day_ago}))")
    page.reload()
    expect(log(page)).not_to_contain_text("社会保障卡挂失")
    assert "社会保障卡挂失" not in _stored(page)
    assert page.evaluate("localStorage.getItem('sz-assistant:conversation')") != conversation


def test_a_kiosk_portal_keeps_the_conversation_for_the_tab_only(browser, live) -> None:
    port = live.portal_ports[0]
    with ServerThread(lambda: portal_app("自助终端", f"{live.gateway_url}/widget.js", storage="session"), port):
        context = browser.new_context()
        page = context.new_page()
        open_widget(page, f"http://127.0.0.1:{port}/")
        ask(page, "社保卡丢了咋办")
        expect(log(page)).to_contain_text("【社会保障卡挂失】", timeout=ANSWER_TIMEOUT)
        assert "社会保障卡挂失" in _stored(page, "sessionStorage")
        assert "sz-assistant" not in _stored(page, "localStorage")
        page.close()
        again = context.new_page()  # a new tab on the same kiosk: nothing of the last citizen
        open_widget(again, f"http://127.0.0.1:{port}/")
        expect(log(again)).to_contain_text("宿州长三角政务服务助手", timeout=ANSWER_TIMEOUT)
        expect(log(again)).not_to_contain_text("社会保障卡挂失")
        context.close()
