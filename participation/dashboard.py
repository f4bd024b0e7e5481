"""What each phase has produced, contributed by the app that owns the data.

Apps register a counter per phase kind in their ``AppConfig.ready``; the process dashboard
asks every counter for its figures. A counter takes the phase and returns ``[(label, count)]``.
"""

from collections import defaultdict
from collections.abc import Callable

Counter = Callable[["object"], list[tuple[str, int]]]
_counters: dict[str, list[Counter]] = defaultdict(list)


def register_phase_counter(kind: str, counter: Counter) -> None:
    if counter not in _counters[kind]:
        _counters[kind].append(counter)


def phase_counts(phase) -> list[tuple[str, int]]:
    figures: list[tuple[str, int]] = []
    for counter in _counters.get(phase.kind, []):
        figures.extend(counter(phase))
    return figures
