"""How KPI facts read on a page: the outlook mark as text (never colour alone)."""
from django import template

from kpi.choices import Outlook

register = template.Library()


@register.filter
def outlook_label(value):
    """on_track → 順調: the mark next to a KPI's achievement."""
    return Outlook(value).label if value in Outlook.values else ""
