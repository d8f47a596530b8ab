"""The retraining page and API: who may start a training or a rollback, one at a time, what staff see.

The job itself (training, gate, swap) runs against the real product in tests/live/test_retraining.py.
"""

from __future__ import annotations

import time

import pytest

from bot import model_store
from tests.staff.test_staff_web import _token, api_sign_in, client, sign_in  # noqa: F401 - the fixture

WRITES = ("/admin/retraining/start", "/admin/retraining/rollback")
API_WRITES = ("/admin/api/retraining", "/admin/api/retraining/rollback")


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SZ_DATA_DIR", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize("username", ["yibao", "viewer"])
async def test_only_an_admin_may_start_training_or_roll_back(client, username, data_dir) -> None:  # noqa: F811
    await sign_in(client, username)
    page = await client.get("/admin/retraining")
    html = await page.text()
    assert page.status == 200 and "只有管理员可以发起重新训练或回退" in html
    assert 'action="/admin/retraining/start"' not in html
    for path in WRITES:
        reply = await client.post(path, data={"csrf_token": _token(html)}, allow_redirects=False)
        assert reply.status == 403, path
    token = await api_sign_in(client, username)
    for path in API_WRITES:
        reply = await client.post(path, json={}, headers={"X-CSRF-Token": token})
        assert reply.status == 403, path
    assert not (data_dir / "training" / "status.json").exists()  # nothing was started


async def test_a_second_training_is_told_one_is_running(client, data_dir) -> None:  # noqa: F811
    await sign_in(client, "admin")
    with model_store.training_lock() as lock:
        assert lock is not None
        html = await (await client.get("/admin/retraining")).text()
        reply = await client.post(WRITES[0], data={"csrf_token": _token(html)}, allow_redirects=False)
        assert reply.status == 409 and "正在进行" in await reply.text()
        token = await api_sign_in(client, "admin")
        for path in API_WRITES:
            reply = await client.post(path, json={}, headers={"X-CSRF-Token": token})
            assert reply.status == 409 and "正在进行" in (await reply.json())["error"], path


async def test_the_page_shows_a_failed_gate_with_the_intents_that_fell(client, data_dir) -> None:  # noqa: F811
    model_store.write_status({
        "run": "v4", "kind": "train", "by": "admin", "started_at": "2026-12-01T10:00:00+00:00",
        "started": time.time() - 200, "ended": time.time() - 20, "state": "failed", "stage": "gate",
        "stages": [{"name": "train", "label": "训练模型", "started": 1.0, "ended": 81.0}],
        "message": "没有通过质量检查，群众仍由原模型服务", "log": "v4.log",
        "gate": {"passed": False, "reasons": ["意图 ask_fees 的F1从 1.00 降到 0.00"],
                 "fell": [{"intent": "ask_fees", "before": 1.0, "after": 0.0}],
                 "candidate": {"nlu": {"macro_f1": 0.88, "entity_f1": 0.97},
                               "citizen": {"right_bureau": 0.93, "key_fact": 0.9, "declined": 0.8, "declined_of": 61,
                                           "conversations": 33, "conversations_of": 40}},
                 "serving": {"nlu": {"macro_f1": 0.93, "entity_f1": 0.97},
                             "citizen": {"right_bureau": None, "key_fact": None, "declined": 0.885, "declined_of": 61,
                                         "conversations": 33, "conversations_of": 40}}},
    })  # fmt: skip
    (data_dir / "training" / "v4.log").write_text("== 质量检查\nNLU: test_nlu.yml\n", "utf-8")
    await sign_in(client, "admin")
    html = await (await client.get("/admin/retraining")).text()
    assert "未通过，群众仍由原模型服务" in html and "训练模型（80 秒）" in html
    assert "ask_fees" in html and "-1.00" in html and "0.880" in html
    assert "NLU: test_nlu.yml" in html  # the log's tail
    assert "0.800" in html and "0.885" in html and "新模型已达标，未测" in html  # the serving model asked in part
    assert 'http-equiv="refresh"' not in html  # nothing running: no reloading
    assert 'action="/admin/retraining/start"' in html

    token = await api_sign_in(client, "admin")
    report = await (await client.get("/admin/api/retraining", headers={"X-CSRF-Token": token})).json()
    assert report["training"]["state"] == "failed" and report["training"]["elapsed"] == 180
    assert report["training"]["gate"]["fell"][0]["intent"] == "ask_fees"


async def test_a_run_whose_job_died_is_shown_as_interrupted(client, data_dir) -> None:  # noqa: F811
    model_store.write_status({"run": "v2", "kind": "train", "by": "admin", "started": time.time(), "state": "running",
                              "stage": "train", "stages": [], "message": "", "log": ""})  # fmt: skip
    await sign_in(client, "admin")
    html = await (await client.get("/admin/retraining")).text()
    assert "已中断" in html and 'action="/admin/retraining/start"' in html
