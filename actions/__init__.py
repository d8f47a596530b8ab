"""Custom actions: each turns the tracker into a KB query and a reply (`rasa run actions`)."""

from actions.answers import ActionAnswer, ActionGreet
from actions.fallback import ActionCoreFallback
from actions.forms import ValidateHandoffForm, ValidateMedicalForm
from actions.handoff import ActionHandoff, ActionSaveHandoffMessage, ActionStoreFeedback

__all__ = [
    "ActionAnswer",
    "ActionCoreFallback",
    "ActionGreet",
    "ActionHandoff",
    "ActionSaveHandoffMessage",
    "ActionStoreFeedback",
    "ValidateHandoffForm",
    "ValidateMedicalForm",
]
