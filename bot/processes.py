"""Start, watch and stop the assistant's processes: action servers and Rasa servers, on loopback.

Everything comes from kb.settings; the same code runs the embedded default (one of each, SQLite,
in-memory lock store) and the production profile (N Rasa servers sharing PostgreSQL and Redis).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from dataclasses import dataclass, field

import aiohttp

from kb import settings

logger = logging.getLogger(__name__)
LOOPBACK = "127.0.0.1"
START_TIMEOUT = 300.0  # Rasa loads TensorFlow and the model; slow machines need a while
STOP_GRACE = 15.0


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


def action_urls() -> list[str]:
    first = int(settings.env("SZ_ACTION_PORT"))
    return [f"http://{LOOPBACK}:{first + i}" for i in range(int(settings.env("SZ_ACTION_INSTANCES")))]


def rasa_urls() -> list[str]:
    """Base URLs of the Rasa servers the gateway talks to (started here unless SZ_RASA_URLS is set)."""
    external = [u.strip().rstrip("/") for u in settings.env("SZ_RASA_URLS").split(",") if u.strip()]
    if external:
        return external
    first = int(settings.env("SZ_RASA_PORT"))
    return [f"http://{LOOPBACK}:{first + i}" for i in range(int(settings.env("SZ_RASA_INSTANCES")))]


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
    }


def process_specs() -> list[ProcessSpec]:
    if int(settings.env("SZ_RASA_INSTANCES")) > 1 and settings.env("SZ_LOCK_STORE") != "redis":
        raise StartupError("several Rasa servers need SZ_LOCK_STORE=redis so a conversation is handled once")
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
    if settings.env("SZ_RASA_URLS"):
        return specs
    model = str(settings.resolve(settings.env("SZ_MODEL")))
    log_level = settings.env("SZ_LOG_LEVEL").upper()
    for i, url in enumerate(rasa_urls()):
        port = url.rsplit(":", 1)[1]
        argv = [
            sys.executable, "-m", "rasa", "run",
            "--model", model,
            "--endpoints", str(settings.PROJECT_ROOT / "endpoints.yml"),
            "--credentials", str(settings.PROJECT_ROOT / "credentials.yml"),
            "--interface", LOOPBACK,
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


class Supervisor:
    """Runs child processes in their own process groups and stops them all together."""

    def __init__(self, specs: list[ProcessSpec]) -> None:
        self.specs = specs
        self.processes: dict[str, asyncio.subprocess.Process] = {}

    async def start(self, timeout: float = START_TIMEOUT) -> None:
        base_env = child_environment()
        for spec in self.specs:
            logger.info("starting %s", spec.name)
            self.processes[spec.name] = await asyncio.create_subprocess_exec(
                *spec.argv,
                cwd=settings.PROJECT_ROOT,
                env={**base_env, **spec.env},
                start_new_session=True,
            )
        try:
            await asyncio.gather(*(self._wait_healthy(s, timeout) for s in self.specs))
        except BaseException:
            await self.stop()
            raise

    async def _wait_healthy(self, spec: ProcessSpec, timeout: float) -> None:
        process = self.processes[spec.name]
        deadline = asyncio.get_running_loop().time() + timeout
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as session:
            while True:
                if process.returncode is not None:
                    raise StartupError(f"{spec.name} exited with code {process.returncode} while starting")
                try:
                    async with session.get(spec.health_url) as reply:
                        if reply.status == 200:
                            logger.info("%s is ready", spec.name)
                            return
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    pass
                if asyncio.get_running_loop().time() > deadline:
                    raise StartupError(f"{spec.name} did not become ready within {timeout:.0f} s")
                await asyncio.sleep(0.5)

    def failed(self) -> list[str]:
        return [name for name, p in self.processes.items() if p.returncode is not None]

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


def _signal_group(process: asyncio.subprocess.Process, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
