"""`python -m kb`: init, export, import and search, as operators use them."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kb.__main__ import main
from kb.db import make_engine
from kb.plan_parser import load_plan
from kb.seed import seed_document, unit_names
from kb.staff import StaffOps

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'kb.sqlite3'}"


def test_init_is_idempotent(url: str, capsys) -> None:
    assert main(["--database-url", url, "init"]) == 0
    assert f"KB initialised: {len(seed_document()['bureaus'])} bureaus, 80 tasks" in capsys.readouterr().out
    assert main(["--database-url", url, "init"]) == 0
    assert "nothing to do" in capsys.readouterr().out


def test_export_lists_tasks_bureaus_and_services(url: str, capsys) -> None:
    main(["--database-url", url, "init"])
    capsys.readouterr()
    assert main(["--database-url", url, "export"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert len(doc["tasks"]) == 80
    by_number = {t["number"]: t for t in doc["tasks"]}
    names = unit_names()  # a unit the plan names in two ways is kept under one name
    for parsed in load_plan():
        assert by_number[parsed.number]["leads"] == [names.get(u, u) for u in parsed.leads]
        assert by_number[parsed.number]["cos"] == [names.get(u, u) for u in parsed.cos]
    assert {"市医保局", "市数据资源管理局(政务服务局)", "宿州海关"} <= {b["name"] for b in doc["bureaus"]}
    assert all(s["bureaus"] and s["sources"] for s in doc["services"])


def test_import_refuses_a_bad_file_and_changes_nothing(url: str, tmp_path: Path, capsys) -> None:
    main(["--database-url", url, "init"])
    capsys.readouterr()
    main(["--database-url", url, "export"])
    before = capsys.readouterr().out
    doc = json.loads(before)
    doc["services"][0]["summary"] = "这一处改动不应被保存。"
    doc["services"][2]["bureaus"] = ["不存在的局"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert main(["--database-url", url, "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "nothing was changed" in err
    assert f"services[2] (key={doc['services'][2]['key']}).bureaus[0]: unknown bureau '不存在的局'" in err
    main(["--database-url", url, "export"])
    assert capsys.readouterr().out == before


@pytest.mark.parametrize(("content", "message"), [("{not json", "not valid JSON"), ("[]", "one JSON object")])
def test_import_refuses_malformed_json(url: str, tmp_path: Path, capsys, content: str, message: str) -> None:
    main(["--database-url", url, "init"])
    path = tmp_path / "x.json"
    path.write_text(content)
    assert main(["--database-url", url, "import", str(path)]) == 1
    assert message in capsys.readouterr().err


def test_import_of_a_good_file_reports_counts(url: str, tmp_path: Path, capsys) -> None:
    main(["--database-url", url, "init"])
    capsys.readouterr()
    main(["--database-url", url, "export"])
    path = tmp_path / "kb.json"
    path.write_text(capsys.readouterr().out, encoding="utf-8")
    assert main(["--database-url", url, "import", str(path)]) == 0
    seed = seed_document()
    counts = f"imported {len(seed['bureaus'])} bureaus, 80 tasks, {len(seed['services'])} services"
    assert counts in capsys.readouterr().out


def test_search_prints_scores(url: str, capsys) -> None:
    main(["--database-url", url, "init"])
    capsys.readouterr()
    assert main(["--database-url", url, "search", "社宝卡丢了"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    score, key = first.split()[:2]
    assert key == "sscard_loss" and 0 < float(score) <= 1


def test_module_entry_point_runs(url: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kb", "--database-url", url, "init"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_a_bad_retention_setting_only_stops_purge(url: str, monkeypatch, capsys) -> None:
    monkeypatch.setenv("SZ_RETENTION_DAYS", "half a year")
    assert main(["--database-url", url, "init"]) == 0
    assert main(["--database-url", url, "purge", "--dry-run"]) == 1
    assert "SZ_RETENTION_DAYS must be a whole number of days, not 'half a year'" in capsys.readouterr().err


def test_account_commands_are_audited(url: str, monkeypatch, capsys) -> None:
    main(["--database-url", url, "init"])
    for argv, password in (
        (["staff", "add", "zhang", "--role", "viewer", "--password-stdin"], "a long enough password"),
        (["staff", "set-password", "zhang", "--password-stdin"], "another long password"),
        (["staff", "unlock", "zhang"], ""),
    ):
        monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
        assert main(["--database-url", url, *argv]) == 0
    history = StaffOps(make_engine(url)).history("staff", "zhang")
    assert [h["action"] for h in history] == ["unlock", "set_password", "create"]
    assert all(h["username"].startswith("cli") for h in history)
    assert all("password_hash" not in h["after"] for h in history)
