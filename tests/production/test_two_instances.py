"""The production profile: PostgreSQL (KB and tracker store), Redis lock store, two Rasa servers and
two action servers behind the gateway — settings only, the same code as the embedded default."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.request
import uuid

import psutil
import pytest
from sqlalchemy import create_engine, text

from harness.services import free_port, free_port_block, wait_for_http
from kb.settings import PROJECT_ROOT

pytestmark = pytest.mark.slow


def post(url: str, body: dict, timeout: float = 60) -> tuple[int, object]:
    request = urllib.request.Request(
        url, data=json.dumps(body, ensure_ascii=False).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def texts(body: object) -> str:
    messages = body["messages"] if isinstance(body, dict) else body
    return "\n".join(m.get("text", "") for m in messages)


@pytest.fixture(scope="module")
def cluster(postgres, redis, tmp_path_factory):
    suffix = uuid.uuid4().hex[:6]
    postgres.sql(f"CREATE DATABASE kb_{suffix}")
    postgres.sql(f"CREATE DATABASE tracker_{suffix}")
    gateway, rasa, actions = free_port(), free_port_block(2), free_port_block(2)
    data_dir = tmp_path_factory.mktemp("cluster")
    env = {
        **os.environ,
        "SZ_DATA_DIR": str(data_dir),
        "SZ_DATABASE_URL": postgres.url(f"kb_{suffix}"),
        "SZ_TRACKER_URL": postgres.url(f"tracker_{suffix}", driver="postgresql"),
        "SZ_LOCK_STORE": "redis",
        "SZ_REDIS_PORT": str(redis.port),
        "SZ_REDIS_DB": "0",
        "SZ_RASA_INSTANCES": "2",
        "SZ_ACTION_INSTANCES": "2",
        "SZ_PORT": str(gateway),
        "SZ_RASA_PORT": str(rasa),
        "SZ_ACTION_PORT": str(actions),
        "SZ_RATE_LIMIT": "1000/minute",
    }
    subprocess.run([sys.executable, "-m", "kb", "init"], cwd=PROJECT_ROOT, env=env, check=True, capture_output=True)
    log = (data_dir / "run.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    urls = {
        "gateway": f"http://127.0.0.1:{gateway}",
        "rasa": [f"http://127.0.0.1:{rasa}", f"http://127.0.0.1:{rasa + 1}"],
        "tracker": postgres.url(f"tracker_{suffix}"),
        "kb": postgres.url(f"kb_{suffix}"),
        "process": process,
        "log": data_dir / "run.log",
    }
    try:
        try:
            wait_for_http(f"{urls['gateway']}/healthz", process)
            for url in urls["rasa"]:
                wait_for_http(f"{url}/webhooks/rest/", process)
        except RuntimeError as error:
            log.flush()
            tail = "\n".join(urls["log"].read_text(errors="replace").splitlines()[-60:])
            raise RuntimeError(f"{error}\n--- python -m bot run printed ---\n{tail}") from None
        yield urls
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(90)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def say_to(rasa_url: str, sender: str, message: str) -> str:
    status, body = post(f"{rasa_url}/webhooks/rest/webhook", {"sender": sender, "message": message})
    assert status == 200, body
    return texts(body)


def test_one_conversation_alternating_between_instances_keeps_form_and_context(cluster) -> None:
    first, second = cluster["rasa"]
    sender = f"alt-{uuid.uuid4().hex[:8]}"
    assert "【跨省异地就医备案】" in say_to(first, sender, "医宝异地被案咋办")
    assert "长期在外地居住" in say_to(second, sender, "/tailor_medical")
    assert "急诊" in say_to(first, sender, '/inform{"stay_type":"临时外出"}')
    assert "转诊" in say_to(second, sender, "/deny")
    answer = say_to(first, sender, "/affirm")
    assert "有本地医院的转诊意见" in answer and "负责部门：市医保局" in answer
    assert "跨省异地就医备案 · 所需材料" in say_to(second, sender, "要带啥")


def test_nothing_is_lost_when_an_instance_stops_mid_conversation(cluster) -> None:
    gateway = cluster["gateway"]
    sender = f"stop-{uuid.uuid4().hex[:8]}"

    def say(message: str) -> str:
        status, body = post(f"{gateway}/api/chat", {"conversation_id": sender, "message": message})
        assert status == 200 and body["status"] == "ok", body
        return texts(body)

    assert "【社会保障卡挂失】" in say("社保卡丢了咋办")
    victim = _rasa_process(cluster["rasa"][1])
    victim.send_signal(signal.SIGKILL)
    victim.wait(10)
    for _ in range(3):  # every message is answered, from the remaining instance, in context
        assert "社会保障卡挂失 · 所需材料" in say("要带什么材料")
    assert "社会保障卡挂失 · 办理渠道" in say("在哪办")
    wait_for_http(f"{cluster['rasa'][1]}/webhooks/rest/", cluster["process"])  # the supervisor restarted it
    assert "社会保障卡挂失" in say_to(cluster["rasa"][1], sender, "电话多少")


def test_personal_numbers_never_reach_the_postgres_tracker_store(cluster) -> None:
    sender = f"pii-{uuid.uuid4().hex[:8]}"
    post(
        f"{cluster['gateway']}/api/chat",
        {"conversation_id": sender, "message": "身份证34012319900101123X 手机13812345678 社保卡咋补"},
    )
    engine = create_engine(cluster["tracker"])
    with engine.connect() as connection:
        rows = connection.execute(text("select data from events where sender_id = :s"), {"s": sender}).scalars().all()
    engine.dispose()
    assert rows and not any("13812345678" in r or "34012319900101123X" in r for r in rows)


def test_a_model_switch_rolls_over_both_instances_and_the_conversation_goes_on(cluster) -> None:
    """The retraining job's switch step (bot.training.switch_all) on two instances, one after the other."""
    first, second = cluster["rasa"]
    data_dir = cluster["log"].parent
    (data_dir / "models").mkdir(exist_ok=True)
    candidate = data_dir / "models" / "v9.tar.gz"  # the build model under a version's name
    shutil.copy(PROJECT_ROOT / "models" / "suzhou.tar.gz", candidate)
    sender = f"switch-{uuid.uuid4().hex[:8]}"
    assert "【社会保障卡挂失】" in say_to(first, sender, "社保卡丢了咋办")
    script = (
        "import json, sys; from pathlib import Path; from bot.training import Run, switch_all; "
        "print(json.dumps(switch_all(Run('train', 'v9', 'tester'), Path(sys.argv[1]), 'tester', 'v9')))"
    )
    env = {**os.environ, "SZ_DATA_DIR": str(data_dir), "SZ_DATABASE_URL": cluster["kb"],
           "SZ_RASA_PORT": first.rsplit(":", 1)[1], "SZ_RASA_INSTANCES": "2"}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", script, str(candidate)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [first, second]  # in order, each once
    token = (data_dir / "model_token").read_text().strip()
    for url in (first, second):
        request = urllib.request.Request(f"{url}/webhooks/model/", headers={"X-Model-Token": token})
        with urllib.request.urlopen(request, timeout=30) as reply:
            assert json.loads(reply.read())["model"] == "v9.tar.gz"
    assert "社会保障卡挂失 · 所需材料" in say_to(second, sender, "要带什么材料")  # context survives the switch
    refused = urllib.request.Request(f"{first}/webhooks/model/load", data=b"{}", method="POST")
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(refused, timeout=30)
    assert error.value.code == 401  # no token, no switch


def _rasa_process(url: str) -> psutil.Process:
    port = url.rsplit(":", 1)[1]
    for process in psutil.process_iter(["cmdline"]):
        command = process.info["cmdline"] or []
        if "rasa" in " ".join(command) and "run" in command and port in command:
            return process
    raise AssertionError(f"no Rasa server on port {port}")
