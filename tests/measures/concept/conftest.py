"""Fixtures of the concept document's tests."""

import pytest

from tests.measures.concept.helpers import ConceptData, build


@pytest.fixture
def concept_data(db, settings, tmp_path) -> ConceptData:
    settings.MEDIA_ROOT = tmp_path / "media"  # generated files stay out of the work tree
    return build()
