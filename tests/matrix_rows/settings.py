"""Rows of the platform settings (core/views.py) and plan settings (plans/views.py) screens.

Both are the lead secretariat's by default (manage_platform_settings, edit_plan); another
platform's lead reaches its own settings (200) but never Gunma's guideline or goal (404).
"""
from datetime import date

from django.urls import reverse

from core.models import Guideline
from tests.matrix_rows.base import FY, Row, statuses

LEAD_ONLY = statuses(302, 200, 403, 403, 403, 200, 403, 403, welfare=403, municipal=403, national=404, admin=404)
# The overview is read by the deputy too (propose_platform_settings: read-only, with 変更の提案); only the lead saves it.
LEAD_AND_DEPUTY_READ = statuses(302, 200, 403, 403, 200, 200, 403, 403, welfare=403, municipal=403, national=404, admin=404)
LEAD_SAVES = statuses(302, 302, 403, 403, 403, 302, 403, 403, welfare=403, municipal=403, national=404, admin=404)
GUNMAS_OWN = statuses(302, 404, 403, 403, 403, 200, 403, 403, welfare=403, municipal=403, national=404, admin=404)
GUNMAS_OWN_SAVED = statuses(302, 404, 403, 403, 403, 302, 403, 403, welfare=403, municipal=403, national=404, admin=404)


def _empty_list(prefix):
    return {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0, f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000}


def _guideline(w):
    return Guideline.objects.get_or_create(platform=w["plan"].platform, title="設置要領（権限の確認）", defaults={"enacted_on": date(2020, 3, 27)})[0]


def _goal(w):
    return w["plan"].numeric_goals.order_by("pk").first()


def _settings(w):
    return {"version": w["plan"].platform.version, "meeting_frequency": "原則として年2回以上", "confidentiality_clause": "秘密を漏らさない。",
            "chair_body": "", "chair_title": "", "established_on": ""}


def _guideline_data(w):
    return {"title": "設置要領", "enacted_on": "2020-03-27", "text": "", "version": _guideline(w).version} | _empty_list("amendments")


ROWS = [
    Row("platform_settings:overview", lambda w: reverse("platform_settings:overview"), LEAD_AND_DEPUTY_READ, "bureau_staff"),
    Row("platform_settings:overview", lambda w: reverse("platform_settings:overview"), LEAD_SAVES, "bureau_staff", method="post", data=_settings),
    Row("platform_settings:stages", lambda w: reverse("platform_settings:stages"), LEAD_ONLY, "bureau_staff"),
    Row("platform_settings:stages", lambda w: reverse("platform_settings:stages"), LEAD_SAVES, "bureau_staff", method="post",
        data=lambda w: {"version": w["plan"].platform.version} | _empty_list("stages")),
    Row("platform_settings:guideline_new", lambda w: reverse("platform_settings:guideline_new"), LEAD_ONLY, "bureau_staff"),
    Row("platform_settings:guideline_new", lambda w: reverse("platform_settings:guideline_new"), LEAD_SAVES, "bureau_staff", method="post",
        data=lambda w: {"title": "新しい設置要領", "enacted_on": "2026-04-01", "text": "", "version": ""} | _empty_list("amendments")),
    Row("platform_settings:guideline", lambda w: reverse("platform_settings:guideline", args=[_guideline(w).pk]), GUNMAS_OWN, "bureau_staff"),
    Row("platform_settings:guideline", lambda w: reverse("platform_settings:guideline", args=[_guideline(w).pk]), GUNMAS_OWN_SAVED,
        "bureau_staff", method="post", data=_guideline_data),
    Row("plans:settings", lambda w: reverse("plans:settings", args=[FY]), LEAD_ONLY, "bureau_staff"),
    Row("plans:settings_home", lambda w: reverse("plans:settings_home"), LEAD_SAVES, "bureau_staff"),  # a redirect to the year's settings
    Row("plans:settings_new", lambda w: reverse("plans:settings_new"), LEAD_ONLY, "bureau_staff"),
    Row("plans:settings_new", lambda w: reverse("plans:settings_new"), LEAD_SAVES, "bureau_staff", method="post",
        data=lambda w: {"fiscal_year": "2031", "title": "2031年度 事業実施計画"}),
    Row("plans:settings_list", lambda w: reverse("plans:settings_list", args=[FY, "periods"]), LEAD_ONLY, "bureau_staff"),
    Row("plans:settings_list", lambda w: reverse("plans:settings_list", args=[FY, "categories"]), LEAD_SAVES, "bureau_staff", method="post",
        data=lambda w: {"version": w["plan"].version} | _empty_list("categories")),
    Row("plans:settings_goal", lambda w: reverse("plans:settings_goal", args=[FY, _goal(w).pk]), GUNMAS_OWN, "bureau_staff"),
    Row("plans:settings_goal", lambda w: reverse("plans:settings_goal", args=[FY, _goal(w).pk]), GUNMAS_OWN_SAVED, "bureau_staff",
        method="post", data=lambda w: {"version": w["plan"].version} | _empty_list("components")),
]
