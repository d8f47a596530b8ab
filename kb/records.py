"""What the assistant writes for staff: feedback on answers, unanswered questions, messages left.

Every text is masked (kb.privacy) here as well, whatever the caller did before.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from kb.db import session_factory
from kb.models import Feedback, HandoffMessage, UnansweredQuestion
from kb.privacy import mask_pii

MAX_TEXT = 2000
# Ratings one conversation may leave: a conversation has only so many answers to rate, and a script
# repeating "没帮助" in one conversation must not be able to swing the staff's feedback report.
MAX_FEEDBACK_PER_CONVERSATION = 20


def _clip(text: str) -> str:
    return mask_pii(text.strip())[:MAX_TEXT]


class ConversationRecords:
    def __init__(self, engine: Engine) -> None:
        self._sessions = session_factory(engine)

    def feedback(
        self,
        conversation_id: str,
        helpful: bool,
        service_key: str | None,
        intent: str | None = None,
        comment: str | None = None,
    ) -> int | None:
        """Store a rating; None (nothing stored) once the conversation has rated
        MAX_FEEDBACK_PER_CONVERSATION times."""
        if self._feedback_count(conversation_id[:64]) >= MAX_FEEDBACK_PER_CONVERSATION:
            return None
        row = Feedback(
            conversation_id=conversation_id[:64],
            helpful=helpful,
            service_key=service_key,
            intent=intent,
            comment=_clip(comment) if comment else None,
        )
        return self._add(row)

    def unanswered(
        self,
        conversation_id: str,
        text: str,
        reason: str,
        intent: str | None = None,
        confidence: float | None = None,
        suggested: Sequence[str] = (),
    ) -> int | None:
        text = _clip(text)
        if not text:
            return None
        row = UnansweredQuestion(
            conversation_id=conversation_id[:64],
            text=text,
            reason=reason,
            intent=intent,
            confidence=confidence,
            suggested=list(suggested),
        )
        return self._add(row)

    def handoff(self, conversation_id: str, text: str, service_key: str | None, bureau: str | None) -> int | None:
        """Store a message the citizen agreed to leave; the consent is the act of leaving it."""
        text = _clip(text)
        if not text:
            return None
        row = HandoffMessage(
            conversation_id=conversation_id[:64],
            text=text,
            service_key=service_key,
            bureau=bureau,
            consent=True,
        )
        return self._add(row)

    def _feedback_count(self, conversation_id: str) -> int:
        with self._sessions() as session:
            return session.scalar(
                select(func.count()).select_from(Feedback).where(Feedback.conversation_id == conversation_id)
            )

    def _add(self, row: Feedback | UnansweredQuestion | HandoffMessage) -> int:
        with self._sessions.begin() as session:
            session.add(row)
            session.flush()
            return row.id


class DiscardedRecords(ConversationRecords):
    """Records that keep nothing: for the quality gate's practice conversations, which are not citizens'
    and must not reach the staff's unanswered list or feedback report."""

    def _feedback_count(self, conversation_id: str) -> int:
        return 0

    def _add(self, row: Feedback | UnansweredQuestion | HandoffMessage) -> int:
        return 0
