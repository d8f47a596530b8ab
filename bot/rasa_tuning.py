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

RulePolicy checks every learnt rule (221 here) against every state of the conversation, twice or more
per turn, in Python: a tenth of the server's time. Whether a rule fits the state `i` turns back depends
only on the rule, `i` and that state, so which rules fit is remembered per (i, state) — the same few
states recur in every conversation — and states further back than the longest rule are not checked
(every rule fits there). The rules found are the same set Rasa's own loop finds.

Rasa opens a new HTTP client session — a new connection — for every call to the action server. Here
each endpoint keeps one session with kept-alive connections, closed by the client before the action
server's 5 s keep-alive ends, so a request never goes out on a connection the server is closing.

Two NLU steps did work twice. SpacyEntityExtractor runs the whole spaCy pipeline (jieba, the homophone
corrector, the entity ruler) over the text again, because SpacyNLP may have lower-cased it; when
SpacyNLP's doc is of the very same text, the extractor now reads that doc. LogisticRegressionClassifier
combines every sparse feature of a message, sequence features included, to use the sentence features
only; now it combines just those, into the same matrix.

Rasa runs each graph (the NLU pipeline once per message, the policies once per predicted action) with
dask's synchronous scheduler, which builds and orders a task graph on every run. Here the nodes are
called in dependency order, worked out once per runner and targets; the inputs, outputs and errors are
Rasa's.

Imported by bot/rasa_channel.py, which Rasa loads from credentials.yml.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any

import aiohttp
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.extractors.spacy_entity_extractor import SpacyEntityExtractor
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import ENTITIES, FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig
from scipy.sparse import csr_matrix, hstack, vstack
from sqlalchemy import event
from sqlalchemy.engine import Engine


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
        # Rasa's own path: the same error, with Rasa's message
        return RASA_ORIGINALS[RemoteAction, "_validate_action_result"](self, result)
    return True


RULE_STATES_KEPT = 4096  # (turn back, state) pairs whose fitting rules are remembered, per rule table


class _FittingRules:
    """Which rules of one rule table fit a state `i` turns back, remembered per (i, state)."""

    def __init__(self, policy: RulePolicy, lookup: dict[str, str]) -> None:
        self.policy = policy
        self.keys = frozenset(lookup)
        self.longest = max((len(policy._rule_key_to_state(key)) for key in lookup), default=0)
        self._known: OrderedDict[tuple[int, Hashable], frozenset[str]] = OrderedDict()

    def at(self, turn_back: int, state: dict[str, dict[str, Any]]) -> frozenset[str]:
        try:
            key = (turn_back, _frozen(state))
        except TypeError:  # a feature value that cannot be a key: check the rules as Rasa does
            return self._check(turn_back, state)
        fitting = self._known.get(key)
        if fitting is None:
            fitting = self._known[key] = self._check(turn_back, state)
            if len(self._known) > RULE_STATES_KEPT:
                self._known.popitem(last=False)
        return fitting

    def _check(self, turn_back: int, state: dict[str, dict[str, Any]]) -> frozenset[str]:
        return frozenset(k for k in self.keys if self.policy._is_rule_applicable(k, turn_back, state))


def _frozen(state: dict[str, dict[str, Any]]) -> Hashable:
    return tuple(sorted((part, tuple(sorted(features.items()))) for part, features in state.items()))


def _get_possible_keys(self: RulePolicy, lookup: dict[str, str], states: list[dict[str, Any]]) -> set[str]:
    tables = self.__dict__.setdefault("_fitting_rules", {})
    rules = tables.get(id(lookup))
    if rules is None or rules.keys != frozenset(lookup):
        rules = tables[id(lookup)] = _FittingRules(self, lookup)
    possible = rules.keys
    for turn_back, state in enumerate(reversed(states[-rules.longest :] if rules.longest else [])):
        possible = possible & rules.at(turn_back, state)
        if not possible:
            break
    return set(possible)


CLIENT_KEEP_ALIVE = 2.0  # seconds an idle connection to the action server is kept; Sanic closes at 5


@asynccontextmanager
async def _kept_session(endpoint: EndpointConfig) -> AsyncIterator[aiohttp.ClientSession]:
    """What `async with endpoint.session()` gives: the endpoint's one session, left open afterwards."""
    loop = asyncio.get_running_loop()
    kept_loop, kept = endpoint.__dict__.get("_kept_session", (None, None))
    if kept is None or kept.closed or kept_loop is not loop:
        kept = _new_session(endpoint)
        endpoint.__dict__["_kept_session"] = (loop, kept)
    yield kept


def _new_session(endpoint: EndpointConfig) -> aiohttp.ClientSession:
    """Rasa's own session for the endpoint (`EndpointConfig.session`), with kept-alive connections."""
    basic = endpoint.basic_auth
    return aiohttp.ClientSession(
        headers=endpoint.headers,
        auth=aiohttp.BasicAuth(basic["username"], basic["password"]) if basic else None,
        timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
        connector=aiohttp.TCPConnector(keepalive_timeout=CLIENT_KEEP_ALIVE),
    )


def _extract_spacy_entities(self: SpacyEntityExtractor, messages: list[Message], model: SpacyModel) -> list[Message]:
    for message in messages:
        text = message.get(TEXT)
        doc = message.get(SPACY_DOCS[TEXT])
        if doc is None or doc.text != text:  # SpacyNLP lower-cased it: parse the text as Rasa does
            doc = model.model(text)
        extracted = self.filter_irrelevant_entities(
            self.add_extractor_name(self._extract_entities(doc)), self._config["dimensions"]
        )
        message.set(ENTITIES, message.get(ENTITIES, []) + extracted, add_to_output=True)
    return messages


def _create_X(self: LogisticRegressionClassifier, messages: list[Message]) -> csr_matrix:
    rows = []
    for message in messages:
        sentence = [
            f.features for f in message.features
            if f.attribute == TEXT and f.is_sparse() and f.type == FEATURE_TYPE_SENTENCE
        ]  # fmt: skip
        if not sentence or message.get_dense_features(TEXT)[1] is not None:  # not this pipeline's shape
            return RASA_ORIGINALS[LogisticRegressionClassifier, "_create_X"](self, messages)
        rows.append(hstack([*sentence, csr_matrix([])]))
    return rows[0] if len(rows) == 1 else vstack(rows)  # a message at a time, when serving


def _run_in_order(
    self: DaskGraphRunner, inputs: dict[str, Any] | None = None, targets: list[str] | None = None
) -> dict[str, Any]:
    """What `DaskGraphRunner.run` returns, computed by calling the nodes in dependency order."""
    run_targets = tuple(targets if targets else self._graph_schema.target_names)
    order = _execution_order(self, run_targets)
    results: dict[str, Any] = {}
    for name, value in (inputs or {}).items():
        if isinstance(value, str) and value in order:
            return RASA_ORIGINALS[DaskGraphRunner, "run"](self, inputs, targets)  # Rasa's clash error
        results[name] = (name, value)
    try:
        for name, needs in order.items():
            if name not in results:
                results[name] = self._instantiated_nodes[name](*(results.get(n, n) for n in needs))
    except RuntimeError as e:
        raise GraphRunError("Error running runner.") from e
    return dict(results.get(name, (name, name)) for name in run_targets)


def _execution_order(runner: DaskGraphRunner, targets: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """The nodes the targets depend on, each after the nodes it needs, with what it needs."""
    orders = runner.__dict__.setdefault("_execution_orders", {})
    if targets not in orders:
        nodes = runner._graph_schema.minimal_graph_schema(list(targets)).nodes
        order: dict[str, tuple[str, ...]] = {}

        def visit(name: str) -> None:
            if name in order or name not in nodes:
                return
            needs = tuple(nodes[name].needs.values())
            for need in needs:
                visit(need)
            order[name] = needs

        for name in nodes:
            visit(name)
        orders[targets] = order
    return orders[targets]


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


PATCHES: list[tuple[type, str, Any]] = [
    (RemoteAction, "_validate_action_result", _validate_action_result),
    (RulePolicy, "_get_possible_keys", _get_possible_keys),
    (SpacyEntityExtractor, "process", _extract_spacy_entities),
    (LogisticRegressionClassifier, "_create_X", _create_X),
    (EndpointConfig, "session", _kept_session),
    (DaskGraphRunner, "run", _run_in_order),
]
RASA_ORIGINALS = {(owner, name): getattr(owner, name) for owner, name, _ in PATCHES}  # before any patching


def apply() -> None:
    for owner, name, replacement in PATCHES:
        setattr(owner, name, replacement)
    if not event.contains(Engine, "connect", _sqlite_pragmas):
        event.listen(Engine, "connect", _sqlite_pragmas)
