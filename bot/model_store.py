"""Which trained model serves citizens, the versions staff trained, and the state of a training run.

`make model` writes the build model (SZ_MODEL, version 0, its spaCy pipeline in build/spacy). A training
started from the staff pages writes `$SZ_DATA_DIR/models/v<N>.tar.gz` with its own pipeline folder
`v<N>/`, so rolling back never pairs a model with another version's tokenizer. The registry
(`registry.json`) lists the versions and the order they were put in service; the model served is the
latest activated one, unless `make model` built a newer build model since (a deployment wins).

Plain files, no Rasa: the gateway reads them to show progress; only the training job writes them, and it
holds `training.lock` (an OS lock, released when the job ends or dies) while it runs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from kb import settings
from kb.db import private_directory, private_file

BUILD_VERSION = 0
KEEP_VERSIONS = 3  # trained versions kept on disk (the one serving and the one before it always are)
LOG_TAIL_LINES = 30


def models_dir() -> Path:
    return settings.data_dir() / "models"


def build_model() -> Path:
    return settings.resolve(settings.env("SZ_MODEL"))


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


@dataclass
class Version:
    id: int
    file: str  # relative to the project when inside it
    created_at: str
    created_by: str
    gate: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return "v0（make model）" if self.id == BUILD_VERSION else f"v{self.id}"


@dataclass
class Registry:
    versions: list[Version] = field(default_factory=list)
    activations: list[dict[str, Any]] = field(default_factory=list)  # {"version", "at", "by"}, oldest first
    last_id: int = BUILD_VERSION  # the last version number handed out (a failed run's too: never reused)

    @property
    def active(self) -> int | None:
        return self.activations[-1]["version"] if self.activations else None

    def version(self, version_id: int) -> Version | None:
        return next((v for v in self.versions if v.id == version_id), None)

    def previous(self) -> int | None:
        """The version that served before the current one (what a rollback returns to)."""
        current = self.active
        for entry in reversed(self.activations):
            if entry["version"] != current and self.version(entry["version"]):
                return int(entry["version"])
        return None


class ModelStore:
    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or models_dir()
        self.registry_file = self.folder / "registry.json"

    # --- reading (gateway, supervisor, job) ------------------------------------------------------
    def load(self) -> Registry:
        try:
            raw = json.loads(self.registry_file.read_text("utf-8"))
        except (FileNotFoundError, ValueError):
            return Registry()
        return Registry(
            [Version(**v) for v in raw.get("versions", [])],
            list(raw.get("activations", [])),
            int(raw.get("last_id", BUILD_VERSION)),
        )

    def path_of(self, version: Version) -> Path:
        return settings.resolve(version.file)

    def serving_model(self) -> Path:
        """The model a Rasa server should load now."""
        registry = self.load()
        active = registry.version(registry.active) if registry.active is not None else None
        build = build_model()
        if active is None or active.id == BUILD_VERSION or not self.path_of(active).exists():
            return build
        activated = dt.datetime.fromisoformat(registry.activations[-1]["at"]).timestamp()
        if build.exists() and build.stat().st_mtime > activated:
            return build  # `make model` ran after the last switch: a deployment replaces staff models
        return self.path_of(active)

    def serving_version(self) -> Version:
        serving = self.serving_model()
        for version in self.load().versions:
            if self.path_of(version) == serving:
                return version
        return self.build_version()

    def rollback_target(self) -> Version | None:
        """The version that served before the one serving now, if its file is still there; none when a
        newer build model (a deployment) serves, which staff do not roll back."""
        registry = self.load()
        if registry.active is None or registry.active != self.serving_version().id:
            return None
        target = registry.previous()
        version = registry.version(target) if target is not None else None
        return version if version is not None and self.path_of(version).exists() else None

    def build_version(self) -> Version:
        model = build_model()
        built = ""
        if model.exists():
            built = dt.datetime.fromtimestamp(model.stat().st_mtime, dt.timezone.utc).isoformat(timespec="seconds")
        return Version(BUILD_VERSION, relative(model), built, "make model")

    # --- writing (the training job, holding the lock) --------------------------------------------
    def allocate_id(self) -> int:
        """A new version number, recorded at once so that no later run reuses it."""
        registry = self.load()
        registry.last_id = max([registry.last_id, *(v.id for v in registry.versions)]) + 1
        self._save(registry)
        return registry.last_id

    def version_paths(self, version_id: int) -> tuple[Path, Path]:
        """Where version N's model file and spaCy pipeline go."""
        return self.folder / f"v{version_id}.tar.gz", self.folder / f"v{version_id}" / "zh_suzhou_kb"

    def add(self, version: Version) -> None:
        registry = self.load()
        registry.versions = [v for v in registry.versions if v.id != version.id] + [version]
        self._save(registry)

    def activate(self, version_id: int, by: str) -> None:
        """Record that `version_id` serves now. If the build model served until now (first switch, or a
        deployment since the last one), that is recorded first, so a rollback returns to it."""
        serving = self.serving_version().id
        registry = self.load()
        build = self.build_version()
        registry.versions = [build if v.id == BUILD_VERSION else v for v in registry.versions]
        if registry.version(BUILD_VERSION) is None:
            registry.versions.insert(0, build)
        if serving == BUILD_VERSION and registry.active != BUILD_VERSION:
            registry.activations.append({"version": BUILD_VERSION, "at": build.created_at, "by": "make model"})
        at = dt.datetime.now(dt.timezone.utc).isoformat()  # to the microsecond: compared with a file time
        registry.activations.append({"version": version_id, "at": at, "by": by})
        self._save(registry)
        self.prune()

    def remove(self, version_id: int) -> None:
        """Forget a version that never served (its gate failed, or its switch was undone)."""
        self.discard(version_id)
        registry = self.load()
        registry.versions = [v for v in registry.versions if v.id != version_id]
        self._save(registry)

    def prune(self) -> None:
        """Keep the newest KEEP_VERSIONS trained versions, and always the serving and previous ones."""
        registry = self.load()
        keep = {BUILD_VERSION, registry.active, registry.previous()}
        trained = sorted((v.id for v in registry.versions if v.id != BUILD_VERSION), reverse=True)
        keep |= set(trained[:KEEP_VERSIONS])
        for version in [v for v in registry.versions if v.id not in keep]:
            self.discard(version.id)
        registry.versions = [v for v in registry.versions if v.id in keep]
        registry.activations = [a for a in registry.activations if a["version"] in keep][-20:]
        self._save(registry)

    def discard(self, version_id: int) -> None:
        """Remove a version's files (a candidate that failed its gate, or one pruned)."""
        model, pipeline = self.version_paths(version_id)
        model.unlink(missing_ok=True)
        shutil.rmtree(pipeline.parent, ignore_errors=True)

    def _save(self, registry: Registry) -> None:
        private_directory(self.folder)
        raw = {
            "versions": [asdict(v) for v in registry.versions],
            "activations": registry.activations,
            "last_id": registry.last_id,
        }
        _write_atomically(self.registry_file, json.dumps(raw, ensure_ascii=False, indent=1))


# --- a training run's state, readable by the gateway ------------------------------------------------
def training_dir() -> Path:
    return settings.data_dir() / "training"


def status_file() -> Path:
    return training_dir() / "status.json"


def read_status() -> dict[str, Any]:
    """The latest run's status (empty if none), with `running` true only while its job holds the lock,
    and the tail of its log."""
    try:
        status = json.loads(status_file().read_text("utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    status["running"] = is_running()
    if status.get("state") == "running" and not status["running"]:
        status["state"] = "interrupted"  # the job died without writing its end (killed, machine restarted)
    log = training_dir() / str(status.get("log", ""))
    status["log_tail"] = _tail(log) if status.get("log") and log.is_file() else ""
    return status


def write_status(status: dict[str, Any]) -> None:
    private_directory(training_dir())
    _write_atomically(status_file(), json.dumps(status, ensure_ascii=False, indent=1))


def is_running() -> bool:
    try:
        with open(training_dir() / "training.lock", "ab") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(handle, fcntl.LOCK_UN)
    except BlockingIOError:
        return True
    except FileNotFoundError:
        return False
    return False


@contextlib.contextmanager
def training_lock(wait: float = 2.0) -> Iterator[BinaryIO | None]:
    """Held for a whole run (and by the processes it starts, which inherit it: a job killed half-way
    keeps the lock until its `rasa train` is gone too); yields None when another run holds it. Waits a
    moment, since is_running() takes the lock for an instant to look."""
    private_directory(training_dir())
    with open(training_dir() / "training.lock", "ab") as handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    yield None
                    return
                time.sleep(0.05)
        os.set_inheritable(handle.fileno(), True)
        try:
            yield handle
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def control_token() -> str:
    """The secret the training job shows a Rasa server to make it load a model: SZ_INTERNAL_TOKEN, or a
    random one kept owner-only in the data folder (both processes run as the product's user)."""
    configured = settings.env("SZ_INTERNAL_TOKEN")
    if configured:
        return configured
    path = settings.data_dir() / "model_token"
    private_file(path)
    if not path.read_text().strip():
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


def _tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        handle.seek(max(0, handle.tell() - 16_000))
        text = handle.read().decode("utf-8", "replace")
    return "\n".join(text.splitlines()[-lines:])


def relative(path: Path) -> str:
    """A path as the registry keeps it: relative to the project when inside it."""
    with contextlib.suppress(ValueError):
        return str(path.relative_to(settings.PROJECT_ROOT))
    return str(path)


def _write_atomically(path: Path, text: str) -> None:
    staging = path.with_name(path.name + ".tmp")
    staging.write_text(text, encoding="utf-8")
    os.replace(staging, path)
