from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _drafting_counter(phase):
    from .selectors import phase_figures

    return phase_figures(phase.process_id)


def _drafting_links(phases, user) -> dict[int, list[tuple[str, str]]]:
    from django.urls import reverse

    process = phases[0].process
    if not user.has_perm("measures.view_catalogue", process):
        return {}
    items = [
        (str(_("Findings")), reverse("measures:findings", args=[process.pk])),
        (str(_("Measures")), reverse("measures:catalogue", args=[process.pk])),
    ]
    return {phase.pk: items for phase in phases}


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = _("Findings, goals and measures")

    def ready(self):
        from participation.dashboard import register_phase_counter, register_phase_links

        from . import permissions  # noqa: F401  (registers the rules permissions)
        from .concept import permissions as concept_permissions  # noqa: F401

        register_phase_counter("drafting", _drafting_counter)
        register_phase_links("drafting", _drafting_links)
