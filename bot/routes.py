"""Every route of the gateway, in one place."""

from __future__ import annotations

import aiohttp_cors
from aiohttp import web

from bot import chat, pages
from bot.keys import CONFIG
from bot.staff import api, views


def setup_routes(app: web.Application) -> None:
    router = app.router
    router.add_get("/", pages.demo_home, name="demo-home")
    router.add_get("/services", pages.demo_services, name="demo-services")
    router.add_get("/widget.js", pages.widget_script, name="widget-script")
    router.add_get("/widget.css", pages.widget_style, name="widget-style")
    router.add_get("/static/portal.css", pages.portal_style, name="portal-style")
    router.add_get("/healthz", chat.health, name="health")
    chat_route = router.add_post("/api/chat", chat.chat, name="chat")
    _allow_portals(app, [chat_route])
    _staff_pages(router)
    _staff_api(router)


def _staff_pages(router: web.UrlDispatcher) -> None:
    router.add_get("/admin/login", views.login_page, name="staff-login")
    router.add_post("/admin/login", views.login_submit)
    router.add_post("/admin/logout", views.logout, name="staff-logout")
    router.add_get("/admin", views.dashboard, name="staff-home")
    router.add_get("/admin/services", views.services_list, name="staff-services")
    router.add_get("/admin/faqs", views.faqs_list, name="staff-faqs")
    content = f"/admin/{{kind:{views.CONTENT_KINDS}}}"
    router.add_route("*", content + "/new", views.content_new)
    router.add_route("*", content + "/{key}", views.content_edit)
    router.add_post(content + "/{key}/publish", views.content_publish)
    router.add_get(content + "/{key}/history", views.content_history)
    router.add_post(content + r"/{key}/restore/{revision:\d+}", views.content_restore)
    router.add_post("/admin/services/{key}/unpublish", views.service_unpublish)
    router.add_get("/admin/bureaus", views.bureaus_list, name="staff-bureaus")
    router.add_get("/admin/tasks", views.tasks_list, name="staff-tasks")
    router.add_get("/admin/stale", views.stale_list, name="staff-stale")
    router.add_get("/admin/unanswered", views.unanswered_list, name="staff-unanswered")
    router.add_post(r"/admin/unanswered/{id:\d+}/link", views.unanswered_link)
    router.add_post(r"/admin/unanswered/{id:\d+}/faq", views.unanswered_faq)
    router.add_post(r"/admin/unanswered/{id:\d+}/dismiss", views.unanswered_dismiss)
    router.add_get("/admin/suggestions", views.suggestions_list, name="staff-suggestions")
    router.add_post(r"/admin/suggestions/{id:\d+}/accept", views.suggestion_accept)
    router.add_post(r"/admin/suggestions/{id:\d+}/reject", views.suggestion_reject)
    router.add_get("/admin/feedback", views.feedback_page, name="staff-feedback")
    router.add_get("/admin/messages", views.messages_list, name="staff-messages")
    router.add_post(r"/admin/messages/{id:\d+}/handled", views.message_handled)
    router.add_get("/admin/staff", views.staff_list, name="staff-accounts")
    router.add_post(r"/admin/staff/{id:\d+}", views.staff_update)
    router.add_get("/admin/retraining", views.retraining_page, name="staff-retraining")
    router.add_post("/admin/retraining/start", views.retraining_start)
    router.add_post("/admin/retraining/rollback", views.retraining_rollback)
    router.add_get("/admin/static/admin.css", pages.admin_style)


def _staff_api(router: web.UrlDispatcher) -> None:
    router.add_post("/admin/api/session", api.session_create)
    router.add_get("/admin/api/session", api.session_info)
    router.add_delete("/admin/api/session", api.session_delete)
    router.add_get("/admin/api/services", api.services)
    router.add_get("/admin/api/faqs", api.faqs)
    content = f"/admin/api/{{kind:{views.CONTENT_KINDS}}}"
    router.add_post(content, api.content_create)
    router.add_get(content + "/{key}", api.content)
    router.add_put(content + "/{key}", api.content_save)
    router.add_post(content + "/{key}/publish", api.content_publish)
    router.add_get(content + "/{key}/history", api.content_history)
    router.add_post(content + "/{key}/restore", api.content_restore)
    router.add_get("/admin/api/bureaus", api.bureaus)
    router.add_get("/admin/api/tasks", api.tasks)
    router.add_get("/admin/api/stale", api.stale)
    router.add_get("/admin/api/unanswered", api.unanswered)
    router.add_post(r"/admin/api/unanswered/{id:\d+}/link", api.unanswered_link)
    router.add_post(r"/admin/api/unanswered/{id:\d+}/dismiss", api.unanswered_dismiss)
    router.add_get("/admin/api/suggestions", api.suggestions)
    router.add_post(r"/admin/api/suggestions/{id:\d+}/accept", api.suggestion_accept)
    router.add_post(r"/admin/api/suggestions/{id:\d+}/reject", api.suggestion_reject)
    router.add_get("/admin/api/feedback", api.feedback)
    router.add_get("/admin/api/messages", api.messages)
    router.add_post(r"/admin/api/messages/{id:\d+}/handled", api.message_handled)
    router.add_get("/admin/api/staff", api.staff)
    router.add_get("/admin/api/retraining", api.retraining)
    router.add_post("/admin/api/retraining", api.retraining_start)
    router.add_post("/admin/api/retraining/rollback", api.retraining_rollback)


def _allow_portals(app: web.Application, routes: list[web.AbstractRoute]) -> None:
    """CORS for the chat API, for the configured portal origins only (never `*`)."""
    options = aiohttp_cors.ResourceOptions(allow_credentials=False, allow_headers=("Content-Type",), max_age=600)
    cors = aiohttp_cors.setup(app, defaults={})
    for route in routes:
        cors.add(route, {origin: options for origin in app[CONFIG].allowed_origins})
