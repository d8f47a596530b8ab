"""The supervisor's restarts: a restart that fails unexpectedly is logged, and its task is kept."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.processes import ProcessSpec, Supervisor


class _Exited:
    returncode = 1


async def test_a_failed_restart_is_logged_and_its_task_kept(caplog, monkeypatch) -> None:
    spec = ProcessSpec("rasa-1", ["rasa", "run"], "http://127.0.0.1:9/")
    supervisor = Supervisor([spec])
    supervisor.processes[spec.name] = _Exited()  # type: ignore[assignment]

    async def cannot_start(_spec: ProcessSpec) -> None:
        raise OSError("no such program")

    monkeypatch.setattr(supervisor, "_spawn", cannot_start)
    caplog.set_level(logging.ERROR, logger="bot.processes")
    await supervisor.watch()
    tasks = set(supervisor._tasks)
    assert len(tasks) == 1  # held until done: the loop keeps only a weak reference
    await asyncio.gather(*tasks)
    assert "restarting rasa-1 failed" in caplog.text and "OSError" in caplog.text
    assert not supervisor._tasks and spec.name not in supervisor._restarting


def test_the_gateway_is_started_last_with_the_web_environments_python(monkeypatch, tmp_path) -> None:
    from bot import processes
    from kb import settings

    web_python = tmp_path / "venv-web" / "bin" / "python"
    web_python.parent.mkdir(parents=True)
    web_python.touch()
    monkeypatch.setenv("SZ_WEB_PYTHON", str(web_python))
    specs = processes.process_specs()
    gateway = specs[-1]
    assert gateway.name == "gateway" and gateway.last
    assert gateway.argv == [str(web_python), "-m", "bot", "gateway"]
    assert gateway.health_url == f"http://127.0.0.1:{settings.env('SZ_PORT')}/healthz"
    assert all(not s.last and s.argv[0] == processes.sys.executable for s in specs[:-1])  # Rasa's environment

    monkeypatch.setenv("SZ_ROLE", "gateway")
    monkeypatch.setenv("SZ_RASA_URLS", "http://10.0.0.2:5005")
    assert [s.name for s in processes.process_specs()] == ["gateway"]
    monkeypatch.setenv("SZ_WEB_PYTHON", str(tmp_path / "missing" / "python"))
    with pytest.raises(processes.StartupError, match="make run"):
        processes.process_specs()


def test_the_gateway_never_imports_rasa() -> None:
    """Not even where Rasa is installed: its import closure stays out of Rasa, Sanic and TensorFlow."""
    import importlib.util
    import subprocess

    from kb.settings import PROJECT_ROOT

    rasa_python = PROJECT_ROOT / ".venv" / "bin" / "python"
    assert importlib.util.find_spec("rasa") is None  # this environment (the gateway's) has no Rasa at all
    if not rasa_python.exists():
        pytest.skip("Rasa's environment is not built")
    probe = (
        "import sys, bot.gateway, bot.__main__, bot.staff.retraining; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'rasa', 'sanic', 'tensorflow', 'spacy', 'rasa_sdk'}))"
    )
    result = subprocess.run(
        [str(rasa_python), "-c", probe], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "[]"
