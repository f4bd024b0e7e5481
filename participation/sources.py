"""Where a Statement's words were said: the page of its source, contributed by the app that
owns the source model.

Apps register a function per model (``"app_label.modelname"``) in their ``AppConfig.ready``;
it takes the source object and returns the URL of the page that shows it, highlighted (an
anchor or a query parameter of that page). The statement pages link to
``participation:statement_source``, which resolves the link only when it is followed, so lists
need no query per row.
"""

from collections.abc import Callable

SourceUrl = Callable[[object], str]
_resolvers: dict[str, SourceUrl] = {}


def register_source_url(model_label: str, resolver: SourceUrl) -> None:
    _resolvers[model_label.lower()] = resolver


def source_url(statement) -> str | None:
    """The page of the statement's source, or None (no source, or it is gone)."""
    if statement.source_type_id is None:
        return None
    content_type = statement.source_type
    resolver = _resolvers.get(f"{content_type.app_label}.{content_type.model}")
    if resolver is None:
        return None
    source = statement.source
    if source is None:
        return None
    return resolver(source)
