from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _monitoring_counter(phase):
    from .selectors import phase_figures

    return phase_figures(phase.process)


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Integration monitoring")

    def ready(self):
        from participation.dashboard import register_phase_counter

        from . import permissions  # noqa: F401  (registers the rules permissions)

        register_phase_counter("monitoring", _monitoring_counter)
