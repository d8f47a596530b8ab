"""The plan parser against a table typed by hand from the published text (tests/data/plan_units.tsv)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kb.plan_parser import PlanParseError, load_plan, parse_plan

ORACLE = Path(__file__).parent.parent / "data" / "plan_units.tsv"


def _oracle() -> list[dict[str, str]]:
    with ORACLE.open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def _names(cell: str) -> list[str]:
    return [n for n in cell.split("|") if n]


@pytest.fixture(scope="module")
def tasks():
    return load_plan()


def test_all_80_tasks_in_order(tasks) -> None:
    assert [t.number for t in tasks] == list(range(1, 81))


@pytest.mark.parametrize("row", _oracle(), ids=lambda r: f"task{r['number']}")
def test_units_match_the_hand_typed_table(tasks, row: dict[str, str]) -> None:
    task = tasks[int(row["number"]) - 1]
    assert task.title == row["title"]
    assert task.leads == _names(row["leads"])
    assert task.leads_open == (row["leads_open"] == "1")
    assert task.cos == _names(row["cos"])
    assert task.cos_open == (row["cos_open"] == "1")


def test_task_1_remark_is_not_a_unit(tasks) -> None:
    first = tasks[0]
    assert first.cos == ["市科技局", "中国人民银行宿州市分行"]
    assert first.remark == "以下均需各县区、市管各园区配合,不再列出"
    assert all(t.remark is None for t in tasks[1:])


def test_nested_parentheses_and_both_bracket_styles(tasks) -> None:
    assert tasks[13].leads == ["市数据资源管理局(政务服务局)"]  # 〔牵头单位:…〕
    assert "市财政局(国资委)" in tasks[45].cos
    assert tasks[22].leads == ["市医保局"]  # (牵头单位:…)


def test_chapter_section_and_text(tasks) -> None:
    task = tasks[22]
    assert task.chapter == "四、实施共推长三角一体化发展体制机制对接行动"
    assert task.section == "(一)完善跨区域基本公共服务制度协同"
    assert task.text.startswith("优化异地就医医保服务。探索开展长三角地区门诊慢特病")
    assert "牵头单位" not in task.text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no numbered tasks"),
        ("1.甲。(牵头单位:市医保局)\n3.乙。(牵头单位:市医保局)", "follows task 1"),
        ("1.甲。没有单位", "no unit list"),
        ("1.甲。(牵头单位:市医保局", "no unit list"),
        ("1.甲。(配合单位:市医保局)", "does not start with 牵头单位"),
        ("1.甲。(牵头单位:)", "empty unit list"),
    ],
)
def test_malformed_text_is_refused(text: str, message: str) -> None:
    with pytest.raises(PlanParseError, match=message):
        parse_plan(text)


def test_full_width_punctuation_is_accepted() -> None:
    [task] = parse_plan("1．甲。（牵头单位：市医保局、市民政局等，配合单位：市财政局）")
    assert task.leads == ["市医保局", "市民政局"]
    assert task.leads_open
    assert task.cos == ["市财政局"]
