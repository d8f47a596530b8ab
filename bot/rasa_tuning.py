"""Measured fixes for Rasa 3.6's cost per message, applied inside the Rasa server process.

Profiling `rasa run` under load (py-spy) showed about a third of the server's time in jsonschema:
`RemoteAction._validate_action_result` calls `jsonschema.validate(result, schema)` for every action
call, and `jsonschema.validate` first checks the schema itself against the JSON-Schema metaschema —
the same fixed schema, every time. Here the validator is built (and the schema checked) once; each
action response is still validated against the same schema and a bad response still fails the same
way.

The SQL tracker store writes every turn. On the embedded SQLite store (in WAL mode, see
bot.processes.prepare_tracker_store) connections use synchronous=NORMAL: a crash of the process loses
nothing, a power cut at most the last turns — the usual setting for WAL databases.

Imported by bot/rasa_channel.py, which Rasa loads from credentials.yml.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from sqlalchemy import event
from sqlalchemy.engine import Engine

_ORIGINAL = RemoteAction._validate_action_result


@lru_cache(maxsize=1)
def _response_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    try:
        _response_validator().validate(result)
    except ValidationError:
        return _ORIGINAL(self, result)  # Rasa's own path: same error, with Rasa's message
    return True


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def apply() -> None:
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    if not event.contains(Engine, "connect", _sqlite_pragmas):
        event.listen(Engine, "connect", _sqlite_pragmas)
