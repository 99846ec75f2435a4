import math
from decimal import Decimal

from django import template

from core.wareki import wareki_date, wareki_fiscal_year, wareki_month

register = template.Library()


@register.filter
def fiscal_year_label(fiscal_year):
    """2025 → 令和7年度（2025年度）"""
    if fiscal_year in (None, ""):
        return ""
    return wareki_fiscal_year(int(fiscal_year), with_western=True)


@register.filter(expects_localtime=True)
def wareki(value):
    return wareki_date(value) if value else ""


@register.filter
def wareki_month_label(value):
    """A monthly figure's month: 2026-02-01 → 令和8年2月."""
    return wareki_month(value) if value else ""


@register.filter
def share(ratio):
    """0.996 → 「99%」: a share (a reporting rate) in whole percent, rounded down, so that a share
    that is not whole never reads 100%; '' for None."""
    if ratio in (None, ""):
        return ""
    return f"{math.floor(Decimal(str(ratio)) * 100)}%"
