"""Models of the participation app, one module per area.

The package keeps the historical import path: ``from participation.models import Process``.
"""

from .conference import AgendaItem, Conference, ConferenceCard, Registration, TopicTable
from .core import (
    AuditEvent,
    FieldOfAction,
    Organisation,
    Person,
    Phase,
    Process,
    ProcessMembership,
    TargetGroup,
    TranslatedNameMixin,
)
from .interviews import Code, CodedPassage, GuideQuestion, Interview
from .statements import Statement

__all__ = [
    "AgendaItem",
    "AuditEvent",
    "Code",
    "CodedPassage",
    "Conference",
    "ConferenceCard",
    "FieldOfAction",
    "GuideQuestion",
    "Interview",
    "Organisation",
    "Person",
    "Phase",
    "Process",
    "ProcessMembership",
    "Registration",
    "Statement",
    "TargetGroup",
    "TopicTable",
    "TranslatedNameMixin",
]
