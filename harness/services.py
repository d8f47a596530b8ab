"""Private PostgreSQL and Redis servers for the tests and the benchmark, on loopback and free ports.

The binaries come from Debian's `postgresql` and `redis-server` packages (.ci/run installs them); each
test session starts its own servers in temporary folders, so nothing depends on system services.
"""

from __future__ import annotations

import glob
import os
import random
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_handed_out: set[int] = set()


def _ephemeral_range() -> tuple[int, int]:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999


def free_port_block(size: int = 1) -> int:
    """The first of `size` consecutive free loopback ports, for servers started later.

    Taken below the kernel's ephemeral range: a port from bind(0) can be handed to some outgoing
    connection in the minute a Rasa server takes to start, and the server's bind then fails.
    """
    low = max(1024, _ephemeral_range()[0] - 12000)
    high = _ephemeral_range()[0] - size
    for _ in range(200):
        first = random.randrange(low, high)
        block = range(first, first + size)
        if _handed_out.intersection(block) or not all(_is_free(port) for port in block):
            continue
        _handed_out.update(block)
        return first
    raise RuntimeError(f"no {size} consecutive free ports between {low} and {high}")


def free_port() -> int:
    return free_port_block(1)


def _is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_for_http(url: str, process: subprocess.Popen | None = None, timeout: float = 400) -> None:
    """Until `url` answers (any HTTP status counts as up); fails early if `process` exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the process exited with {process.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(1)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def _postgres_bin() -> str:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql); .ci/run installs it")
    return os.path.dirname(found[-1])


def _as_postgres(argv: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the `postgres` system user then."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


@dataclass
class Postgres:
    port: int
    folder: str

    def url(self, database: str, driver: str = "postgresql+psycopg2") -> str:
        return f"{driver}://postgres@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str) -> None:
        subprocess.run(
            [f"{_postgres_bin()}/psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
             "-v", "ON_ERROR_STOP=1", "-c", statement],
            check=True, capture_output=True,
        )  # fmt: skip

    def ctl(self, action: str) -> None:
        data = f"{self.folder}/data"
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        log = f"{self.folder}/server.log"  # keeps the server off our pipes, or pg_ctl would never return
        argv = [f"{_postgres_bin()}/pg_ctl", "-D", data, "-l", log, "-o", options, "-w", "-m", "fast", action]
        subprocess.run(_as_postgres(argv), check=True, capture_output=True, timeout=120)


@contextmanager
def postgres_server() -> Iterator[Postgres]:
    folder = tempfile.mkdtemp(prefix="sz-pg-", dir="/tmp")
    os.chmod(folder, 0o777)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    server = Postgres(free_port(), folder)
    subprocess.run(
        _as_postgres([f"{_postgres_bin()}/initdb", "-D", f"{folder}/data", "-A", "trust", "-U", "postgres",
                      "-E", "UTF8", "--no-locale"]),
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    server.ctl("start")
    try:
        yield server
    finally:
        try:
            server.ctl("stop")
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def _accepts(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Redis:
    port: int


@contextmanager
def redis_server() -> Iterator[Redis]:
    binary = shutil.which("redis-server")
    if not binary:
        raise RuntimeError("Redis is not installed (apt-get install redis-server); .ci/run installs it")
    port = free_port()
    with tempfile.TemporaryFile(mode="w+") as log:  # a file, not a pipe: nobody reads it while Redis runs
        process = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 20
            while not _accepts(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"redis-server did not start on port {port}:\n{log.read()}")
                time.sleep(0.1)
            yield Redis(port)
        finally:
            process.terminate()
            process.wait(10)
