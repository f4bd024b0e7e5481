"""What each phase has produced, contributed by the app that owns the data.

Apps register a counter per phase kind in their ``AppConfig.ready``; the process dashboard
asks every counter for its figures. A counter takes the phase and returns ``[(label, count)]``.
Apps also register links: a function of the phases of one kind (of one process) and the
viewing user that returns ``{phase id: [(label, url)]}`` for the pages where the phases' work
is done (only those the user may open); one call per kind keeps the dashboard's queries few.
"""

from collections import defaultdict
from collections.abc import Callable

Counter = Callable[["object"], list[tuple[str, int]]]
Links = Callable[[list, "object"], dict[int, list[tuple[str, str]]]]
_counters: dict[str, list[Counter]] = defaultdict(list)
_links: dict[str, list[Links]] = defaultdict(list)


def register_phase_counter(kind: str, counter: Counter) -> None:
    if counter not in _counters[kind]:
        _counters[kind].append(counter)


def phase_counts(phase) -> list[tuple[str, int]]:
    figures: list[tuple[str, int]] = []
    for counter in _counters.get(phase.kind, []):
        figures.extend(counter(phase))
    return figures


def register_phase_links(kind: str, links: Links) -> None:
    if links not in _links[kind]:
        _links[kind].append(links)


def phase_links(phases, user) -> dict[int, list[tuple[str, str]]]:
    by_kind: dict[str, list] = defaultdict(list)
    for phase in phases:
        by_kind[phase.kind].append(phase)
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for kind, of_kind in by_kind.items():
        for links in _links.get(kind, []):
            for phase_id, items in links(of_kind, user).items():
                found[phase_id].extend(items)
    return found


# What a signed-in user takes part in elsewhere (e.g. the surveys they are invited to), shown
# on their home page: a function of the user returning ``[(label, url)]``.
HomeLinks = Callable[["object"], list[tuple[str, str]]]
_home_links: list[HomeLinks] = []


def register_home_links(links: HomeLinks) -> None:
    if links not in _home_links:
        _home_links.append(links)


def home_links(user) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for links in _home_links:
        found.extend(links(user))
    return found
