"""Which environment a test runs in: the gateway's tests refuse to run on Rasa's aiohttp."""

from __future__ import annotations

import importlib.util

import aiohttp

WEB_AIOHTTP = (3, 13)  # the oldest aiohttp the gateway is allowed to run on


def aiohttp_version(version: str = aiohttp.__version__) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".")[:2])


def require_web_environment() -> None:
    """Stop the run when the gateway's tests are collected outside `.venv-web` (Rasa's aiohttp 3.9):
    they would pass there and prove nothing about what production runs."""
    if aiohttp_version() < WEB_AIOHTTP or importlib.util.find_spec("rasa") is not None:
        raise RuntimeError(
            f"tests/web and tests/staff run in the gateway's environment (.venv-web, aiohttp ≥ 3.13, no Rasa), "
            f"not here (aiohttp {aiohttp.__version__}): use `make test` or `.venv-web/bin/python -m pytest`"
        )
