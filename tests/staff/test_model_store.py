"""Model versions: which model serves, what a rollback returns to, what is kept, ids never reused."""

from __future__ import annotations

import os
import time

import pytest

from bot.model_store import BUILD_VERSION, ModelStore, Version, read_status, training_lock, write_status


@pytest.fixture
def store(tmp_path, monkeypatch) -> ModelStore:
    monkeypatch.setenv("SZ_DATA_DIR", str(tmp_path / "data"))
    build = tmp_path / "build.tar.gz"
    build.write_bytes(b"build")
    os.utime(build, (time.time() - 3600, time.time() - 3600))  # built an hour ago
    monkeypatch.setenv("SZ_MODEL", str(build))
    return ModelStore()


def trained(store: ModelStore) -> int:
    """A version as a training run leaves it: a number, a file, a registry entry."""
    version_id = store.allocate_id()
    model, pipeline = store.version_paths(version_id)
    model.write_bytes(b"v%d" % version_id)
    pipeline.mkdir(parents=True)
    store.add(Version(version_id, str(model), "2026-12-01T00:00:00+00:00", "admin"))
    return version_id


def test_the_build_model_serves_until_staff_switch(store) -> None:
    assert store.serving_model() == store.path_of(store.build_version())
    assert store.rollback_target() is None
    first = trained(store)
    assert store.serving_version().id == BUILD_VERSION  # trained is not serving
    store.activate(first, "admin")
    assert store.serving_version().id == first
    assert store.rollback_target().id == BUILD_VERSION


def test_rollback_goes_to_the_version_before_and_back(store) -> None:
    first, second = trained(store), trained(store)
    store.activate(first, "admin")
    store.activate(second, "admin")
    assert store.rollback_target().id == first
    store.activate(first, "admin")  # what a rollback does
    assert store.serving_version().id == first and store.rollback_target().id == second


def test_a_newer_build_model_wins_and_a_later_switch_rolls_back_to_it(store) -> None:
    first = trained(store)
    store.activate(first, "admin")
    time.sleep(1.1)  # registry times are in seconds
    store.build_version()
    os.utime(store.path_of(store.build_version()))  # `make model` built anew: a deployment
    assert store.serving_version().id == BUILD_VERSION
    assert store.rollback_target() is None  # staff do not roll a deployment back
    second = trained(store)
    store.activate(second, "admin")
    assert store.rollback_target().id == BUILD_VERSION  # back to the deployment, not to `first`


def test_the_last_three_versions_are_kept_with_the_serving_and_previous_ones(store) -> None:
    ids = []
    for _ in range(5):  # trained and switched to, one after the other, as the job does
        ids.append(trained(store))
        store.activate(ids[-1], "admin")
    assert {v.id for v in store.load().versions} == {BUILD_VERSION, ids[2], ids[3], ids[4]}
    for gone in ids[:2]:
        model, pipeline = store.version_paths(gone)
        assert not model.exists() and not pipeline.parent.exists()  # its files went too
    store.activate(ids[3], "admin")  # a rollback keeps both
    assert store.rollback_target().id == ids[4]


def test_version_numbers_are_never_reused(store) -> None:
    failed = store.allocate_id()
    store.remove(failed)  # its gate failed
    assert store.allocate_id() == failed + 1
    assert ModelStore().allocate_id() == failed + 2  # a new process reads the same counter


def test_a_run_is_running_while_its_lock_is_held_and_interrupted_if_it_died(store) -> None:
    write_status({"run": "v1", "state": "running", "started": time.time(), "stages": [], "log": ""})
    with training_lock() as lock:
        assert lock is not None
        assert read_status()["running"] and read_status()["state"] == "running"
        with training_lock(wait=0.2) as second:
            assert second is None  # one run at a time
    assert read_status()["state"] == "interrupted"
