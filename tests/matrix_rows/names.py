"""Rows of the correction of a recorded platform name (onboarding/views.py name_edit): the lead's;
another platform's lead, who may correct its own names, gets 404 for Gunma's."""
from django.urls import reverse

from tests.matrix_rows.base import Row
from tests.matrix_rows.settings import GUNMAS_OWN, GUNMAS_OWN_SAVED


def _name(w):
    return w["plan"].platform.names.order_by("from_fiscal_year").first()


def _name_data(w):
    name = _name(w)
    return {"name": name.name, "short_name": name.short_name, "from_fiscal_year": name.from_fiscal_year,
            "reason": "誤字の修正", "version": w["plan"].platform.version}


ROWS = [
    Row("platform_name_edit", lambda w: reverse("platform_name_edit", args=[_name(w).pk]), GUNMAS_OWN, "bureau_staff"),
    Row("platform_name_edit", lambda w: reverse("platform_name_edit", args=[_name(w).pk]), GUNMAS_OWN_SAVED, "bureau_staff",
        method="post", data=_name_data),
]
