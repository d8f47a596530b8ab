"""The query layer the actions and the web side call: plain, detached views of KB content.

`KnowledgeBase` hides sessions and caching. Its search index is rebuilt when the KB revision changes
(every import or staff edit bumps it), so published edits reach the very next answer.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import selectinload

from kb.db import default_engine, session_factory
from kb.models import (
    ACCEPTED,
    CO,
    LEAD,
    PUBLISHED,
    Bureau,
    Faq,
    FaqService,
    KbRevision,
    NluExampleSuggestion,
    PlanTask,
    PlanTaskUnit,
    Service,
    ServiceBureau,
    ServiceTask,
    Term,
)
from kb.schema import TOPICS
from kb.search import (
    ANCHOR_MAX_FREQUENCY,
    Entry,
    Hit,
    SearchIndex,
    clean,
    everyday_frequency,
    nouns_of,
    rare_words_of,
    vocabulary_of,
)
from kb.textnorm import FUNCTION_CHARS, char_readings, cjk_pairs, normalize
from kb.units import Unit, faq_unit, service_units

NATIONAL_HOTLINES = {
    "12345": "12345政务服务便民热线",
    "12393": "12393医疗保障服务热线",
    "12333": "12333人社服务热线",
    "12315": "12315消费者投诉举报专线",
}
GENERAL_HOTLINE = "12345"
HOME_CITY = "宿州"
ENGLISH = "english"  # the kind of the glossary terms
UNIT_ANCHOR_MAX_ITEMS = 3  # a word in at most this many units (a fact is often said twice) is rare
HOLDERS_CACHE = 8192
EVERYDAY = "everyday"  # … and of the everyday words for the KB's own
CARD_PROBLEM = "card_problem"  # … and of what citizens say has happened to a 社保卡 (丢了 is 丢失)
STAY = "stay"  # … and of how long they stay away when they see a doctor elsewhere
LONG_STAY, SHORT_STAY = "长期居住", "临时外出"
SITUATIONS = (CARD_PROBLEM, STAY)  # the kinds of terms that tell the citizen's situation, not a name of ours
# said just before a word, denies it ("不长住", "卡不是过期了"; but "是不是过期了", "有没有过期" ask)
_NEGATED = re.compile(r"(?:(?<!是)不是|(?<!有)没有|不|没|未)$")
# "下回咋样才能不垫钱": not paying first at a visit to come is settling directly, the KB's word for it (not "备案以后
# 去南京看病就不用先垫钱", what a step done brings; nor "下次用不用先垫", which asks)
_NOT_PAYING_FIRST_NEXT_TIME = re.compile(
    r"((?:下回|下次|往后|再去)[^，,。？?!！\s]{0,10}?)(?<![用要])(?:不用|不|免)(?:自己)?先?垫(?:付|钱)?"
)
DIRECT_SETTLEMENT = "直接结算"
# How people ask "who is responsible": these words say nothing about which field is meant.
_RESPONSIBILITY_WORDS = re.compile(
    r"哪个部门|哪个单位|哪个局|什么部门|什么单位|哪个机关|哪家|谁牵头|谁负责|谁来管|谁管|归谁|归哪|牵头单位|负责单位|"
    r"牵头|负责|部门|单位|管理|管"
)
_TASK_NUMBER = re.compile(r"第?\s*(?<!\d)(\d{1,3})\s*(?:项|号|条)?\s*任务|第\s*(\d{1,3})\s*项")


@dataclass(frozen=True)
class BureauRef:
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class TaskView:
    number: int
    chapter: str
    section: str
    title: str
    text: str
    leads: tuple[str, ...]
    cos: tuple[str, ...]
    leads_open: bool
    cos_open: bool
    remark: str | None


@dataclass(frozen=True)
class ServiceView:
    key: str
    intent: str | None
    name: str
    topic: str
    summary: str
    eligibility: str | None
    materials: tuple[str, ...]
    steps: tuple[str, ...]
    online_channels: tuple[str, ...]
    offline_channel: str | None
    time_limit: str | None
    fees: str | None
    hotline: str | None
    notes: tuple[str, ...]
    links: tuple[dict[str, str], ...]
    sources: tuple[dict[str, str], ...]
    last_verified: str | None
    aliases: tuple[str, ...]
    bureaus: tuple[str, ...]
    tasks: tuple[TaskView, ...]

    @property
    def lead_bureau(self) -> str:
        return self.bureaus[0]


@dataclass(frozen=True)
class BureauView:
    name: str
    full_name: str | None
    aliases: tuple[str, ...]
    duties: str | None
    sources: tuple[dict[str, str], ...]
    leads_tasks: tuple[TaskView, ...]
    co_tasks: tuple[TaskView, ...]
    services: tuple[str, ...]


@dataclass(frozen=True)
class FaqView:
    key: str
    questions: tuple[str, ...]
    answer: str
    services: tuple[str, ...]
    sources: tuple[dict[str, str], ...]


@dataclass(frozen=True)
class TermView:
    kind: str
    name: str
    aliases: tuple[str, ...]
    detail: str | None


def _units_of(units: list[Unit]) -> dict[str, tuple[str, ...]]:
    """Each service's unit keys (a FAQ's unit belongs to every service it names)."""
    held: dict[str, list[str]] = {}
    for unit in units:
        for service in unit.services:
            held.setdefault(service, []).append(unit.key)
    return {service: tuple(keys) for service, keys in held.items()}


@dataclass
class _Cache:
    """Published content as views, built once per KB revision (every edit bumps the revision)."""

    revision: int = -1
    index: SearchIndex | None = None
    faq_index: SearchIndex | None = None
    task_index: SearchIndex | None = None
    bureau_names: dict[str, str] = field(default_factory=dict)
    services: dict[str, ServiceView] = field(default_factory=dict)  # in KB order
    faqs: dict[str, FaqView] = field(default_factory=dict)
    tasks: dict[int, TaskView] = field(default_factory=dict)
    terms: tuple[TermView, ...] = ()
    units: dict[str, Unit] = field(default_factory=dict)
    unit_index: SearchIndex | None = None
    units_of: dict[str, tuple[str, ...]] = field(default_factory=dict)  # each service's unit keys
    places: re.Pattern[str] = re.compile("(?!)")
    elsewhere: re.Pattern[str] = re.compile("(?!)")  # places that are not 宿州 or its districts and counties
    home: re.Pattern[str] = re.compile("(?!)")  # 宿州 and its districts and counties
    diseases: re.Pattern[str] = re.compile("(?!)")  # the covered chronic diseases
    english: re.Pattern[str] = re.compile("(?!)")  # the English glossary's phrases
    in_chinese: dict[str, str] = field(default_factory=dict)  # … each with the KB's Chinese word
    everyday: re.Pattern[str] = re.compile("(?!)")  # everyday words for the KB's own (跳槽, 合作医疗) …
    kb_word: dict[str, str] = field(default_factory=dict)  # … each with the KB's word (换工作, 医保)
    situations: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)  # card_problem: 丢失: 丢了 …
    situation_patterns: dict[str, dict[str, re.Pattern[str]]] = field(default_factory=dict)  # … as patterns
    word_holders: dict[str, tuple[str, ...]] = field(default_factory=dict)  # unit_holders, as asked
    built_on: dict[str, tuple[str, ...]] = field(default_factory=dict)  # services_it_builds_on, as asked
    name_sounds: dict[str, frozenset[str]] = field(default_factory=dict)  # own_name_sounds, as asked
    said: str = ""  # what the content says (facts, FAQ questions, names, aliases, terms, bureaus, plan tasks)

    def unit_holders(self, word: str) -> tuple[str, ...]:
        """The keys of the units whose text says the word (remembered: a message asks of the same words often)."""
        held = self.word_holders.get(word)
        if held is None:
            if len(self.word_holders) >= HOLDERS_CACHE:
                self.word_holders.clear()
            held = self.word_holders[word] = tuple(key for key, unit in self.units.items() if word in unit.text)
        return held


_REVISION_QUERY = select(KbRevision.__table__.c.revision).where(KbRevision.__table__.c.id == 1)


class KnowledgeBase:
    """Read access to published KB content. Thread-safe; one instance per process is enough."""

    def __init__(self, engine: Engine | None = None) -> None:
        self.engine = engine or default_engine()
        self._sessions = session_factory(self.engine)
        self._cache = _Cache()
        self._lock = threading.Lock()
        self._pinned: ContextVar[_Cache | None] = ContextVar(f"kb_pinned_{id(self)}", default=None)
        self._revision_sql = str(_REVISION_QUERY.compile(self.engine, compile_kwargs={"literal_binds": True}))

    @contextmanager
    def pinned(self) -> Iterator[None]:
        """Read one revision throughout: one answer asks the KB many things, and checking for edits
        once (at the start) is enough for the next answer to see them."""
        token = self._pinned.set(self._fresh())
        try:
            yield
        finally:
            self._pinned.reset(token)

    # --- services -----------------------------------------------------------------------------

    def search_services(
        self, text: str, limit: int = 5, keys: Iterable[str] | None = None, min_score: float = 0.0
    ) -> list[Hit]:
        """Services matching free text, best first, with scores in [0, 1]."""
        return self._fresh().index.search(text, limit=limit, keys=keys, min_score=min_score)

    def service_words(self) -> frozenset[str]:
        """Words of the services' names and aliases that say what they are about (for NLU features)."""
        return frozenset(self._fresh().index.topic_words())

    def anchored_services(self, text: str) -> set[str]:
        """Services one of whose distinctive name words the text contains."""
        return self._fresh().index.anchored(text)

    def anchoring_words(self, text: str, key: str) -> set[str]:
        """The distinctive name words of a service that the text says (empty if it is not anchored)."""
        return self._fresh().index.anchors_in(text).get(key, set())

    def service_says(self, key: str, word: str) -> bool:
        """The service's own facts use the word ("联网" in 备案's "跨省联网定点医疗机构")."""
        return any(word in unit.text for unit in self.units_for(key))

    def services_saying(self, word: str, kinds: Collection[str] | None = None) -> set[str]:
        """The services whose own facts (of those kinds of unit, if given) use the word."""
        units = self._fresh().units.values()
        return {key for u in units if word in u.text and (kinds is None or u.kind in kinds) for key in u.services}

    def services_named(self, text: str) -> dict[str, set[str]]:
        """The services' name words the text contains ("社保卡", "报销"), each with the services whose names have it."""
        return self._fresh().index.words_in(text)

    def topics_named(self, text: str) -> dict[str, set[str]]:
        """The services' name words the text contains, each with the topics of the services whose names have it."""
        cache = self._fresh()
        return {
            word: {s.topic for key in keys if (s := cache.services.get(key))}
            for word, keys in self.services_named(text).items()
        }

    def corrected(self, text: str) -> str:
        """The text as the search reads it: normalised, homophone typos corrected (医宝 → 医保), no punctuation."""
        return self._fresh().index.prepare(text)

    def respelled(self, text: str) -> str:
        """The text normalised with its homophone typos corrected, every character in its place ("备按是办过的" →
        "备案是办过的"; punctuation and spaces kept, unlike `corrected`)."""
        return self._fresh().index.corrector.correct(normalize(text))

    def mentioned_services(self, text: str) -> list[Hit]:
        """Services whose name or alias the text contains (typos tolerated), longest name first."""
        return self._fresh().index.mentions(text)

    def warm_up(self) -> None:
        """Build the search index now rather than on the first citizen's question."""
        self._fresh()

    def service(self, key: str) -> ServiceView | None:
        return self._fresh().services.get(key)

    def service_by_name(self, name: str) -> ServiceView | None:
        """A service by its exact name or alias, else the best search match."""
        wanted = normalize(name.strip())
        for service in self._fresh().services.values():
            if wanted in {normalize(n) for n in (service.name, *service.aliases)}:
                return service
        hits = self.search_services(name, limit=1, min_score=0.5)
        return self.service(hits[0].key) if hits else None

    def services_it_builds_on(self, key: str) -> list[ServiceView]:
        """Other services a service's summary names ("办好异地就医备案，……出院时直接结算"), in order."""
        cache = self._fresh()
        if key not in cache.built_on:  # content only: the same until the next edit
            service = cache.services.get(key)
            hits = cache.index.mentions(service.summary) if service and cache.index else []
            cache.built_on[key] = tuple(hit.key for hit in hits if hit.key != key)
        return [s for k in cache.built_on[key] if (s := cache.services.get(k))]

    def steps(self) -> set[str]:
        """The services others begin with (备案, 一网通办, 一卡通; not 手工报销, 住院结算's fallback)."""
        return {bases[0].key for key in self._fresh().services if (bases := self.services_it_builds_on(key))}

    def services_built_on(self, key: str) -> list[ServiceView]:
        """The services that begin with this one (备案 → the three kinds of direct settlement)."""
        return [
            s
            for s in self._fresh().services.values()
            if [b.key for b in self.services_it_builds_on(s.key)][:1] == [key]
        ]

    def own_name_sounds(self, key: str) -> frozenset[str]:
        """How the characters of a service's name that at most two other names share sound: 挂 of 社会保障卡
        挂失, 报 of 手工报销 — not 异, 地, 医, 卡, which many names have."""
        cache = self._fresh()
        if key not in cache.name_sounds:  # content only: the same until the next edit
            service = cache.services.get(key)
            shared = Counter(ch for s in cache.services.values() for ch in set(s.name))
            own = {ch for ch in (service.name if service else "") if shared[ch] <= 3 and ch not in FUNCTION_CHARS}
            cache.name_sounds[key] = frozenset(r for ch in own for r in char_readings(ch))
        return cache.name_sounds[key]

    def services_for_intent(self, intent: str) -> list[ServiceView]:
        """The services an NLU intent routes to; the one whose key is the intent comes first."""
        family = [s for s in self._fresh().services.values() if s.intent == intent]
        return sorted(family, key=lambda s: s.key != intent)  # stable: KB order otherwise

    def services_for_task(self, number: int) -> list[ServiceView]:
        """The published services that carry out a plan task, in KB order."""
        return [s for s in self._fresh().services.values() if any(t.number == number for t in s.tasks)]

    def services_by_topic(self, topic: str) -> list[ServiceView]:
        return [s for s in self._fresh().services.values() if s.topic == topic]

    def services_by_bureau(self, bureau: str) -> list[ServiceView]:
        name = self.bureau_name(bureau)
        return [s for s in self._fresh().services.values() if name in s.bureaus] if name else []

    def service_intents(self) -> frozenset[str]:
        """The NLU intents that route to published services."""
        return frozenset(s.intent for s in self._fresh().services.values() if s.intent)

    def topic_entry_points(self) -> list[tuple[str, str]]:
        """Each topic with the key of its first published service, topics in their curated order."""
        first: dict[str, str] = {}
        for service in self._fresh().services.values():
            first.setdefault(service.topic, service.key)
        order = {topic: i for i, topic in enumerate(TOPICS)}
        return sorted(first.items(), key=lambda item: order.get(item[0], len(order)))

    def topics(self) -> list[str]:
        return list(dict.fromkeys(s.topic for s in self._fresh().services.values()))

    def faqs_for(self, service_key: str) -> list[FaqView]:
        return [f for f in self._fresh().faqs.values() if service_key in f.services]

    def search_faqs(
        self, text: str, limit: int = 3, min_score: float = 0.0, services: Iterable[str] | None = None
    ) -> list[tuple[FaqView, float]]:
        """FAQs whose questions match free text, best first; only those of `services` if given."""
        cache = self._fresh()
        keys = None if services is None else [f.key for f in cache.faqs.values() if set(f.services) & set(services)]
        hits = cache.faq_index.search(text, limit=limit, keys=keys, min_score=min_score)
        return [(cache.faqs[h.key], h.score) for h in hits if h.key in cache.faqs]

    def units_anchored(self, text: str, service_key: str) -> list[tuple[Unit, int]]:
        """The service's units that share a rare word with the text ("区号" of 12393's unit), each with how many:
        a word or two-character run of the text, no everyday word nor a place at home (宿州's own say where the
        citizen lives: "俺还想在砀山承包个梨园" shares no fact's word with 康养's 砀山县; 池州, 广东 may be a fact's
        own), that at most a few units of the KB say."""
        cache = self._fresh()
        shared: Counter[str] = Counter()
        home_blanked = cache.places.sub(
            lambda m: m.group(0) if cache.elsewhere.fullmatch(m.group(0)) else " ", normalize(text)
        )
        for word in sorted(rare_words_of(home_blanked)):
            holders = cache.unit_holders(word)
            if len(holders) <= UNIT_ANCHOR_MAX_ITEMS:
                shared.update(key for key in holders if service_key in cache.units[key].services)
        return [(cache.units[key], n) for key, n in sorted(shared.items())]

    def words_unknown(self, text: str) -> set[str]:
        """The text's nouns that nothing in the KB says ("彩礼", "房子", "酒店"): signs of another matter.
        "东西" names nothing; "备案", "人社局", "窗口" are the KB's own."""
        said = self._fresh().said
        return {word for word in nouns_of(normalize(text)) if word not in said}

    def things_unknown(self, text: str) -> set[str]:
        """The unknown words that are words of the language but not everyday ones ("卫生室", "学区", "路灯"; not
        "消息", "人家", nor a by-product of segmenting such as "疼能")."""
        return {word for word in self.words_unknown(text) if 0 < everyday_frequency(word) < ANCHOR_MAX_FREQUENCY}

    def units_for(self, service_key: str) -> list[Unit]:
        """The sentence-level units of a service: its own fields, then the FAQs about it."""
        return [u for u in self._fresh().units.values() if service_key in u.services]

    def hotline_unit(self, number: str) -> Unit | None:
        """The unit that says what a hotline is and does ("12393是国家医保局设立的医疗保障服务热线…")."""
        return next((u for u in self._fresh().units.values() if u.text.startswith(f"{number}是")), None)

    def search_units(
        self, text: str, services: Iterable[str] | None = None, limit: int = 3, min_score: float = 0.0
    ) -> list[tuple[Unit, float]]:
        """Units whose text or questions match free text, best first; only those of `services` if given."""
        cache = self._fresh()
        wanted = None if services is None else set(services)
        keys = None if wanted is None else [k for service in sorted(wanted) for k in cache.units_of.get(service, ())]
        hits = cache.unit_index.search(text, limit=limit, keys=keys, min_score=min_score)
        return [(cache.units[h.key], h.score) for h in hits]

    # --- bureaus and plan tasks ---------------------------------------------------------------

    def bureau_name(self, text: str) -> str | None:
        """The plan's name of a bureau given its name or any alias (医保局 → 市医保局)."""
        names = self._fresh().bureau_names
        key = clean(normalize(text))
        return names.get(key)

    def bureaus_mentioned(self, text: str) -> list[str]:
        """Bureaus named anywhere in a text, longest mention first, each once."""
        cleaned = clean(normalize(text))
        found: list[str] = []
        for alias, name in sorted(self._fresh().bureau_names.items(), key=lambda kv: -len(kv[0])):
            if alias in cleaned and name not in found:
                found.append(name)
                cleaned = cleaned.replace(alias, "\u0000")
        return found

    def bureau(self, text: str) -> BureauView | None:
        name = self.bureau_name(text)
        if name is None:
            return None
        with self._sessions() as session:
            row = session.scalars(
                select(Bureau)
                .where(Bureau.name == name)
                .options(
                    selectinload(Bureau.task_units)
                    .selectinload(PlanTaskUnit.task)
                    .selectinload(PlanTask.units)
                    .selectinload(PlanTaskUnit.bureau)
                )
            ).one()
            services = session.scalars(
                select(Service.name)
                .join(Service.bureau_links)
                .where(ServiceBureau.bureau_id == row.id, Service.status == PUBLISHED)
                .order_by(Service.id)
            ).all()
            return BureauView(
                name=row.name,
                full_name=row.full_name,
                aliases=tuple(row.aliases),
                duties=row.duties,
                sources=tuple(row.sources),
                leads_tasks=tuple(_task_view(u.task) for u in row.task_units if u.role == LEAD),
                co_tasks=tuple(_task_view(u.task) for u in row.task_units if u.role == CO),
                services=tuple(services),
            )

    def task(self, number: int) -> TaskView | None:
        return self._fresh().tasks.get(number)

    def task_count(self) -> int:
        return len(self._fresh().tasks)

    def search_tasks(self, text: str, limit: int = 3, min_score: float = 0.0) -> list[tuple[TaskView, float]]:
        """Plan tasks about a field ("云计算谁牵头" → 着力壮大云计算产业), best first."""
        field = _RESPONSIBILITY_WORDS.sub(" ", normalize(text))
        cache = self._fresh()
        hits = cache.task_index.search(field, limit=limit, min_score=min_score)
        return [(cache.tasks[int(h.key)], h.score) for h in hits if int(h.key) in cache.tasks]

    def task_says_a_word_of(self, text: str, task: TaskView) -> bool:
        """Two characters of the text in a row (no particles, places or question words) that the task says too:
        "物流这块谁牵头" and 现代物流, not "本地的房产证丢了补办找谁" and 现代物流 by the search's fuzziness alone."""
        field = self.without_places(_RESPONSIBILITY_WORDS.sub(" ", normalize(text)))
        said = " ".join((task.title, task.text))
        return any(pair in said for pair in cjk_pairs(field) if not FUNCTION_CHARS & set(pair))

    def responsible_for(self, text: str) -> list[TaskView]:
        """The plan task(s) a question is about: by number ("第23项任务") or by field."""
        numbers = task_numbers_in(text)
        if numbers:
            return [t for n in numbers if (t := self.task(n))]
        return [t for t, _ in self.search_tasks(text, limit=1, min_score=0.2)]

    # --- gazetteer ----------------------------------------------------------------------------

    def without_places(self, text: str, blank: str = " ") -> str:
        """The text with the place names it contains blanked out (on normalised text)."""
        return self._fresh().places.sub(blank, text)

    def without_diseases(self, text: str, blank: str = " ") -> str:
        """The text with the covered diseases it names blanked out (on normalised text)."""
        return self._fresh().diseases.sub(blank, text)

    def names_disease(self, text: str) -> bool:
        """Whether the (normalised) text names a covered chronic disease: 高血压, 糖尿病 …"""
        return bool(self._fresh().diseases.search(text))

    def in_chinese(self, text: str) -> str:
        """The text with the English glossary's words in the KB's Chinese ("my social security card got
        stolen" → "my 社保卡 丢了"); lower-cased and normalised where it had English, as it was otherwise."""
        cache = self._fresh()
        said = normalize(text)
        if not cache.english.search(said):
            return text
        return cache.english.sub(lambda m: cache.in_chinese[m.group(0)], said)

    def in_kb_words(self, text: str) -> str:
        """The text in the KB's words: English read as above, everyday words in the words the KB's names use
        ("刚跳槽到杭州 合作医疗咋办" → "刚换工作到杭州 医保咋办") and not paying first next time as 直接结算; as it
        was where it has none of them."""
        cache = self._fresh()
        said = self.in_chinese(text)
        normalised = normalize(said)
        # found in the text with its homophone typos corrected ("职城" is 职称), which keeps every character's place
        found = list(cache.everyday.finditer(cache.index.corrector.correct(normalised)))
        if found:
            parts, start = [], 0
            for match in found:
                parts += [normalised[start : match.start()], cache.kb_word[match.group(0)]]
                start = match.end()
            said = "".join([*parts, normalised[start:]])
        return _NOT_PAYING_FIRST_NEXT_TIME.sub(rf"\g<1>{DIRECT_SETTLEMENT}", said)

    def situation_said(self, kind: str, name: str, text: str) -> re.Match[str] | None:
        """Where the (normalised) text says the situation in any of its words, not negated ("找不到了" is 丢失;
        "不长住" says no 长期居住)."""
        pattern = self._fresh().situation_patterns.get(kind, {}).get(name)
        found = pattern.finditer(text) if pattern else ()
        return next((m for m in found if not _NEGATED.search(text[max(0, m.start() - 3) : m.start()])), None)

    def situations_said(self, kind: str, text: str) -> set[str]:
        """The situations of a kind the (normalised) text tells: "是不是过期了还是锁了" tells 到期 and 锁定."""
        return {name for name in self._fresh().situations.get(kind, {}) if self.situation_said(kind, name, text)}

    def situation_of(self, kind: str, value: object) -> str | None:
        """The situation an NLU entity value names, also one the NLU synonyms did not map ("丢", "被锁住了")."""
        said = normalize(str(value)) if value is not None else ""
        part = any(ch not in FUNCTION_CHARS for ch in said)  # "丢", "激活" are a part of one of its words; "了" is not
        for name, words in self._fresh().situations.get(kind, {}).items():
            if any(w in said or (part and said in w) for w in words):
                return name
        return None

    def stay_told(self, text: str) -> str | None:
        """How long the citizen stays away, as the text tells it: 长期居住 or 临时外出 (with one of their words, or
        by denying the long stay: "俺们不长住 就去待俩月")."""
        said = normalize(text)
        told = self.situations_said(STAY, said)
        if len(told) == 1:
            return told.pop()
        pattern = self._fresh().situation_patterns.get(STAY, {}).get(LONG_STAY)
        denied = not told and pattern is not None and pattern.search(said)
        return SHORT_STAY if denied else None

    def names_elsewhere(self, text: str) -> bool:
        """Whether the (normalised) text names a place outside 宿州: 上海, 杭州, 合肥 …"""
        return bool(self._fresh().elsewhere.search(text))

    def home_places(self) -> str:
        """A pattern of 宿州 and its districts and counties, by every name the place terms give them."""
        return self._fresh().home.pattern

    def terms(self, kind: str | None = None) -> list[TermView]:
        return [t for t in self._fresh().terms if kind is None or t.kind == kind]

    def bureaus(self) -> list[BureauRef]:
        with self._sessions() as session:
            return [BureauRef(b.name, tuple(b.aliases)) for b in session.scalars(select(Bureau).order_by(Bureau.id))]

    def vocabulary(self) -> frozenset[str]:
        """The KB words whose homophone typos are corrected (shared with the NLU tokenizer)."""
        return self._fresh().index.corrector.vocabulary

    # --- training data ------------------------------------------------------------------------

    def training_examples(self) -> list[tuple[str, str]]:
        """The (intent, text) NLU examples admins accepted on the staff pages, by intent, oldest first."""
        with self._sessions() as session:
            rows = session.execute(
                select(NluExampleSuggestion.intent, NluExampleSuggestion.text)
                .where(NluExampleSuggestion.status == ACCEPTED)
                .order_by(NluExampleSuggestion.intent, NluExampleSuggestion.id)
            ).all()
            return [(intent, text) for intent, text in rows]

    def revision(self) -> int:
        # asked before every answer: the driver's cursor on a pooled connection, a third of a Core query
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(self._revision_sql)
            row = cursor.fetchone()
            cursor.close()
        finally:
            connection.close()
        return (row[0] if row else 0) or 0

    # --- cache --------------------------------------------------------------------------------

    def _fresh(self) -> _Cache:
        pinned = self._pinned.get()
        if pinned is not None:
            return pinned
        revision = self.revision()
        if revision == self._cache.revision:
            return self._cache
        # The first request after an edit rebuilds (and so sees the edit); requests arriving while it
        # does are answered from the previous revision rather than held for seconds. Only before the
        # first build is there nothing to answer from.
        if self._lock.acquire(blocking=self._cache.revision < 0):
            try:
                if revision != self._cache.revision:
                    self._cache = self._build_cache(revision)
            finally:
                self._lock.release()
        return self._cache

    def _build_cache(self, revision: int) -> _Cache:
        with self._sessions() as session:
            services = session.scalars(_service_query().where(Service.status == PUBLISHED).order_by(Service.id)).all()
            faqs = session.scalars(
                select(Faq)
                .where(Faq.status == PUBLISHED)
                .options(selectinload(Faq.service_links).selectinload(FaqService.service))
                .order_by(Faq.id)
            ).all()
            # an FAQ about services that are all withdrawn is withdrawn with them
            faqs = [f for f in faqs if not f.services or any(svc.status == PUBLISHED for svc in f.services)]
            bureaus = session.scalars(select(Bureau)).all()
            every_term = session.scalars(select(Term).order_by(Term.kind, Term.id)).all()
            # what happens to a card, how long one stays: no name of a matter, not a word of the search nor of
            # what the KB says
            terms = [t for t in every_term if t.kind not in SITUATIONS]
            tasks = session.scalars(_task_query().order_by(PlanTask.number)).all()

            linked_terms: dict[int, list[str]] = {}
            for term in terms:
                if term.service_id is not None:
                    linked_terms.setdefault(term.service_id, []).extend((term.name, *term.aliases))
            # a service is found by what it is called; its FAQs' questions, full of words every service
            # shares (多久, 要带啥), are matched as units of their own (search_units)
            service_entries = [
                Entry(s.key, s.name, names=(s.name, *s.aliases, *linked_terms.get(s.id, ()))) for s in services
            ]
            bureau_words = [w for b in bureaus for w in (b.name, *b.aliases)]
            term_words = [w for t in terms for w in (t.name, *t.aliases)]
            places = [w for t in terms if t.kind == "place" for w in (t.name, *t.aliases)]
            extra = vocabulary_of(bureau_words) | set(term_words)
            index = SearchIndex(service_entries, extra_vocabulary=extra, neutral_terms=places)
            faq_index = SearchIndex(
                [Entry(f.key, f.questions[0], names=(), questions=tuple(f.questions)) for f in faqs],
                extra_vocabulary=index.corrector.vocabulary,
            )
            task_index = SearchIndex(
                [
                    Entry(str(t.number), t.title, names=(t.title,), questions=tuple(_task_phrases(t.text)))
                    for t in tasks
                ],
                extra_vocabulary=index.corrector.vocabulary,
            )
            service_views = {s.key: _service_view(s) for s in services}
            faq_views = {f.key: _faq_view(f) for f in faqs}
            units = [u for view in service_views.values() for u in service_units(view)]
            units += [faq_unit(f) for f in faq_views.values()]
            unit_index = SearchIndex(
                [Entry(u.key, u.key, names=(), questions=(u.text, *u.questions)) for u in units],
                extra_vocabulary=index.corrector.vocabulary,
                neutral_terms=places,
            )
            bureau_names = {clean(normalize(alias)): b.name for b in bureaus for alias in (b.name, *b.aliases)}
            situations = {kind: {t.name: _normalised(t) for t in every_term if t.kind == kind} for kind in SITUATIONS}
            return _Cache(
                revision,
                index,
                faq_index,
                task_index,
                bureau_names,
                services=service_views,
                faqs=faq_views,
                tasks={t.number: _task_view(t) for t in tasks},
                terms=tuple(TermView(t.kind, t.name, tuple(t.aliases), t.detail) for t in every_term),
                units={u.key: u for u in units},
                unit_index=unit_index,
                units_of=_units_of(units),
                places=_alternation(w for t in terms if t.kind == "place" for w in (t.name, *t.aliases)),
                elsewhere=_alternation(
                    w for t in terms if t.kind == "place" and not _home(t) for w in (t.name, *t.aliases)
                ),
                home=_alternation(w for t in terms if t.kind == "place" and _home(t) for w in (t.name, *t.aliases)),
                diseases=_alternation(w for t in terms if t.kind == "disease" for w in (t.name, *t.aliases)),
                english=_english_phrases(a for t in terms if t.kind == ENGLISH for a in t.aliases),
                in_chinese={normalize(a): t.name for t in terms if t.kind == ENGLISH for a in t.aliases},
                everyday=_alternation(a for t in terms if t.kind == EVERYDAY for a in t.aliases),
                kb_word={normalize(a): t.name for t in terms if t.kind == EVERYDAY for a in t.aliases},
                situations=situations,
                situation_patterns={
                    kind: {name: _alternation(words) for name, words in named.items()}
                    for kind, named in situations.items()
                },
                said=normalize(
                    "\n".join(
                        [
                            *(text for u in units for text in (u.text, *u.questions)),
                            *(n for v in service_views.values() for n in (v.name, *v.aliases)),
                            *(n for t in terms for n in (t.name, *t.aliases)),
                            *(n for b in bureaus for n in (b.name, *b.aliases)),
                            *(t.text for t in tasks),
                        ]
                    )
                ),
            )


def _home(place: Term) -> bool:
    """宿州 itself and its districts and counties (the place terms' detail says whose they are)."""
    return place.name.startswith(HOME_CITY) or (place.detail or "").startswith(HOME_CITY)


def _english_phrases(phrases: Iterable[str]) -> re.Pattern[str]:
    """Whole English words and phrases, longest first ("medical insurance" before "insurance")."""
    ordered = sorted({normalize(p) for p in phrases if p}, key=len, reverse=True)
    alternation = "|".join(re.escape(p) for p in ordered)
    return re.compile(rf"(?<![a-z])(?:{alternation})(?![a-z])" if ordered else "(?!)")


def _normalised(term: Term) -> tuple[str, ...]:
    return tuple(dict.fromkeys(normalize(w) for w in (term.name, *term.aliases) if w))


def _alternation(words: Iterable[str]) -> re.Pattern[str]:
    ordered = sorted({normalize(w) for w in words if w}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, ordered)) or "(?!)")


def task_numbers_in(text: str) -> list[int]:
    numbers = []
    for m in _TASK_NUMBER.finditer(normalize(text)):
        n = int(m.group(1) or m.group(2))
        if n not in numbers:
            numbers.append(n)
    return numbers


def _task_phrases(text: str) -> list[str]:
    """A task's sentences, as phrases for matching a field ("云计算", "养老")."""
    return [s for s in re.split(r"[。；;]", text) if len(s) >= 4][:6]


def _service_query():
    return select(Service).options(
        selectinload(Service.bureau_links).selectinload(ServiceBureau.bureau),
        selectinload(Service.task_links)
        .selectinload(ServiceTask.task)
        .selectinload(PlanTask.units)
        .selectinload(PlanTaskUnit.bureau),
    )


def _task_query():
    return select(PlanTask).options(selectinload(PlanTask.units).selectinload(PlanTaskUnit.bureau))


def _task_view(task: PlanTask) -> TaskView:
    return TaskView(
        number=task.number,
        chapter=task.chapter,
        section=task.section,
        title=task.title,
        text=task.text,
        leads=tuple(b.name for b in task.leads),
        cos=tuple(b.name for b in task.cos),
        leads_open=task.leads_open,
        cos_open=task.cos_open,
        remark=task.remark,
    )


def _service_view(s: Service) -> ServiceView:
    return ServiceView(
        key=s.key,
        intent=s.intent,
        name=s.name,
        topic=s.topic,
        summary=s.summary,
        eligibility=s.eligibility,
        materials=tuple(s.materials),
        steps=tuple(s.steps),
        online_channels=tuple(s.online_channels),
        offline_channel=s.offline_channel,
        time_limit=s.time_limit,
        fees=s.fees,
        hotline=s.hotline,
        notes=tuple(s.notes),
        links=tuple(s.links),
        sources=tuple(s.sources),
        last_verified=s.last_verified.isoformat() if s.last_verified else None,
        aliases=tuple(s.aliases),
        bureaus=tuple(b.name for b in s.bureaus),
        tasks=tuple(_task_view(link.task) for link in s.task_links),
    )


def _faq_view(f: Faq) -> FaqView:
    return FaqView(
        key=f.key,
        questions=tuple(f.questions),
        answer=f.answer,
        services=tuple(s.key for s in f.services),
        sources=tuple(f.sources),
    )


__all__ = [
    "GENERAL_HOTLINE",
    "NATIONAL_HOTLINES",
    "BureauView",
    "FaqView",
    "Hit",
    "KnowledgeBase",
    "ServiceView",
    "TaskView",
    "TermView",
]
