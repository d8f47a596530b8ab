"""Turn KB views into the assistant's messages: short, readable, always naming bureau and source."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from kb import aspects
from kb.plan_parser import PLAN_TITLE
from kb.queries import GENERAL_HOTLINE, NATIONAL_HOTLINES, BureauView, FaqView, Hit, ServiceView, TaskView
from kb.units import Unit

Message = dict[str, Any]  # keyword arguments for dispatcher.utter_message
Button = dict[str, str]

MAX_ASPECTS = 2
NEXT_QUESTIONS: tuple[tuple[str, str], ...] = (
    (aspects.MATERIALS, "所需材料"),
    (aspects.STEPS, "办理流程"),
    (aspects.CHANNELS, "线上渠道"),
)
HUMAN_BUTTON = {"title": "找人工", "payload": "/request_human"}
# Situations that change the answer about a service: "按您的情况细说" buttons (payloads fill the form's slots)
SITUATIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "medical_filing": (("按您的情况细说", "/tailor_medical"),),
}
SOURCE_TAG_ORDER = {"OFFICIAL": 0, "PRESS": 1, "3RD": 2}
DECLINE_MARK = "这个问题不在我能回答的范围里"  # how a declined question begins (the citizen-set judge looks for it)
# said after the answer when the message also asked of a matter that is not ours (not DECLINE_MARK: it answered)
ASIDE_NOT_OURS = "您顺便问的另一件事不归这里解答，可以拨打12345政务服务便民热线咨询。"
WHICH_MARK = "哪项服务"  # how the question back reads when a message asks of no service ("要带啥材料" alone)
SYMPATHY = (
    "理解您的心情，办事手续多、等得久确实让人着急。您接着问，我尽量一次说清楚；"
    "也可以说“转人工”，或拨打12345政务服务便民热线。"
)


def button(title: str, payload: str) -> Button:
    return {"title": title, "payload": payload}


_CHOOSE = "/choose_service"


def choose_button(title: str, service_key: str) -> Button:
    return button(title, _CHOOSE + json.dumps({"service_key": service_key}, separators=(",", ":")))


def chosen_keys(buttons: Sequence[Button]) -> list[str]:
    """The services buttons made by choose_button offer to choose from."""
    payloads = [str(b.get("payload", "")) for b in buttons]
    return [json.loads(p[len(_CHOOSE) :]).get("service_key", "") for p in payloads if p.startswith(_CHOOSE + "{")]


def next_question_buttons(exclude: Sequence[str] = ()) -> list[Button]:
    return [button(title, f"/ask_{aspect}") for aspect, title in NEXT_QUESTIONS if aspect not in exclude] + [
        HUMAN_BUTTON
    ]


# --- service answers ------------------------------------------------------------------------------


def answer_messages(
    service: ServiceView,
    asked: Sequence[str],
    units: Sequence[Unit],
    intro: Sequence[str] = (),
    guessed: bool = False,
    alternatives: Sequence[ServiceView] = (),
    brief: bool = False,
) -> list[Message]:
    """Answer first: the units that answer the question and the aspects asked, or the guide for a general
    question; then bureau and source, and buttons to go further. `brief`: a second question's answer,
    in one message."""
    asked = [a for a in asked if a in aspects.LABELS and a != aspects.RESPONSIBLE][:MAX_ASPECTS]
    lead = [f"您问的应该是“{service.name}”。"] if guessed else []
    buttons = [*next_question_buttons(exclude=asked), *tailor_buttons(service),
               *(choose_button(f"我问的是：{s.name}", s.key) for s in alternatives)]  # fmt: skip
    if not asked and not brief:
        guide = guide_messages(service, [*lead, *intro], buttons)
        return [_units_message(service, units), *guide] if units else guide
    lines = [*lead, *intro, f"【{service.name}{''.join(' · ' + aspects.LABELS[a] for a in asked)}】"]
    heading = len(lines) - 1
    quoted = [u.text for u in units]
    lines += quoted
    known = [a for a in asked if aspect_known(service, a)]
    for aspect in known:
        body = _aspect_body(service, aspect, quoted)
        if aspect == aspects.CHANNELS:  # the ways not quoted ("发个链接" quoting the window still learns of the app)
            body = "\n".join(line for line in body.splitlines() if not any(line in q or q in line for q in quoted))
        # a list says the items not quoted; any other body only if no quote says it or is part of it
        said = any(body in q for q in quoted) or (aspect not in LISTS and any(q in body for q in quoted))
        if body and not said:
            lines.append(body)
    unknown = [aspects.LABELS[a] for a in asked if a not in known]
    if unknown:
        lines.append(unknown_detail(service, "、".join(unknown)))
    if not quoted and not known and not brief:  # nothing specific to say: the guide says what there is
        return [{"text": "\n".join(lines)}, *guide_messages(service, [], buttons)]
    if not quoted and not known:
        lines.append(service.summary)
        if not asked and service.steps:  # "顺便问下…咋备按": how it is done, too
            lines.append(_rest_of(service.steps, []))
    elif not brief and not any(service.summary in said or said in service.summary for said in lines[heading + 1 :]):
        # what the matter is, in one line, after the specific answer: a question often asks more than its aspect
        # ("现在能换吗？…能不能在网上弄" is answered by the ways, and the summary says from when)
        lines.append(f"这项服务：{service.summary}")
    lines.append(_footer(service, units))
    return [{"text": "\n".join(lines), **({} if brief else {"buttons": buttons})}]


def _units_message(service: ServiceView, units: Sequence[Unit]) -> Message:
    """The units that answer a general question, quoted before the guide (which names the bureau)."""
    lines = [f"【{u.title}】\n{u.text}" if u.title else u.text for u in units]
    return {"text": "\n".join(lines) + f"\n（{source_text(units[0].sources, None)}）"}


def _footer(service: ServiceView, units: Sequence[Unit]) -> str:
    sources = units[0].sources if units else service.sources
    # whom to call about what the short answer leaves open
    hotline = f"；咨询电话：{service.hotline}" if service.hotline else ""
    return f"（负责部门：{'、'.join(service.bureaus)}{hotline}；{source_text(sources, service.last_verified)}）"


def guide_messages(service: ServiceView, intro: Sequence[str], buttons: list[Button]) -> list[Message]:
    """The first answer about a service: what it is, who may use it, how to do it, what to keep in mind,
    then who is responsible."""
    lines = [*intro, f"【{service.name}】", service.summary]
    if service.eligibility:
        lines.append(f"谁可以办：{service.eligibility}")
    if service.steps:
        lines.append("怎么办：\n" + _numbered(service.steps))
    messages = [{"text": "\n".join(lines)}]
    if service.notes:
        messages.append({"text": "温馨提示：\n" + "\n".join(f"· {note}" for note in service.notes)})
    messages.append({"text": "\n".join(responsibility_lines(service)), "buttons": buttons})
    return messages


def restated_messages(service: ServiceView) -> list[Message]:
    """ "说简单点", "没看懂": the matter again in a few lines (what it is, where to start, whom to ask), then
    buttons to ask one thing at a time."""
    lines = [f"简单说，“{service.name}”：", service.summary]
    if service.steps:
        lines.append(f"第一步：{service.steps[0]}")
    lines += [_footer(service, []), "还有不清楚的，可以点下面的按钮一项一项问，或者找人工。"]
    return [{"text": "\n".join(lines), "buttons": next_question_buttons()}]


def tailor_buttons(service: ServiceView) -> list[Button]:
    """ "按您的情况细说": the situations that change the answer, where there are such."""
    return [button(title, payload) for title, payload in SITUATIONS.get(service.key, ())]


def card_problem_messages(services: Sequence[ServiceView | None]) -> list[Message]:
    """社保卡 trouble without saying which: each common problem in a line, then choose one."""
    found = [s for s in services if s]
    lines = ["社保卡常见的几种情况："] + [f"· {s.name}：{s.summary}" for s in found]
    leads = "、".join(dict.fromkeys(s.lead_bureau for s in found))
    lines.append(f"负责部门：{leads}；咨询电话：{NATIONAL_HOTLINES['12333']}")
    return [{"text": "\n".join(lines), "buttons": [choose_button(s.name, s.key) for s in found]}]


def near_scope_messages(hub: ServiceView) -> list[Message]:
    """A cross-province errand the KB has no guide for: where such errands start, and who to ask."""
    lines = [
        "您问的这件事，我的资料里没有专门的办事指南，不替您猜具体要求。",
        f"在外地办宿州的事、或在宿州办外地的事，可以先问问能不能“跨省通办”：{hub.summary}",
        f"能不能异地办、要带什么，请拨打{NATIONAL_HOTLINES[GENERAL_HOTLINE]}咨询，或到政务服务中心“跨省通办”窗口问清楚。",
        f"（负责部门：{'、'.join(hub.bureaus)}；{source_text(hub.sources, hub.last_verified)}）",
    ]
    return [{"text": "\n".join(lines), "buttons": [choose_button(hub.name, hub.key), HUMAN_BUTTON]}]


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


def unknown_detail(service: ServiceView, what: str) -> str:
    """What to say when no source gives a detail: point to the bureau and a hotline, invent nothing."""
    hotline = NATIONAL_HOTLINES.get(service.hotline or GENERAL_HOTLINE, NATIONAL_HOTLINES[GENERAL_HOTLINE])
    return (
        f"关于“{service.name}”的{what}，目前没有查到权威来源的具体说明，为免误导就不替您猜了。"
        f"请向{service.lead_bureau}咨询，或拨打{hotline}。"
    )


def _numbered(items: Sequence[str]) -> str:
    return "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1))


LISTS = frozenset({aspects.MATERIALS, aspects.STEPS})


def _rest_of(items: Sequence[str], quoted: Sequence[str]) -> str:
    """The items none of the quotes says, numbered as in the whole list ("其余：" before them if some were)."""
    rest = [f"{i}. {item}" for i, item in enumerate(items, 1) if not any(item in q for q in quoted)]
    return "\n".join(["其余：", *rest] if rest and len(rest) < len(items) else rest)


def aspect_known(service: ServiceView, aspect: str) -> bool:
    fields = {
        aspects.MATERIALS: service.materials,
        aspects.STEPS: service.steps,
        aspects.CHANNELS: service.online_channels or service.offline_channel,
        aspects.TIME_LIMIT: service.time_limit,
        aspects.ELIGIBILITY: service.eligibility,
        aspects.FEES: service.fees,
        aspects.CONTACT: True,
    }
    return bool(fields.get(aspect))


def _aspect_body(service: ServiceView, aspect: str, quoted: Sequence[str] = ()) -> str:
    """What the service says of the aspect; of a list, the items not quoted already (the rest of the
    materials after the one that answers: "没有转诊单…要交啥证明" still learns of the 个人承诺书)."""
    if aspect == aspects.MATERIALS:
        return _rest_of(service.materials, quoted) if service.materials else unknown_detail(service, "所需材料")
    if aspect == aspects.STEPS:
        return _rest_of(service.steps, quoted) if service.steps else unknown_detail(service, "办理流程")
    if aspect == aspects.CHANNELS:
        parts = []
        if service.online_channels:
            parts.append("网上办：" + "；".join(service.online_channels))
        if service.offline_channel:
            parts.append("线下办：" + service.offline_channel)
        return "\n".join(parts) if parts else unknown_detail(service, "办理渠道")
    if aspect == aspects.TIME_LIMIT:
        return service.time_limit or unknown_detail(service, "办理时限")
    if aspect == aspects.ELIGIBILITY:
        return service.eligibility or unknown_detail(service, "办理条件")
    if aspect == aspects.FEES:
        return service.fees or unknown_detail(service, "收费标准")
    if aspect == aspects.CONTACT:
        return (
            f"{hotline_text(service.hotline)}。\n负责部门：{'、'.join(service.bureaus)}。"
            "各部门的办公地址和电话，可拨打12345政务服务便民热线查询。"
        )
    raise ValueError(f"unknown aspect {aspect}")


# --- responsibility ---------------------------------------------------------------------------


def task_text(task: TaskView, with_text: bool = False) -> str:
    text = f"{PLAN_TITLE}第{task.number}项任务“{task.title}”：{units_text(task)}。"
    return text + f"\n原文：{task.text}" if with_text else text


def no_such_task_text(numbers: Sequence[int], count: int) -> str:
    asked = "、".join(f"第{n}项" for n in numbers)
    return f"{PLAN_TITLE}共有{count}项任务（第1项到第{count}项），没有{asked}。请核对一下编号，或者直接说想问的工作。"


def service_responsibility_text(service: ServiceView, facts: Sequence[Unit] = (), answers: Sequence[Unit] = ()) -> str:
    """Who is responsible for the service, after the facts answering what else the question asks: its own facts
    on who does it, where the question asks them, with the bureaus it is listed under (the facts may say that is
    only the plan's lead: "这不说明优待证由市民政局发放"), else its bureaus; then the plan's tasks and the hotline."""
    bureaus = "、".join(service.bureaus)
    listed = f"“{service.name}”在这里列在{bureaus}名下（依据是下面行动计划的任务）。"
    lines = [u.text for u in answers]
    lines += [*(u.text for u in facts), listed] if facts else [f"“{service.name}”由{bureaus}负责。"]
    lines += [task_text(t) for t in service.tasks]
    lines.append(hotline_text(service.hotline))
    if not service.tasks:  # a service staff added outside the plan: where its content comes from
        lines.append(source_text(service.sources, service.last_verified))
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
