"""What changed between two versions: measures added, removed or changed, figures that
moved, findings and goals edited, chapter texts edited. Pure: compares two stored snapshots."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .structure import Bullets, Document, Heading, Text

MEASURE_FIELDS = {
    "title": gettext_lazy("title"),
    "status": gettext_lazy("status"),
    "progress": gettext_lazy("progress"),
    "priority": gettext_lazy("priority"),
    "lead": gettext_lazy("lead organisation"),
    "field": gettext_lazy("field of action"),
}


@dataclass
class Diff:
    measures_added: list[tuple[str, str]] = field(default_factory=list)
    measures_removed: list[tuple[str, str]] = field(default_factory=list)
    measures_changed: list[tuple[str, str, list[tuple[str, str, str]]]] = field(
        default_factory=list
    )
    figures_moved: list[tuple[str, str, str]] = field(default_factory=list)
    figures_added: list[tuple[str, str]] = field(default_factory=list)
    figures_removed: list[tuple[str, str]] = field(default_factory=list)
    findings_added: list[str] = field(default_factory=list)
    findings_edited: list[str] = field(default_factory=list)
    findings_removed: list[str] = field(default_factory=list)
    goals_changed: list[tuple[str, str]] = field(default_factory=list)
    chapters_edited: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(getattr(self, name) for name in self.__dataclass_fields__)

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def diff(old: dict, new: dict) -> Diff:
    out = Diff()
    old_m, new_m = old.get("measures", {}), new.get("measures", {})
    for code in sorted(new_m.keys() - old_m.keys()):
        out.measures_added.append((code, new_m[code]["title"]))
    for code in sorted(old_m.keys() - new_m.keys()):
        out.measures_removed.append((code, old_m[code]["title"]))
    for code in sorted(new_m.keys() & old_m.keys()):
        changes = [
            (
                str(MEASURE_FIELDS.get(k, k)),
                str(old_m[code].get(k, "")),
                str(new_m[code].get(k, "")),
            )
            for k in new_m[code]
            if old_m[code].get(k) != new_m[code].get(k)
        ]
        if changes:
            out.measures_changed.append((code, new_m[code]["title"], changes))
    old_f, new_f = old.get("figures", {}), new.get("figures", {})
    for key in sorted(new_f.keys() & old_f.keys()):
        if old_f[key] != new_f[key]:
            out.figures_moved.append((key, old_f[key], new_f[key]))
    out.figures_added = [(k, new_f[k]) for k in sorted(new_f.keys() - old_f.keys())]
    out.figures_removed = [(k, old_f[k]) for k in sorted(old_f.keys() - new_f.keys())]
    old_d, new_d = old.get("findings", {}), new.get("findings", {})
    out.findings_added = [new_d[k]["title"] for k in sorted(new_d.keys() - old_d.keys())]
    out.findings_removed = [old_d[k]["title"] for k in sorted(old_d.keys() - new_d.keys())]
    out.findings_edited = [
        new_d[k]["title"] for k in sorted(new_d.keys() & old_d.keys()) if new_d[k] != old_d[k]
    ]
    old_g, new_g = old.get("goals", {}), new.get("goals", {})
    for key in sorted(new_g.keys() | old_g.keys()):
        if old_g.get(key) != new_g.get(key):
            out.goals_changed.append((old_g.get(key, "–"), new_g.get(key, "–")))
    old_c, new_c = old.get("chapters", {}), new.get("chapters", {})
    out.chapters_edited = [
        key for key in sorted(new_c.keys() | old_c.keys()) if old_c.get(key) != new_c.get(key)
    ]
    return out


LIMIT = 300


def _bullets(items: list[str]) -> list:
    blocks: list = [Bullets([Text(item) for item in items[:LIMIT]])]
    if len(items) > LIMIT:
        blocks.append(Text(_("… and %(n)s more.") % {"n": len(items) - LIMIT}))
    return blocks


def as_blocks(doc: Document, d: Diff) -> list:
    """The comparison as document blocks (the report's "changes" chapter)."""
    if d.empty:
        return [Text(_("Nothing changed."))]
    blocks: list = []
    if d.measures_added:
        blocks.append(Heading(_("Measures added"), 3))
        blocks += _bullets([f"{code} {title}" for code, title in d.measures_added])
    if d.measures_changed:
        blocks.append(Heading(_("Measures changed"), 3))
        blocks += _bullets(
            [
                f"{code} {title}: " + "; ".join(f"{name} {a} → {b}" for name, a, b in changes)
                for code, title, changes in d.measures_changed
            ]
        )
    if d.measures_removed:
        blocks.append(Heading(_("Measures removed"), 3))
        blocks += _bullets([f"{code} {title}" for code, title in d.measures_removed])
    if d.figures_moved:
        blocks.append(Heading(_("Figures that moved"), 3))
        blocks += _bullets([f"{key}: {a} → {b}" for key, a, b in d.figures_moved])
    if d.findings_added or d.findings_edited or d.findings_removed:
        blocks.append(Heading(_("Findings"), 3))
        blocks += _bullets(
            [_("added: %(t)s") % {"t": t} for t in d.findings_added]
            + [_("edited: %(t)s") % {"t": t} for t in d.findings_edited]
            + [_("removed: %(t)s") % {"t": t} for t in d.findings_removed]
        )
    if d.goals_changed:
        blocks.append(Heading(_("Goals"), 3))
        blocks += _bullets([f"{a} → {b}" for a, b in d.goals_changed])
    return blocks
