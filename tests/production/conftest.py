from __future__ import annotations

import pytest

from harness.services import postgres_server, redis_server


@pytest.fixture(scope="session")
def postgres():
    with postgres_server() as server:
        yield server


@pytest.fixture(scope="session")
def redis():
    with redis_server() as server:
        yield server
