"""The independent citizen question sets (tests/citizen), asked over Rasa's REST webhook of the real servers.

The held-out set is the yardstick of issue 9: the figures and the weakest categories are written to
results/citizen-heldout.txt, the failing questions apart to results/citizen-heldout-failures.txt (reading
the figures shows none of them). The dev set is for tuning (`python -m harness.citizen --set dev`) and is
not judged here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
import uuid

import pytest

from harness.citizen import (
    DECLINED_TARGET,
    KEY_FACT_TARGET,
    RIGHT_BUREAU_TARGET,
    Judge,
    Report,
    load_conversations,
    load_questions,
    rest_client,
    run,
)
from kb.settings import PROJECT_ROOT
from tests.rasa.conftest import RESULTS

pytestmark = pytest.mark.slow

# Targets of issue 9 not met yet, thresholds unchanged. Strict: once a target is met the test fails
# until this mark goes. Issue 9 stays open while the mark is here.
NOT_MET_YET = pytest.mark.xfail(
    strict=True,
    reason="issue 9 open: measured 2026-12-07 (thirty-sixth session) — conversations 39/40",
)


@pytest.fixture(scope="module")
def heldout(live, kb) -> Report:
    report = run(rest_client(live.rasa_url), Judge(kb), load_questions("heldout"), load_conversations("heldout"))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "citizen-heldout.txt").write_text(report.summary() + "\n", encoding="utf-8")
    (RESULTS / "citizen-heldout-failures.txt").write_text(report.failures(), encoding="utf-8")
    print(report.summary())
    return report


def test_the_held_out_set_is_the_size_the_issue_asks_for() -> None:
    questions, conversations = load_questions("heldout"), load_conversations("heldout")
    assert len(questions) >= 400 and sum(q.out_of_scope for q in questions) >= 40
    assert sum(len(q.text) > 40 for q in questions) >= 0.4 * len(questions)
    assert sum("two_questions" in q.styles for q in questions) >= 0.15 * len(questions)
    assert len(conversations) >= 30 and all(2 <= len(c.turns) <= 4 for c in conversations)


def test_in_scope_answers_name_an_acceptable_responsible_bureau(heldout: Report) -> None:
    assert heldout.bureau_rate >= RIGHT_BUREAU_TARGET, heldout.summary()


def test_fact_questions_get_the_fact(heldout: Report) -> None:
    assert heldout.fact_rate >= KEY_FACT_TARGET, heldout.summary()


def test_out_of_scope_questions_are_declined(heldout: Report) -> None:
    assert heldout.declined_rate >= DECLINED_TARGET, heldout.summary()


@NOT_MET_YET
def test_every_conversation_passes(heldout: Report) -> None:
    failed = [c.id for c, verdicts in heldout.conversations if not all(v.ok for v in verdicts)]
    # the failures are in results/citizen-heldout-failures.txt, not in the log: the yardstick is not for tuning
    assert not failed, f"{len(failed)} of {len(heldout.conversations)} conversations fail"


def test_a_service_published_through_the_staff_api_is_answered_by_name_without_retraining(live) -> None:
    """Staff create a service the model has never seen (no intent): the very next message naming it gets it."""
    name = f"长三角非遗传承人交流申报（测试{uuid.uuid4().hex[:4]}）"
    alias = "非遗传承人去长三角交流"
    _add_admin(live)
    api = _StaffApi(live.gateway_url)
    api.sign_in("citizen-admin")
    record = {
        "key": f"heritage_{uuid.uuid4().hex[:6]}",
        "intent": None,
        "name": name,
        "aliases": [alias],
        "topic": "人才",
        "summary": "测试用服务：说明非遗传承人参加长三角交流活动怎么申报。",
        "bureaus": ["市文化和旅游局"],
        "sources": [{"title": "测试来源", "url": "https://example.org/heritage", "tag": "OFFICIAL"}],
    }
    created = api.call("POST", "/admin/api/services", {"record": record})
    api.call("POST", f"/admin/api/services/{record['key']}/publish", {"version": created["version"]})

    for question in (f"{name}怎么办", f"我想问问{alias}要找谁"):
        reply = live.say(f"new-service-{uuid.uuid4().hex[:8]}", question)
        assert reply.status == 200
        assert name in reply.texts, (question, reply.texts)
        assert "市文化和旅游局" in reply.texts and "信息来源：测试来源" in reply.texts


def _add_admin(live) -> None:
    env = {**os.environ, "SZ_DATA_DIR": str(live.data_dir), "SZ_DATABASE_URL": ""}
    argv = [sys.executable, "-m", "kb", "staff", "add", "citizen-admin", "--role", "admin", "--password-stdin"]
    result = subprocess.run(
        argv, input="citizen-admin-2026\n", text=True, capture_output=True, cwd=PROJECT_ROOT, env=env, check=False
    )
    assert result.returncode == 0, result.stderr


class _StaffApi:
    """The staff JSON API as a portal system uses it: a session cookie and the CSRF token on writes."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        self.token = ""

    def sign_in(self, username: str) -> None:
        self.token = self.call("POST", "/admin/api/session", {"username": username, "password": "citizen-admin-2026"})[
            "csrf_token"
        ]

    def call(self, method: str, path: str, body: dict) -> dict:
        request = urllib.request.Request(
            self.base + path,
            data=json.dumps(body, ensure_ascii=False).encode(),
            method=method,
            headers={"Content-Type": "application/json", "X-CSRF-Token": self.token, "Origin": self.base},
        )
        with self.opener.open(request, timeout=30) as response:
            return json.loads(response.read())
