"""Demo figures for Kreis Gütersloh (AGS 05754), its municipalities, NRW and Germany.

Every figure here is invented (deterministic pseudo-random numbers, labelled "Demodaten" as
their source); they only show what the monitoring does with five years of data. Idempotent:
the import compares with what is stored, so running it twice changes nothing.
"""

from __future__ import annotations

import random

from django.db import transaction

from participation.models import TargetGroup

from . import services
from .models import ImportRun, Indicator, Target

DEMO_SOURCE = "Demodaten (erfunden, nur zur Vorführung)"
YEARS = [2020, 2021, 2022, 2023, 2024]
MUNICIPALITIES = {
    # key: population 2020 (rounded, for the demo only)
    "05754004": 9000,
    "05754008": 101000,
    "05754012": 21900,
    "05754016": 25000,
    "05754020": 16000,
    "05754024": 8400,
    "05754028": 49000,
    "05754032": 29700,
    "05754036": 27500,
    "05754040": 20500,
    "05754044": 26000,
    "05754048": 22000,
    "05754052": 11400,
}
# share of the population per target group code (demo), per year growth
GROUP_SHARE = {
    "immigrants": (0.28, 0.01),
    "cse-europe": (0.05, 0.03),
    "protection-2015": (0.035, 0.03),
    "ukraine": (0.0, 0.0),
}
# series code → (base of the ratio, ratio for all, yearly drift, gap for the target groups)
RATIOS = {
    "bev_u18": ("bevoelkerung", 0.18, 0.0, 1.3),
    "bev_u3": ("bevoelkerung", 0.03, 0.0, 1.3),
    "bev_3_6": ("bevoelkerung", 0.03, 0.0, 1.3),
    "bev_15_65": ("bevoelkerung", 0.65, -0.003, 1.05),
    "bev_18_21": ("bevoelkerung", 0.033, 0.0, 1.2),
    "auslaender": ("bevoelkerung", 0.14, 0.004, 0.6),
    "einbuergerungen": ("auslaender", 0.012, 0.001, 1.0),
    "schutzstatus": ("auslaender", 0.22, 0.01, 1.1),
    "niederlassung": ("auslaender", 0.45, 0.005, 0.9),
    "zuzuege_ausland": ("bevoelkerung", 0.012, 0.0, 2.5),
    "kita_u3": ("bev_u3", 0.30, 0.01, 0.55),
    "kita_3_6": ("bev_3_6", 0.92, 0.002, 0.88),
    "kita_kinder": ("bev_3_6", 1.1, 0.0, 0.9),
    "kita_ndh": ("kita_kinder", 0.22, 0.005, 3.2),
    "abg_gesamt": ("bev_18_21", 0.33, 0.0, 1.0),
    "abg_ohne": ("abg_gesamt", 0.055, -0.001, 2.4),
    "abg_abitur": ("abg_gesamt", 0.36, 0.004, 0.5),
    "klasse5": ("bev_u18", 0.055, 0.0, 1.0),
    "gym_klasse5": ("klasse5", 0.40, 0.002, 0.55),
    "schueler": ("bev_u18", 0.65, 0.0, 1.0),
    "foerderschueler": ("schueler", 0.045, -0.001, 1.5),
    "seu_untersucht": ("bev_3_6", 0.32, 0.0, 1.0),
    "seu_deutsch_unzureichend": ("seu_untersucht", 0.12, -0.004, 3.0),
    "svb": ("bev_15_65", 0.62, 0.006, 0.75),
    "gfb": ("bev_15_65", 0.07, -0.001, 1.3),
    "erwerbspersonen": ("bev_15_65", 0.72, 0.002, 0.9),
    "arbeitslose": ("erwerbspersonen", 0.052, -0.002, 2.3),
    "arbeitslose_u25": ("arbeitslose", 0.10, 0.0, 1.1),
    "erwerbspersonen_u25": ("erwerbspersonen", 0.11, 0.0, 1.0),
    "langzeitarbeitslose": ("arbeitslose", 0.33, -0.005, 1.1),
    "elb_sgb2": ("bev_15_65", 0.05, -0.001, 3.1),
    "azubis": ("bev_18_21", 0.55, 0.004, 0.6),
    "anerkennung_entschieden": ("auslaender", 0.004, 0.0, 1.0),
    "anerkennung_positiv": ("anerkennung_entschieden", 0.55, 0.02, 1.0),
    "ik_eintritte": ("auslaender", 0.03, 0.0, 1.0),
    "ik_pruefung": ("ik_eintritte", 0.8, 0.0, 1.0),
    "ik_b1": ("ik_pruefung", 0.55, 0.01, 1.0),
    "berufssprachkurs": ("auslaender", 0.012, 0.001, 1.0),
    "sprachfoerderung": ("kita_kinder", 0.18, 0.003, 2.2),
    "erstorientierung": ("schutzstatus", 0.03, 0.0, 1.0),
    "bewohner": ("bevoelkerung", 0.995, 0.0, 1.0),
    "wohnflaeche": ("bewohner", 47.0, 0.2, 0.7),
    "haushalte": ("bevoelkerung", 0.47, 0.0, 0.85),
    "eigentuemer_hh": ("haushalte", 0.52, 0.002, 0.55),
    "gu_personen": ("schutzstatus", 0.06, -0.003, 1.0),
    "wohngeld_hh": ("haushalte", 0.015, 0.002, 2.4),
    "u8_teilgenommen": ("seu_untersucht", 0.90, 0.004, 0.93),
    "seu_impfbuch": ("seu_untersucht", 0.92, 0.0, 0.9),
    "masern2": ("seu_impfbuch", 0.93, 0.004, 0.96),
    "uebergewicht": ("seu_untersucht", 0.11, 0.001, 1.4),
    "seu_vorsorgeheft": ("seu_untersucht", 0.93, 0.002, 0.9),
}
# The rates above are for the whole population; not every target group differs in every series.
TOTAL_ONLY = {"kita_ndh", "anerkennung_entschieden", "anerkennung_positiv"}
GROUP_ONLY = {"ik_eintritte", "ik_pruefung", "ik_b1", "berufssprachkurs", "erstorientierung"}


def _population(rng: random.Random, base: int, year_index: int, growth: float) -> float:
    return base * (1 + growth) ** year_index * (1 + rng.uniform(-0.004, 0.004))


def _rows() -> list[tuple[str, str, int, str, float]]:
    """(territory key, target group code or "", year, series code, value)."""
    rng = random.Random(5754)
    rows = []
    areas = {key: pop for key, pop in MUNICIPALITIES.items()}
    references = {"05": 17_900_000, "DG": 83_200_000}
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
            )
        if report.rejected:
            raise RuntimeError(f"demo import rejected: {report.rejected[:3]}")
    unemployment = Indicator.objects.filter(code="W2").first()
    immigrants = TargetGroup.objects.filter(code="immigrants").first()
    if unemployment and not Target.objects.filter(process=ctx.process).exists():
        Target.objects.create(
            process=ctx.process,
            indicator=unemployment,
            target_group=immigrants,
            value=8.0,
            year=2030,
            note="Demoziel: Arbeitslosenquote der Eingewanderten auf 8 % senken.",
        )
    services.indicators_compute()
