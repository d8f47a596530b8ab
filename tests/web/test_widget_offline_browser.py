"""The widget in real (headless Debian) chromium against a gateway served in this process, with the
assistant down and then back (a stand-in Rasa): runs in the gateway's environment."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from bot.config import GatewayConfig
from bot.gateway import create_app
from harness.services import free_port
from tests.live.browser import CHROMIUM_ARGS, ServerThread, chromium_path
from tests.web.test_gateway import fake_rasa

pytestmark = pytest.mark.slow
ANSWER_TIMEOUT = 20_000


@pytest.fixture
def page() -> Page:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
        yield page
        browser.close()


def open_widget(page: Page, url: str) -> None:
    page.goto(url)
    page.locator(".launcher").click()
    expect(page.locator(".panel")).to_be_visible()


def ask(page: Page, text: str) -> None:
    page.locator("textarea").fill(text)
    page.locator("textarea").press("Enter")


def log(page: Page):
    return page.locator(".log")


def test_assistant_down_is_said_politely_and_retry_keeps_the_message(page: Page) -> None:
    rasa_port, gateway_port = free_port(), free_port()
    gateway = GatewayConfig(
        rasa_urls=(f"http://127.0.0.1:{rasa_port}",),
        allowed_origins=(),
        public_url=f"http://127.0.0.1:{gateway_port}",
        chat_timeout=2.0,
    )
    with ServerThread(lambda: create_app(gateway), gateway_port):
        open_widget(page, f"http://127.0.0.1:{gateway_port}/")
        expect(log(page)).to_contain_text("12345", timeout=ANSWER_TIMEOUT)  # the greeting could not be fetched
        ask(page, "社保卡丢了怎么办")
        expect(log(page).locator(".msg.system").last).to_contain_text("12345政务服务便民热线", timeout=ANSWER_TIMEOUT)
        expect(page.locator("textarea")).to_have_value("社保卡丢了怎么办")  # nothing typed is lost
        with ServerThread(fake_rasa, rasa_port):  # the assistant comes back
            page.locator(".retry").last.click()
            expect(log(page)).to_contain_text(re.compile("收到：社保卡丢了怎么办"), timeout=ANSWER_TIMEOUT)
        expect(page.locator("textarea")).to_have_value("")
