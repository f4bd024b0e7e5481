from django.contrib import admin

from .models import (
    Area,
    ColumnMapping,
    DataRequest,
    ImportRun,
    Indicator,
    Period,
    Series,
    Target,
    Territory,
)


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "order"]


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "aggregation", "additive", "unit"]
    search_fields = ["code", "name"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "area", "kind", "category", "direction"]
    list_filter = ["area", "kind"]
    search_fields = ["code", "name"]
    raw_id_fields = ["numerator", "denominator"]


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["key", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["key", "name"]
    raw_id_fields = ["parent"]


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["code", "year", "reference_date", "label"]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["filename", "format", "status", "created", "updated", "unchanged", "created_at"]
    list_filter = ["status", "format"]


@admin.register(ColumnMapping)
class ColumnMappingAdmin(admin.ModelAdmin):
    list_display = ["source", "column", "role"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["indicator", "target_group", "value", "year", "process"]


@admin.register(DataRequest)
class DataRequestAdmin(admin.ModelAdmin):
    list_display = ["title", "owner_name", "year", "status", "due_date", "reminders_sent"]
    list_filter = ["status"]
    exclude = ["token"]
