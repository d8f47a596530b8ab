"""The forms that dodged masking, sent through the gateway's /api/chat to the running product: no sink
keeps them — the echo, Rasa's tracker store, the KB's unanswered questions and messages left (and every
other table), the logs of every process, and the widget's storage in the browser."""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
import uuid

import pytest
from playwright.sync_api import expect, sync_playwright

from kb.privacy import detection_view
from tests.kb.test_privacy import DODGES
from tests.live.browser import CHROMIUM_ARGS, chromium_path

pytestmark = pytest.mark.slow
SENT = [d for d in DODGES if d != "幺叁八"]  # every form that must be masked
ESCAPED_PAYLOAD = '/inform{"stay_type":"' + "".join(f"\\u{ord(d):04x}" for d in "13987654321") + '"}'
JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def digits_of(typed: str) -> str:
    return "".join(ch for ch in detection_view(typed)[0] if ch.isdigit())


def compact(text: str) -> str:
    """Text as a number hides in it: JSON escapes decoded, read as the masking reads it, separators gone."""
    decoded = JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    view = detection_view(decoded)[0]
    return "".join(ch for ch in view if not unicodedata.category(ch).startswith(("P", "S", "Z", "C")))


def chat(live, conversation: str, message: str) -> dict:
    body = json.dumps({"conversation_id": conversation, "message": message}, ensure_ascii=False).encode()
    reply = live.post_raw(body, url=f"{live.gateway_url}/api/chat")
    assert reply.status == 200, reply.body
    return reply.body


def dump(path) -> str:
    with sqlite3.connect(path) as connection:
        return "\n".join(connection.iterdump())


def test_dodging_forms_reach_no_sink(live) -> None:
    secrets = {typed: digits_of(typed) for typed in SENT}
    secrets[ESCAPED_PAYLOAD] = "13987654321"
    assert all(len(d) >= 10 for d in secrets.values())
    echoes = []
    for n, typed in enumerate(SENT):
        asked = chat(live, f"dodge-ask-{n}-{uuid.uuid4().hex[:6]}", f"俺的号是{typed}，这个能查吗")
        echoes.append(asked["message"])
        conversation = f"dodge-leave-{n}-{uuid.uuid4().hex[:6]}"
        chat(live, conversation, "找人工")
        chat(live, conversation, "/affirm")
        left = chat(live, conversation, f"请回电{typed}，社保卡补办能邮寄吗")
        echoes.append(left["message"])
    echoes.append(chat(live, f"dodge-payload-{uuid.uuid4().hex[:6]}", ESCAPED_PAYLOAD)["message"])

    kb_dump = dump(live.data_dir / "kb.sqlite3")
    assert "社保卡补办能邮寄吗" in kb_dump and "这个能查吗" in kb_dump  # the messages were kept, masked
    sinks = {
        "echo": "\n".join(echoes),
        "tracker store": dump(live.data_dir / "tracker.sqlite3"),
        "KB": kb_dump,
        "logs": (live.data_dir / "run.log").read_text("utf-8", "replace"),
    }
    for sink, text in sinks.items():
        readable = compact(text)
        for typed, digits in secrets.items():
            assert digits not in readable, (sink, typed)
            assert typed not in text, (sink, typed)


def test_dodging_forms_are_not_kept_in_the_widgets_storage(live) -> None:
    typed_forms = ["138，1234，5678", "幺三八一二三四五六七八", "1\u200b3\u200b8\u200b1234\u200b5678"]
    typed_forms.append("340102/19900101/123X")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = browser.new_page(locale="zh-CN")
        page.goto(f"{live.gateway_url}/")
        page.locator(".launcher").click()
        for n, typed in enumerate(typed_forms):
            page.locator("textarea").fill(f"号码{typed}有用吗")
            page.locator("textarea").press("Enter")
            expect(page.locator(".log .msg.user").nth(n)).to_contain_text("号码***有用吗", timeout=20_000)
        stored = page.evaluate("JSON.stringify(Object.assign({}, window.localStorage, window.sessionStorage))")
        browser.close()
    assert "号码***有用吗" in stored
    for typed in typed_forms:
        assert digits_of(typed) not in compact(stored), typed
