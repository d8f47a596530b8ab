"""Sentence-level units of the KB: every FAQ, note, material, step, channel, time limit, eligibility line.

A citizen who asks a specific question ("临时备案几个月有效") wants the one sentence that answers it, not the
whole service card. Each unit knows the services it belongs to, the aspect it answers (None for a fact of
its own, such as a note) and its sources, so an answer quoting it still names bureau and source.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from kb import aspects
from kb.textnorm import normalize


@dataclass(frozen=True)
class Unit:
    key: str
    services: tuple[str, ...]
    kind: str  # faq, summary, eligibility, material, step, channel, time_limit, fees, contact, note
    aspect: str | None
    text: str
    questions: tuple[str, ...] = ()  # an FAQ's questions: further ways of asking for this unit
    sources: tuple[dict[str, str], ...] = ()
    title: str | None = None  # an FAQ's first question, shown above its answer


def service_units(service: object) -> list[Unit]:
    """The units of one service view (kb.queries.ServiceView)."""
    s = service  # duck-typed to keep this module free of the query layer
    key, own, sources = s.key, (s.key,), tuple(s.sources)

    def unit(kind: str, aspect: str | None, text: str, n: int | None = None) -> Unit:
        suffix = f":{n}" if n is not None else ""
        return Unit(f"{key}:{kind}{suffix}", own, kind, aspect, text, sources=sources)

    units = [unit("summary", None, s.summary)]
    if s.eligibility:
        units.append(unit("eligibility", aspects.ELIGIBILITY, s.eligibility))
    units += [unit("material", aspects.MATERIALS, text, i) for i, text in enumerate(s.materials)]
    units += [unit("step", aspects.STEPS, text, i) for i, text in enumerate(s.steps)]
    channels = [f"网上办：{c}" for c in s.online_channels]
    if s.offline_channel:
        channels.append(f"线下办：{s.offline_channel}")
    units += [unit("channel", aspects.CHANNELS, text, i) for i, text in enumerate(channels)]
    if s.time_limit:
        units.append(unit("time_limit", aspects.TIME_LIMIT, s.time_limit))
    if s.fees:
        units.append(unit("fees", aspects.FEES, s.fees))
    units += [unit("note", None, text, i) for i, text in enumerate(s.notes)]
    return units


def faq_unit(faq: object) -> Unit:
    f = faq  # kb.queries.FaqView
    return Unit(
        key=f"faq:{f.key}",
        services=tuple(f.services),
        kind="faq",
        aspect=_faq_aspect(f.questions),
        text=f.answer,
        questions=tuple(f.questions),
        sources=tuple(f.sources),
        title=f.questions[0] if f.questions else None,
    )


def _faq_aspect(questions: Iterable[str]) -> str | None:
    """The aspect most of an FAQ's questions ask, if most ask one."""
    questions = list(questions)
    counts = Counter(a for q in questions for a in dict.fromkeys(aspects.aspects_in(normalize(q))))
    if not counts:
        return None
    aspect, n = counts.most_common(1)[0]
    return aspect if n * 2 > len(questions) else None
