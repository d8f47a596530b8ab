"""Which KB changes the running model has not learnt yet, and retraining it from the staff pages.

Service content, aliases and FAQs reach answers at once (the actions and the search read the KB).
What needs a rebuild and retraining: names and aliases the spaCy pipeline's tokenizer, typo corrector
and entity ruler were built from, the generated synonyms and lookup tables, and services whose NLU
intent the model does not know (they are reachable through search and suggestions only).

An admin starts the retraining job (bot.training, in Rasa's environment) or a rollback from here; the
job runs on its own and writes its progress where this page reads it, so a reload shows where it is.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import yaml

from bot import model_store
from bot.model_store import ModelStore
from bot.training import BUSY_MESSAGE, EXIT_BUSY
from kb import settings
from kb.queries import KnowledgeBase
from kb.staff import StaffError
from nlp.build import PIPELINE_DIR, built_fingerprint, collect

RETRAIN_COMMAND = "make model（或重新运行 make run）"
JOB_START_TIMEOUT = 30.0  # the job takes its lock within a second or two of starting
_jobs: set[asyncio.Task[Any]] = set()  # held so finished jobs are reaped (no zombies)
_starting = asyncio.Lock()


class JobBusy(StaffError):
    """A training or rollback is running already."""

    status = 409


class JobFailedToStart(StaffError):
    status = 500


def model_intents() -> set[str]:
    domain = yaml.safe_load((settings.PROJECT_ROOT / "domain.yml").read_text("utf-8"))
    return set(domain.get("intents") or [])


def retraining_report(kb: KnowledgeBase) -> dict[str, Any]:
    vocabulary = collect(kb)
    current = vocabulary.fingerprint(settings.env("SZ_SPACY_BASE"))
    serving = ModelStore().serving_version()
    built = built_fingerprint(_serving_pipeline(serving))
    intents = model_intents()
    without_intent = [
        {"key": s.key, "name": s.name, "intent": s.intent}
        for topic in kb.topics()
        for s in kb.services_by_topic(topic)
        if not s.intent or s.intent not in intents
    ]
    return {
        "vocabulary_changed": built is not None and built != current,
        "pipeline_missing": built is None,
        "without_intent": without_intent,
        "command": RETRAIN_COMMAND,
        "accepted_examples": len(kb.training_examples()),
        "training": training_state(),
        "models": model_versions(),
    }


def _serving_pipeline(version: model_store.Version) -> Path:
    """The spaCy pipeline the serving model was trained with (the build one for `make model`'s)."""
    if version.id == model_store.BUILD_VERSION:
        return PIPELINE_DIR
    return ModelStore().version_paths(version.id)[1]


def training_state() -> dict[str, Any]:
    """The latest run as the page shows it: stage, elapsed time, log tail, the gate's figures."""
    status = model_store.read_status()
    if not status:
        return {}
    end = status.get("ended") or time.time()
    status["elapsed"] = round(end - float(status.get("started") or end))
    return status


def model_versions() -> list[dict[str, Any]]:
    store = ModelStore()
    registry = store.load()
    serving = store.serving_version()
    target = store.rollback_target()
    previous = target.id if target else None
    versions = registry.versions if registry.version(serving.id) else [serving, *registry.versions]
    return [
        {
            "id": v.id,
            "label": v.label,
            "created_at": v.created_at,
            "created_by": v.created_by,
            "gate": v.gate,
            "serving": v.id == serving.id,
            "rollback_target": v.id == previous,
        }
        for v in sorted(versions, key=lambda v: v.id, reverse=True)
    ]


async def start_job(kind: str, username: str) -> None:
    """Start `python -m bot.training KIND` and return once it holds the training lock (or raise JobBusy)."""
    async with _starting:
        if model_store.is_running():
            raise JobBusy(BUSY_MESSAGE)
        process = await asyncio.create_subprocess_exec(
            str(settings.resolve(settings.env("SZ_RASA_PYTHON"))), "-m", "bot.training", kind, f"--by={username}",
            cwd=settings.PROJECT_ROOT,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            start_new_session=True,  # a gateway restart does not stop a training half-way
        )  # fmt: skip
        task = asyncio.get_running_loop().create_task(process.wait())
        _jobs.add(task)
        task.add_done_callback(_jobs.discard)
        deadline = time.monotonic() + JOB_START_TIMEOUT
        while not model_store.is_running() and process.returncode is None and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        if process.returncode == EXIT_BUSY:
            raise JobBusy(BUSY_MESSAGE)
        if process.returncode is not None and not model_store.is_running() and _started_by(username) is None:
            raise JobFailedToStart("训练进程没能启动，请查看服务器日志")


def _started_by(username: str) -> dict[str, Any] | None:
    """The latest run if this user started it in the last minute (a quick job may already be over)."""
    status = model_store.read_status()
    recent = status.get("by") == username and time.time() - float(status.get("started") or 0) < 60
    return status if recent else None
