"""The chat endpoint the widget talks to: check, mask, rate-limit, forward to Rasa, degrade politely."""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import re
from typing import Any

import aiohttp
from aiohttp import web

from bot.keys import BACKENDS, CLIENT, CONFIG, LIMITER
from kb.privacy import mask_message

logger = logging.getLogger(__name__)

CONVERSATION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
UNAVAILABLE = "抱歉，助手暂时没有响应。请稍后点“重试”，或拨打12345政务服务便民热线，有人工为您解答。"
TOO_FAST = "您发送得太快了，请稍等一会儿再试。着急的话可以拨打12345政务服务便民热线。"


def json_error(message: str, status: int, **extra: Any) -> web.Response:
    return web.json_response({"error": message, **extra}, status=status)


async def chat(request: web.Request) -> web.Response:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return json_error('请求格式不对：需要JSON，如 {"conversation_id": "…", "message": "…"}', 400)
    if not isinstance(body, dict):
        return json_error("请求格式不对：需要一个JSON对象", 400)
    conversation_id, message = body.get("conversation_id"), body.get("message", "")
    if not isinstance(conversation_id, str) or not CONVERSATION_ID.match(conversation_id):
        return json_error("conversation_id 需要是8到64位的字母、数字、-或_", 400)
    if not isinstance(message, str):
        return json_error("message 需要是文字", 400)

    config = request.app[CONFIG]
    if not await request.app[LIMITER].allow(conversation_id, request.remote or "unknown"):
        return json_error(TOO_FAST, 429, retry_after=10)
    text = mask_message(message)[: config.max_message_chars * 2]  # masked first: a cut never splits a number
    messages, status = await forward(request.app, conversation_id, text)
    # `message` is the citizen's text as kept (personal numbers masked): the widget stores that, not what was typed
    reply = {"conversation_id": conversation_id, "status": status, "message": text, "messages": messages}
    return web.json_response(reply)


async def forward(app: web.Application, conversation_id: str, text: str) -> tuple[list[dict[str, Any]], str]:
    """Send one message to a Rasa server; try the next one if a server is unreachable."""
    config = app[CONFIG]
    session: aiohttp.ClientSession = app[CLIENT]
    payload = {"sender": conversation_id, "message": text}
    headers = {"X-Internal-Token": config.internal_token} if config.internal_token else {}
    loop = asyncio.get_running_loop()
    deadline = loop.time() + config.chat_timeout
    for url in app[BACKENDS].order():
        remaining = deadline - loop.time()
        if remaining <= 0:
            break
        try:
            async with session.post(
                f"{url}/webhooks/rest/webhook",
                json=payload,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=remaining),
            ) as reply:
                if reply.status == 200:
                    return _clean_all(await reply.json()), "ok"
                logger.warning("assistant at %s answered HTTP %s", url, reply.status)
        except aiohttp.ClientConnectionError:
            logger.warning("assistant at %s unreachable", url)
            continue
        except (asyncio.TimeoutError, aiohttp.ClientError, ValueError) as exc:
            logger.warning("assistant at %s failed: %s", url, type(exc).__name__)
            break
    return [{"text": UNAVAILABLE}], "unavailable"


def _clean_all(messages: Any) -> list[dict[str, Any]]:
    """The renderable messages of a Rasa reply; anything that is not a message object, or is empty, goes."""
    if not isinstance(messages, list):
        return []
    cleaned = (_clean(m) for m in messages if isinstance(m, dict))
    return [m for m in cleaned if m]


def _clean(message: dict[str, Any]) -> dict[str, Any]:
    """Only what the widget renders: text and buttons (title, payload)."""
    out: dict[str, Any] = {}
    if isinstance(message.get("text"), str):
        out["text"] = message["text"]
    buttons = [
        {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
        for b in message.get("buttons") or []
        if isinstance(b, dict)
    ]
    if buttons:
        out["buttons"] = buttons
    return out


async def health(request: web.Request) -> web.Response:
    """Up if any assistant answers; counts only (the internal addresses are nobody's business)."""
    session: aiohttp.ClientSession = request.app[CLIENT]
    states = await request.app[BACKENDS].health(functools.partial(_up, session))
    ok = any(states)
    return web.json_response(
        {"status": "ok" if ok else "degraded", "assistants_up": sum(states), "assistants": len(states)},
        status=200 if ok else 503,
    )


async def _up(session: aiohttp.ClientSession, url: str) -> bool:
    try:
        async with session.get(f"{url}/webhooks/rest/", timeout=aiohttp.ClientTimeout(total=1)) as reply:
            return reply.status == 200
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return False
