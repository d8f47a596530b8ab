"""Fixtures for tests that need the trained model (built once per run by `make model`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kb.settings import PROJECT_ROOT

MODEL = PROJECT_ROOT / "models" / "suzhou.tar.gz"
RESULTS = PROJECT_ROOT / "results"


@pytest.fixture(scope="session")
def model() -> Path:
    if not MODEL.exists():
        pytest.fail("no trained model: run `make test` (it trains when data or config changed)")
    return MODEL


def rasa(*args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "RASA_TELEMETRY_ENABLED": "false"}
    return subprocess.run(
        [sys.executable, "-m", "rasa", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
