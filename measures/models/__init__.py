"""Models of the measures app, one module per area.

``catalogue`` holds findings, goals, measures and their tracking; other modules (the concept
document) sit beside it. Import from ``measures.models``.
"""

from .catalogue import (
    CatalogueSettings,
    Evidence,
    FieldOfActionArea,
    Finding,
    Measure,
    MeasureComment,
    MeasureDecision,
    MeasureImport,
    MeasureOrigin,
    Milestone,
    OperationalGoal,
    ProgressReport,
    ReportingLink,
    StrategicGoal,
)

__all__ = [
    "CatalogueSettings",
    "Evidence",
    "FieldOfActionArea",
    "Finding",
    "Measure",
    "MeasureComment",
    "MeasureDecision",
    "MeasureImport",
    "MeasureOrigin",
    "Milestone",
    "OperationalGoal",
    "ProgressReport",
    "ReportingLink",
    "StrategicGoal",
]
