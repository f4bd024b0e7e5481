"""The catalogue's filters, one FilterSet shared by the pages and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.filters import FilterSet, IdChoiceFilter
from participation.models import FieldOfAction, Organisation, TargetGroup

from .models import Measure


def full_text(queryset: QuerySet[Measure], text: str) -> QuerySet[Measure]:
    """Full-text search over number, title, description and funding source.

    PostgreSQL: German text search (stemming, so "Sprachkurse" finds "Sprachkurs"); other
    databases: every word must occur in one of the fields.
    """
    text = (text or "").strip()
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector("title", "description", "funding_source", config="german")
        query = SearchQuery(text, config="german", search_type="websearch")
        return queryset.annotate(_search=vector).filter(Q(_search=query) | Q(title__icontains=text))
    for word in text.split():
        if word.upper().startswith("M-") and word[2:].isdigit():
            queryset = queryset.filter(number=int(word[2:]))
            continue
        queryset = queryset.filter(
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(funding_source__icontains=word)
        )
    return queryset


class MeasureFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    field_of_action = IdChoiceFilter(
        label=_("Field of action"), queryset=FieldOfAction.objects.none()
    )
    target_group = IdChoiceFilter(
        label=_("Target group"), queryset=TargetGroup.objects.none(), field_name="target_groups"
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=Measure.Status.choices, widget=forms.CheckboxSelectMultiple
    )
    lead_organisation = IdChoiceFilter(
        label=_("Lead organisation"), queryset=Organisation.objects.none()
    )
    priority = django_filters.ChoiceFilter(label=_("Priority"), choices=Measure.Priority.choices)
    year = django_filters.NumberFilter(label=_("Running in year"), method="running_in")

    class Meta:
        model = Measure
        fields = [
            "q",
            "field_of_action",
            "target_group",
            "status",
            "lead_organisation",
            "priority",
            "year",
        ]

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, process=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        if process is not None:
            self.filters["field_of_action"].queryset = process.fields_of_action.all()
            self.filters["target_group"].queryset = process.target_groups.all()
            self.filters["lead_organisation"].queryset = Organisation.objects.filter(
                led_measures__process=process
            ).distinct()
        else:
            self.filters["field_of_action"].queryset = FieldOfAction.objects.all()
            self.filters["target_group"].queryset = TargetGroup.objects.all()
            self.filters["lead_organisation"].queryset = Organisation.objects.all()

    def search(self, queryset, name, value):
        return full_text(queryset, value)

    def running_in(self, queryset, name, value):
        year = int(value)
        return queryset.filter(
            Q(start_date__isnull=True) | Q(start_date__year__lte=year),
            Q(end_date__isnull=True) | Q(end_date__year__gte=year),
        ).exclude(start_date__isnull=True, end_date__isnull=True)
