"""Rasa's REST channel made safe for citizens' input (`/webhooks/rest/webhook`).

Registered in credentials.yml. Before a message reaches Rasa's NLU, tracker store or logs it is
checked and cleaned: a malformed request gets a 400 with a clear reason, control characters go,
over-long text is cut, ID-card and phone numbers are masked, and a typed "/intent{…}" that is not one
of the assistant's own button payloads is treated as plain text. Client metadata is not stored.
When Rasa listens beyond loopback (other machines), every call must carry SZ_INTERNAL_TOKEN.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import unicodedata
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import rasa_tuning
from kb import settings
from kb.privacy import mask_message

rasa_tuning.apply()

logger = logging.getLogger(__name__)

SENDER = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
PAYLOAD = re.compile(r"^/([a-z_]+)(\{.*\})?$", re.DOTALL)
BUTTON_INTENTS = {
    "affirm", "deny", "stop", "inform", "choose_service", "request_human", "greet",
    "feedback_helpful", "feedback_unhelpful", "tailor_medical",
    "ask_materials", "ask_steps", "ask_channels", "ask_time_limit", "ask_eligibility", "ask_fees", "ask_contact",
}  # fmt: skip
PAYLOAD_ENTITIES = {"service_key", "stay_type", "card_problem"}
EMPTY_REPLY = "您好像还没有输入内容。请直接打字说您想办的事，比如“社保卡丢了怎么办”。"
NO_REPLY = "抱歉，系统暂时没能给出答复，请稍后再试，或拨打12345政务服务便民热线。"


def max_message_chars() -> int:
    return int(settings.env("SZ_MAX_MESSAGE_CHARS"))


def clean_text(raw: str) -> str:
    """Printable text only, length-limited, personal numbers masked (in button payloads too, once decoded)."""
    text = unicodedata.normalize("NFC", raw)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return mask_message(" ".join(text.split()))[: max_message_chars()]  # masked first: a cut never splits a number


def safe_payload(text: str) -> str:
    """Keep a "/intent{…}" only if it is one of the assistant's own buttons."""
    if not text.startswith("/"):
        return text
    match = PAYLOAD.match(text)
    if match and match.group(1) in BUTTON_INTENTS and _entities_ok(match.group(2)):
        return text
    return text.lstrip("/").strip()


def _entities_ok(raw: str | None) -> bool:
    if raw is None:
        return True
    try:
        entities = json.loads(raw)
    except ValueError:
        return False
    return (
        isinstance(entities, dict)
        and set(entities) <= PAYLOAD_ENTITIES
        and all(isinstance(v, str) and len(v) <= 64 for v in entities.values())
    )


def _error(message: str, status: int = 400) -> HTTPResponse:
    return response.json({"error": message}, status=status)


class SafeRestInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("safe_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            token = settings.env("SZ_INTERNAL_TOKEN")
            if token and not hmac.compare_digest(request.headers.get("X-Internal-Token", ""), token):
                return _error("需要内部令牌（X-Internal-Token）", status=401)
            try:
                body = json.loads(request.body or b"")
            except (ValueError, UnicodeDecodeError):
                return _error('请求体必须是JSON：{"sender": "会话编号", "message": "文字"}')
            if not isinstance(body, dict):
                return _error("请求体必须是JSON对象")
            sender, message = body.get("sender"), body.get("message")
            if not isinstance(sender, str) or not SENDER.match(sender):
                return _error("sender必须是1到64位的字母、数字或-_.:")
            if message is None:
                message = ""
            if not isinstance(message, str):
                return _error("message必须是文字")
            text = safe_payload(clean_text(message))
            if not text.strip():
                return response.json([{"recipient_id": sender, "text": EMPTY_REPLY}])
            collector = CollectingOutputChannel()
            try:
                await on_new_message(UserMessage(text, collector, sender, input_channel=self.name()))
            except Exception as exc:
                logger.error("message handling failed: %s", type(exc).__name__)
            return response.json(collector.messages or [{"recipient_id": sender, "text": NO_REPLY}])

        return webhook
