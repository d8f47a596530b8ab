"""Parse the 80 numbered tasks of the action plan, with their lead and co-operating units.

The published text mixes ASCII and full-width punctuation, nests parentheses inside unit names
(`市数据资源管理局(政务服务局)`), wraps the unit list in either `(…)` or `〔…〕`, and task 1 carries a
remark after its co-operating units that is not a unit. The parser handles these from the text itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

PLAN_TITLE = "《宿州市推进长三角一体化发展三年行动计划(2024—2026年)》"
PLAN_FILE = Path(__file__).parent / "seed" / "suzhou-yrd-action-plan-2024-2026.txt"

_CHAPTER = re.compile(r"^([一二三四五六七八九十]+)、(.+)$")
_SECTION = re.compile(r"^[(（]([一二三四五六七八九十]+)[)）](.+)$")
_TASK = re.compile(r"^(\d+)[.．](.+)$")
_OPEN = {"(": ")", "（": "）", "〔": "〕"}
_CLOSE = {v: k for k, v in _OPEN.items()}
_LEAD_KEY = re.compile(r"^牵头单位[:：]")
_CO_KEY = re.compile(r"配合单位[:：]")
_OPEN_ENDED = "等"  # "市科技局等": the list names the main units and others take part too


class PlanParseError(ValueError):
    pass


@dataclass
class ParsedTask:
    number: int
    chapter: str
    section: str
    title: str
    text: str
    leads: list[str] = field(default_factory=list)
    cos: list[str] = field(default_factory=list)
    leads_open: bool = False
    cos_open: bool = False
    remark: str | None = None


def parse_plan(text: str) -> list[ParsedTask]:
    """All numbered tasks, in order. Raises PlanParseError if numbering or unit lists are off."""
    tasks: list[ParsedTask] = []
    chapter = section = ""
    for raw in text.splitlines():
        line = raw.strip()
        if m := _CHAPTER.match(line):
            chapter, section = line, ""
        elif m := _SECTION.match(line):
            section = line
        elif m := _TASK.match(line):
            number = int(m.group(1))
            if number != len(tasks) + 1:
                raise PlanParseError(f"task {number} follows task {len(tasks)}")
            tasks.append(_parse_task(number, m.group(2), chapter, section))
    if not tasks:
        raise PlanParseError("no numbered tasks found")
    return tasks


def load_plan(path: Path = PLAN_FILE) -> list[ParsedTask]:
    return parse_plan(path.read_text(encoding="utf-8"))


def _parse_task(number: int, body: str, chapter: str, section: str) -> ParsedTask:
    units_start, units_text = _trailing_bracket(body, number)
    text = body[:units_start].strip()
    title, _, _ = text.partition("。")
    task = ParsedTask(number=number, chapter=chapter, section=section, title=title, text=text)
    if not _LEAD_KEY.match(units_text):
        raise PlanParseError(f"task {number}: unit list does not start with 牵头单位: {units_text!r}")
    lead_part, co_part = _split_lead_co(units_text)
    task.leads, task.leads_open = _units(_LEAD_KEY.sub("", lead_part), number)
    if co_part is not None:
        co_units, remark = _split_once_top_level(co_part, ",，")
        task.cos, task.cos_open = _units(co_units, number)
        task.remark = remark
    return task


def _trailing_bracket(body: str, number: int) -> tuple[int, str]:
    """The start index and inner text of the bracket that closes the task's paragraph."""
    body = body.rstrip()
    if not body or body[-1] not in _CLOSE:
        raise PlanParseError(f"task {number}: no unit list at the end")
    depth = 0
    for i in range(len(body) - 1, -1, -1):
        ch = body[i]
        if ch in _CLOSE:
            depth += 1
        elif ch in _OPEN:
            depth -= 1
            if depth == 0:
                return i, body[i + 1 : -1].strip()
    raise PlanParseError(f"task {number}: unbalanced brackets in unit list")


def _split_lead_co(units_text: str) -> tuple[str, str | None]:
    m = _CO_KEY.search(units_text)
    if not m:
        return units_text, None
    lead = units_text[: m.start()].rstrip(",，;； ")
    return lead, units_text[m.end() :]


def _split_once_top_level(text: str, separators: str) -> tuple[str, str | None]:
    """Split at the first separator outside parentheses; the rest is kept as written."""
    depth = 0
    for i, ch in enumerate(text):
        depth += (ch in _OPEN) - (ch in _CLOSE)
        if ch in separators and depth == 0:
            return text[:i].strip(), text[i + 1 :].strip() or None
    return text.strip(), None


def _split_top_level(text: str, separators: str) -> list[str]:
    """Split on separators that are not inside parentheses."""
    parts, depth, current = [], 0, []
    for ch in text:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
        if ch in separators and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts]


def _units(text: str, number: int) -> tuple[list[str], bool]:
    names = [n for n in _split_top_level(text, "、") if n]
    if not names:
        raise PlanParseError(f"task {number}: empty unit list")
    is_open = names[-1].endswith(_OPEN_ENDED)
    if is_open:
        names[-1] = names[-1][: -len(_OPEN_ENDED)]
    for name in names:
        if not name or any(ch in name for ch in ",，:：;；"):
            raise PlanParseError(f"task {number}: suspicious unit name {name!r}")
    return names, is_open
