"""Validated record shapes for import, export, seeding and staff edits (pydantic, as pinned by Rasa)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, Extra, Field, validator

KEY_PATTERN = r"^[a-z][a-z0-9_]{1,63}$"
HOTLINE_PATTERN = r"^[0-9][0-9-]{2,19}$"
SOURCE_TAGS = ("OFFICIAL", "PRESS", "3RD")
TOPICS = (
    "跨省通办",
    "异地就医",
    "社保卡",
    "一卡通",
    "涉老服务",
    "医疗合作",
    "养老服务",
    "消费维权",
    "通关",
    "人才",
    "教育",
)
TERM_KINDS = ("place", "disease")
STATUSES = ("published", "draft")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def _text_list(values: list[str]) -> list[str]:
    cleaned = [v.strip() for v in values]
    if any(not v for v in cleaned):
        raise ValueError("empty item")
    if len(set(cleaned)) != len(cleaned):
        raise ValueError("duplicate item")
    return cleaned


def _check_url(value: str) -> str:
    if not _URL.match(value.strip()):
        raise ValueError("must be an http(s) URL")
    return value.strip()


class Record(BaseModel):
    class Config:
        extra = Extra.forbid
        anystr_strip_whitespace = True


class SourceIn(Record):
    title: str = Field(..., min_length=1, max_length=300)
    url: str | None = None
    ref: str | None = Field(None, max_length=100)
    tag: Literal["OFFICIAL", "PRESS", "3RD"]
    # The units this source names as responsible for what a service says (a service's own bureaus
    # only). A service's bureau must lead one of its plan tasks, or be named so by one of its sources.
    bureaus: list[str] | None = None

    _url = validator("url", allow_reuse=True)(lambda v: v if v is None else _check_url(v))
    _bureaus = validator("bureaus", allow_reuse=True)(lambda v: v if v is None else _text_list(v))

    @validator("ref", always=True)
    def _url_or_ref(cls, ref: str | None, values: dict) -> str | None:
        if not ref and not values.get("url"):
            raise ValueError("a source needs a url or a ref")
        return ref


class LinkIn(Record):
    title: str = Field(..., min_length=1, max_length=200)
    url: str

    _url = validator("url", allow_reuse=True)(_check_url)


def _no_named_bureaus(sources: list[SourceIn]) -> list[SourceIn]:
    if any(s.bureaus for s in sources):
        raise ValueError("only a service's sources name responsible bureaus")
    return sources


class BureauIn(Record):
    name: str = Field(..., min_length=2, max_length=100)
    full_name: str | None = Field(None, max_length=200)
    aliases: list[str] = []
    duties: str | None = None
    sources: list[SourceIn] = []

    _aliases = validator("aliases", allow_reuse=True)(_text_list)
    _sources = validator("sources", allow_reuse=True)(_no_named_bureaus)


class TaskIn(Record):
    number: int = Field(..., ge=1, le=999)
    chapter: str = Field(..., min_length=1)
    section: str = ""
    title: str = Field(..., min_length=1)
    text: str = Field(..., min_length=1)
    leads: list[str] = Field(..., min_items=1)
    cos: list[str] = []
    leads_open: bool = False
    cos_open: bool = False
    remark: str | None = None

    _units = validator("leads", "cos", allow_reuse=True)(_text_list)


class ServiceIn(Record):
    key: str = Field(..., regex=KEY_PATTERN)
    intent: str | None = Field(None, regex=KEY_PATTERN)
    name: str = Field(..., min_length=2, max_length=100)
    aliases: list[str] = []
    topic: str
    summary: str = Field(..., min_length=5)
    eligibility: str | None = None
    materials: list[str] = []
    steps: list[str] = []
    online_channels: list[str] = []
    offline_channel: str | None = None
    time_limit: str | None = None
    fees: str | None = None
    hotline: str | None = Field(None, regex=HOTLINE_PATTERN)
    notes: list[str] = []
    links: list[LinkIn] = []
    bureaus: list[str] = Field(..., min_items=1)
    tasks: list[int] = []
    sources: list[SourceIn] = Field(..., min_items=1)
    last_verified: dt.date | None = None
    status: Literal["published", "draft"] = "published"

    _lists = validator("aliases", "materials", "steps", "online_channels", "notes", "bureaus", allow_reuse=True)(
        _text_list
    )

    @validator("topic")
    def _known_topic(cls, topic: str) -> str:
        if topic not in TOPICS:
            raise ValueError(f"unknown topic; use one of {', '.join(TOPICS)}")
        return topic

    @validator("sources")
    def _sources_name_own_bureaus(cls, sources: list[SourceIn], values: dict) -> list[SourceIn]:
        own = set(values.get("bureaus") or [])
        for source in sources:
            stray = [b for b in source.bureaus or [] if b not in own]
            if stray:
                raise ValueError(f"source {source.title!r} names {', '.join(stray)}, not a bureau of this service")
        return sources


class FaqIn(Record):
    key: str = Field(..., regex=KEY_PATTERN)
    questions: list[str] = Field(..., min_items=1)
    answer: str = Field(..., min_length=2)
    services: list[str] = []
    sources: list[SourceIn] = Field(..., min_items=1)
    last_verified: dt.date | None = None
    status: Literal["published", "draft"] = "published"

    _lists = validator("questions", "services", allow_reuse=True)(_text_list)
    _sources = validator("sources", allow_reuse=True)(_no_named_bureaus)


class TermIn(Record):
    kind: Literal[
        "place", "disease", "english", "everyday", "card_problem", "stay"
    ]  # all but place, disease: glossaries
    name: str = Field(..., min_length=1, max_length=64)
    aliases: list[str] = []
    detail: str | None = Field(None, max_length=64)
    service: str | None = Field(None, regex=KEY_PATTERN)
    sources: list[SourceIn] = []

    _aliases = validator("aliases", allow_reuse=True)(_text_list)


class KbDocument(Record):
    """The whole KB as exported; an import file has the same shape (any section may be left out)."""

    bureaus: list[BureauIn] = []
    tasks: list[TaskIn] = []
    services: list[ServiceIn] = []
    faqs: list[FaqIn] = []
    terms: list[TermIn] = []
