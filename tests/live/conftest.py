"""A running product, started the way `make run` starts it (`python -m bot run`), once per session."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.services import free_port, wait_for_http
from kb.settings import PROJECT_ROOT
from tests.rasa.conftest import MODEL

START_TIMEOUT = 300


@dataclass
class Reply:
    status: int
    body: object

    @property
    def texts(self) -> str:
        return "\n".join(m.get("text", "") for m in self.body) if isinstance(self.body, list) else ""

    @property
    def payloads(self) -> list[str]:
        if not isinstance(self.body, list):
            return []
        return [b["payload"] for m in self.body for b in m.get("buttons") or []]


@dataclass
class LiveAssistant:
    process: subprocess.Popen
    gateway_url: str
    rasa_url: str
    action_url: str
    data_dir: Path
    portal_ports: tuple[int, int, int]  # two portals allowed to embed the widget, one not

    def post_raw(self, body: bytes, content_type: str = "application/json", url: str | None = None) -> Reply:
        request = urllib.request.Request(
            url or f"{self.rasa_url}/webhooks/rest/webhook", data=body, headers={"Content-Type": content_type}
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return Reply(response.status, json.loads(response.read() or b"null"))
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                return Reply(error.code, json.loads(raw))
            except ValueError:
                return Reply(error.code, raw.decode("utf-8", "replace"))

    def say(self, sender: str, message: object) -> Reply:
        return self.post_raw(json.dumps({"sender": sender, "message": message}, ensure_ascii=False).encode())

    def get(self, url: str) -> int:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


@contextmanager
def running_product(seeded_db_file: Path, data_dir: Path, **overrides: str) -> Iterator[LiveAssistant]:
    """`python -m bot run` with its own data folder and ports, stopped with Ctrl-C at the end."""
    if not MODEL.exists():
        pytest.fail("no trained model: run `make test` (it trains when data or config changed)")
    shutil.copy(seeded_db_file, data_dir / "kb.sqlite3")
    rasa_port, action_port, gateway_port = free_port(), free_port(), free_port()
    portals = (free_port(), free_port(), free_port())
    env = {
        **os.environ,
        "SZ_DATA_DIR": str(data_dir),
        "SZ_DATABASE_URL": "",
        "SZ_RASA_PORT": str(rasa_port),
        "SZ_ACTION_PORT": str(action_port),
        "SZ_PORT": str(gateway_port),
        "SZ_ALLOWED_ORIGINS": f"http://127.0.0.1:{portals[0]},http://127.0.0.1:{portals[1]}",
        "SZ_RATE_LIMIT": "600/minute",
        "SZ_RATE_LIMIT_IP": "6000/minute",
        **overrides,
    }
    log = (data_dir / "run.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    assistant = LiveAssistant(
        process,
        f"http://127.0.0.1:{gateway_port}",
        f"http://127.0.0.1:{rasa_port}",
        f"http://127.0.0.1:{action_port}",
        data_dir,
        portals,
    )
    try:
        wait_for_http(f"{assistant.gateway_url}/healthz", process, START_TIMEOUT)
        yield assistant
    finally:
        process.send_signal(signal.SIGINT)  # what Ctrl-C does to `make run`
        try:
            exit_code = process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            exit_code = None
        log.close()
    # Ctrl-C stops everything cleanly: exit code 0 and no process left listening
    assert exit_code == 0, (data_dir / "run.log").read_text()[-3000:]
    for port in (rasa_port, action_port, gateway_port):
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still open after Ctrl-C"


@pytest.fixture(scope="session")
def live(seeded_db_file: Path, tmp_path_factory: pytest.TempPathFactory):
    with running_product(seeded_db_file, tmp_path_factory.mktemp("live")) as assistant:
        yield assistant
