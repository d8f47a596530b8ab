"""The supervisor's restarts: a restart that fails unexpectedly is logged, and its task is kept."""

from __future__ import annotations

import asyncio
import logging

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
