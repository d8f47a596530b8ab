"""Build the seed document from the plan text and the curated YAML content in `kb/seed/`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from kb.plan_parser import PLAN_TITLE, ParsedTask, load_plan

SEED_DIR = Path(__file__).parent / "seed"
CONTENT_DIR = SEED_DIR / "content"
# glossaries and gazetteers, each a file of terms: places and diseases, English, everyday words, card problems, stays
TERM_FILES = ("terms", "english", "everyday", "card_problems", "stays")


def plan_source(number: int) -> dict[str, str]:
    """The source entry that cites one task of the plan."""
    return {"title": f"{PLAN_TITLE}第{number}项任务", "ref": f"plan:{number}", "tag": "OFFICIAL"}


def seed_document(content_dir: Path = CONTENT_DIR) -> dict[str, Any]:
    """The plan's tasks and units plus the curated services, FAQs, bureau facts and terms."""
    extras = _load(content_dir / "bureaus.yaml")
    tasks = canonical_tasks(load_plan(), extras)
    return {
        "bureaus": _bureaus(tasks, extras),
        "tasks": [_task(t) for t in tasks],
        "services": [s for f in sorted((content_dir / "services").glob("*.yaml")) for s in _load(f)],
        "faqs": _load(content_dir / "faqs.yaml"),
        "terms": [term for name in TERM_FILES for term in _load(content_dir / f"{name}.yaml")],
    }


def unit_names(extras: list[dict[str, Any]] | None = None) -> dict[str, str]:
    """The plan's other names for one unit: a curated bureau that lists another name the plan uses
    among its aliases is that unit ("市财政局(国资委)" in task 46 is 市财政局 of task 1)."""
    if extras is None:
        extras = _load(CONTENT_DIR / "bureaus.yaml")
    named = {n for t in load_plan() for n in t.leads + t.cos}
    return {alias: e["name"] for e in extras for alias in e.get("aliases", []) if alias in named}


def canonical_tasks(tasks: list[ParsedTask], extras: list[dict[str, Any]]) -> list[ParsedTask]:
    """The parsed tasks with each unit under the one name the KB keeps for it."""
    names = unit_names(extras)

    def one(units: list[str]) -> list[str]:
        return list(dict.fromkeys(names.get(u, u) for u in units))

    return [replace(t, leads=one(t.leads), cos=one(t.cos)) for t in tasks]


def _load(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return yaml.safe_load(path.read_text(encoding="utf-8")) or []


def _task(task: ParsedTask) -> dict[str, Any]:
    return {
        "number": task.number,
        "chapter": task.chapter,
        "section": task.section,
        "title": task.title,
        "text": task.text,
        "leads": task.leads,
        "cos": task.cos,
        "leads_open": task.leads_open,
        "cos_open": task.cos_open,
        "remark": task.remark,
    }


def _bureaus(tasks: list[ParsedTask], extras: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every unit the plan names, in order of first mention, with curated facts merged in."""
    by_name = {e["name"]: e for e in extras}
    names: list[str] = []
    for task in tasks:
        names += [n for n in task.leads + task.cos if n not in names]
    first_task = {n: next(t.number for t in tasks if n in t.leads + t.cos) for n in names}
    records = [by_name.get(name) or {"name": name, "sources": [plan_source(first_task[name])]} for name in names]
    records += [e for e in extras if e["name"] not in names]
    return records
