"""Faults, each on a running product of its own: a citizen always gets an answer, never a 5xx."""

from __future__ import annotations

import json
import os
import signal
import time
import uuid

import psutil
import pytest

from tests.live.conftest import running_product

pytestmark = pytest.mark.slow
APOLOGY_WITHIN = 3.5  # seconds: the gateway's 3 s timeout plus the answer's trip


@pytest.fixture(scope="module")
def product(seeded_db_file, tmp_path_factory):
    with running_product(seeded_db_file, tmp_path_factory.mktemp("faults")) as assistant:
        yield assistant


def _child(product, needle: str) -> psutil.Process:
    root = psutil.Process(product.process.pid)
    for child in root.children(recursive=True):
        if needle in " ".join(child.cmdline()):
            return child
    raise AssertionError(f"no child process with {needle!r}")


def _gateway(product, conversation: str, message: str) -> tuple[float, dict]:
    started = time.monotonic()
    body = json.dumps({"conversation_id": conversation, "message": message}, ensure_ascii=False).encode()
    reply = product.post_raw(body, url=f"{product.gateway_url}/api/chat")
    assert reply.status == 200, reply.body
    return time.monotonic() - started, reply.body


def _texts(body: dict) -> str:
    return "\n".join(m.get("text", "") for m in body["messages"])


def _wait_until_answering(product, conversation: str, timeout: float = 180) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _elapsed, body = _gateway(product, f"probe-{uuid.uuid4().hex[:8]}", "你好")
        if body["status"] == "ok" and "宿州长三角政务服务助手" in _texts(body):
            return body
        time.sleep(2)
    raise AssertionError("the assistant did not recover")


def test_action_server_down_apology_then_recovery(product) -> None:
    conversation = f"act-down-{uuid.uuid4().hex[:6]}"
    _elapsed, body = _gateway(product, conversation, "社保卡丢了咋办")
    assert "社会保障卡挂失" in _texts(body)
    _child(product, "bot.action_server").send_signal(signal.SIGKILL)
    elapsed, body = _gateway(product, conversation, "要带什么材料")
    assert elapsed < APOLOGY_WITHIN and "12345" in _texts(body)
    _wait_until_answering(product, conversation)  # the supervisor started it again
    _elapsed, body = _gateway(product, conversation, "要带什么材料")
    assert "社会保障卡挂失 · 所需材料" in _texts(body)


def test_action_server_hanging_apology_in_time_then_recovery(product) -> None:
    conversation = f"act-slow-{uuid.uuid4().hex[:6]}"
    _gateway(product, conversation, "社保卡丢了咋办")
    server = _child(product, "bot.action_server")
    server.send_signal(signal.SIGSTOP)
    try:
        elapsed, body = _gateway(product, conversation, "要带什么材料")
        assert elapsed < APOLOGY_WITHIN
        assert body["status"] == "unavailable" and "12345" in _texts(body)
    finally:
        server.send_signal(signal.SIGCONT)
    time.sleep(1)  # the held request finishes once the server runs again
    _elapsed, body = _gateway(product, conversation, "在哪办")
    assert "社会保障卡挂失 · 办理渠道" in _texts(body)


def test_rasa_restart_keeps_the_conversation(product) -> None:
    conversation = f"rasa-restart-{uuid.uuid4().hex[:6]}"
    _gateway(product, conversation, "医宝异地被案咋办")
    _gateway(product, conversation, "/tailor_medical")  # the form asks about the situation
    rasa = _child(product, "rasa run")
    rasa.send_signal(signal.SIGTERM)
    rasa.wait(60)
    elapsed, body = _gateway(product, conversation, "随便问问")
    assert elapsed < APOLOGY_WITHIN and "12345" in _texts(body)  # while it restarts: an apology
    _wait_until_answering(product, conversation)
    _elapsed, body = _gateway(product, conversation, '/inform{"stay_type":"长期居住"}')
    assert "长期在外地居住或工作" in _texts(body)  # the form state survived in the tracker store


def test_kb_database_unavailable_apology_then_recovery(product) -> None:
    conversation = f"kb-down-{uuid.uuid4().hex[:6]}"
    database = product.data_dir / "kb.sqlite3"
    aside = product.data_dir / "kb.sqlite3.aside"
    os.rename(database, aside)
    try:
        _elapsed, body = _gateway(product, conversation, "老人坐公交免费吗")
        assert body["status"] == "ok" and "12345" in _texts(body) and "负责部门" not in _texts(body)
    finally:
        for leftover in product.data_dir.glob("kb.sqlite3*"):
            if leftover != aside:
                leftover.unlink()
        os.rename(aside, database)
    _elapsed, body = _gateway(product, conversation, "老人坐公交免费吗")
    assert "负责部门：市民政局" in _texts(body)
