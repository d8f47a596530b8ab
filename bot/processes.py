"""Start, watch and stop the product's processes: action and Rasa servers on loopback, then the gateway.

Everything comes from kb.settings; the same code runs the embedded default (one of each, SQLite,
in-memory lock store) and the production profile (N Rasa servers sharing PostgreSQL and Redis).
Rasa and the action servers run with this interpreter (Rasa's environment, aiohttp 3.9); the public
gateway runs with `SZ_WEB_PYTHON`, its own environment with a current aiohttp.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sqlite3
import sys
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from sqlalchemy.engine import make_url

from bot.model_store import ModelStore, control_token
from kb import settings
from kb.db import private_file

logger = logging.getLogger(__name__)
LOOPBACK = "127.0.0.1"
START_TIMEOUT = 300.0  # Rasa loads TensorFlow and the model; slow machines need a while
STOP_GRACE = 15.0
RESTART_LIMIT = 5  # restarts of one process within RESTART_WINDOW seconds before giving up
RESTART_WINDOW = 300.0


def configure_logging() -> None:
    logging.basicConfig(
        level=settings.env("SZ_LOG_LEVEL").upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


class StartupError(RuntimeError):
    pass


@dataclass
class ProcessSpec:
    name: str
    argv: list[str]
    health_url: str
    env: dict[str, str] = field(default_factory=dict)
    ready_statuses: tuple[int, ...] = (200,)  # what the health URL answers once the process is ready
    last: bool = False  # started once the others are ready (the gateway, after the assistants)


def action_urls() -> list[str]:
    first = int(settings.env("SZ_ACTION_PORT"))
    return [f"http://{LOOPBACK}:{first + i}" for i in range(int(settings.env("SZ_ACTION_INSTANCES")))]


def local_rasa_urls() -> list[str]:
    """The Rasa servers this machine starts, as reached from this machine."""
    first = int(settings.env("SZ_RASA_PORT"))
    return [f"http://{LOOPBACK}:{first + i}" for i in range(int(settings.env("SZ_RASA_INSTANCES")))]


def rasa_urls() -> list[str]:
    """The Rasa servers the gateway talks to: SZ_RASA_URLS (other machines) or the local ones."""
    external = [u.strip().rstrip("/") for u in settings.env("SZ_RASA_URLS").split(",") if u.strip()]
    return external or local_rasa_urls()


def child_environment() -> dict[str, str]:
    """What every child process gets: quiet TensorFlow, no telemetry, the stores from settings."""
    return {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "SZ_TRACKER_URL": settings.tracker_url(),
        "SZ_LOCK_STORE": settings.env("SZ_LOCK_STORE"),
        "SZ_REDIS_HOST": settings.env("SZ_REDIS_HOST"),
        "SZ_REDIS_PORT": settings.env("SZ_REDIS_PORT"),
        "SZ_REDIS_DB": settings.env("SZ_REDIS_DB"),
        "SZ_REDIS_PASSWORD": settings.env("SZ_REDIS_PASSWORD"),
        "SANIC_HOST": LOOPBACK,  # the action server binds to loopback only
        "SANIC_ACCESS_LOG": "false",  # Rasa's and the action servers' Sanic: no request lines (and less work)
        "SZ_RASA_PYTHON": sys.executable,  # the staff pages start retraining jobs with it
    }


def process_specs() -> list[ProcessSpec]:
    """The child processes this machine runs for its role."""
    role = settings.env("SZ_ROLE")
    if role not in ("all", "assistant", "gateway"):
        raise StartupError(f"SZ_ROLE must be all, assistant or gateway, not {role!r}")
    if role == "gateway":
        if not settings.env("SZ_RASA_URLS"):
            raise StartupError("a gateway-only machine needs SZ_RASA_URLS (the Rasa servers to talk to)")
        return [gateway_spec()]
    specs = assistant_specs()
    return [*specs, gateway_spec()] if role == "all" else specs


def web_python() -> str:
    """The gateway's interpreter (SZ_WEB_PYTHON); `make run` builds that environment."""
    path = settings.resolve(settings.env("SZ_WEB_PYTHON"))
    if not path.exists():
        raise StartupError(f"the gateway's environment is missing ({path}): run `make run`, which builds it")
    return str(path)


def gateway_spec() -> ProcessSpec:
    """The public gateway, `python -m bot gateway` in its own environment; /healthz answers 503 while no
    assistant answers, which still means the gateway itself is up."""
    host = settings.env("SZ_HOST")
    reach = {"0.0.0.0": LOOPBACK, "": LOOPBACK, "::": "::1"}.get(host, host)
    if ":" in reach:
        reach = f"[{reach}]"
    return ProcessSpec(
        "gateway",
        [web_python(), "-m", "bot", "gateway"],
        f"http://{reach}:{settings.env('SZ_PORT')}/healthz",
        ready_statuses=(200, 503),
        last=True,
    )


def assistant_specs() -> list[ProcessSpec]:
    """The action servers and Rasa servers (this interpreter: Rasa's environment)."""
    if int(settings.env("SZ_RASA_INSTANCES")) > 1 and settings.env("SZ_LOCK_STORE") != "redis":
        raise StartupError("several Rasa servers need SZ_LOCK_STORE=redis so a conversation is handled once")
    interface = settings.env("SZ_RASA_INTERFACE")
    if interface not in (LOOPBACK, "localhost", "::1") and not settings.env("SZ_INTERNAL_TOKEN"):
        raise StartupError("Rasa listening beyond loopback needs SZ_INTERNAL_TOKEN (the gateway sends it)")
    specs = []
    actions = action_urls()
    for i, url in enumerate(actions):
        port = url.rsplit(":", 1)[1]
        specs.append(
            ProcessSpec(
                f"actions-{i}",
                [sys.executable, "-m", "bot.action_server", "--port", port],
                f"{url}/health",
            )
        )
    model = "(the serving model)"  # filled in at each start: bot.model_store decides which
    log_level = settings.env("SZ_LOG_LEVEL").upper()
    for i, url in enumerate(local_rasa_urls()):
        port = url.rsplit(":", 1)[1]
        argv = [
            sys.executable, "-m", "rasa", "run",
            "--model", model,
            "--endpoints", str(settings.PROJECT_ROOT / "endpoints.yml"),
            "--credentials", str(settings.PROJECT_ROOT / "credentials.yml"),
            "--interface", interface,
            "--port", port,
        ]  # fmt: skip
        if log_level == "DEBUG":
            argv.append("--debug")
        elif log_level in ("WARNING", "ERROR"):
            argv.append("--quiet")
        specs.append(
            ProcessSpec(
                f"rasa-{i}",
                argv,
                f"{url}/webhooks/rest/",
                {"SZ_ACTION_URL": f"{actions[i % len(actions)]}/webhook"},
            )
        )
    return specs


def prepare_tracker_store() -> None:
    """Put an SQLite tracker store in WAL mode (kept by the file): Rasa then writes each turn without
    rewriting a rollback journal, and readers do not block the writer."""
    url = make_url(settings.tracker_url())
    if url.get_backend_name() != "sqlite" or not url.database:
        return
    path = Path(url.database)
    private_file(path)  # citizens' conversations: owner-only, like the KB
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA journal_mode=WAL")


class Supervisor:
    """Runs child processes in their own process groups, restarts one that dies, stops them together.

    A Rasa or action server that exits is started again (the others keep serving meanwhile: the
    gateway skips a server that does not answer); one that keeps dying makes the whole run stop.
    """

    def __init__(self, specs: list[ProcessSpec]) -> None:
        self.specs = {spec.name: spec for spec in specs}
        self.processes: dict[str, asyncio.subprocess.Process] = {}
        self.restarts: dict[str, list[float]] = {}
        self.gave_up: list[str] = []
        self._restarting: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()  # held here: the event loop keeps only weak references

    async def start(self, timeout: float = START_TIMEOUT) -> None:
        prepare_tracker_store()
        control_token()  # created before the Rasa servers that check it and the jobs that send it
        try:
            for last in (False, True):
                group = [spec for spec in self.specs.values() if spec.last == last]
                for spec in group:
                    await self._spawn(spec)
                await asyncio.gather(*(self._wait_healthy(s, timeout) for s in group))
        except BaseException:
            await self.stop()
            raise

    async def _spawn(self, spec: ProcessSpec) -> None:
        logger.info("starting %s", spec.name)
        self.processes[spec.name] = await asyncio.create_subprocess_exec(
            *_with_serving_model(spec.argv),
            cwd=settings.PROJECT_ROOT,
            env={**child_environment(), **spec.env},
            start_new_session=True,
        )

    async def watch(self) -> None:
        """Restart children that exited; give up on one that failed RESTART_LIMIT times in a window."""
        now = asyncio.get_running_loop().time()
        for name, process in list(self.processes.items()):
            if process.returncode is None or name in self._restarting or name in self.gave_up:
                continue
            recent = [t for t in self.restarts.get(name, []) if now - t < RESTART_WINDOW]
            if len(recent) >= RESTART_LIMIT:
                logger.error("%s keeps exiting (code %s); giving up", name, process.returncode)
                self.gave_up.append(name)
                continue
            logger.warning("%s exited with code %s; starting it again", name, process.returncode)
            self.restarts[name] = [*recent, now]
            self._restarting.add(name)
            task = asyncio.get_running_loop().create_task(self._restart(self.specs[name]))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _restart(self, spec: ProcessSpec) -> None:
        try:
            await self._spawn(spec)
            await self._wait_healthy(spec, START_TIMEOUT)
            logger.info("%s is back", spec.name)
        except StartupError as exc:
            logger.error("%s", exc)
        except Exception:
            logger.exception("restarting %s failed", spec.name)
        finally:
            self._restarting.discard(spec.name)

    async def _wait_healthy(self, spec: ProcessSpec, timeout: float) -> None:
        process = self.processes[spec.name]
        deadline = asyncio.get_running_loop().time() + timeout
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as session:
            while True:
                if process.returncode is not None:
                    raise StartupError(f"{spec.name} exited with code {process.returncode} while starting")
                try:
                    async with session.get(spec.health_url) as reply:
                        if reply.status in spec.ready_statuses:
                            logger.info("%s is ready", spec.name)
                            return
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    pass
                if asyncio.get_running_loop().time() > deadline:
                    raise StartupError(f"{spec.name} did not become ready within {timeout:.0f} s")
                await asyncio.sleep(0.5)

    def failed(self) -> list[str]:
        """Children given up on: the run should stop."""
        return list(self.gave_up)

    async def stop(self) -> None:
        running = [p for p in self.processes.values() if p.returncode is None]
        for process in running:
            _signal_group(process, signal.SIGTERM)
        try:
            await asyncio.wait_for(asyncio.gather(*(p.wait() for p in running)), STOP_GRACE)
        except asyncio.TimeoutError:
            for process in running:
                _signal_group(process, signal.SIGKILL)
            await asyncio.gather(*(p.wait() for p in running))


def _with_serving_model(argv: list[str]) -> list[str]:
    """A Rasa server loads the model serving now (after staff switched or rolled back, too)."""
    if "--model" not in argv:
        return argv
    at = argv.index("--model") + 1
    return [*argv[:at], str(ModelStore().serving_model()), *argv[at + 1 :]]


def _signal_group(process: asyncio.subprocess.Process, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
