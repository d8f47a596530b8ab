"""Staff pages under /admin: sign-in, content editing with draft → publish, history, review queues."""

from __future__ import annotations

import asyncio
import functools
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import aiohttp_jinja2
from aiohttp import web
from aiohttp_session import get_session

from bot.keys import STAFF
from bot.staff import charts
from bot.staff.auth import (
    FormData,
    TooManySignIns,
    authenticate,
    csrf_token,
    current_actor,
    form_meta,
    is_read,
    keep_login_nonce,
    login_meta,
    login_nonce,
    sign_in,
    sign_out,
    staff_only,
)
from bot.staff.forms import (
    ActionForm,
    FaqForm,
    FaqFromQuestionForm,
    FormShapeError,
    LinkQuestionForm,
    LoginForm,
    ServiceForm,
    StaffEditForm,
    attach_errors,
    faq_form_data,
    faq_record,
    service_form_data,
    service_record,
)
from bot.staff.retraining import retraining_report, start_job
from kb.models import ACCEPTED, OFFERED, REJECTED
from kb.reports import MESSAGES_PER_PAGE
from kb.staff import Actor, ContentOps, Forbidden, Invalid, LockedOut, NotSignedIn, StaffError

T = TypeVar("T")
MAX_DAYS = 365  # the longest period a report covers (the feedback timeline has a bar a day)
MAX_PAGE = 10000
ASCII_NUMBER = re.compile(r"[0-9]+")
DECIDED_SHOWN = 100  # the latest accepted and rejected examples on the suggestions page


async def run(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """KB work off the event loop, so chat is never held up by a staff save."""
    return await asyncio.to_thread(functools.partial(function, *args, **kwargs))


async def render(request: web.Request, template: str, context: dict[str, Any], status: int = 200) -> web.Response:
    actor = request.get("actor")
    context = {
        "actor": actor,
        "csrf": await csrf_token(request) if actor else "",  # an anonymous page writes no session
        "path": request.path,
        **context,
    }
    return aiohttp_jinja2.render_template(f"staff/{template}", request, context, status=status)


async def posted_form(request: web.Request, form_class: type[T], **kwargs: Any) -> T:
    """A form filled from the POST body; raises Forbidden if its CSRF token is wrong."""
    session = await get_session(request)
    form = form_class(formdata=FormData(await request.post()), meta=form_meta(request, session), **kwargs)
    # only the CSRF token has validators here: the record's shape is checked by the KB
    if not form.validate() and form.csrf_token.errors:
        raise Forbidden("表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试")
    return form


async def blank_form(request: web.Request, form_class: type[T], data: dict[str, Any] | None = None) -> T:
    session = await get_session(request)
    return form_class(data=data or {}, meta=form_meta(request, session))


def version_of(form: Any) -> int:
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        raise Invalid({"version": ["缺少版本号，请刷新页面后重试"]}) from None


def ctx(request: web.Request):
    return request.app[STAFF]


def days_in(request: web.Request, default: int) -> int:
    """`?days=` for pages and API: ASCII digits only (else the default), kept within 1..MAX_DAYS."""
    value = request.query.get("days", "")
    if not ASCII_NUMBER.fullmatch(value):
        return default
    digits = value.lstrip("0")
    if len(digits) > len(str(MAX_DAYS)):
        return MAX_DAYS  # never int() a huge string
    return min(max(int(digits or "0"), 1), MAX_DAYS)


def page_in(request: web.Request) -> int:
    """`?page=` of a paginated list: ASCII digits only (else 1), at most MAX_PAGE."""
    value = request.query.get("page", "")
    if not ASCII_NUMBER.fullmatch(value) or len(value) > len(str(MAX_PAGE)):
        return 1
    return min(max(int(value), 1), MAX_PAGE)


# --- sign-in ----------------------------------------------------------------------------------


async def login_page(request: web.Request) -> web.Response:
    if await current_actor(request):
        raise web.HTTPFound("/admin")
    nonce = login_nonce(request) or secrets.token_hex(16)
    form = LoginForm(data={"next": request.query.get("next", "")}, meta=login_meta(request, nonce))
    response = await render(request, "login.html", {"form": form, "error": None})
    keep_login_nonce(request, response, nonce)
    return response


async def login_submit(request: web.Request) -> web.Response:
    nonce = login_nonce(request)
    form = LoginForm(formdata=FormData(await request.post()), meta=login_meta(request, nonce))
    if not form.validate() and form.csrf_token.errors:
        raise Forbidden("表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试")
    try:
        actor = await authenticate(request, form.username.data or "", form.password.data or "")
    except (NotSignedIn, LockedOut, TooManySignIns) as exc:
        form.password.data = ""
        return await render(request, "login.html", {"form": form, "error": str(exc)}, status=exc.status)
    await sign_in(request, actor)
    target = form.next.data or "/admin"
    raise web.HTTPFound(target if target.startswith("/admin") and "//" not in target else "/admin")


@staff_only()
async def logout(request: web.Request) -> web.Response:
    await posted_form(request, ActionForm)
    await sign_out(request)
    raise web.HTTPFound("/admin/login")


# --- dashboard --------------------------------------------------------------------------------


@staff_only()
async def dashboard(request: web.Request) -> web.Response:
    reports = ctx(request).reports
    counts = await run(reports.counts)
    feedback = await run(reports.feedback_summary, 30)
    stale = await run(reports.stale, ctx(request).stale_days)
    return await render(
        request,
        "dashboard.html",
        {
            "counts": counts,
            "feedback": feedback,
            "chart": charts.feedback_bars(feedback["timeline"]),
            "stale": len(stale),
        },
    )


# --- services and FAQs: one editor -----------------------------------------------------------


@staff_only()
async def services_list(request: web.Request) -> web.Response:
    query = request.query
    items = await run(
        ctx(request).reports.services, query.get("q", ""), query.get("bureau", ""), query.get("topic", "")
    )
    return await render(request, "services.html", {"items": items, "q": query.get("q", "")})


@staff_only()
async def faqs_list(request: web.Request) -> web.Response:
    items = await run(ctx(request).reports.faqs, request.query.get("q", ""))
    return await render(request, "faqs.html", {"items": items, "q": request.query.get("q", "")})


async def _bureau_choices(request: web.Request) -> list[tuple[str, str]]:
    return [(b["name"], b["name"]) for b in await run(ctx(request).reports.bureaus)]


async def _service_choices(request: web.Request) -> list[tuple[str, str]]:
    return [(s["key"], s["name"]) for s in await run(ctx(request).reports.services)]


async def _set_bureau_choices(request: web.Request, form: ServiceForm) -> None:
    choices = await _bureau_choices(request)
    form.lead_bureau.choices = [("", "（请选择）"), *choices]
    form.other_bureaus.choices = choices


async def _set_service_choices(request: web.Request, form: FaqForm) -> None:
    form.services.choices = await _service_choices(request)


def _lead_bureau_of(actor: Actor) -> dict[str, Any]:
    return {"lead_bureau": actor.bureaus[0] if actor.bureaus else ""}


@dataclass(frozen=True)
class EditorPage:
    """How one kind of content is shown and read back on the staff pages."""

    entity: str
    template: str
    form: type
    form_data: Callable[[dict[str, Any]], dict[str, Any]]
    record: Callable[[Any], dict[str, Any]]
    set_choices: Callable[[web.Request, Any], Awaitable[None]]
    new_form_data: Callable[[Actor], dict[str, Any]] = lambda actor: {}


EDITOR_PAGES = {
    "services": EditorPage(
        "service", "service_form.html", ServiceForm, service_form_data, service_record, _set_bureau_choices,
        _lead_bureau_of,
    ),
    "faqs": EditorPage("faq", "faq_form.html", FaqForm, faq_form_data, faq_record, _set_service_choices),
}  # fmt: skip
CONTENT_KINDS = "|".join(EDITOR_PAGES)  # the {kind} of /admin/{kind}/… and /admin/api/{kind}/…


def content_ops(request: web.Request) -> ContentOps:
    return ctx(request).ops.content(EDITOR_PAGES[request.match_info["kind"]].entity)


def _page(request: web.Request) -> tuple[str, EditorPage, ContentOps]:
    kind = request.match_info["kind"]
    return kind, EDITOR_PAGES[kind], content_ops(request)


@staff_only(editor=True)
async def content_new(request: web.Request) -> web.Response:
    kind, page, ops = _page(request)
    actor = request["actor"]
    if is_read(request):
        form = await blank_form(request, page.form, page.new_form_data(actor))
        await page.set_choices(request, form)
        return await render(request, page.template, {"form": form, "creating": True, "general": []})
    form = await posted_form(request, page.form)
    await page.set_choices(request, form)
    try:
        key = await run(ops.create, actor, page.record(form))
    except (Invalid, FormShapeError) as exc:
        general = attach_errors(form, exc.errors)
        return await render(request, page.template, {"form": form, "creating": True, "general": general}, 422)
    raise web.HTTPFound(f"/admin/{kind}/{key}?saved=created")


@staff_only(editor_writes=True)
async def content_edit(request: web.Request) -> web.Response:
    kind, page, ops = _page(request)
    key = request.match_info["key"]
    record, version, status, has_draft = await run(ops.for_edit, request["actor"], key)
    base = {"creating": False, "key": key, "status": status, "has_draft": has_draft}
    if is_read(request):
        form = await blank_form(request, page.form, {**page.form_data(record), "version": version})
        await page.set_choices(request, form)
        context = {**base, "form": form, "general": [], "saved": request.query.get("saved")}
        return await render(request, page.template, context)
    form = await posted_form(request, page.form)
    await page.set_choices(request, form)
    form.key.data = key
    publish = (await request.post()).get("action") == "publish"
    try:
        new_version = await run(ops.save_draft, request["actor"], key, page.record(form), version_of(form))
        if publish:
            await run(ops.publish, request["actor"], key, new_version)
    except (Invalid, FormShapeError) as exc:
        context = {**base, "form": form, "general": attach_errors(form, exc.errors)}
        return await render(request, page.template, context, 422)
    except StaffError as exc:
        if exc.status != 409:
            raise
        context = {**base, "form": form, "general": [str(exc)], "conflict": True}
        return await render(request, page.template, context, 409)
    raise web.HTTPFound(f"/admin/{kind}/{key}?saved={'published' if publish else 'draft'}")


@staff_only(editor=True)
async def content_publish(request: web.Request) -> web.Response:
    kind, ops = request.match_info["kind"], content_ops(request)
    key = request.match_info["key"]
    form = await posted_form(request, ActionForm)
    await run(ops.publish, request["actor"], key, version_of(form))
    raise web.HTTPFound(f"/admin/{kind}/{key}?saved=published")


@staff_only()
async def content_history(request: web.Request) -> web.Response:
    kind, page, ops = _page(request)
    key = request.match_info["key"]
    _record, version, _status, _draft = await run(ops.for_edit, request["actor"], key)
    items = await run(ctx(request).ops.history, page.entity, key)
    return await render(request, "history.html", {"kind": kind, "key": key, "items": items, "version": version})


@staff_only(editor=True)
async def content_restore(request: web.Request) -> web.Response:
    kind, ops = request.match_info["kind"], content_ops(request)
    key = request.match_info["key"]
    form = await posted_form(request, ActionForm)
    await run(ops.restore, request["actor"], key, int(request.match_info["revision"]), version_of(form))
    raise web.HTTPFound(f"/admin/{kind}/{key}?saved=restored")


@staff_only(editor=True)
async def service_unpublish(request: web.Request) -> web.Response:
    key = request.match_info["key"]
    form = await posted_form(request, ActionForm)
    await run(ctx(request).ops.unpublish_service, request["actor"], key, version_of(form))
    raise web.HTTPFound(f"/admin/services/{key}?saved=unpublished")


# --- reference lists --------------------------------------------------------------------------


@staff_only()
async def bureaus_list(request: web.Request) -> web.Response:
    return await render(request, "bureaus.html", {"items": await run(ctx(request).reports.bureaus)})


@staff_only()
async def tasks_list(request: web.Request) -> web.Response:
    return await render(request, "tasks.html", {"items": await run(ctx(request).reports.tasks)})


@staff_only()
async def stale_list(request: web.Request) -> web.Response:
    days = days_in(request, ctx(request).stale_days)
    items = await run(ctx(request).reports.stale, days)
    return await render(request, "stale.html", {"items": items, "days": days})


# --- review queues ----------------------------------------------------------------------------


@staff_only()
async def unanswered_list(request: web.Request) -> web.Response:
    status = request.query.get("status", "open")
    items = await run(ctx(request).reports.unanswered, status)
    choices = await _service_choices(request)
    link_form = await blank_form(request, LinkQuestionForm)
    link_form.service_key.choices = choices
    faq_form = await blank_form(request, FaqFromQuestionForm)
    faq_form.service_key.choices = choices
    return await render(
        request, "unanswered.html", {"items": items, "status": status, "link_form": link_form, "faq_form": faq_form}
    )


@staff_only(editor=True)
async def unanswered_link(request: web.Request) -> web.Response:
    form = await posted_form(request, LinkQuestionForm)
    question = int(request.match_info["id"])
    await run(
        ctx(request).ops.link_unanswered, request["actor"], question, form.service_key.data, bool(form.add_alias.data)
    )
    raise web.HTTPFound("/admin/unanswered?done=linked")


@staff_only(editor=True)
async def unanswered_faq(request: web.Request) -> web.Response:
    form = await posted_form(request, FaqFromQuestionForm)
    question = int(request.match_info["id"])
    key = await run(
        ctx(request).ops.faq_from_unanswered,
        request["actor"],
        question,
        (form.answer.data or "").strip(),
        form.service_key.data,
        (form.key.data or "").strip(),
    )
    raise web.HTTPFound(f"/admin/faqs/{key}?saved=created")


@staff_only(editor=True)
async def unanswered_dismiss(request: web.Request) -> web.Response:
    await posted_form(request, ActionForm)
    await run(ctx(request).ops.dismiss_unanswered, request["actor"], int(request.match_info["id"]))
    raise web.HTTPFound("/admin/unanswered?done=dismissed")


@staff_only()
async def feedback_page(request: web.Request) -> web.Response:
    days = days_in(request, 30)
    feedback = await run(ctx(request).reports.feedback_summary, days)
    return await render(
        request,
        "feedback.html",
        {"feedback": feedback, "days": days, "chart": charts.feedback_bars(feedback["timeline"])},
    )


@staff_only()
async def messages_list(request: web.Request) -> web.Response:
    status, page = request.query.get("status", "open"), page_in(request)
    reports = ctx(request).reports
    items = await run(reports.messages, status, page)
    pages = max(1, -(-(await run(reports.message_count, status)) // MESSAGES_PER_PAGE))
    return await render(request, "messages.html", {"items": items, "status": status, "page": page, "pages": pages})


@staff_only(editor=True)
async def message_handled(request: web.Request) -> web.Response:
    await posted_form(request, ActionForm)
    await run(ctx(request).ops.mark_message_handled, request["actor"], int(request.match_info["id"]))
    raise web.HTTPFound("/admin/messages?done=handled")


# --- NLU example suggestions ------------------------------------------------------------------


@staff_only()
async def suggestions_list(request: web.Request) -> web.Response:
    reports = ctx(request).reports
    offered = await run(reports.suggestions, [OFFERED])
    decided = await run(reports.suggestions, [ACCEPTED, REJECTED], DECIDED_SHOWN)
    return await render(
        request, "suggestions.html", {"offered": offered, "decided": decided, "done": request.query.get("done")}
    )


@staff_only(admin=True)
async def suggestion_accept(request: web.Request) -> web.Response:
    await posted_form(request, ActionForm)
    await run(ctx(request).ops.accept_example, request["actor"], int(request.match_info["id"]))
    raise web.HTTPFound("/admin/suggestions?done=accepted")


@staff_only(admin=True)
async def suggestion_reject(request: web.Request) -> web.Response:
    await posted_form(request, ActionForm)
    await run(ctx(request).ops.reject_example, request["actor"], int(request.match_info["id"]))
    raise web.HTTPFound("/admin/suggestions?done=rejected")


# --- staff and retraining ---------------------------------------------------------------------


@staff_only(admin=True)
async def staff_list(request: web.Request) -> web.Response:
    items = await run(ctx(request).ops.list_staff, request["actor"])
    form = await blank_form(request, StaffEditForm)
    form.bureaus.choices = await _bureau_choices(request)
    return await render(request, "staff.html", {"items": items, "form": form})


@staff_only(admin=True)
async def staff_update(request: web.Request) -> web.Response:
    form = await posted_form(request, StaffEditForm)
    await run(
        ctx(request).ops.update_staff,
        request["actor"],
        int(request.match_info["id"]),
        role=form.role.data,
        bureaus=list(form.bureaus.data or []),
        active=bool(form.active.data),
        unlock=bool(form.unlock.data),
    )
    raise web.HTTPFound("/admin/staff?done=saved")


@staff_only()
async def retraining_page(request: web.Request) -> web.Response:
    report = await run(retraining_report, ctx(request).kb)
    history = await run(ctx(request).reports.model_history)
    return await render(
        request, "retraining.html", {"report": report, "history": history, "done": request.query.get("done", "")}
    )


@staff_only(admin=True)
async def retraining_start(request: web.Request) -> web.Response:
    await posted_form(request, ActionForm)
    await start_job("train", request["actor"].username)
    raise web.HTTPFound("/admin/retraining?done=started")


@staff_only(admin=True)
async def retraining_rollback(request: web.Request) -> web.Response:
    await posted_form(request, ActionForm)
    await start_job("rollback", request["actor"].username)
    raise web.HTTPFound("/admin/retraining?done=rollback")
