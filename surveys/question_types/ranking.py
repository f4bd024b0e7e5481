"""Ranking: the respondent puts the choices in order (rank 1 first)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .base import (
    AnswerError,
    Cleaned,
    Column,
    QuestionType,
    RowView,
    choice_of,
    is_empty,
    num_key,
    number_or_none,
    ordered_choices,
)


class Ranking(QuestionType):
    kind = "ranking"
    needs_choices = True
    edits_choices = True
    client_value = "ranks"
    design_fields = (*QuestionType.design_fields, "randomize_choices")
    xlsform_types = ("rank",)
    xlsform_select = True
    limesurvey_types = ("R",)

    def condition_codes(self, q):
        return [c.code for c in q.choices]

    def clean(self, q, raw, other_text, language):
        if isinstance(raw, dict):  # {item: rank} from the web form
            ranks = {}
            for item, rank in raw.items():
                if is_empty(rank):
                    continue
                try:
                    ranks[choice_of(q, item)] = int(str(rank))
                except ValueError:
                    raise AnswerError(_("Ranks are whole numbers.")) from None
            if len(set(ranks.values())) != len(ranks):
                raise AnswerError(_("Give every item a different rank."), "duplicate")
            order = sorted(ranks, key=ranks.get)
        elif isinstance(raw, (list, tuple)):
            order = [choice_of(q, item) for item in raw]
            if len(set(order)) != len(order):
                raise AnswerError(_("Each item may appear only once."), "duplicate")
        else:
            raise AnswerError(_("Expected the items in your order."))
        if q.required and len(order) < len(q.choices):
            raise AnswerError(_("Please rank every item."), "required")
        rows = [("", code, "", float(rank), None) for rank, code in enumerate(order, start=1)]
        return Cleaned(order, rows)

    def raw_from_rows(self, q, rows):
        return [row[1] for row in sorted(rows, key=lambda r: r[3] or 0)], ""

    def sample_answer(self, q, rng, texts):
        codes = [c.code for c in q.choices]
        return rng.sample(codes, len(codes))

    def from_post(self, q, post):
        return {c.code: post.get(f"{q.code}__{c.code}", "") for c in q.choices}

    def field_template(self, q):
        return "surveys/respond/fields/ranking.html"

    def fill_view(self, view, q, value, *, label, seed):
        if isinstance(value, dict):
            ranks = {k: str(v) for k, v in value.items() if v}
        elif isinstance(value, list):
            ranks = {code: str(i) for i, code in enumerate(value, start=1)}
        else:
            ranks = {}
        view.ranks = list(range(1, len(q.choices) + 1))
        for i, c in enumerate(ordered_choices(q, seed)):
            view.rows.append(
                RowView(c.code, label(c.label), f"q-{q.code}-{i}", rank=ranks.get(c.code, ""))
            )

    def response_cells(self, answer, seen):
        return [("r", answer.choice, num_key(answer.number or 0))]

    def frame_cells(self, f, m):
        f.add(m, "r", f.choices(m), f.rank_keys(m))

    def result(self, q, r):
        ranks: dict[str, dict[int, int]] = {}
        for (metric, row, key), count in r.total.items():
            if metric == "r":
                ranks.setdefault(row, {})[int(float(key))] = count
        rows = r.ranking_rows(ranks, [c.code for c in q.choices], r.n)
        hidden = r.line([row.first_place for row in rows], r.n)
        return {
            "kind": "ranking",
            "ranking": [
                {
                    "code": row.code,
                    "label": r.labels.get(row.code, row.code),
                    "n": row.n,
                    "mean_rank": None
                    if r.small or (r.suppress and row.n < r.min_count)
                    else row.mean_rank,
                    "first_place": None if h else row.first_place,
                    "first_place_share": None if h else r.pct(row.first_place_share),
                    "suppressed": h,
                }
                for row, h in zip(rows, hidden, strict=True)
            ],
        }

    def export_columns(self, q, text, labels, codes, label):
        return [
            Column(f"{q.code}_{c.code}", f"{text}: {labels[c.code]} ({_('rank')})", "number")
            for c in q.choices
        ]

    def export_writer(self, code, index, label):
        def put(values, row, choice, text, number, day):
            at = index.get(f"{code}_{choice}")
            if at is not None:
                values[at] = number_or_none(number)

        return put

    def xlsform_read(self, question, row):
        question["choices"] = row.options

    def xlsform_rows(self, q, row, extra, w):
        row["type"] = f"rank {q['code']}"
        w.add_choices(q["code"], list(q.get("choices") or []))
        return [row]

    def limesurvey_read(self, question, ls):
        question["choices"] = ls.choice_list(ls.row["qid"])
