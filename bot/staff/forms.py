"""Staff forms (WTForms, with CSRF) and their conversion to and from KB records.

The forms only shape the input: one item per line for lists, "标题 | 网址" for links, "标签 | 标题 |
网址或引用" for sources. Validation is the KB's own (kb.schema via kb.staff), whose errors are shown
next to the fields they concern.
"""

from __future__ import annotations

import re
from typing import Any

from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)

from bot.staff.auth import CsrfForm, LoginCsrfForm
from kb.schema import SOURCE_TAGS, TOPICS, FaqIn, ServiceIn
from kb.staff import check_record

LIST_FIELDS = ("aliases", "materials", "steps", "online_channels", "notes")
_SPLIT = re.compile(r"\s*[|｜]\s*")


class LoginForm(LoginCsrfForm):
    """The anonymous sign-in form: its CSRF token is stateless (no session before signing in)."""

    username = StringField("用户名")
    password = PasswordField("密码")
    next = HiddenField()


class ActionForm(CsrfForm):
    """A button that changes something (publish, restore, mark handled …): CSRF token and version."""

    version = HiddenField()


class ServiceForm(CsrfForm):
    version = HiddenField()
    key = StringField("标识（英文小写、数字、下划线）")
    name = StringField("服务名称")
    intent = StringField("NLU 意图（可空；见 docs/nlu-guide.md）")
    topic = SelectField("主题", choices=[(t, t) for t in TOPICS], validate_choice=False)
    aliases = TextAreaField("别名、群众常用说法（每行一个）")
    summary = TextAreaField("简介")
    eligibility = TextAreaField("办理对象")
    materials = TextAreaField("所需材料（每行一项）")
    steps = TextAreaField("办理流程（每行一步）")
    online_channels = TextAreaField("线上渠道（每行一个）")
    offline_channel = TextAreaField("线下渠道")
    time_limit = StringField("办理时限")
    fees = StringField("收费")
    hotline = StringField("咨询热线")
    notes = TextAreaField("注意事项（每行一条）")
    links = TextAreaField("相关链接（每行：标题 | 网址）")
    lead_bureau = SelectField("牵头负责部门", choices=[], validate_choice=False)
    other_bureaus = SelectMultipleField("其他负责部门（可多选）", choices=[], validate_choice=False)
    tasks = StringField("对应行动计划任务编号（如 23, 25）")
    sources = TextAreaField(f"信息来源（每行：标签({'/'.join(SOURCE_TAGS)}) | 标题 | 网址或引用）")
    last_verified = StringField("最近核实日期（YYYY-MM-DD）")


class FaqForm(CsrfForm):
    version = HiddenField()
    key = StringField("标识（英文小写、数字、下划线）")
    questions = TextAreaField("问法（每行一个）")
    answer = TextAreaField("答复")
    services = SelectMultipleField("相关服务", choices=[], validate_choice=False)
    sources = TextAreaField(f"信息来源（每行：标签({'/'.join(SOURCE_TAGS)}) | 标题 | 网址或引用）")
    last_verified = StringField("最近核实日期（YYYY-MM-DD）")


class LinkQuestionForm(CsrfForm):
    service_key = SelectField("关联到服务", choices=[], validate_choice=False)
    add_alias = BooleanField("把这句问法加为该服务的别名（下次能直接找到）", default=True)


class FaqFromQuestionForm(CsrfForm):
    key = StringField("新问答的标识")
    service_key = SelectField("相关服务", choices=[], validate_choice=False)
    answer = TextAreaField("答复")


class StaffEditForm(CsrfForm):
    role = SelectField(
        "角色", choices=[("admin", "管理员"), ("editor", "编辑"), ("viewer", "只读")], validate_choice=False
    )
    bureaus = SelectMultipleField("负责部门（编辑）", choices=[], validate_choice=False)
    active = BooleanField("启用")
    unlock = BooleanField("解除锁定")


# --- records <-> form data --------------------------------------------------------------------


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _text_or_none(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


class FormShapeError(ValueError):
    """Lines the form could not read, with the KB's own findings on the rest of the record."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__(str(errors))


def _raise_shape(errors: dict[str, list[str]], checked: dict[str, list[str]]) -> None:
    merged = {name: list(messages) for name, messages in checked.items()}
    for name, messages in errors.items():
        merged[name] = messages  # the line-level reason is the more useful one for these fields
    raise FormShapeError(merged)


def service_record(form: ServiceForm) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    record: dict[str, Any] = {
        "key": (form.key.data or "").strip(),
        "name": (form.name.data or "").strip(),
        "intent": _text_or_none(form.intent.data),
        "topic": form.topic.data,
        "summary": (form.summary.data or "").strip(),
        "eligibility": _text_or_none(form.eligibility.data),
        "offline_channel": _text_or_none(form.offline_channel.data),
        "time_limit": _text_or_none(form.time_limit.data),
        "fees": _text_or_none(form.fees.data),
        "hotline": _text_or_none(form.hotline.data),
        "bureaus": _bureaus(form),
        "last_verified": _text_or_none(form.last_verified.data),
    }
    for field in LIST_FIELDS:
        record[field] = _lines(getattr(form, field).data)
    record["links"] = _pairs(form.links.data, "links", errors)
    record["sources"] = _sources(form.sources.data, errors)
    record["tasks"] = _numbers(form.tasks.data, errors)
    if errors:
        _raise_shape(errors, check_record(ServiceIn, record))
    return record


def _bureaus(form: ServiceForm) -> list[str]:
    """The lead bureau first, then the others (a multi-select alone would lose which one leads)."""
    lead = (form.lead_bureau.data or "").strip()
    others = [b for b in form.other_bureaus.data or [] if b != lead]
    return ([lead] if lead else []) + others


def faq_record(form: FaqForm) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    record = {
        "key": (form.key.data or "").strip(),
        "questions": _lines(form.questions.data),
        "answer": (form.answer.data or "").strip(),
        "services": list(form.services.data or []),
        "sources": _sources(form.sources.data, errors),
        "last_verified": _text_or_none(form.last_verified.data),
    }
    if errors:
        _raise_shape(errors, check_record(FaqIn, record))
    return record


def _pairs(text: str | None, field: str, errors: dict[str, list[str]]) -> list[dict[str, str]]:
    pairs = []
    for n, line in enumerate(_lines(text), 1):
        parts = _SPLIT.split(line, maxsplit=1)
        if len(parts) != 2:
            errors.setdefault(field, []).append(f"第{n}行应为“标题 | 网址”")
            continue
        pairs.append({"title": parts[0], "url": parts[1]})
    return pairs


def _sources(text: str | None, errors: dict[str, list[str]]) -> list[dict[str, str]]:
    sources = []
    for n, line in enumerate(_lines(text), 1):
        parts = _SPLIT.split(line, maxsplit=2)
        if len(parts) != 3:
            errors.setdefault("sources", []).append(f"第{n}行应为“标签 | 标题 | 网址或引用”")
            continue
        tag, title, where = parts
        source = {"tag": tag.upper(), "title": title}
        source["url" if where.lower().startswith(("http://", "https://")) else "ref"] = where
        sources.append(source)
    return sources


def _numbers(text: str | None, errors: dict[str, list[str]]) -> list[int]:
    numbers = []
    for part in re.split(r"[,，、\s]+", text or ""):
        if not part:
            continue
        if not part.isdigit():
            errors.setdefault("tasks", []).append(f"“{part}”不是任务编号")
            continue
        numbers.append(int(part))
    return numbers


def service_form_data(record: dict[str, Any]) -> dict[str, Any]:
    """A record as the form's initial data."""
    data = {k: record.get(k) for k in ("key", "name", "intent", "topic", "summary", "eligibility",
                                        "offline_channel", "time_limit", "fees", "hotline",
                                        "last_verified")}  # fmt: skip
    bureaus = record.get("bureaus") or []
    data["lead_bureau"] = bureaus[0] if bureaus else ""
    data["other_bureaus"] = bureaus[1:]
    for field in LIST_FIELDS:
        data[field] = "\n".join(record.get(field) or [])
    data["links"] = "\n".join(f"{link['title']} | {link['url']}" for link in record.get("links") or [])
    data["sources"] = _sources_text(record.get("sources") or [])
    data["tasks"] = ", ".join(str(n) for n in record.get("tasks") or [])
    return {k: ("" if v is None else v) for k, v in data.items()}


def faq_form_data(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "key": record.get("key", ""),
        "questions": "\n".join(record.get("questions") or []),
        "answer": record.get("answer", ""),
        "services": record.get("services") or [],
        "sources": _sources_text(record.get("sources") or []),
        "last_verified": record.get("last_verified") or "",
    }


def _sources_text(sources: list[dict[str, str]]) -> str:
    return "\n".join(
        f"{s.get('tag', '')} | {s.get('title', '')} | {s.get('url') or s.get('ref') or ''}" for s in sources
    )


def attach_errors(form: CsrfForm, errors: dict[str, list[str]]) -> list[str]:
    """Field errors onto the form's fields; the rest is returned for the top of the page."""
    general = []
    for name, messages in errors.items():
        field = getattr(form, name, None)
        if field is not None and name != "__all__":
            field.errors = [*list(field.errors or []), *messages]
        else:
            general += messages
    return general
