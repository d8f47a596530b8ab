"""The staff JSON API (/admin/api/…): the same operations, sign-in, roles and validation as the pages.

Sign in with POST /admin/api/session; the answer sets the session cookie and gives the CSRF token,
which every write must send as X-CSRF-Token. Bodies are JSON sent as Content-Type: application/json;
sign-in attempts are limited per client address. Errors are JSON: {"error": …, "fields": {field: [...]}}.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from bot.staff.auth import TooManySignIns, authenticate, csrf_token, current_actor, sign_in, sign_out, staff_only
from bot.staff.retraining import retraining_report, start_job
from bot.staff.views import content_ops, ctx, days_in, page_in, run
from kb.staff import Invalid, LockedOut, NotSignedIn, StaffError


class NotJson(StaffError):
    status = 415


async def body(request: web.Request) -> dict[str, Any]:
    """The request's JSON object; only sent as application/json, which a cross-site form cannot do."""
    if request.content_type != "application/json":
        raise NotJson("请求体必须是JSON，并带上 Content-Type: application/json")
    try:
        data = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise Invalid({"__all__": ["请求体必须是JSON"]}) from None
    if not isinstance(data, dict):
        raise Invalid({"__all__": ["请求体必须是JSON对象"]})
    return data


def version_in(data: dict[str, Any]) -> int:
    version = data.get("version")
    if not isinstance(version, int):
        raise Invalid({"version": ["需要当前版本号 version（整数），用于防止覆盖他人的修改"]})
    return version


def record_in(data: dict[str, Any]) -> dict[str, Any]:
    record = data.get("record")
    if not isinstance(record, dict):
        raise Invalid({"record": ["需要 record 对象"]})
    return record


def actor_json(actor: Any) -> dict[str, Any]:
    return {
        "username": actor.username,
        "display_name": actor.display_name,
        "role": actor.role,
        "bureaus": list(actor.bureaus),
    }


# --- session ----------------------------------------------------------------------------------


async def session_create(request: web.Request) -> web.Response:
    data = await body(request)
    try:
        actor = await authenticate(request, str(data.get("username", "")), str(data.get("password", "")))
    except (NotSignedIn, LockedOut, TooManySignIns) as exc:
        return web.json_response({"error": str(exc)}, status=exc.status)
    await sign_in(request, actor)
    return web.json_response({"staff": actor_json(actor), "csrf_token": await csrf_token(request)})


@staff_only()
async def session_delete(request: web.Request) -> web.Response:
    await sign_out(request)
    return web.json_response({"signed_out": True})


@staff_only()
async def session_info(request: web.Request) -> web.Response:
    actor = await current_actor(request)
    return web.json_response({"staff": actor_json(actor), "csrf_token": await csrf_token(request)})


# --- services ---------------------------------------------------------------------------------


@staff_only()
async def services(request: web.Request) -> web.Response:
    q = request.query
    return web.json_response(
        await run(ctx(request).reports.services, q.get("q", ""), q.get("bureau", ""), q.get("topic", ""))
    )


async def _state(request: web.Request, key: str, status_code: int = 200) -> web.Response:
    record, version, status, has_draft = await run(content_ops(request).for_edit, request["actor"], key)
    return web.json_response(
        {"key": key, "record": record, "version": version, "status": status, "has_draft": has_draft}, status=status_code
    )


@staff_only()
async def content(request: web.Request) -> web.Response:
    return await _state(request, request.match_info["key"])


@staff_only(editor=True)
async def content_create(request: web.Request) -> web.Response:
    key = await run(content_ops(request).create, request["actor"], record_in(await body(request)))
    return await _state(request, key, 201)


@staff_only(editor=True)
async def content_save(request: web.Request) -> web.Response:
    data = await body(request)
    key = request.match_info["key"]
    await run(content_ops(request).save_draft, request["actor"], key, record_in(data), version_in(data))
    return await _state(request, key)


@staff_only(editor=True)
async def content_publish(request: web.Request) -> web.Response:
    data = await body(request)
    key = request.match_info["key"]
    await run(content_ops(request).publish, request["actor"], key, version_in(data))
    return await _state(request, key)


@staff_only()
async def content_history(request: web.Request) -> web.Response:
    entity = content_ops(request).entity
    return web.json_response(await run(ctx(request).ops.history, entity, request.match_info["key"]))


@staff_only(editor=True)
async def content_restore(request: web.Request) -> web.Response:
    data = await body(request)
    key = request.match_info["key"]
    revision = data.get("revision")
    if not isinstance(revision, int):
        raise Invalid({"revision": ["需要历史记录编号 revision（整数）"]})
    await run(content_ops(request).restore, request["actor"], key, revision, version_in(data))
    return await _state(request, key)


@staff_only()
async def faqs(request: web.Request) -> web.Response:
    return web.json_response(await run(ctx(request).reports.faqs, request.query.get("q", "")))


# --- reference, reports, queues ---------------------------------------------------------------


@staff_only()
async def bureaus(request: web.Request) -> web.Response:
    return web.json_response(await run(ctx(request).reports.bureaus))


@staff_only()
async def tasks(request: web.Request) -> web.Response:
    return web.json_response(await run(ctx(request).reports.tasks))


@staff_only()
async def stale(request: web.Request) -> web.Response:
    items = await run(ctx(request).reports.stale, days_in(request, ctx(request).stale_days))
    return web.json_response(items, dumps=lambda o: json.dumps(o, default=str, ensure_ascii=False))


@staff_only()
async def unanswered(request: web.Request) -> web.Response:
    return web.json_response(await run(ctx(request).reports.unanswered, request.query.get("status", "open")))


@staff_only(editor=True)
async def unanswered_link(request: web.Request) -> web.Response:
    data = await body(request)
    await run(
        ctx(request).ops.link_unanswered,
        request["actor"],
        int(request.match_info["id"]),
        str(data.get("service_key", "")),
        bool(data.get("add_alias", False)),
    )
    return web.json_response({"linked": True})


@staff_only(editor=True)
async def unanswered_dismiss(request: web.Request) -> web.Response:
    await run(ctx(request).ops.dismiss_unanswered, request["actor"], int(request.match_info["id"]))
    return web.json_response({"dismissed": True})


@staff_only()
async def suggestions(request: web.Request) -> web.Response:
    """NLU example suggestions, newest first; `?status=offered|accepted|rejected` for one kind."""
    status = request.query.get("status", "")
    return web.json_response(await run(ctx(request).reports.suggestions, [status] if status else []))


@staff_only(admin=True)
async def suggestion_accept(request: web.Request) -> web.Response:
    await run(ctx(request).ops.accept_example, request["actor"], int(request.match_info["id"]))
    return web.json_response({"status": "accepted"})


@staff_only(admin=True)
async def suggestion_reject(request: web.Request) -> web.Response:
    await run(ctx(request).ops.reject_example, request["actor"], int(request.match_info["id"]))
    return web.json_response({"status": "rejected"})


@staff_only()
async def feedback(request: web.Request) -> web.Response:
    return web.json_response(await run(ctx(request).reports.feedback_summary, days_in(request, 30)))


@staff_only()
async def messages(request: web.Request) -> web.Response:
    """One page (`?page=`, 50 a page, newest first); X-Total-Count says how many there are."""
    status, reports = request.query.get("status", "open"), ctx(request).reports
    items = await run(reports.messages, status, page_in(request))
    total = await run(reports.message_count, status)
    return web.json_response(items, headers={"X-Total-Count": str(total)})


@staff_only(editor=True)
async def message_handled(request: web.Request) -> web.Response:
    await run(ctx(request).ops.mark_message_handled, request["actor"], int(request.match_info["id"]))
    return web.json_response({"handled": True})


@staff_only(admin=True)
async def staff(request: web.Request) -> web.Response:
    return web.json_response(await run(ctx(request).ops.list_staff, request["actor"]))


@staff_only()
async def retraining(request: web.Request) -> web.Response:
    report = await run(retraining_report, ctx(request).kb)
    return web.json_response({**report, "history": await run(ctx(request).reports.model_history)})


@staff_only(admin=True)
async def retraining_start(request: web.Request) -> web.Response:
    """Start a retraining (202); 409 while one is running. Progress: GET /admin/api/retraining."""
    await start_job("train", request["actor"].username)
    return web.json_response({"started": True, "status": "/admin/api/retraining"}, status=202)


@staff_only(admin=True)
async def retraining_rollback(request: web.Request) -> web.Response:
    await start_job("rollback", request["actor"].username)
    return web.json_response({"started": True, "status": "/admin/api/retraining"}, status=202)
