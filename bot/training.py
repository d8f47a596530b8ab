"""`python -m bot.training train|rollback --by NAME`: the staff pages' retraining job (Rasa's environment).

train: copy the training data into a work folder, rebuild the KB-derived NLU artefacts there (a new spaCy
pipeline for this version, synonyms and lookups), `rasa data validate`, `rasa train`, the quality gate
(bot.gate), then switch every Rasa server to the new model one after the other (bot.rasa_model: each
keeps answering while it loads). A candidate that fails the gate is discarded; nothing changes for
citizens. rollback: switch back to the model that served before.

One run at a time (bot.model_store.training_lock). Progress goes to `$SZ_DATA_DIR/training/status.json`
and a log there, which the staff pages show; each step is audited in the KB's history (entity "model").
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml

from bot import model_store
from bot.model_store import ModelStore, Version
from kb import settings
from kb.db import private_directory

logger = logging.getLogger(__name__)
STAGES = {
    "prepare": "准备训练数据",
    "validate": "校验训练数据",
    "train": "训练模型",
    "gate": "质量检查",
    "switch": "切换模型",
}
SWITCH_TIMEOUT = 300
EXIT_BUSY = 75  # EX_TEMPFAIL: another run holds the lock
BUSY_MESSAGE = "已有一次训练或回退正在进行，请等它结束"
_INHERITED_FDS: list[int] = []  # the run's lock, kept open in every process the run starts
PIPELINE_COMPONENT = "SpacyNLP"


class JobFailed(RuntimeError):
    """A step failed in an expected way (data invalid, gate not passed): reported, not a crash."""


class Run:
    """One job's status file and log."""

    def __init__(self, kind: str, name: str, by: str) -> None:
        self.started = time.time()
        private_directory(model_store.training_dir())
        self.log_path = model_store.training_dir() / f"{name}.log"
        self.log_path.write_text("", encoding="utf-8")
        handler = logging.FileHandler(self.log_path, encoding="utf-8")  # tracebacks too
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logging.getLogger().addHandler(handler)
        self.status: dict[str, Any] = {
            "run": name, "kind": kind, "by": by, "started_at": model_store.now(), "started": self.started,
            "state": "running", "stage": "", "stages": [], "message": "", "gate": None, "log": self.log_path.name,
        }  # fmt: skip
        self._save()

    def stage(self, name: str) -> None:
        now = time.time()
        for done in self.status["stages"]:
            done.setdefault("ended", now)
        self.status["stage"] = name
        self.status["stages"].append({"name": name, "label": STAGES[name], "started": now})
        self.log(f"== {STAGES[name]}")
        self._save()

    def log(self, line: str) -> None:
        with self.log_path.open("a", encoding="utf-8") as handle:
            handle.write(line.rstrip("\n") + "\n")

    def update(self, **fields: Any) -> None:
        self.status.update(fields)
        self._save()

    def finish(self, state: str, message: str) -> None:
        for done in self.status["stages"]:
            done.setdefault("ended", time.time())
        self.log(message)
        self.update(state=state, message=message, ended=time.time())

    def _save(self) -> None:
        model_store.write_status(self.status)


# --- the steps ------------------------------------------------------------------------------------------
def prepare(source: Path, work: Path, pipeline: Path) -> None:
    """The training data of `source` (the project, or a copy) in `work`, with freshly generated KB artefacts
    and a config whose SpacyNLP loads this version's own pipeline."""
    from kb.queries import KnowledgeBase
    from nlp.build import build

    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    shutil.copy(source / "domain.yml", work / "domain.yml")
    shutil.copytree(source / "data", work / "data", ignore=shutil.ignore_patterns("generated"))
    build(KnowledgeBase(), target=pipeline, force=True, generated=work / "data" / "nlu" / "generated")
    config = yaml.safe_load((source / "config.yml").read_text("utf-8"))
    for component in config["pipeline"]:
        if component["name"] == PIPELINE_COMPONENT:
            component["model"] = model_store.relative(pipeline)
    (work / "config.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")


def rasa_command(run: Run, *args: str) -> None:
    """A Rasa command in the project folder (its training cache is shared with `make model`), logged."""
    env = {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONWARNINGS": "ignore"}
    with run.log_path.open("a", encoding="utf-8") as log:
        done = subprocess.run(
            [sys.executable, "-m", "rasa", *args],
            cwd=settings.PROJECT_ROOT,
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
            pass_fds=tuple(_INHERITED_FDS),
        )
    if done.returncode != 0:
        raise JobFailed(f"rasa {args[0]} {args[1] if len(args) > 1 else ''} 失败（退出码 {done.returncode}），见日志")


def validate(run: Run, work: Path) -> None:
    rasa_command(
        run, "data", "validate", "--domain", str(work / "domain.yml"), "--data", str(work / "data"),
        "--config", str(work / "config.yml"),
    )  # fmt: skip


def train(run: Run, work: Path, model: Path) -> None:
    rasa_command(
        run, "train", "--config", str(work / "config.yml"), "--domain", str(work / "domain.yml"),
        "--data", str(work / "data"), "--out", str(model.parent), "--fixed-model-name", model.name.split(".")[0],
    )  # fmt: skip
    if not model.exists():
        raise JobFailed("训练结束了，但没有生成模型文件")


def quality_gate(run: Run, candidate: Path, serving: Path) -> dict[str, Any]:
    """Measure candidate and serving model the same way; the NLU check first (it is quick)."""
    from rasa.utils.log_utils import configure_structlog

    from bot import gate
    from harness.services import free_port
    from kb.queries import KnowledgeBase

    configure_structlog(logging.WARNING)  # not a debug line per practice question
    result = gate.GateResult(passed=False)
    port = free_port()  # the gate's action server starts only if the citizen set is asked
    new, old = gate.load_agent(candidate, action_url(port)), gate.load_agent(serving, action_url(port))
    run.log(f"NLU: {gate.NLU_TEST_SET.name}")
    gate.judge_nlu(gate.nlu_scores(new), gate.nlu_scores(old), result)
    run.update(gate=result.as_dict())
    if not result.reasons:  # the citizen set takes minutes: only for a model whose NLU is good
        kb = KnowledgeBase()
        with gate_action_server(port):
            run.log(f"citizen set: {gate.CITIZEN_SET} (candidate)")
            new_answers = gate.citizen_scores(new, kb)
            compare = gate.parts_to_compare(new_answers)
            run.log(f"citizen set: {gate.CITIZEN_SET} (serving model; {', '.join(sorted(compare)) or 'nothing'})")
            gate.judge_citizen(new_answers, gate.citizen_scores(old, kb, compare), result)
    result.passed = not result.reasons
    run.update(gate=result.as_dict())
    return result.as_dict()


def action_url(port: int) -> str:
    return f"http://127.0.0.1:{port}/webhook"


@contextlib.contextmanager
def gate_action_server(port: int) -> Iterator[None]:
    """An action server of the gate's own: it reads the KB but keeps no records of the practice questions."""
    from harness.services import wait_for_http

    process = subprocess.Popen(
        [sys.executable, "-m", "bot.action_server", "--port", str(port), "--discard-records"],
        cwd=settings.PROJECT_ROOT,
        env={**os.environ, "SZ_LOG_LEVEL": "warning"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        pass_fds=tuple(_INHERITED_FDS),
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/health", process, timeout=120)
        yield
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()


class PartlySwitched(JobFailed):
    """A switch failed and some instance could not be put back: it may still serve the new model."""


def switch_all(run: Run, model: Path, by: str, label: str) -> list[str]:
    """Every Rasa server to `model`, one after the other. If one fails, every instance already switched is
    put back on the model it had (all are tried); PartlySwitched if that fails too."""
    from bot.processes import rasa_urls

    switched: list[tuple[str, str]] = []
    try:
        for url in rasa_urls():
            before = _current_model(url)
            _load_model(url, model)
            switched.append((url, before))
            run.log(f"{url}: {before} → {model.name}")
            audit(label, "switch", by, {"instance": url, "from": before, "to": model.name, "at": model_store.now()})
    except Exception:
        if _switch_back(run, switched):
            raise
        raise PartlySwitched(f"切换失败，且有实例没能换回原模型，可能仍在使用 {model.name}；请回退或重启") from None
    return [url for url, _ in switched]


def _switch_back(run: Run, switched: list[tuple[str, str]]) -> bool:
    restored = True
    for url, previous in switched:
        try:
            _load_model(url, _model_named(previous))
            run.log(f"{url}: back to {previous}")
        except JobFailed as exc:
            run.log(str(exc))
            restored = False
    return restored


def _load_model(url: str, model: Path) -> None:
    body = json.dumps({"model_file": str(model)}).encode()
    request = urllib.request.Request(f"{url}/webhooks/model/load", data=body, method="POST", headers=_control_headers())
    try:
        with urllib.request.urlopen(request, timeout=SWITCH_TIMEOUT) as reply:
            reply.read()
    except urllib.error.HTTPError as exc:
        raise JobFailed(f"{url} 没能加载新模型：{exc.read().decode('utf-8', 'replace')[:200]}") from exc
    except OSError as exc:
        raise JobFailed(f"{url} 没有响应：{type(exc).__name__}") from exc


def _model_named(name: str) -> Path:
    build = model_store.build_model()
    return build if name == build.name else model_store.models_dir() / name


def _current_model(url: str) -> str:
    request = urllib.request.Request(f"{url}/webhooks/model/", headers=_control_headers())
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return str(json.loads(reply.read())["model"])
    except OSError as exc:  # HTTPError included
        raise JobFailed(f"{url} 没有响应：{type(exc).__name__}") from exc


def _control_headers() -> dict[str, str]:
    return {"Content-Type": "application/json", "X-Model-Token": model_store.control_token()}


def audit(key: str, action: str, by: str, after: dict[str, Any]) -> None:
    from kb.db import default_engine, session_factory
    from kb.staff import audit as audit_revision

    with session_factory(default_engine()).begin() as session:
        audit_revision(session, "model", key, action, by, None, after)


# --- the two jobs ----------------------------------------------------------------------------------------
def train_job(by: str, source: Path) -> int:
    store = ModelStore()
    version_id = store.allocate_id()
    label = f"v{version_id}"
    run = Run("train", label, by)
    work = model_store.training_dir() / label
    model, pipeline = store.version_paths(version_id)
    serving = store.serving_model()
    audit(label, "train_start", by, {"source": str(source), "serving": serving.name})
    try:
        run.stage("prepare")
        prepare(source, work, pipeline)
        run.stage("validate")
        validate(run, work)
        run.stage("train")
        train(run, work, model)
        run.stage("gate")
        figures = quality_gate(run, model, serving)
        audit(label, "gate_passed" if figures["passed"] else "gate_failed", by, figures)
        if not figures["passed"]:
            store.remove(version_id)
            run.finish("failed", "没有通过质量检查，群众仍由原模型服务：" + "；".join(figures["reasons"]))
            return 1
        store.add(Version(version_id, model_store.relative(model), model_store.now(), by, _gate_summary(figures)))
        run.stage("switch")
        switch_all(run, model, by, label)
        store.activate(version_id, by)
        run.finish("switched", f"新模型 {label} 已通过质量检查并上线")
        return 0
    except PartlySwitched as exc:  # keep the files: an instance may be serving them
        audit(label, "train_failed", by, {"error": str(exc)})
        run.finish("error", str(exc))
        return 1
    except Exception as exc:
        if not isinstance(exc, JobFailed):
            logger.exception("training %s failed", label)
        store.remove(version_id)
        message = str(exc) if isinstance(exc, JobFailed) else f"训练出错（{type(exc).__name__}），详见日志"
        audit(label, "train_failed", by, {"error": message})
        run.finish("failed" if isinstance(exc, JobFailed) else "error", f"{message}；群众仍由原模型服务")
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


def rollback_job(by: str) -> int:
    store = ModelStore()
    current = store.serving_version()
    target = store.rollback_target()
    run = Run("rollback", f"rollback-{int(time.time())}", by)
    if target is None:
        run.finish("failed", "没有可回退的上一个模型")
        return 1
    try:
        run.stage("switch")
        switch_all(run, store.path_of(target), by, f"v{target.id}")
        store.activate(target.id, by)
        audit(f"v{target.id}", "rollback", by, {"from": f"v{current.id}", "to": f"v{target.id}"})
        run.finish("switched", f"已回退到 {target.label}")
        return 0
    except Exception as exc:
        if not isinstance(exc, JobFailed):
            logger.exception("rollback failed")
        run.finish("failed" if isinstance(exc, JobFailed) else "error", f"回退没有完成：{exc}")
        return 1


def _gate_summary(figures: dict[str, Any]) -> dict[str, Any]:
    candidate = figures.get("candidate", {})
    nlu, citizen = candidate.get("nlu", {}), candidate.get("citizen", {})
    return {
        "intent_macro_f1": nlu.get("macro_f1"),
        "entity_f1": nlu.get("entity_f1"),
        **{k: citizen.get(k) for k in ("right_bureau", "key_fact", "declined", "conversations", "conversations_of")},
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.training", description=__doc__)
    parser.add_argument("job", choices=["train", "rollback"])
    parser.add_argument("--by", required=True, help="the staff member who asked (for the history)")
    parser.add_argument("--source", type=Path, default=settings.PROJECT_ROOT, help="the training data's project")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    jobs: dict[str, Callable[[], int]] = {
        "train": lambda: train_job(args.by, args.source.resolve()),
        "rollback": lambda: rollback_job(args.by),
    }
    with model_store.training_lock() as lock:
        if lock is None:
            print(BUSY_MESSAGE, file=sys.stderr)
            return EXIT_BUSY
        _INHERITED_FDS.append(lock.fileno())
        return jobs[args.job]()


if __name__ == "__main__":
    sys.exit(main())
