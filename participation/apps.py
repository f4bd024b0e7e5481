from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _passage_url(passage) -> str:
    """The coding page of the interview, the passage highlighted in the transcript."""
    return f"{passage.interview.get_absolute_url()}?passage={passage.pk}#passage-{passage.pk}"


def _card_url(card) -> str:
    return f"{card.table.get_absolute_url()}#card-{card.pk}"


class ParticipationConfig(AppConfig):
    name = "participation"
    verbose_name = _("Participation process")

    def ready(self):
        from . import permissions  # noqa: F401  (registers the rules permissions)
        from .counters import (
            conference_figures,
            conference_links,
            interview_figures,
            interview_links,
        )
        from .dashboard import register_phase_counter, register_phase_links

        register_phase_counter("interviews", interview_figures)
        register_phase_counter("conference", conference_figures)
        register_phase_links("interviews", interview_links)
        register_phase_links("conference", conference_links)

        from .sources import register_source_url

        register_source_url("participation.codedpassage", _passage_url)
        register_source_url("participation.conferencecard", _card_url)
