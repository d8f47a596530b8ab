"""The seeded KB: every plan task and unit, and services that name their bureaus and sources."""

from __future__ import annotations

import re

import pytest

from kb.db import session_factory
from kb.io import export_document
from kb.plan_parser import load_plan
from kb.schema import TOPICS
from kb.seed import unit_names

NATIONAL_HOTLINES = {"12345", "12393", "12333", "12315"}


@pytest.fixture(scope="module")
def exported(kb):
    with session_factory(kb.engine)() as session:
        return export_document(session)


def test_export_holds_the_80_tasks_exactly_as_parsed(exported) -> None:
    """As parsed, with a unit the plan names in two ways under the one name the KB keeps for it."""
    names = unit_names()
    parsed = load_plan()
    assert [(t["number"], t["leads"], t["cos"]) for t in exported["tasks"]] == [
        (t.number, [names.get(u, u) for u in t.leads], [names.get(u, u) for u in t.cos]) for t in parsed
    ]


def test_every_unit_the_plan_names_is_a_bureau(exported) -> None:
    names = unit_names()
    named = {names.get(n, n) for t in load_plan() for n in t.leads + t.cos}
    assert named <= {b["name"] for b in exported["bureaus"]}


def test_a_unit_the_plan_names_in_two_ways_is_stored_once(kb, exported) -> None:
    assert unit_names() == {"市财政局(国资委)": "市财政局"}
    assert "市财政局(国资委)" not in {b["name"] for b in exported["bureaus"]}
    assert kb.bureau_name("国资委") == kb.bureau_name("市财政局(国资委)") == "市财政局"
    finance = kb.bureau("财政局")
    assert [t.number for t in finance.leads_tasks] == [1] and 46 in [t.number for t in finance.co_tasks]


def test_every_service_has_a_bureau_a_source_and_a_date(exported) -> None:
    assert len(exported["services"]) >= 25
    for service in exported["services"]:
        assert service["bureaus"], service["key"]
        assert service["sources"], service["key"]
        assert service["last_verified"], service["key"]
        assert service["topic"] in TOPICS


def test_every_responsible_bureau_leads_a_cited_task_or_a_source_names_it(exported) -> None:
    """A service's bureaus are the units responsible for it: each leads one of the plan tasks the service
    cites, or one of its sources names it (the source's `bureaus`); a co-operating unit is not enough."""
    leads = {t["number"]: set(t["leads"]) for t in exported["tasks"]}
    for service in exported["services"]:
        led = set().union(*(leads[n] for n in service["tasks"]))
        named = {b for s in service["sources"] for b in s.get("bureaus") or []}
        for bureau in service["bureaus"]:
            assert bureau in led | named, (service["key"], bureau)


def test_a_service_cites_exactly_the_plan_tasks_it_is_tied_to(exported) -> None:
    for service in exported["services"]:
        cited = {int(s["ref"].split(":")[1]) for s in service["sources"] if (s.get("ref") or "").startswith("plan:")}
        assert cited == set(service["tasks"]), service["key"]


def test_only_national_hotlines_are_given(exported) -> None:
    """No invented local phone numbers: the only numbers are the national hotlines."""
    phone_like = re.compile(r"(?<![\d.])(?:\d{3,4}-)?\d{5,8}(?![\d.]|元)")  # 20000元 is money
    for section in ("services", "faqs", "bureaus"):
        for record in exported[section]:
            text = str({k: v for k, v in record.items() if k not in ("sources", "links")})
            found = {m.group(0) for m in phone_like.finditer(text)}
            assert found <= NATIONAL_HOTLINES, (section, found)
    for service in exported["services"]:
        assert service["hotline"] in NATIONAL_HOTLINES


def test_plan_sources_point_at_real_tasks(exported) -> None:
    numbers = {t["number"] for t in exported["tasks"]}
    for section in ("services", "faqs", "bureaus"):
        for record in exported[section]:
            for source in record["sources"]:
                ref = source.get("ref") or ""
                if ref.startswith("plan:"):
                    assert int(ref.split(":")[1]) in numbers


def test_chronic_disease_list_matches_the_ten_diseases(kb) -> None:
    diseases = [t.name for t in kb.terms("disease")]
    assert len(diseases) == 10
    service = kb.service("settle_chronic")
    assert all(d in service.eligibility for d in diseases)


def test_every_service_intent_family_has_its_primary(exported) -> None:
    keys = {s["key"] for s in exported["services"]}
    for service in exported["services"]:
        assert service["intent"] in keys, service["key"]
