"""Helpers of the results tests: random valid submissions to the all-types test survey."""

import random
import uuid

from surveys.services.responses import response_submit


def random_answers(rng: random.Random) -> dict:
    answers: dict = {}
    lang = rng.choice(["de", "uk", "other"])
    answers["lang"] = lang
    if lang == "other":
        answers["lang_other"] = rng.choice(["Polnisch", "Arabisch"])
    if lang == "uk":
        answers["uk_since"] = rng.randint(2014, 2024)
        if rng.random() < 0.7:
            answers["uk_help"] = rng.choice(["yes", "no"])
    if rng.random() < 0.8:
        answers["country"] = rng.choice(["de", "ua"])
    if rng.random() < 0.8:
        answers["topics"] = rng.sample(["work", "school", "housing"], rng.randint(1, 3))
    if rng.random() < 0.9:
        answers["resident"] = rng.choice(["yes", "no"])
    answers["satisfaction"] = rng.choice([1, 2, 3, 4, 5, 5, 4, "dont_know"])
    if rng.random() < 0.7:
        answers["grid"] = {
            r: rng.choice(["good", "bad"]) for r in ("r1", "r2") if rng.random() < 0.8
        }
        if not answers["grid"]:
            del answers["grid"]
    if rng.random() < 0.6:
        answers["rank"] = rng.sample(["a", "b"], 2)
    if rng.random() < 0.7:
        answers["share"] = rng.choice([0, 12.5, 50, 99.9, 100, 33.3])
    if rng.random() < 0.5:
        answers["zip"] = rng.choice(["33330", "33332"])
    if rng.random() < 0.4:
        answers["comment"] = rng.choice(["Mehr Kurse", "Wohnungen fehlen", "Gut so"])
    if rng.random() < 0.6:
        answers["arrived"] = (
            f"20{rng.randint(15, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        )
    if rng.random() < 0.5:
        answers["hours"] = {"kita": {d: rng.choice([0, 2, 4.5, 8]) for d in ("mo", "di")}}
    if rng.random() < 0.3:
        answers["wishes"] = {"r1": {"now": rng.choice(["Termine", "Dolmetscher"])}}
    return answers


def submit_random(survey, n: int, seed: int = 1):
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        result = response_submit(
            survey=survey, client_id=uuid.uuid4(), answers=random_answers(rng), language="de"
        )
        out.append(result.response)
    return out
