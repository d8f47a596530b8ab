"""A bureau editor changes a service in the staff pages; the assistant's next answer has it."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect, sync_playwright

from kb.settings import PROJECT_ROOT
from tests.live.browser import CHROMIUM_ARGS, chromium_path

pytestmark = pytest.mark.slow
PASSWORD = "renshe-editor-2026"


def create_account(live, username: str, role: str, bureau: str | None) -> None:
    """The way an operator does it: `python -m kb staff add …` (no default accounts exist)."""
    argv = [sys.executable, "-m", "kb", "staff", "add", username, "--role", role, "--password-stdin"]
    if bureau:
        argv += ["--bureau", bureau]
    env = {**os.environ, "SZ_DATA_DIR": str(live.data_dir), "SZ_DATABASE_URL": ""}
    result = subprocess.run(
        argv, input=PASSWORD + "\n", text=True, capture_output=True, cwd=PROJECT_ROOT, env=env, check=False
    )
    assert result.returncode == 0, result.stderr


def test_editor_publishes_and_the_next_answer_has_it(live) -> None:
    create_account(live, "renshe", "editor", "市人力资源社会保障局")
    new_item = f"社保卡服务网点现场填写的申请表（测试{uuid.uuid4().hex[:6]}）"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = browser.new_page(locale="zh-CN")
        page.goto(f"{live.gateway_url}/admin/services/sscard_loss")
        expect(page).to_have_url(f"{live.gateway_url}/admin/login?next=/admin/services/sscard_loss")
        page.get_by_label("用户名").fill("renshe")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_role("heading", name="社会保障卡挂失")).to_be_visible()

        materials = page.get_by_label("所需材料（每行一项）")
        materials.fill(materials.input_value() + "\n" + new_item)
        page.get_by_role("button", name="保存并发布").click()
        expect(page.get_by_role("status")).to_contain_text("已发布")

        violations = [v for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]
        assert not violations, [(v["id"], v["help"]) for v in violations]

        page.goto(f"{live.gateway_url}/admin/services/elderly_benefits")  # another bureau's service
        page.get_by_role("button", name="保存草稿").click()
        expect(page.locator("body")).to_contain_text("您只能编辑市人力资源社会保障局负责的内容")
        browser.close()

    sender = f"staff-{uuid.uuid4().hex[:8]}"
    live.say(sender, "社保卡丢了咋办")
    reply = live.say(sender, "要带什么材料")  # no retraining happened in between
    assert new_item in reply.texts
