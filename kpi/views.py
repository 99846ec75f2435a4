"""Stubs: replaced by the KPI entry work."""
from django.http import Http404


def _stub(*args, **kwargs):
    raise Http404


entry = submit_month = figure_history = approvals = decide = _stub
