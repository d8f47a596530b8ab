"""Staff retrain, check and swap the model from the staff pages, and roll back, on the running product.

In file order: a candidate that fails the quality gate changes nothing; an admin teaches an alias and
retrains in the browser while a citizen keeps chatting through the swap; a rollback brings back the
previous model's answers.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from kb.settings import PROJECT_ROOT
from tests.live.browser import CHROMIUM_ARGS, chromium_path
from tests.live.test_staff_browser import PASSWORD, create_account

pytestmark = pytest.mark.slow
JOB_TIMEOUT = 900  # training ≤ 120 s, the gate measures two models: minutes, not more
ANSWER_TIMEOUT = 60_000
ALIAS = "三省一市坐车卡"
ALIAS_QUESTION = f"{ALIAS}咋弄"
TRANSPORT_BUREAU = "市交通运输局"  # onecard_transport's lead bureau
FAILED_REPLIES = ("助手暂时没有响应", "系统暂时没能给出答复")
COMPARED_QUESTIONS = ("社保卡丢了咋办", "异地就医备案要带啥材料", "12315投诉怎么弄", ALIAS_QUESTION, "今天天气咋样")


def serving_model(live) -> str:
    token = (live.data_dir / "model_token").read_text().strip()
    request = urllib.request.Request(f"{live.rasa_url}/webhooks/model/", headers={"X-Model-Token": token})
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.loads(reply.read())["model"]


def status(live) -> dict:
    return json.loads((live.data_dir / "training" / "status.json").read_text("utf-8"))


def finished(live, kind: str, timeout: float) -> dict:
    """The status of the latest job of `kind` once it has ended."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = status(live)
        if state.get("kind") == kind and state.get("state") != "running":
            return state
        time.sleep(1)
    raise AssertionError(f"no {kind} ended within {timeout} s: {status(live)}")


def answers(live, questions=COMPARED_QUESTIONS) -> list[str]:
    return [live.say(f"compare-{uuid.uuid4().hex[:8]}", q).texts for q in questions]


class StaffApi:
    """The JSON API as a script would use it: sign in, then send the CSRF token with each write."""

    def __init__(self, live, username: str) -> None:
        self.url = live.gateway_url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        signed_in = self.call("POST", "/admin/api/session", {"username": username, "password": PASSWORD})
        self.token = signed_in[1]["csrf_token"]

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        headers = {"Content-Type": "application/json"}
        if getattr(self, "token", None):
            headers["X-CSRF-Token"] = self.token
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with self.opener.open(request, timeout=60) as reply:
                return reply.status, json.loads(reply.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")


@pytest.fixture(scope="module")
def admin(live) -> StaffApi:
    create_account(live, "modeladmin", "admin", None)
    return StaffApi(live, "modeladmin")


@pytest.fixture(scope="module")
def before_retraining() -> dict:
    """The model serving before the retraining test, and its answers once the new alias was published
    (the rollback must bring back these, with the KB as it is then)."""
    return {}


def contradictory_copy(target: Path) -> Path:
    """The project's training data with every fee question labelled as a time-limit question."""
    shutil.copy(PROJECT_ROOT / "config.yml", target / "config.yml")
    shutil.copy(PROJECT_ROOT / "domain.yml", target / "domain.yml")
    shutil.copytree(PROJECT_ROOT / "data", target / "data", ignore=shutil.ignore_patterns("generated"))
    aspects = target / "data" / "nlu" / "aspects.yml"
    text = aspects.read_text("utf-8")
    assert "- intent: ask_fees\n" in text
    aspects.write_text(text.replace("- intent: ask_fees\n", "- intent: ask_time_limit\n"), "utf-8")
    return target


def test_a_candidate_failing_the_gate_leaves_the_serving_model(live, admin, tmp_path) -> None:
    before = serving_model(live)
    env = {
        **os.environ,
        "SZ_DATA_DIR": str(live.data_dir),
        "SZ_DATABASE_URL": "",
        "SZ_RASA_PORT": live.rasa_url.rsplit(":", 1)[1],
    }
    source = contradictory_copy(tmp_path)
    job = subprocess.run(
        [sys.executable, "-m", "bot.training", "train", "--by", "modeladmin", "--source", str(source)],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=JOB_TIMEOUT, check=False,
    )  # fmt: skip
    assert job.returncode == 1, job.stderr[-3000:]
    state = status(live)
    assert state["state"] == "failed", state
    fell = {f["intent"]: f for f in state["gate"]["fell"]}
    assert "ask_fees" in fell and fell["ask_fees"]["after"] < fell["ask_fees"]["before"] - 0.5, fell
    assert any("ask_fees" in reason for reason in state["gate"]["reasons"])
    assert serving_model(live) == before  # nothing changed for citizens
    assert not list((live.data_dir / "models").glob("v*.tar.gz"))  # the candidate was discarded

    code, report = admin.call("GET", "/admin/api/retraining")
    assert code == 200 and report["training"]["state"] == "failed"
    assert "ask_fees" in {f["intent"] for f in report["training"]["gate"]["fell"]}
    assert {"train_start", "gate_failed"} <= {h["action"] for h in report["history"]}


def ask(page: Page, text: str) -> None:
    """Send a message in the widget and wait until its answer is in (one or more bubbles)."""
    replies = page.locator(".log .msg.bot").count()
    page.locator("textarea").fill(text)
    page.locator("textarea").press("Enter")
    expect(page.locator(".log .msg.bot").nth(replies)).to_be_visible(timeout=ANSWER_TIMEOUT)
    expect(page.locator(".log")).to_have_attribute("aria-busy", "false", timeout=ANSWER_TIMEOUT)
    answer = "\n".join(page.locator(".log .msg.bot").all_inner_texts()[replies:])
    assert not any(failed in answer for failed in FAILED_REPLIES), answer


def unanswered_turns(page: Page) -> int:
    """Citizen messages not followed by an answer."""
    kinds = page.locator(".log .msg").evaluate_all("ms => ms.map(m => m.classList.contains('user') ? 'u' : 'b')")
    return sum(1 for i, kind in enumerate(kinds) if kind == "u" and (i + 1 == len(kinds) or kinds[i + 1] == "u"))


def test_admin_retrains_while_a_citizen_keeps_chatting(live, admin, before_retraining) -> None:
    before = serving_model(live)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        staff = browser.new_context(locale="zh-CN").new_page()
        citizen = browser.new_context(locale="zh-CN").new_page()

        staff.goto(f"{live.gateway_url}/admin/services/onecard_transport")
        staff.get_by_label("用户名").fill("modeladmin")
        staff.get_by_label("密码").fill(PASSWORD)
        staff.get_by_role("button", name="登录").click()
        aliases = staff.get_by_label("别名、群众常用说法（每行一个）")
        aliases.fill(aliases.input_value() + "\n" + ALIAS)
        staff.get_by_role("button", name="保存并发布").click()
        expect(staff.get_by_role("status")).to_contain_text("已发布")
        # The first request after an edit rebuilds the action server's search index (about 4 s here,
        # longer than the gateway's 3 s timeout; requests meanwhile are answered from the previous
        # revision): let that happen before the citizen's browser starts, which is not what is tested.
        assert TRANSPORT_BUREAU in live.say(f"reindex-{uuid.uuid4().hex[:8]}", ALIAS_QUESTION).texts
        before_retraining.update(model=before, answers=answers(live))
        staff.goto(f"{live.gateway_url}/admin/retraining")
        expect(staff.locator("body")).to_contain_text("分词、错别字纠正和实体识别还在用旧词表")

        citizen.goto(f"{live.gateway_url}/")
        citizen.locator(".launcher").click()
        expect(citizen.locator(".log")).to_contain_text("宿州长三角政务服务助手", timeout=ANSWER_TIMEOUT)
        ask(citizen, "社保卡丢了咋办")  # a conversation begun on the old model

        staff.get_by_role("button", name="重新训练").click()
        expect(staff.get_by_role("status")).to_contain_text("已开始重新训练")
        stages_seen: set[str] = set()
        deadline = time.monotonic() + JOB_TIMEOUT
        turns = 1
        while time.monotonic() < deadline:
            ask(citizen, ("异地就医备案怎么弄", "要带啥材料", "在哪办", "社保卡丢了咋办")[turns % 4])
            turns += 1
            staff.reload()
            state = staff.locator(".training-state").inner_text()
            stages_seen |= set(re.findall(r"(\S+)……", staff.locator(".stages").inner_text()))
            if "已上线" in state or "未通过" in state or "出错" in state or "中断" in state:
                break
            time.sleep(1)
        assert "已上线" in state, staff.locator("#training").inner_text()
        assert {"训练模型", "质量检查"} & stages_seen, stages_seen  # progress was visible while it ran
        assert "切换模型" in stages_seen, stages_seen  # the citizen was chatting while Rasa switched
        assert turns > 5  # the citizen chatted all through the training and the swap
        assert citizen.locator(".log .msg.user").count() == turns
        assert unanswered_turns(citizen) == 0  # no turn lost

        ask(citizen, "社保卡丢了咋办")
        ask(citizen, "要带什么材料")  # the conversation goes on across the swap
        expect(citizen.locator(".log .msg.bot").last).to_contain_text("社会保障卡")
        ask(citizen, ALIAS_QUESTION)
        expect(citizen.locator(".log .msg.bot").last).to_contain_text(TRANSPORT_BUREAU)

        staff.reload()
        expect(staff.locator("body")).to_contain_text("词表是最新的")  # the serving model knows the alias
        expect(staff.locator(".models")).to_contain_text("正在服务")
        expect(staff.locator(".history")).to_contain_text("实例切换")
        browser.close()
    assert serving_model(live) != before


def test_rollback_restores_the_previous_models_answers(live, admin, before_retraining) -> None:
    assert before_retraining, "the retraining test should have run first"
    before, replies_before = before_retraining["model"], before_retraining["answers"]
    assert serving_model(live) != before, "the retraining test should have switched models"
    code, body = admin.call("POST", "/admin/api/retraining/rollback", {})
    assert code == 202, body
    assert finished(live, "rollback", timeout=300)["state"] == "switched", status(live)
    assert serving_model(live) == before
    assert answers(live) == replies_before
    code, report = admin.call("GET", "/admin/api/retraining")
    serving = [m for m in report["models"] if m["serving"]]
    assert [m["id"] for m in serving] == [0] and "rollback" in {h["action"] for h in report["history"]}
