"""The gateway's tests run in the gateway's own environment (.venv-web), as production runs it."""

from __future__ import annotations

from tests.webenv import require_web_environment

require_web_environment()
