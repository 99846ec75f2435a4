"""How KPI facts read on a page: values, targets and achievement as the kind writes them, the outlook mark as text (never colour alone)."""
from django import template

from kpi.choices import Outlook
from kpi.kinds import format_achievement, kind_of

register = template.Library()


@register.filter
def outlook_label(value):
    """on_track → 順調: the mark next to a KPI's achievement."""
    return Outlook(value).label if value in Outlook.values else ""


# Values, targets and achievement, written by the KPI's kind (kpi.kinds) so that a page prints
# exactly what the Excel, the CSV and the packet print for the same value.

@register.filter
def kpi_value(value, kpi):
    """{{ value|kpi_value:kpi }}: a month's or to-date value with its unit ("1,538件", "57.3%"); '' for None."""
    return kind_of(kpi).format_value(value)


@register.filter
def kpi_number(value, kpi):
    """{{ value|kpi_number:kpi }}: the same without the unit ("1,538", "57.3")."""
    return kind_of(kpi).format_value(value, unit=False)


@register.filter
def kpi_target(kpi):
    """{{ kpi|kpi_target }}: the target as people read it ("1,538件／月", "74.0%以上"); '' without one."""
    return kind_of(kpi).format_target(kpi)


@register.filter
def kpi_relation(kpi):
    """{{ kpi|kpi_relation }}: "（「…」の内数）" for a sub-count, '' otherwise."""
    return kind_of(kpi).relation_note(kpi)


@register.filter
def achievement(ratio, kpi=None):
    """{{ ratio|achievement }} or {{ ratio|achievement:kpi }}: 達成率 "99.6%", never rounded across a threshold."""
    return kind_of(kpi).format_achievement(ratio) if kpi is not None else format_achievement(ratio)


@register.filter
def figure_value(figure):
    """{{ figure|figure_value }}: one body's figure as printed ("57.3%", "1,500件", "はい")."""
    return figure.kpi.kind.format_figure(figure) if figure is not None else ""


@register.filter
def figure_detail(figure, kpi):
    """{{ figure|figure_detail:kpi }}: one body's figure in full ("229／400（受講者数／定員）")."""
    return kind_of(kpi).describe_figure(figure, kpi) if figure is not None else ""
