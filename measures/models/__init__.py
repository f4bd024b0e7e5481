"""Models of the measures app, one module per area."""

from .concept import Chapter, Concept, ConceptVersion, GenerationJob, Variant

__all__ = ["Chapter", "Concept", "ConceptVersion", "GenerationJob", "Variant"]
