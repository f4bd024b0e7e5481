from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.uploads import UploadLimits
from participation.models import Process

from .. import selectors
from ..models import Area, ImportRun, Indicator, IndicatorValue, Series, Target, Territory, Value


class AreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = ["id", "code", "name", "name_en", "order"]


class SeriesSerializer(serializers.ModelSerializer):
    class Meta:
        model = Series
        fields = [
            "id",
            "code",
            "name",
            "name_en",
            "aggregation",
            "unit",
            "additive",
            "source",
            "description",
        ]


class IndicatorSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)
    numerator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    denominator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    factor = serializers.FloatField(read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "code",
            "name",
            "name_en",
            "area",
            "definition",
            "numerator",
            "numerator_description",
            "denominator",
            "denominator_description",
            "denominator_scope",
            "kind",
            "category",
            "factor",
            "unit",
            "decimals",
            "direction",
            "periodicity",
            "reference_date",
            "source",
            "method_notes",
            "target_group_delimitation",
            "target_group_breakdown",
            "footnotes",
            "demo",
        ]


class TerritorySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="key", read_only=True)

    class Meta:
        model = Territory
        fields = ["id", "key", "name", "level", "parent"]


class IndicatorValueSerializer(serializers.ModelSerializer):
    """Published form: ``value`` is null where small-count protection withholds it."""

    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    territory = serializers.SlugRelatedField(slug_field="key", read_only=True)
    target_group = serializers.SlugRelatedField(slug_field="code", read_only=True)
    value = serializers.SerializerMethodField()
    withheld = serializers.SerializerMethodField()

    class Meta:
        model = IndicatorValue
        fields = [
            "id",
            "indicator",
            "territory",
            "year",
            "target_group",
            "sex",
            "age_group",
            "dimensions",
            "value",
            "withheld",
            "change_previous",
            "change_base",
            "cagr",
            "gap_total",
            "gap_land",
            "gap_bund",
            "trend",
            "provisional",
            "series_break",
            "limited_validity",
        ]

    def _shown(self, obj) -> selectors.Shown:
        return selectors.value_as_shown(obj, raw=bool(self.context.get("raw")))

    def get_value(self, obj) -> float | None:
        return self._shown(obj).value

    def get_withheld(self, obj) -> bool:
        return self._shown(obj).withheld

    def to_representation(self, obj):
        data = super().to_representation(obj)
        shown = self._shown(obj)
        if shown.hidden:
            data.update(shown.comparisons)
        return data


class RawIndicatorValueSerializer(IndicatorValueSerializer):
    class Meta(IndicatorValueSerializer.Meta):
        fields = [*IndicatorValueSerializer.Meta.fields, "numerator", "denominator", "suppression"]


class ValueSerializer(serializers.ModelSerializer):
    series = serializers.SlugRelatedField(slug_field="code", read_only=True)
    territory = serializers.SlugRelatedField(slug_field="key", read_only=True)
    period = serializers.SlugRelatedField(slug_field="code", read_only=True)
    target_group = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Value
        fields = [
            "id",
            "series",
            "territory",
            "period",
            "target_group",
            "sex",
            "age_group",
            "dimensions",
            "value",
            "symbol",
            "suppressed",
            "rounded_to",
            "provisional",
            "series_break",
            "limited_validity",
            "comment",
            "source",
            "data_date",
            "updated_at",
        ]


class ImportRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportRun
        fields = [
            "id",
            "process",
            "filename",
            "format",
            "source",
            "status",
            "skip_invalid",
            "rows_read",
            "created",
            "updated",
            "unchanged",
            "rejected",
            "created_at",
            "computed_at",
        ]


class ImportRequestSerializer(serializers.Serializer):
    process = serializers.PrimaryKeyRelatedField(queryset=Process.objects.all())
    file = serializers.FileField(validators=[UploadLimits()])
    metadata = serializers.FileField(required=False, validators=[UploadLimits()])
    format = serializers.ChoiceField(
        choices=["auto", "opensdg", "official", "xlsx"], default="auto"
    )
    dry_run = serializers.BooleanField(default=False)
    skip_invalid = serializers.BooleanField(default=False)
    mapping = serializers.JSONField(
        required=False, help_text=_("Column → {role, values}; stored for the next import.")
    )
    territory = serializers.SlugRelatedField(
        slug_field="key",
        queryset=Territory.objects.all(),
        required=False,
        help_text=_(
            "Territory key (AGS) for rows that name no territory; without it such rows are "
            "rejected, never filed under the process's territory."
        ),
    )


class ImportResponseSerializer(serializers.Serializer):
    rows_read = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    rejected = serializers.ListField(child=serializers.DictField())
    dry_run = serializers.BooleanField()
    applied = serializers.BooleanField()
    imports = serializers.ListField(child=serializers.IntegerField())


class TargetSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", queryset=Indicator.objects.all())
    target_group = serializers.SlugRelatedField(
        slug_field="code",
        allow_null=True,
        required=False,
        queryset=Target._meta.get_field("target_group").related_model.objects.all(),
    )

    class Meta:
        model = Target
        fields = [
            "id",
            "uuid",
            "process",
            "indicator",
            "target_group",
            "value",
            "year",
            "note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["uuid", "created_at", "updated_at"]
        validators = []


class TargetUpdateSerializer(TargetSerializer):
    class Meta(TargetSerializer.Meta):
        read_only_fields = [*TargetSerializer.Meta.read_only_fields, "process"]
