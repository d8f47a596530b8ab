"""Custom actions: each turns the tracker into a KB query and a reply (`rasa run actions`)."""

from actions.answers import ActionAnswerAspect, ActionAnswerResponsible, ActionAnswerService, ActionGreet
from actions.fallback import ActionCoreFallback, ActionOutOfScope, ActionSuggestServices
from actions.forms import ValidateHandoffForm, ValidateMedicalForm, ValidateSscardForm
from actions.handoff import ActionHandoff, ActionSaveHandoffMessage, ActionStoreFeedback

__all__ = [
    "ActionAnswerAspect",
    "ActionAnswerResponsible",
    "ActionAnswerService",
    "ActionCoreFallback",
    "ActionGreet",
    "ActionHandoff",
    "ActionOutOfScope",
    "ActionSaveHandoffMessage",
    "ActionStoreFeedback",
    "ActionSuggestServices",
    "ValidateHandoffForm",
    "ValidateMedicalForm",
    "ValidateSscardForm",
]
