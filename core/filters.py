"""The filter sets of the API: ids in a query string that no database column can hold are a
wrong choice (400), not a server error."""

from copy import deepcopy

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django_filters import fields as filter_fields
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS

# The widest integer column (bigint); a larger id cannot name a row.
ID_RANGE = range(-(2**63), 2**63)


def _check_ids(field: forms.ModelChoiceField, values) -> None:
    for value in values:
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            continue  # not a number: the field's own check names it
        if number not in ID_RANGE:
            raise ValidationError(
                field.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )


class IdChoiceField(filter_fields.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values:
            _check_ids(self, [value])
        return super().to_python(value)


class IdMultipleChoiceField(filter_fields.ModelMultipleChoiceField):
    def _check_values(self, value):
        _check_ids(self, value)
        return super()._check_values(value)


class IdChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = IdChoiceField


class IdMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = IdMultipleChoiceField


FILTER_DEFAULTS = deepcopy(FILTER_FOR_DBFIELD_DEFAULTS)
FILTER_DEFAULTS[models.ForeignKey]["filter_class"] = IdChoiceFilter
FILTER_DEFAULTS[models.OneToOneField]["filter_class"] = IdChoiceFilter
FILTER_DEFAULTS[models.ManyToManyField]["filter_class"] = IdMultipleChoiceFilter
FILTER_DEFAULTS[models.ManyToOneRel]["filter_class"] = IdMultipleChoiceFilter
FILTER_DEFAULTS[models.ManyToManyRel]["filter_class"] = IdMultipleChoiceFilter
FILTER_DEFAULTS[models.OneToOneRel]["filter_class"] = IdChoiceFilter


class FilterSet(django_filters.FilterSet):
    FILTER_DEFAULTS = FILTER_DEFAULTS
