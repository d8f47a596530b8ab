"""Every setting of the product, its default and the environment variable that overrides it.

One place for all processes (KB, actions, gateway, process start-up); the README's configuration table
is checked against `SETTINGS` by a test.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network, ip_network
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
        Setting("SZ_HOST", "127.0.0.1", "Interface the public gateway (widget, chat, staff pages) listens on."),
        Setting("SZ_PORT", "8000", "Port of the public gateway."),
        Setting(
            "SZ_PUBLIC_URL",
            "",
            "The gateway's public base URL as portals see it (for the embed snippet); empty means `http://$SZ_HOST:$SZ_PORT`.",
        ),
        Setting(
            "SZ_ALLOWED_ORIGINS",
            "http://127.0.0.1:8000,http://localhost:8000",
            "Comma-separated portal origins allowed to call the chat API from a browser (CORS); never `*`.",
        ),
        Setting("SZ_CHAT_TIMEOUT", "3", "Seconds the gateway waits for the assistant before apologising."),
        Setting(
            "SZ_TRUSTED_PROXIES",
            "",
            "Comma-separated addresses or networks of reverse proxies in front of the gateway (TLS); "
            "from them the client address is taken from X-Forwarded-For, for rate limits.",
        ),
        Setting("SZ_RATE_LIMIT", "20/minute", "Messages one conversation may send (`limits` notation)."),
        Setting(
            "SZ_RATE_LIMIT_IP", "300/minute", "Messages one client address may send, all its conversations together."
        ),
        Setting(
            "SZ_RATE_LIMIT_SIGN_IN", "10/minute", "Staff sign-in attempts one client address may make, any account."
        ),
        Setting("SZ_MAX_REQUEST_BYTES", "16384", "Largest chat request body the gateway accepts."),
        Setting(
            "SZ_HEADER_TIMEOUT",
            "10",
            "Seconds a connection to the gateway may take to send a request's headers, and may stay idle "
            "between requests (a reverse proxy's upstream keep-alive must be shorter).",
        ),
        Setting("SZ_BODY_TIMEOUT", "15", "Seconds the gateway waits for a whole request body before answering 408."),
        Setting(
            "SZ_MAX_CONNECTIONS_PER_ADDRESS",
            "64",
            "Open connections one client address (an IPv6 /64) may hold to the gateway; "
            "the trusted proxies are exempt.",
        ),
        Setting(
            "SZ_MAX_STAFF_REQUEST_BYTES",
            "262144",
            "Largest staff form or staff API body (URL-encoded Chinese takes 9 bytes a character).",
        ),
        Setting(
            "SZ_SECRET_KEY",
            "",
            "Secret for staff CSRF tokens; empty means a random key created once in `$SZ_DATA_DIR/secret_key`.",
        ),
        Setting(
            "SZ_WIDGET_STORAGE",
            "local",
            "Where the widget keeps the conversation: `local` (survives closing the browser) or `session` "
            "(forgotten when the tab closes: shared kiosks). A portal may choose `session` with `data-storage`.",
        ),
        Setting(
            "SZ_WIDGET_HISTORY_HOURS",
            "24",
            "Hours the widget keeps a conversation's history in the browser after its last message.",
        ),
        Setting("SZ_STALE_DAYS", "180", "Content not verified for this many days is listed as stale for staff."),
        Setting(
            "SZ_WEB_PYTHON",
            ".venv-web/bin/python",
            "Python of the gateway's own environment (current aiohttp, no Rasa), which `python -m bot run` starts "
            "the gateway with.",
        ),
        Setting(
            "SZ_RASA_PYTHON",
            ".venv/bin/python",
            "Python of Rasa's environment, which the staff pages start a retraining job with.",
        ),
        Setting(
            "SZ_ROLE",
            "all",
            "What `python -m bot run` starts: `all`, `assistant` (Rasa and action servers only) or `gateway` "
            "(the public gateway only, talking to `SZ_RASA_URLS`).",
        ),
        Setting(
            "SZ_RASA_INTERFACE",
            "127.0.0.1",
            "Interface the Rasa servers listen on; anything but loopback needs `SZ_INTERNAL_TOKEN`.",
        ),
        Setting(
            "SZ_INTERNAL_TOKEN",
            "",
            "Shared secret the gateway sends to the Rasa servers (required when they listen beyond loopback).",
        ),
        Setting("SZ_RASA_PORT", "5005", "First loopback port of the Rasa servers (instance i uses port + i)."),
        Setting("SZ_RASA_INSTANCES", "1", "How many Rasa servers to run behind the gateway."),
        Setting(
            "SZ_RASA_URLS", "", "Comma-separated Rasa base URLs to use instead of starting servers (other machines)."
        ),
        Setting("SZ_ACTION_PORT", "5055", "First loopback port of the action servers."),
        Setting("SZ_ACTION_INSTANCES", "1", "How many action servers to run (Rasa instance i uses server i mod M)."),
        Setting("SZ_MODEL", "models/suzhou.tar.gz", "The trained Rasa model to serve."),
        Setting(
            "SZ_TRACKER_URL",
            "",
            "SQLAlchemy URL of Rasa's tracker store; empty means SQLite at `$SZ_DATA_DIR/tracker.sqlite3`.",
        ),
        Setting(
            "SZ_SESSION_TURNS",
            "30",
            "Citizen messages after which a conversation continues in a new Rasa session (slots carried over), "
            "so a turn's cost does not grow with the conversation's length.",
        ),
        Setting(
            "SZ_TRACKER_CACHE",
            "256",
            "Conversations whose tracker the Rasa server keeps in memory after a turn (checked against the "
            "store before use; 0 turns it off).",
        ),
        Setting("SZ_LOCK_STORE", "in_memory", "Rasa's lock store: `in_memory` (one Rasa server) or `redis` (several)."),
        Setting("SZ_REDIS_HOST", "127.0.0.1", "Redis host for the lock store (and staff sessions when Redis is used)."),
        Setting("SZ_REDIS_PORT", "6379", "Redis port."),
        Setting("SZ_REDIS_DB", "1", "Redis database number."),
        Setting("SZ_REDIS_PASSWORD", "", "Redis password, if any."),
        Setting("SZ_LOG_LEVEL", "INFO", "Log level of all processes (DEBUG is never needed in production)."),
        Setting(
            "SZ_RETENTION_DAYS",
            "180",
            "`python -m kb purge` deletes conversations, messages left, feedback and unanswered questions "
            "older than this many days.",
        ),
        Setting("SZ_MAX_MESSAGE_CHARS", "500", "Longest citizen message passed to the assistant; the rest is cut."),
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
    return resolve(env("SZ_DATA_DIR"))


def public_url() -> str:
    return env("SZ_PUBLIC_URL").rstrip("/") or f"http://{env('SZ_HOST')}:{env('SZ_PORT')}"


def allowed_origins() -> list[str]:
    origins = [o.strip().rstrip("/") for o in env("SZ_ALLOWED_ORIGINS").split(",") if o.strip()]
    if "*" in origins:
        raise ValueError("SZ_ALLOWED_ORIGINS must list the portals' origins; `*` is not allowed")
    return origins


def trusted_proxies() -> list[IPv4Network | IPv6Network]:
    """SZ_TRUSTED_PROXIES as networks (a bare address is a network of one)."""
    return [ip_network(p.strip(), strict=False) for p in env("SZ_TRUSTED_PROXIES").split(",") if p.strip()]


def tracker_url() -> str:
    return env("SZ_TRACKER_URL") or f"sqlite:///{data_dir() / 'tracker.sqlite3'}"


def resolve(path: str) -> Path:
    """A path setting, relative to the project unless absolute."""
    candidate = Path(path)
    return candidate if candidate.is_absolute() else PROJECT_ROOT / candidate


def database_url() -> str:
    url = env("SZ_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{data_dir() / 'kb.sqlite3'}"


def markdown_table() -> str:
    """The README's configuration table (`python -m kb settings` prints it)."""
    rows = [f"| `{s.env}` | {f'`{s.default}`' if s.default else '*(empty)*'} | {s.help} |" for s in SETTINGS.values()]
    return "\n".join(rows)
