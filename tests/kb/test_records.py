"""What the assistant records for staff: feedback is limited per conversation."""

from __future__ import annotations

from sqlalchemy import func, select

from kb.db import session_factory
from kb.models import Feedback
from kb.records import MAX_FEEDBACK_PER_CONVERSATION, ConversationRecords


def test_feedback_is_limited_per_conversation(kb_engine) -> None:
    records = ConversationRecords(kb_engine)
    stored = [records.feedback("flooding-conversation", False, "customs") for _ in range(50)]
    assert sum(1 for row in stored if row is not None) == MAX_FEEDBACK_PER_CONVERSATION
    assert stored[-1] is None
    assert records.feedback("another-conversation", True, "customs") is not None
    with session_factory(kb_engine)() as session:
        counts = dict(
            session.execute(select(Feedback.conversation_id, func.count()).group_by(Feedback.conversation_id)).all()
        )
    assert counts == {"flooding-conversation": MAX_FEEDBACK_PER_CONVERSATION, "another-conversation": 1}
