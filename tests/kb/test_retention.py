"""`python -m kb purge`: old conversations and citizen records go, recent ones stay, repeatable."""

from __future__ import annotations

import asyncio
import datetime as dt
import time

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, func, select, text

from kb.__main__ import main
from kb.db import session_factory
from kb.models import (
    ACCEPTED,
    OFFERED,
    REJECTED,
    Feedback,
    HandoffMessage,
    NluExampleSuggestion,
    UnansweredQuestion,
    utcnow,
)
from kb.retention import purge

DAY = 86400


def _tracker_store(path) -> str:
    url = f"sqlite:///{path}"
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path))
    now = time.time()
    tracker = DialogueStateTracker.from_events(
        "citizen-1",
        [
            UserUttered("去年的问题", timestamp=now - 400 * DAY),
            ActionExecuted("action_listen", timestamp=now - 400 * DAY),
            UserUttered("今天的问题", timestamp=now - 60),
            ActionExecuted("action_listen", timestamp=now - 59),
        ],
    )
    asyncio.run(store.save(tracker))
    return url


def _events(url: str) -> int:
    with create_engine(url).connect() as connection:
        return connection.scalar(text("select count(*) from events"))


def _kb_records(engine) -> None:
    old = utcnow() - dt.timedelta(days=400)
    with session_factory(engine).begin() as session:
        for created in (old, utcnow()):
            session.add(HandoffMessage(conversation_id="c", text="留言", consent=True, created_at=created))
            session.add(UnansweredQuestion(conversation_id="c", text="问题", reason="unclear", created_at=created))
            session.add(Feedback(conversation_id="c", helpful=True, created_at=created))


def _count(engine, model) -> int:
    with session_factory(engine)() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_purge_removes_only_what_is_older_than_the_cutoff(kb_engine, tmp_path) -> None:
    tracker_url = _tracker_store(tmp_path / "tracker.sqlite3")
    _kb_records(kb_engine)
    dry = purge(kb_engine, tracker_url, days=180, dry_run=True)
    assert dry.counts["conversation events"] == 2 and dry.counts["messages left"] == 1
    assert _events(tracker_url) == 4  # a dry run deletes nothing

    report = purge(kb_engine, tracker_url, days=180)
    assert report.counts == {
        "messages left": 1, "unanswered questions": 1, "feedback": 1, "unaccepted NLU examples": 0,
        "expired staff sessions": 0, "conversation events": 2,
    }  # fmt: skip
    assert _events(tracker_url) == 2
    assert all(_count(kb_engine, m) == 1 for m in (HandoffMessage, UnansweredQuestion, Feedback))
    again = purge(kb_engine, tracker_url, days=180)  # safe to repeat from cron
    assert set(again.counts.values()) == {0}


def test_offered_wording_goes_with_its_question_and_accepted_examples_stay(kb_engine) -> None:
    old = utcnow() - dt.timedelta(days=400)
    with session_factory(kb_engine).begin() as session:
        for status in (OFFERED, REJECTED, ACCEPTED):
            question = UnansweredQuestion(conversation_id="c", text=status, reason="unclear", created_at=old)
            session.add(question)
            session.flush()
            session.add(
                NluExampleSuggestion(
                    question_id=question.id, text=status, intent="medical_filing", service_key="medical_filing",
                    status=status, offered_by="yibao", created_at=old,
                )
            )  # fmt: skip
    report = purge(kb_engine, None, days=180)
    assert report.counts["unanswered questions"] == 3 and report.counts["unaccepted NLU examples"] == 2
    with session_factory(kb_engine)() as session:
        kept = session.execute(select(NluExampleSuggestion.text, NluExampleSuggestion.question_id)).all()
    assert kept == [(ACCEPTED, None)]  # training data now, no longer tied to the deleted question


def test_purge_command_line(kb_engine, tmp_path, monkeypatch, capsys) -> None:
    tracker_url = _tracker_store(tmp_path / "tracker.sqlite3")
    monkeypatch.setenv("SZ_TRACKER_URL", tracker_url)
    url = str(kb_engine.url)
    assert main(["--database-url", url, "purge", "--days", "30"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("deleted older than") and "2 conversation events" in out
    assert _events(tracker_url) == 2
    assert main(["--database-url", url, "purge", "--days", "0"]) == 1
