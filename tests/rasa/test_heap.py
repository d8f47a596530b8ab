"""Freezing the start-up heap (bot/heap.py) keeps garbage collectable: before the freeze and after a swap."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from bot import heap


class _Loaded:
    """Something a server loads, holding a reference cycle: only the cycle collector frees it."""

    def __init__(self) -> None:
        self.itself = self


@pytest.fixture(autouse=True)
def _unfrozen_afterwards() -> Iterator[None]:
    yield
    gc.unfreeze()


def test_garbage_left_by_start_up_is_collected_not_frozen() -> None:
    left_behind = weakref.ref(_Loaded())
    heap.freeze()
    assert left_behind() is None
    assert gc.get_freeze_count() > 0


def test_a_replaced_model_is_freed_by_refreezing() -> None:
    loaded = _Loaded()
    old = weakref.ref(loaded)
    heap.freeze()
    del loaded  # replaced: unreachable now, but frozen, so the collector skips it
    gc.collect()
    assert old() is not None
    heap.refreeze()
    assert old() is None
