from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _monitoring_counter(phase):
    from .selectors import phase_figures

    return phase_figures(phase.process)


def _monitoring_links(phases, user) -> dict[int, list[tuple[str, str]]]:
    from django.urls import reverse

    process = phases[0].process
    if not user.has_perm("monitoring.view_monitoring", process):
        return {}
    items = [(str(_("Monitoring")), reverse("monitoring:dashboard", args=[process.pk]))]
    return {phase.pk: items for phase in phases}


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Integration monitoring")

    def ready(self):
        from participation.dashboard import register_phase_counter, register_phase_links

        from . import permissions  # noqa: F401  (registers the rules permissions)

        register_phase_counter("monitoring", _monitoring_counter)
        register_phase_links("monitoring", _monitoring_links)
