"""Staff sign-in: server-side sessions, CSRF tokens, and the role check every staff handler passes.

Sessions are aiohttp-session sessions stored server-side in the KB database, created only by signing
in; the cookie holds only a random key (the table keeps its SHA-256), is HttpOnly, SameSite=Strict,
limited to /admin and Secure when the public URL is https. A session carries its account's session
generation, which a password reset bumps: every older session ends. CSRF tokens are WTForms'
session-bound HMAC tokens, checked on every form post and, as the X-CSRF-Token header, on every API
write; the anonymous sign-in form has a stateless one instead (an HMAC of a time and a random nonce
kept in a cookie), so visiting it writes nothing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import hashlib
import hmac
import json
import os
import secrets
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from aiohttp_session import AbstractStorage, Session, get_session, new_session
from sqlalchemy import delete
from sqlalchemy.engine import Engine
from wtforms import Form, ValidationError
from wtforms.csrf.core import CSRF
from wtforms.csrf.session import SessionCSRF

from bot.keys import CONFIG, LIMITER, STAFF
from kb import settings
from kb.db import private_directory, session_factory
from kb.models import StaffSession, utcnow
from kb.staff import Actor, Forbidden, LockedOut, NotSignedIn, StaffError

COOKIE = "sz_staff"
LOGIN_COOKIE = "sz_login"  # the sign-in form's nonce (no server state before signing in)
LOGIN_PATH = "/admin/login"
LOGIN_TOKEN_SECONDS = 3600
READS = ("GET", "HEAD")  # what reads: every staff handler and check agrees on this
SESSION_HOURS = 8
FAILED_SIGN_IN_DELAY = 1.0  # seconds; slows down guessing (an account also locks after repeated failures)
TOO_MANY_SIGN_INS = "登录尝试太频繁，请过一分钟再试。忘记密码请联系管理员。"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class TooManySignIns(StaffError):
    status = 429


def secret_key() -> bytes:
    """SZ_SECRET_KEY, or a random key created once and kept (owner-only) in the data folder."""
    configured = settings.env("SZ_SECRET_KEY")
    if configured:
        return configured.encode("utf-8")
    path: Path = settings.data_dir() / "secret_key"
    if not path.exists():
        private_directory(path.parent)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip().encode("utf-8")


class SqlSessionStorage(AbstractStorage):
    """aiohttp-session storage in the KB database (`staff_session`)."""

    def __init__(self, engine: Engine, *, secure: bool) -> None:
        super().__init__(
            cookie_name=COOKIE,
            max_age=SESSION_HOURS * 3600,
            path="/admin",
            secure=secure,
            httponly=True,
            samesite="Strict",
        )
        self._sessions = session_factory(engine)

    async def load_session(self, request: web.Request) -> Session:
        key = self.load_cookie(request)
        data = await asyncio.to_thread(self._load, str(key)) if isinstance(key, str) and key else None
        if data is None:
            return Session(None, data=None, new=True, max_age=self.max_age)
        return Session(str(key), data=data, new=False, max_age=self.max_age)

    async def save_session(self, request: web.Request, response: web.StreamResponse, session: Session) -> None:
        key = session.identity or secrets.token_urlsafe(32)
        if session.empty:
            self.save_cookie(response, "", max_age=session.max_age)
            await asyncio.to_thread(self._delete, str(key))
            return
        self.save_cookie(response, key, max_age=session.max_age)
        await asyncio.to_thread(self._store, str(key), self._get_session_data(session))

    def _load(self, key: str) -> dict[str, Any] | None:
        with self._sessions.begin() as db:
            row = db.get(StaffSession, stored_key(key))
            if row is None:
                return None
            if row.expires_at <= utcnow():
                db.delete(row)
                return None
            return row.data

    def _store(self, key: str, data: dict[str, Any]) -> None:
        expires = utcnow() + dt.timedelta(seconds=self.max_age or SESSION_HOURS * 3600)
        with self._sessions.begin() as db:
            db.execute(delete(StaffSession).where(StaffSession.expires_at <= utcnow()))
            row = db.get(StaffSession, stored_key(key)) or StaffSession(key=stored_key(key))
            row.data = json.loads(json.dumps(data))
            row.expires_at = expires
            db.add(row)

    def _delete(self, key: str) -> None:
        with self._sessions.begin() as db:
            db.execute(delete(StaffSession).where(StaffSession.key == stored_key(key)))


def stored_key(key: str) -> str:
    """What the session table keeps of a cookie's key: its SHA-256, never the key itself."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class CsrfForm(Form):
    """A form with a session-bound CSRF token (WTForms SessionCSRF)."""

    class Meta:
        csrf = True
        csrf_class = SessionCSRF
        csrf_time_limit = dt.timedelta(hours=SESSION_HOURS)


def form_meta(request: web.Request, session: Session) -> dict[str, Any]:
    return {"csrf_secret": request.app[STAFF].secret, "csrf_context": session}


class SignedNonceCSRF(CSRF):
    """A stateless CSRF token for the anonymous sign-in form: `time.HMAC(secret, nonce, time)`, where the
    nonce is a random value in a SameSite=Strict cookie of the sign-in page (double submit, signed).
    Nothing is stored on the server, so visiting the page, or posting a bad token, writes no row."""

    def setup_form(self, form: Form) -> Any:
        self.form_meta = form.meta
        return super().setup_form(form)

    def generate_csrf_token(self, csrf_token_field: Any) -> str:
        stamp = str(int(time.time()))
        return f"{stamp}.{self._sign(stamp)}"

    def validate_csrf_token(self, form: Form, field: Any) -> None:
        stamp, _, signature = str(field.data or "").partition(".")
        fresh = stamp.isdigit() and 0 <= time.time() - int(stamp) <= LOGIN_TOKEN_SECONDS
        if not fresh or not self.form_meta.csrf_context or not hmac.compare_digest(signature, self._sign(stamp)):
            raise ValidationError("CSRF 校验失败")

    def _sign(self, stamp: str) -> str:
        message = f"staff-sign-in|{self.form_meta.csrf_context}|{stamp}".encode()
        return hmac.new(self.form_meta.csrf_secret, message, hashlib.sha256).hexdigest()


class LoginCsrfForm(Form):
    class Meta:
        csrf = True
        csrf_class = SignedNonceCSRF


def login_nonce(request: web.Request) -> str:
    """The sign-in form's nonce: the browser's cookie, or a new one (set by `keep_login_nonce`)."""
    nonce = request.cookies.get(LOGIN_COOKIE, "")
    return nonce if 16 <= len(nonce) <= 64 and nonce.isalnum() else ""


def keep_login_nonce(request: web.Request, response: web.StreamResponse, nonce: str) -> None:
    response.set_cookie(
        LOGIN_COOKIE, nonce, path=LOGIN_PATH, httponly=True, samesite="Strict",
        secure=request.app[CONFIG].secure_cookies, max_age=LOGIN_TOKEN_SECONDS,
    )  # fmt: skip


def login_meta(request: web.Request, nonce: str) -> dict[str, Any]:
    return {"csrf_secret": request.app[STAFF].secret, "csrf_context": nonce}


async def csrf_token(request: web.Request) -> str:
    session = await get_session(request)
    form = CsrfForm(meta=form_meta(request, session))
    return form.csrf_token.current_token


async def check_csrf_header(request: web.Request) -> None:
    """API writes carry the session's CSRF token in X-CSRF-Token."""
    session = await get_session(request)
    form = CsrfForm(
        formdata=FormData({"csrf_token": [request.headers.get("X-CSRF-Token", "")]}),
        meta=form_meta(request, session),
    )
    if not form.validate():
        raise Forbidden("CSRF 校验失败：请求缺少有效的 X-CSRF-Token")


class FormData:
    """aiohttp's form multidict in the shape WTForms reads (`getlist`)."""

    def __init__(self, data: Any) -> None:
        self._data = data

    def __iter__(self):
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def getlist(self, key: str) -> list[str]:
        if hasattr(self._data, "getall"):
            return [v for v in self._data.getall(key, []) if isinstance(v, str)]
        value = self._data.get(key, [])
        return list(value) if isinstance(value, list) else [value]


async def authenticate(request: web.Request, username: str, password: str) -> Actor:
    """Check a sign-in for the form and the API alike: limited per client address (whatever the
    account, so spraying one password over many accounts is slowed too), and a failure costs a pause."""
    if not await request.app[LIMITER].allow_sign_in(request.remote or "unknown"):
        raise TooManySignIns(TOO_MANY_SIGN_INS)
    try:
        return await asyncio.to_thread(request.app[STAFF].ops.authenticate, username, password)
    except (NotSignedIn, LockedOut):
        await asyncio.sleep(FAILED_SIGN_IN_DELAY)
        raise


async def sign_in(request: web.Request, actor: Actor) -> None:
    """A fresh session (new key: no session fixation) bound to the signed-in account and its session
    generation (a password reset ends it)."""
    session = await new_session(request)
    session["staff_id"] = actor.id
    session["generation"] = actor.session_generation


async def sign_out(request: web.Request) -> None:
    session = await get_session(request)
    session.invalidate()


async def current_actor(request: web.Request) -> Actor | None:
    session = await get_session(request)
    staff_id = session.get("staff_id")
    if not isinstance(staff_id, int):
        return None
    actor = await asyncio.to_thread(request.app[STAFF].ops.actor, staff_id)
    if actor is None or session.get("generation", 0) != actor.session_generation:
        return None  # deactivated, or signed in before the password was reset
    return actor


def is_read(request: web.Request) -> bool:
    return request.method in READS


def is_api(request: web.Request) -> bool:
    return request.path.startswith("/admin/api/")


def staff_only(
    *, admin: bool = False, editor: bool = False, editor_writes: bool = False
) -> Callable[[Handler], Handler]:
    """Require a signed-in staff account (and a role); API writes also need the CSRF header.

    `editor` needs an editing role for every method, `editor_writes` only for what is not GET or HEAD.
    """

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def wrapper(request: web.Request) -> web.StreamResponse:
            actor = await current_actor(request)
            if actor is None:
                if is_api(request):
                    raise NotSignedIn("请先登录")
                raise web.HTTPFound(f"/admin/login?next={request.rel_url}")
            if admin and not actor.is_admin:
                raise Forbidden("只有管理员可以访问")
            writes = not is_read(request)
            if (editor or (editor_writes and writes)) and not actor.can_edit:
                raise Forbidden("只读账户不能修改内容")
            if is_api(request) and writes:
                await check_csrf_header(request)
            request["actor"] = actor
            return await handler(request)

        wrapper.staff_only = True  # type: ignore[attr-defined] - read by the route inventory test
        wrapper.admin_only = admin  # type: ignore[attr-defined]
        return wrapper

    return decorate


@web.middleware
async def staff_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """StaffError → a page or a JSON body with the reason (and field errors); never a stack trace."""
    try:
        return await handler(request)
    except web.HTTPRequestEntityTooLarge:
        if not request.path.startswith("/admin"):
            raise  # the chat's own limit and message
        return _too_large(request)
    except StaffError as exc:
        if is_api(request) or not request.path.startswith("/admin"):
            body: dict[str, Any] = {"error": str(exc) if not hasattr(exc, "errors") else "内容有误"}
            if hasattr(exc, "errors"):
                body["fields"] = exc.errors  # type: ignore[attr-defined]
            return web.json_response(body, status=exc.status)
        if isinstance(exc, NotSignedIn):
            raise web.HTTPFound("/admin/login") from None
        return aiohttp_jinja2.render_template(
            "staff/error.html", request, {"message": str(exc), "actor": request.get("actor")}, status=exc.status
        )


def _too_large(request: web.Request) -> web.Response:
    """An over-limit staff post: say so in words, and how not to lose what was typed."""
    limit = f"{request.app[CONFIG].max_staff_request_bytes // 1024} KB"
    if is_api(request):
        return web.json_response({"error": f"请求体太大（超过{limit}），没有保存。请精简内容后重试。"}, status=413)
    message = (
        f"提交的内容太大（超过{limit}），没有保存。请点浏览器的“后退”回到表单"
        "（填写的内容一般还在），精简后再提交；或把内容分成几次保存。"
    )
    return aiohttp_jinja2.render_template(
        "staff/error.html", request, {"message": message, "actor": request.get("actor")}, status=413
    )
