"""Vocabularies of the KPI domain.

They are code, not data, because each value changes how a figure is entered and computed;
which KPI uses which is data.
"""
from django.db import models


class MeasureType(models.TextChoices):
    """Each value has its class in kpi.kinds (tests/test_kinds.py fails for a value without one)."""

    COUNT = "count", "件数"
    RATE = "rate", "率（分子／分母）"
    QUALITATIVE = "qualitative", "定性"


class TargetPeriod(models.TextChoices):
    MONTH = "month", "月間"
    YEAR = "year", "年間"
    NONE = "none", "なし"


class Comparison(models.TextChoices):
    AT_LEAST = "at_least", "以上"
    AT_MOST = "at_most", "以下"


class Outlook(models.TextChoices):
    """The mark shown next to a KPI's year-to-date achievement."""

    ON_TRACK = "on_track", "順調"
    AT_RISK = "at_risk", "注意"
    OFF_TRACK = "off_track", "遅れ"
    NO_DATA = "no_data", "未入力"
    NOT_APPLICABLE = "not_applicable", "対象外"
    # A yearly target of a few events (1件／年) has no monthly pace: it is met, or open until the year ends.
    PENDING = "pending", "年度末に判定"
