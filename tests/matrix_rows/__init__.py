"""The permission matrix's rows, one module per area: every URL of the portal × every kind of user.

tests/test_permission_matrix.py collects `ROWS` from EVERY module of this package (pkgutil), so to
cover new URLs add your own module `tests/matrix_rows/<yourname>.py` (don't edit the others):

    from django.urls import reverse

    from tests.matrix_rows.base import FY, Row, statuses

    ROWS = [
        Row("kpi:entry", lambda w: reverse("kpi:entry", args=[FY]),
            statuses(302, 200, 200, 200, 200, 200, 403, 403, welfare=200, municipal=403, national=404, admin=404),
            "bureau_staff"),
        # A write view: a POST row (Django's test client, no CSRF token needed).
        Row("kpi:decide", lambda w: reverse("kpi:decide", args=[w["submission"].pk]),
            statuses(302, 404, 403, 403, 403, 302, 403, 403, welfare=403, municipal=403, national=404, admin=404),
            "bureau_staff", method="post", data=lambda w: {"action": "approve"}),
    ]

A URL name without a row fails `test_every_url_has_a_row`; a view that accepts POST without a POST
row fails `test_every_write_view_has_a_post_row` (which POSTs to every GET-only row's URL and expects 405).

Row fields (tests/matrix_rows/base.py):
- name: the URL name with its namespace, as for reverse().
- url: world → path. `world` is a dict of objects on Gunma's platform (below). A URL that needs an
  object not in world creates it in this callable (it runs inside the test's transaction), e.g.
  `lambda w: reverse("x:detail", args=[Thing.objects.create(platform=w["plan"].platform, ...).pk])`.
- expected: statuses(...) — one status per kind of user, in this order:
    anonymous       not signed in: 302 to the login page (the test also checks the Location)
    other_platform  the lead of ANOTHER platform (栃木) holding every platform permission, second
                    factor passed: the tenant check must answer (404 for Gunma's objects), not a role check
    unrelated       staff (member_staff) of 連合群馬, a body not responsible for the row's object
    responsible     the staff of the responsible body: the fixture named by `responsible`
    deputy          事務局（副担当）, 群馬県（産業経済部）
    lead            事務局（主担当）, 群馬労働局
    chair           座長 (read-only)
    observer        オブザーバー, 上毛新聞社 (read-only)
    welfare         市町村ＰＦ連絡調整担当, 群馬県（健康福祉部） (welfare_user: manage_municipal)
    municipal       市町村ＰＦ担当者 of ANOTHER municipal platform than world["municipal_report"]'s
                    (municipal_staff; use responsible="municipal_owner" for the report's own municipality)
    national        全国ビュー閲覧者 (instance-wide, no platform: platform pages are 404 for them)
    admin           the system administrator: superuser, is_staff, system_admin role, second factor
                    passed, no platform (platform pages are 404; the Django admin is theirs)
  Usual answers: 302 to login for anonymous; 404 for another platform's object (or a user with no
  platform); 403 for a missing permission; 200 for a page; 302 after a successful POST.
- responsible: the fixture name of the responsible body's staff, e.g. "bureau_staff" (群馬労働局,
  enters the placement KPI), "hw_user" (ハローワーク, reports on world["measure"]),
  "keieisha_user" (経営者協会, made world["proposal"]), "municipal_owner", "welfare_user", or any
  fixture of tests/conftest.py / test_permission_matrix.py.
- method: "get" (default) or "post".
- data: world → POST data (default: nothing). Several rows may share a name (e.g. a GET and a POST row,
  or the same URL on two objects).

world keys (tests/test_permission_matrix.py, `world` fixture): plan (2025), bureau (群馬労働局),
kpi (ハローワークにおける紹介就職件数), measure (its measure, 2(1)ア①), period (the first reporting period),
submission (群馬労働局's submitted April 2025 figures), report (ハローワーク's submitted progress report),
draft (ハローワーク's draft report), proposal (経営者協会's), job (the lead's finished export job),
meeting (No. 1 of 2025), municipal_report (a report of world's municipal platform; its
`.municipal_platform`), import_run (the lead's members import).
Rows run in one transaction per test, so a POST row's changes don't reach the next row.

Test ids start with the module's name: run your own rows with
`pytest tests/test_permission_matrix.py -k "<yourname> or every_url"`.
"""
import importlib
import pkgutil


def all_rows():
    """Every module's ROWS, in module-name order."""
    rows = []
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module.name != "base":
            for row in getattr(importlib.import_module(f"{__name__}.{module.name}"), "ROWS", []):
                row.area = module.name
                rows.append(row)
    return rows
