"""Request abuse against the real gateway process (`python -m bot gateway`, the gateway's environment):
compressed-body bombs, huge multipart bodies, slow clients and connection floods are refused quickly,
with the process's memory flat."""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import socket
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from harness.services import free_port, wait_for_http
from kb.settings import PROJECT_ROOT

pytestmark = pytest.mark.slow
BODY_TIMEOUT = 2.0
HEADER_TIMEOUT = 2.0
CONNECTIONS = 8
QUICKLY = 3.0  # seconds
FLAT = 25 * 1024 * 1024  # bytes of resident memory an abusive request may add at most


@dataclass
class Gateway:
    process: subprocess.Popen
    port: int

    def rss(self) -> int:
        return psutil.Process(self.process.pid).memory_info().rss

    def connect(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=10)


@pytest.fixture(scope="module")
def gateway(seeded_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    data_dir = tmp_path_factory.mktemp("abuse")
    shutil.copy(seeded_db_file, data_dir / "kb.sqlite3")
    port = free_port()
    env = {
        **os.environ,
        "SZ_DATA_DIR": str(data_dir),
        "SZ_DATABASE_URL": "",
        "SZ_PORT": str(port),
        "SZ_RASA_URLS": f"http://127.0.0.1:{free_port()}",  # no assistant: chat would apologise
        "SZ_BODY_TIMEOUT": str(BODY_TIMEOUT),
        "SZ_HEADER_TIMEOUT": str(HEADER_TIMEOUT),
        "SZ_MAX_CONNECTIONS_PER_ADDRESS": str(CONNECTIONS),
        "SZ_RATE_LIMIT_SIGN_IN": "1000/minute",
    }
    log = (data_dir / "gateway.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "gateway"], cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz", process, 60)
        yield Gateway(process, port)
    finally:
        process.terminate()
        process.wait(20)
        log.close()


def _headers(method: str, path: str, **fields: str) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in fields.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _status(connection: socket.socket) -> int:
    """The status of the answer on `connection` (0 if it was closed without one)."""
    received = b""
    with contextlib.suppress(OSError):
        while b"\r\n" not in received:
            chunk = connection.recv(4096)
            if not chunk:
                break
            received += chunk
    return int(received.split(b" ", 2)[1]) if received.startswith(b"HTTP/1.1 ") else 0


def _send_quietly(connection: socket.socket, data: bytes) -> None:
    """Send what the server may no longer want to read (it closes after refusing)."""
    with contextlib.suppress(OSError):
        connection.sendall(data)


def _closed_within(connection: socket.socket, seconds: float) -> bool:
    connection.settimeout(seconds)
    try:
        while connection.recv(65536):
            pass
    except TimeoutError:
        return False
    except OSError:
        return True
    return True


def _deflate_bomb(megabytes: int, wbits: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, wbits)
    zeros = b"\0" * (1024 * 1024)
    return b"".join(compressor.compress(zeros) for _ in range(megabytes)) + compressor.flush()


@pytest.mark.parametrize(
    ("path", "encoding", "wbits"),
    [("/api/chat", "deflate", zlib.MAX_WBITS), ("/admin/api/session", "gzip", 16 + zlib.MAX_WBITS)],
)
def test_a_compressed_body_bomb_is_refused_quickly_with_memory_flat(gateway, path, encoding, wbits) -> None:
    bomb = _deflate_bomb(512, wbits)  # 512 MiB of zeros in about half a megabyte
    assert len(bomb) < 1024 * 1024
    before = gateway.rss()
    started = time.monotonic()
    with gateway.connect() as connection:
        head = _headers(
            "POST", path, Content_Type="application/json", Content_Encoding=encoding, Content_Length=str(len(bomb))
        )
        connection.sendall(head + bomb[:65536])
        status = _status(connection)
        elapsed = time.monotonic() - started
        _send_quietly(connection, bomb[65536:])
        assert _closed_within(connection, QUICKLY)
    assert status == 415 and elapsed < QUICKLY
    time.sleep(0.5)
    assert gateway.rss() - before < FLAT


@pytest.mark.parametrize("chunked", [False, True], ids=["declared length", "chunked"])
def test_a_huge_multipart_login_body_is_refused_quickly_with_memory_flat(gateway, chunked: bool) -> None:
    boundary = "sz-boundary"
    size = 200 * 1024 * 1024
    framing = {"Transfer_Encoding": "chunked"} if chunked else {"Content_Length": str(size)}
    before = gateway.rss()
    started = time.monotonic()
    with gateway.connect() as connection:
        connection.sendall(
            _headers("POST", "/admin/login", Content_Type=f"multipart/form-data; boundary={boundary}", **framing)
        )
        part = f'--{boundary}\r\nContent-Disposition: form-data; name="username"\r\n\r\n'.encode() + b"a" * 60000
        _send_quietly(connection, (b"%x\r\n%s\r\n" % (len(part), part)) if chunked else part)
        status = _status(connection)
        elapsed = time.monotonic() - started
        for _ in range(50):  # keep pushing: nothing more is read, nothing piles up
            _send_quietly(connection, (b"ea60\r\n" + b"a" * 60000 + b"\r\n") if chunked else b"a" * 60000)
        assert _closed_within(connection, QUICKLY)
    assert status == 415 and elapsed < QUICKLY
    time.sleep(0.5)
    assert gateway.rss() - before < FLAT


def test_a_huge_form_login_body_is_refused_by_its_declared_length(gateway) -> None:
    started = time.monotonic()
    with gateway.connect() as connection:
        connection.sendall(
            _headers(
                "POST", "/admin/login", Content_Type="application/x-www-form-urlencoded", Content_Length=str(10**9)
            )
        )
        status = _status(connection)
    assert status == 413 and time.monotonic() - started < QUICKLY


def test_a_slow_body_is_cut_off_with_408(gateway) -> None:
    before = gateway.rss()
    started = time.monotonic()
    with gateway.connect() as connection:
        connection.sendall(_headers("POST", "/api/chat", Content_Type="application/json", Content_Length="1000"))
        for _ in range(40):  # one byte every 0.3 s would take five minutes
            _send_quietly(connection, b" ")
            if select.select([connection], [], [], 0.3)[0]:
                break
        status = _status(connection)
        elapsed = time.monotonic() - started
        assert _closed_within(connection, QUICKLY)
    assert status == 408
    assert BODY_TIMEOUT <= elapsed < BODY_TIMEOUT + QUICKLY
    assert gateway.rss() - before < FLAT


def test_slow_headers_are_cut_off(gateway) -> None:
    started = time.monotonic()
    with gateway.connect() as connection:
        connection.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        connection.settimeout(0.5)
        closed = False
        for _ in range(20):  # a header byte every half second, never finishing
            try:
                connection.sendall(b"X")
                closed = connection.recv(1) == b""
            except TimeoutError:
                continue
            except OSError:
                closed = True
            if closed:
                break
    assert closed and time.monotonic() - started < HEADER_TIMEOUT + QUICKLY


def test_connections_per_address_are_capped(gateway) -> None:
    held = [gateway.connect() for _ in range(CONNECTIONS)]
    try:
        time.sleep(0.2)
        with gateway.connect() as extra:
            extra.sendall(_headers("GET", "/widget.js"))
            assert _status(extra) == 503  # one address cannot hold every connection the gateway has
    finally:
        for connection in held:
            connection.close()
    time.sleep(0.3)
    with gateway.connect() as again:  # once they are closed, the address is served again
        again.sendall(_headers("GET", "/widget.js", Connection="close"))
        assert _status(again) == 200
