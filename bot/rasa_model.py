"""Switch a running Rasa server to another model without a pause in answering (`/webhooks/model/`).

Registered in credentials.yml next to the REST channel. `POST /webhooks/model/load {"model_file": …}`
builds the new model's message processor in a worker thread while the current one keeps answering, then
switches the agent to it between two messages: conversations carry on (their trackers are in the shared
tracker store), a message already being handled finishes on the old model. `GET /webhooks/model/` names
the model in use. Both need the control token (bot.model_store.control_token), and only the build model
or a file in the models folder can be loaded.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rasa.core.agent import Agent
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.processor import MessageProcessor
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import heap
from bot.model_store import build_model, control_token, models_dir

logger = logging.getLogger(__name__)
_switching = asyncio.Lock()


def loadable(path: Path) -> bool:
    """Only models this product trained: the build model, or a file directly in the models folder."""
    resolved = path.resolve()
    return resolved.is_file() and (resolved == build_model().resolve() or resolved.parent == models_dir().resolve())


def new_processor(agent: Agent, model_path: Path) -> MessageProcessor:
    """The new model's processor, on the agent's own stores and endpoints (runs in a worker thread)."""
    return MessageProcessor(
        model_path=model_path,
        tracker_store=agent.tracker_store,
        lock_store=agent.lock_store,
        action_endpoint=agent.action_endpoint,
        generator=agent.nlg,
        http_interpreter=agent.http_interpreter,
    )


def switch(agent: Agent, processor: MessageProcessor) -> None:
    """What Agent.load_model does after building the processor, done between two messages."""
    agent.processor = processor
    agent.domain = processor.domain
    agent._set_fingerprint(None)
    agent.tracker_store.domain = processor.domain
    if isinstance(agent.nlg, TemplatedNaturalLanguageGenerator):
        agent.nlg.responses = processor.domain.responses


def model_name(agent: Agent) -> str:
    return agent.processor.model_path.name if agent.processor else ""


class ModelControlInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "model"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        control = Blueprint("model_control", __name__)

        @control.listener("after_server_start")
        async def freeze_heap(_app: Any, _loop: Any) -> None:  # Rasa loads the model before the server starts
            heap.freeze()

        @control.route("/", methods=["GET"])
        async def current(request: Request) -> HTTPResponse:
            if not _authorised(request):
                return response.json({"error": "需要模型控制令牌"}, status=401)
            return response.json({"model": model_name(request.app.ctx.agent)})

        @control.route("/load", methods=["POST"])
        async def load(request: Request) -> HTTPResponse:
            if not _authorised(request):
                return response.json({"error": "需要模型控制令牌"}, status=401)
            raw = (request.json or {}).get("model_file") if isinstance(request.json, dict) else None
            if not isinstance(raw, str) or not loadable(Path(raw)):
                return response.json({"error": "只能加载本产品训练的模型文件"}, status=400)
            async with _switching:
                agent = request.app.ctx.agent
                try:
                    processor = await asyncio.get_running_loop().run_in_executor(None, new_processor, agent, Path(raw))
                except Exception as exc:  # a broken file must leave the serving model as it was
                    logger.error("loading %s failed: %s", raw, exc)
                    return response.json({"error": f"模型加载失败：{type(exc).__name__}"}, status=422)
                switch(agent, processor)
                heap.refreeze()
            logger.info("now serving %s", model_name(agent))
            return response.json({"model": model_name(agent)})

        return control


def _authorised(request: Request) -> bool:
    given = request.headers.get("X-Model-Token", "").encode("utf-8", "replace")
    return hmac.compare_digest(given, control_token().encode())
