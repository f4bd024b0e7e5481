from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _workshop_links(phases, user) -> dict[int, list[tuple[str, str]]]:
    from .models import Workshop

    workshops = Workshop.objects.filter(process_id=phases[0].process_id).order_by("starts_at")
    items = [
        (workshop.title, workshop.get_absolute_url())
        for workshop in workshops
        if user.has_perm("workshops.view_workshop", workshop)
    ]
    return {phase.pk: items for phase in phases}


def _card_url(card) -> str:
    from django.urls import reverse

    return f"{reverse('workshops:board', args=[card.workshop_id])}#card-{card.pk}"


class WorkshopsConfig(AppConfig):
    name = "workshops"
    verbose_name = _("Workshops")

    def ready(self):
        from participation.dashboard import register_phase_counter, register_phase_links
        from participation.models import Phase

        from . import permissions  # noqa: F401  (registers the rules permissions)
        from .selectors import phase_figures

        register_phase_counter(Phase.Kind.WORKSHOPS, phase_figures)
        register_phase_links(Phase.Kind.WORKSHOPS, _workshop_links)

        from participation.sources import register_source_url

        register_source_url("workshops.card", _card_url)
