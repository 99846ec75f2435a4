"""Stubs: replaced by the proposals work."""
from django.http import Http404


def _stub(*args, **kwargs):
    raise Http404


proposal_list = proposal_new = proposal_detail = proposal_handle = _stub
