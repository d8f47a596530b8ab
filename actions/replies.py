"""Turn KB views into the assistant's messages: short, readable, always naming bureau and source."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from kb.plan_parser import PLAN_TITLE
from kb.queries import GENERAL_HOTLINE, NATIONAL_HOTLINES, BureauView, FaqView, Hit, ServiceView, TaskView

Message = dict[str, Any]  # keyword arguments for dispatcher.utter_message
Button = dict[str, str]

ASPECTS: dict[str, str] = {
    "ask_materials": "所需材料",
    "ask_steps": "办理流程",
    "ask_channels": "办理渠道",
    "ask_time_limit": "办理时限",
    "ask_eligibility": "谁可以办",
    "ask_fees": "收费",
    "ask_contact": "咨询电话",
}
NEXT_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("所需材料", "/ask_materials"),
    ("办理流程", "/ask_steps"),
    ("线上渠道", "/ask_channels"),
    ("找人工", "/request_human"),
)
SOURCE_TAG_ORDER = {"OFFICIAL": 0, "PRESS": 1, "3RD": 2}


def button(title: str, payload: str) -> Button:
    return {"title": title, "payload": payload}


def choose_button(title: str, service_key: str) -> Button:
    return button(title, f'/choose_service{{"service_key":"{service_key}"}}')


def next_question_buttons(exclude: str | None = None) -> list[Button]:
    return [button(t, p) for t, p in NEXT_QUESTIONS if p != f"/{exclude}"]


# --- service answers ------------------------------------------------------------------------------


def service_messages(service: ServiceView, intro: Sequence[str] = ()) -> list[Message]:
    """The first answer about a service: what it is and who may use it, what to keep in mind, then
    who is responsible."""
    lines = [*intro, f"【{service.name}】", service.summary]
    if service.eligibility:
        lines.append(f"谁可以办：{service.eligibility}")
    messages = [{"text": "\n".join(lines)}]
    if service.notes:
        messages.append({"text": "温馨提示：\n" + "\n".join(f"· {note}" for note in service.notes)})
    messages.append({"text": "\n".join(responsibility_lines(service)), "buttons": next_question_buttons()})
    return messages


def responsibility_lines(service: ServiceView) -> list[str]:
    lines = [f"负责部门：{'、'.join(service.bureaus)}"]
    for task in service.tasks:
        lines.append(f"工作依据：{PLAN_TITLE}第{task.number}项任务“{task.title}”，{units_text(task)}")
    lines.append(hotline_text(service.hotline))
    lines += [f"相关网站：{link['title']} {link['url']}" for link in service.links if link.get("url")]
    lines.append(source_text(service.sources, service.last_verified))
    return lines


def faq_message(faq: FaqView, bureaus: Sequence[str] | None = None) -> Message:
    """A curated answer to the very question asked, with its own source. `bureaus`: the responsible
    bureaus, to name when no service answer naming them follows (None: one follows)."""
    lines = [f"【常见问题】{faq.questions[0]}", faq.answer]
    if bureaus:
        lines.append(f"负责部门：{'、'.join(dict.fromkeys(bureaus))}")
    elif bureaus is not None:  # an FAQ tied to no service: say where to ask
        lines.append(f"负责部门：请拨打{NATIONAL_HOTLINES[GENERAL_HOTLINE]}咨询由哪个部门办理")
    lines.append(source_text(faq.sources, None))
    return {"text": "\n".join(lines)}


def units_text(task: TaskView) -> str:
    text = f"牵头单位：{'、'.join(task.leads)}{'等' if task.leads_open else ''}"
    if task.cos:
        text += f"；配合单位：{'、'.join(task.cos)}{'等' if task.cos_open else ''}"
    return text


def hotline_text(hotline: str | None) -> str:
    if hotline and hotline != GENERAL_HOTLINE:
        name = NATIONAL_HOTLINES.get(hotline, hotline)
        return f"咨询电话：{name}；其他问题可拨打{NATIONAL_HOTLINES[GENERAL_HOTLINE]}"
    return f"咨询电话：{NATIONAL_HOTLINES[GENERAL_HOTLINE]}"


def source_text(sources: Iterable[dict[str, str]], last_verified: str | None) -> str:
    """The content's best source (official first), and when it was last checked."""
    ordered = sorted(
        (s for s in sources if not (s.get("ref") or "").startswith("plan")),
        key=lambda s: SOURCE_TAG_ORDER.get(s.get("tag", ""), 9),
    ) or list(sources)
    if not ordered:
        return "信息来源：知识库"
    best = ordered[0]
    text = f"信息来源：{best['title']}"
    if best.get("url"):
        text += f" {best['url']}"
    if len(ordered) > 1:
        text += f" 等{len(ordered)}处"
    if last_verified:
        text += f"（核对日期：{last_verified}）"
    return text


def footer(service: ServiceView) -> str:
    return f"（负责部门：{'、'.join(service.bureaus)}；{source_text(service.sources, service.last_verified)}）"


def unknown_detail(service: ServiceView, what: str) -> str:
    """What to say when no source gives a detail: point to the bureau and a hotline, invent nothing."""
    hotline = NATIONAL_HOTLINES.get(service.hotline or GENERAL_HOTLINE, NATIONAL_HOTLINES[GENERAL_HOTLINE])
    return (
        f"关于“{service.name}”的{what}，目前没有查到权威来源的具体说明，为免误导就不替您猜了。"
        f"请向{service.lead_bureau}咨询，或拨打{hotline}。"
    )


def aspect_messages(service: ServiceView, aspect: str) -> list[Message]:
    label = ASPECTS[aspect]
    body = _aspect_body(service, aspect)
    text = f"【{service.name} · {label}】\n{body}\n{footer(service)}"
    return [{"text": text, "buttons": next_question_buttons(exclude=aspect)}]


def _numbered(items: Sequence[str]) -> str:
    return "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1))


def _aspect_body(service: ServiceView, aspect: str) -> str:
    if aspect == "ask_materials":
        return _numbered(service.materials) if service.materials else unknown_detail(service, "所需材料")
    if aspect == "ask_steps":
        return _numbered(service.steps) if service.steps else unknown_detail(service, "办理流程")
    if aspect == "ask_channels":
        parts = []
        if service.online_channels:
            parts.append("网上办：" + "；".join(service.online_channels))
        if service.offline_channel:
            parts.append("线下办：" + service.offline_channel)
        return "\n".join(parts) if parts else unknown_detail(service, "办理渠道")
    if aspect == "ask_time_limit":
        return service.time_limit or unknown_detail(service, "办理时限")
    if aspect == "ask_eligibility":
        return service.eligibility or unknown_detail(service, "办理条件")
    if aspect == "ask_fees":
        return service.fees or unknown_detail(service, "收费标准")
    if aspect == "ask_contact":
        return (
            f"{hotline_text(service.hotline)}。\n负责部门：{'、'.join(service.bureaus)}。"
            "各部门的办公地址和电话，可拨打12345政务服务便民热线查询。"
        )
    raise ValueError(f"unknown aspect {aspect}")


# --- responsibility ---------------------------------------------------------------------------


def task_text(task: TaskView) -> str:
    return f"{PLAN_TITLE}第{task.number}项任务“{task.title}”：{units_text(task)}。"


def no_such_task_text(numbers: Sequence[int], count: int) -> str:
    asked = "、".join(f"第{n}项" for n in numbers)
    return f"{PLAN_TITLE}共有{count}项任务（第1项到第{count}项），没有{asked}。请核对一下编号，或者直接说想问的工作。"


def service_responsibility_text(service: ServiceView) -> str:
    lines = [f"“{service.name}”由{'、'.join(service.bureaus)}负责。"]
    lines += [task_text(t) for t in service.tasks]
    lines.append(hotline_text(service.hotline))
    return "\n".join(lines)


def bureau_messages(bureau: BureauView) -> list[Message]:
    lines = [f"【{bureau.name}】"]
    if bureau.full_name:
        lines.append(f"全称：{bureau.full_name}")
    if bureau.duties:
        lines.append(bureau.duties)
    if bureau.leads_tasks:
        titles = "、".join(f"第{t.number}项“{t.title}”" for t in bureau.leads_tasks[:6])
        more = f"等{len(bureau.leads_tasks)}项" if len(bureau.leads_tasks) > 6 else ""
        lines.append(f"在{PLAN_TITLE}中牵头：{titles}{more}。")
    if bureau.services:
        lines.append(f"可以帮您了解的相关服务：{'、'.join(bureau.services)}。")
    lines.append("办公地址和电话请拨打12345政务服务便民热线查询。")
    lines.append(f"信息来源：{PLAN_TITLE}")
    return [{"text": "\n".join(lines)}]


# --- suggestions ------------------------------------------------------------------------------


def suggestion_buttons(hits: Sequence[Hit]) -> list[Button]:
    return [choose_button(h.name, h.key) for h in hits]


def topic_buttons(topics: Sequence[tuple[str, str]]) -> list[Button]:
    """Buttons for the main topics: (topic, key of the topic's first service)."""
    return [choose_button(topic, key) for topic, key in topics]
