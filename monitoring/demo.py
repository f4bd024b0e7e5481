"""Demo figures for Kreis Gütersloh (AGS 05754), its municipalities, NRW and Germany.

Every figure here is invented (deterministic pseudo-random numbers, labelled "Demodaten" as
their source); they only show what the monitoring does with five years of data. The parameter
tables (populations, shares, ratios) are data (``data/demo_figures.yaml``); this module derives
the yearly values from them. Idempotent:
the import compares with what is stored, so running it twice changes nothing.
"""

from __future__ import annotations

import random
from functools import cache
from pathlib import Path

import yaml
from django.db import transaction

from participation.models import TargetGroup

from . import services
from .models import ImportRun, Indicator, Target

DATA = Path(__file__).with_name("data") / "demo_figures.yaml"


@cache
def _data() -> dict:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


DEMO_SOURCE: str = _data()["source"]
YEARS: list[int] = _data()["years"]
# key: population 2020 (rounded, for the demo only)
MUNICIPALITIES: dict[str, int] = _data()["municipalities"]
# share of the population per target group code (demo), per year growth
GROUP_SHARE: dict[str, tuple[float, float]] = {
    code: tuple(values) for code, values in _data()["group_share"].items()
}
# series code → (base of the ratio, ratio for all, yearly drift, gap for the target groups)
RATIOS: dict[str, tuple[str, float, float, float]] = {
    code: tuple(values) for code, values in _data()["ratios"].items()
}
# The rates above are for the whole population; not every target group differs in every series.
TOTAL_ONLY = frozenset(_data()["total_only"])
GROUP_ONLY = frozenset(_data()["group_only"])


def _population(rng: random.Random, base: int, year_index: int, growth: float) -> float:
    return base * (1 + growth) ** year_index * (1 + rng.uniform(-0.004, 0.004))


def _rows() -> list[tuple[str, str, int, str, float]]:
    """(territory key, target group code or "", year, series code, value)."""
    rng = random.Random(5754)
    rows = []
    areas = {key: pop for key, pop in MUNICIPALITIES.items()}
    references = _data()["references"]
    groups = [code for code in GROUP_SHARE if TargetGroup.objects.filter(code=code).exists()]
    for index, year in enumerate(YEARS):
        municipal: dict[tuple[str, str], dict[str, float]] = {}
        for key, base in {**areas, **references}.items():
            total_pop = _population(rng, base, index, 0.003)
            cells = {"": {"bevoelkerung": total_pop}}
            for code in groups:
                share, growth = GROUP_SHARE[code]
                if code == "ukraine":
                    share = 0.0 if year < 2022 else 0.011 + 0.001 * (year - 2022)
                    if key in ("05754024", "05754004") and year >= 2022:
                        share = 0.0003  # a handful of people: shows small-count protection
                cells[code] = {"bevoelkerung": total_pop * share * (1 + growth) ** index}
            for series, (base_series, ratio, drift, gap) in RATIOS.items():
                for code, figures in cells.items():
                    rate = max(ratio + drift * index, 0.0)
                    if code:
                        rate = rate * gap
                    noise = 1 + rng.uniform(-0.03, 0.03)
                    figures[series] = figures[base_series] * rate * noise
            for code, figures in cells.items():
                municipal[(key, code)] = figures
        # the county is the sum of its municipalities (counts add up); rates are recomputed
        county: dict[str, dict[str, float]] = {}
        for (key, code), figures in municipal.items():
            if key in areas:
                target = county.setdefault(code, {})
                for series, value in figures.items():
                    target[series] = target.get(series, 0) + round(value)
        for code, figures in county.items():
            municipal[("05754", code)] = figures
        for (key, code), figures in municipal.items():
            for series, value in figures.items():
                if code and series in TOTAL_ONLY:
                    continue
                if not code and series in GROUP_ONLY and key != "05754":
                    continue
                if series == "wohnflaeche":
                    value = round(value, -1)
                rows.append((key, code, year, series, float(round(value))))
    return rows


def demo_csv() -> bytes:
    lines = ["Jahr;AGS;Zielgruppe;Reihe;Wert"]
    for key, code, year, series, value in _rows():
        text = f"{int(value):,}".replace(",", ".")
        lines.append(f"{year};{key};{code};{series};{text}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def seed(ctx) -> None:
    services.standard_indicators_load()
    Indicator.objects.filter(demo=False).update(demo=True)
    mapping = {
        "Zielgruppe": {
            "role": "target_group",
            "values": {c: c for c in TargetGroup.objects.values_list("code", flat=True)},
        }
    }
    if not ImportRun.objects.filter(filename="demo-kreis-guetersloh.csv").exists():
        name = "demo-kreis-guetersloh.csv"
        with transaction.atomic():
            report = services.values_import(
                files=[services.ImportFile(name=name, data=demo_csv())],
                fmt="official",
                user=ctx.users.get("staff"),
                process=ctx.process,
                mappings={name: mapping},
                source=DEMO_SOURCE,
                compute=False,
                # The demo's figures include the references (NRW, Bund): a shared import.
                scope=services.UNLIMITED,
            )
        if report.rejected:
            raise RuntimeError(f"demo import rejected: {report.rejected[:3]}")
    target = _data()["target"]
    indicator = Indicator.objects.filter(code=target["indicator"]).first()
    group = TargetGroup.objects.filter(code=target["target_group"]).first()
    if indicator and not Target.objects.filter(process=ctx.process).exists():
        Target.objects.create(
            process=ctx.process,
            indicator=indicator,
            target_group=group,
            value=target["value"],
            year=target["year"],
            note=target["note"],
        )
    services.indicators_compute()
