"""Every setting of the product, its default and the environment variable that overrides it.

One place for all processes (KB, actions, gateway, process start-up); the README's configuration table
is checked against `SETTINGS` by a test.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    env: str
    default: str
    help: str


SETTINGS: dict[str, Setting] = {
    s.env: s
    for s in (
        Setting("SZ_DATA_DIR", "var", "Folder for the SQLite databases and run-time files (relative to the project)."),
        Setting(
            "SZ_DATABASE_URL",
            "",
            "SQLAlchemy URL of the knowledge base; empty means SQLite at `$SZ_DATA_DIR/kb.sqlite3`. "
            "Example: `postgresql+psycopg2://kb:secret@127.0.0.1/kb`.",
        ),
        Setting(
            "SZ_SPACY_BASE",
            "",
            "Name or path of a real spaCy `zh_core_web_sm` 3.4.x to build the Chinese pipeline on; "
            "empty builds on a blank `zh` pipeline.",
        ),
    )
}


def env(name: str) -> str:
    """The value of a setting: the environment variable if set, else its default."""
    setting = SETTINGS[name]
    return os.environ.get(name, setting.default)


def data_dir() -> Path:
    path = Path(env("SZ_DATA_DIR"))
    return path if path.is_absolute() else PROJECT_ROOT / path


def database_url() -> str:
    url = env("SZ_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{data_dir() / 'kb.sqlite3'}"
