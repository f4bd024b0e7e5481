"""Legal basics of the public pages: imprint, privacy statement, controller, contact.

A process may set its own (fields on the process); what it leaves empty comes from the
installation's settings. Used by the footer of every page (``{% legal_links %}``) and by the
survey privacy notice's default. Takes any object with the process's fields (duck-typed, so
that core stays free of domain imports).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class LegalDetails:
    imprint_url: str
    privacy_url: str
    controller: str
    contact: str


def legal_details(process=None) -> LegalDetails:
    """Imprint, privacy statement, controller and data protection contact for the public pages
    of ``process``: its own where set, else the installation's (``TEILHABE_IMPRINT_URL``,
    ``TEILHABE_PRIVACY_URL``, ``TEILHABE_PRIVACY_CONTROLLER``, ``TEILHABE_PRIVACY_CONTACT``)."""

    def pick(own: str, setting: str) -> str:
        return (own or "").strip() or getattr(settings, setting, "") or ""

    return LegalDetails(
        imprint_url=pick(getattr(process, "imprint_url", ""), "TEILHABE_IMPRINT_URL"),
        privacy_url=pick(getattr(process, "privacy_url", ""), "TEILHABE_PRIVACY_URL"),
        controller=pick(getattr(process, "privacy_controller", ""), "TEILHABE_PRIVACY_CONTROLLER"),
        contact=pick(getattr(process, "privacy_contact", ""), "TEILHABE_PRIVACY_CONTACT"),
    )
