"""Security headers, JSON errors for the APIs, body size limits, and origin checks for browser calls."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from ipaddress import IPv4Network, IPv6Network, ip_address
from urllib.parse import urlsplit

from aiohttp import web

from bot.keys import CONFIG

logger = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SERVER_ERROR = "服务器出了点问题，请稍后再试，或拨打12345政务服务便民热线。"
API_ERRORS = {
    400: "请求格式不对。",
    404: "没有这个地址。",
    405: "不支持这种请求方式。",
    408: "请求体发送得太慢，已断开。请重新发送。",
    413: "消息太长了，请分几次发送，每次不超过500字。",
    415: "不支持这种请求内容。",
}
COMPRESSED_BODY = "请求体不能压缩（不接受 Content-Encoding），请直接发送。"
MULTIPART_BODY = "不接受 multipart 请求体：表单请用 application/x-www-form-urlencoded，接口请用 JSON。"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


Network = IPv4Network | IPv6Network


def _within(address: str, networks: tuple[Network, ...]) -> bool | None:
    """Whether `address` is in one of `networks`; None when it is not an IP address at all."""
    try:
        parsed = ip_address(address.strip())
    except ValueError:
        return None
    return any(parsed in n for n in networks)


def hop_address(hop: str) -> str:
    """An X-Forwarded-For hop without the port some proxies add: `203.0.113.7:4711` and
    `[2001:db8::7]:4711` are the addresses `203.0.113.7` and `2001:db8::7` (a bare IPv6 address stays)."""
    hop = hop.strip()
    if hop.startswith("["):
        end = hop.find("]")
        return hop[1:end] if end > 0 else hop
    if hop.count(":") == 1:
        return hop.split(":", 1)[0]
    return hop


@web.middleware
async def client_address(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Behind the configured reverse proxies, the client is the nearest X-Forwarded-For hop they
    added; from anywhere else the header is ignored, so it cannot be used to dodge rate limits.

    (aiohttp-remotes' strict mode insists on an exact hop count, which a proxy that appends to a
    client's own header breaks; its filtered mode does not check who is connecting.)
    """
    proxies: tuple[Network, ...] = request.app[CONFIG].trusted_proxies
    if not proxies or not request.remote or not _within(request.remote, proxies):
        return await handler(request)
    hops = [hop_address(h) for h in ",".join(request.headers.getall("X-Forwarded-For", [])).split(",") if h.strip()]
    for hop in reversed(hops):
        trusted = _within(hop, proxies)
        if trusted is None:
            break  # not an address: nothing to the left of it can be believed
        if not trusted:
            return await handler(request.clone(remote=hop))
    return await handler(request)


JSON_PATHS = ("/api/", "/admin/api/")
STAFF_PATHS = "/admin"


def wants_json(request: web.Request) -> bool:
    """The chat API and the staff API answer errors as JSON."""
    return request.path.startswith(JSON_PATHS)


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def browser_origins(request: web.Request) -> set[str]:
    config = request.app[CONFIG]
    return {*config.allowed_origins, origin_of(config.public_url)}


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """API errors as JSON with a reason a person can read; never a stack trace."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if not wants_json(request) or exc.status < 400:
            raise
        message = API_ERRORS.get(exc.status, "请求没有成功。")
        return web.json_response({"error": message}, status=exc.status, headers=_keep_allow(exc))
    except Exception as exc:
        logger.error("unhandled %s on %s", type(exc).__name__, request.path)
        if wants_json(request):
            return web.json_response({"error": SERVER_ERROR}, status=500)
        raise web.HTTPInternalServerError(text="服务器出了点问题，请稍后再试。") from None


def _keep_allow(exc: web.HTTPException) -> dict[str, str]:
    return {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else {}


@web.middleware
async def body_limit(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The application's size cap fits staff forms; everything else keeps the chat's small limit.

    URL-encoded Chinese takes nine bytes a character, so a service record posted from /admin is far
    larger than any chat message; the citizens' endpoints stay at `max_request_bytes`.
    """
    if request.path == STAFF_PATHS or request.path.startswith(STAFF_PATHS + "/"):
        return await handler(request)
    return await handler(request.clone(client_max_size=request.app[CONFIG].max_request_bytes))


def refusal(request: web.Request, status: int, message: str) -> web.Response:
    """A refused request's answer (JSON on the APIs); the connection is closed after it, so whatever
    the client still sends is never read."""
    if wants_json(request):
        response: web.Response = web.json_response({"error": message}, status=status)
    else:
        response = web.Response(text=message, status=status)
    response.force_close()
    return response


@web.middleware
async def request_body(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Bodies the gateway accepts, read within a deadline before any handler sees them.

    Compressed bodies are refused (a few kilobytes of deflate can inflate to gigabytes), multipart is
    refused (no form or API of the gateway uses it, and it is what makes `Request.post()` expensive),
    a declared length over the limit is refused before a byte is read, and a body that trickles in
    slower than `body_timeout` is cut off with 408. The innermost middleware: the size limit is the
    one `body_limit` chose for the path, and a 413 reaches `staff_errors` for its message.
    """
    if request.method not in BODY_METHODS and not request.can_read_body:
        return await handler(request)
    if request.headers.get("Content-Encoding", "identity").strip().lower() != "identity":
        return refusal(request, 415, COMPRESSED_BODY)
    if request.content_type.startswith("multipart/"):
        return refusal(request, 415, MULTIPART_BODY)
    limit = request.client_max_size
    if request.content_length is not None and request.content_length > limit:
        raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=request.content_length)
    if request.can_read_body:
        try:
            await asyncio.wait_for(request.read(), request.app[CONFIG].body_timeout)
        except asyncio.TimeoutError:
            return refusal(request, 408, API_ERRORS[408])
    return await handler(request)


@web.middleware
async def origin_check(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Browsers may call the chat API only from the configured portals (CORS alone would not stop the
    POST), and the staff API only from the gateway's own pages (no cross-site sign-in)."""
    origin = request.headers.get("Origin")
    if origin and request.method != "OPTIONS":
        if request.path.startswith("/admin/api/") and origin != origin_of(request.app[CONFIG].public_url):
            return web.json_response({"error": "只能从本系统的页面调用管理接口。"}, status=403)
        if request.path.startswith("/api/") and origin not in browser_origins(request):
            return web.json_response({"error": "这个网站没有接入助手。"}, status=403)
    return await handler(request)


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        _secure(exc.headers)
        raise
    _secure(response.headers)
    return response


def _secure(headers) -> None:
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    headers["Server"] = "sz-assistant"  # not aiohttp's version: no help in picking an advisory
