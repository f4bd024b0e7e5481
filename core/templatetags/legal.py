"""``{% legal_links %}``: the imprint and privacy statement links in every page's footer.

The process comes from the page's context (``process``, or the ``process`` of the survey,
conference, workshop, measure or request the page shows); without one the installation's
addresses apply (``core.legal.legal_details``)."""

from django import template

from core.legal import legal_details

register = template.Library()

_OWNERS = ("survey", "conference", "workshop", "measure", "request_obj", "data_request", "link")


def _process_of(context):
    process = context.get("process")
    if process is not None and hasattr(process, "imprint_url"):
        return process
    for name in _OWNERS:
        owner = context.get(name)
        candidate = getattr(owner, "process", None)
        if candidate is not None and hasattr(candidate, "imprint_url"):
            return candidate
    return None


@register.inclusion_tag("core/legal_links.html", takes_context=True)
def legal_links(context):
    return {"legal": legal_details(_process_of(context))}
