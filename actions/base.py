"""Common behaviour of the assistant's actions: a KB outage is an apology, never a crash."""

from __future__ import annotations

import asyncio
import logging
import traceback
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.kb_access import knowledge_base
from actions.replies import Message

logger = logging.getLogger(__name__)

APOLOGY = "抱歉，系统暂时查不到资料，请稍后再试。着急的话请拨打12345政务服务便民热线，有人工为您解答。"


class KbAction(Action, ABC):
    """An action that reads or writes the KB. Subclasses implement `answer`."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """In a worker thread: KB work (a search, or rebuilding the index after an edit) never holds up
        the action server's other requests."""
        return await asyncio.to_thread(self._run, dispatcher, tracker, domain)

    def _run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            with knowledge_base().pinned():
                return self.answer(dispatcher, tracker, domain)
        except SQLAlchemyError as exc:
            # the exception text may quote SQL parameters (citizens' words): log only its type
            logger.error("knowledge base unavailable in %s: %s", self.name(), type(exc).__name__)
            dispatcher.utter_message(text=APOLOGY)
            return []
        except Exception as exc:  # a bug must not reach Rasa, which would log the whole tracker with it
            where = " < ".join(
                f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}" for f in traceback.extract_tb(exc.__traceback__)[::-1][:5]
            )
            logger.error("%s failed: %s at %s", self.name(), type(exc).__name__, where)  # code only, no words
            dispatcher.utter_message(text=APOLOGY)
            return []

    @abstractmethod
    def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Reply and return the events to apply."""


def say(dispatcher: CollectingDispatcher, messages: list[Message]) -> None:
    for message in messages:
        dispatcher.utter_message(**message)
