"""The members screen and the roles screen (members/urls.py).

Both lists hold the council's names (役職・氏名), like the 名簿 of the meeting materials: whoever
may read the meetings reads them (municipal staff do not); only manage_members (the lead) edits.
"""
from django.urls import reverse

from members.models import MemberBody, Representative
from tests.matrix_rows.base import Row, statuses

READ = statuses(302, 200, 200, 200, 200, 200, 200, 200, welfare=200, municipal=403, national=404, admin=404)
# A page without an object: the other platform's lead (who holds manage_members) works on their own.
EDIT_NEW = statuses(302, 200, 403, 403, 403, 200, 403, 403, welfare=403, municipal=403, national=404, admin=404)
SAVE_NEW = statuses(302, 302, 403, 403, 403, 302, 403, 403, welfare=403, municipal=403, national=404, admin=404)
EDIT = statuses(302, 404, 403, 403, 403, 200, 403, 403, welfare=403, municipal=403, national=404, admin=404)
SAVE = statuses(302, 404, 403, 403, 403, 302, 403, 403, welfare=403, municipal=403, national=404, admin=404)
GET_ONLY_POST = statuses(302, 405, 403, 403, 403, 405, 403, 403, welfare=403, municipal=403, national=404, admin=404)


def department(w):
    return MemberBody.objects.create(platform_id=w["bureau"].platform_id, parent=w["bureau"], department="職業安定部")


def person(w):
    return Representative.objects.create(member_body=w["bureau"], title="局長", name="見本 太郎")


def role(w):
    return w["plan"].platform.roles.order_by("order").first()


def body_data(w):
    return {"name": "新しい協議会構成員", "membership": "member", "version": ""}


ROWS = [
    Row("members:list", lambda w: reverse("members:list"), READ, "bureau_staff"),
    Row("members:roles", lambda w: reverse("members:roles"), READ, "bureau_staff"),
    Row("members:body_new", lambda w: reverse("members:body_new"), EDIT_NEW, "bureau_staff"),
    Row("members:body_new", lambda w: reverse("members:body_new"), SAVE_NEW, "bureau_staff", method="post", data=body_data),
    Row("members:body_edit", lambda w: reverse("members:body_edit", args=[w["bureau"].pk]), EDIT, "bureau_staff"),
    Row(
        "members:body_edit", lambda w: reverse("members:body_edit", args=[w["bureau"].pk]), SAVE, "bureau_staff", method="post",
        data=lambda w: {"name": w["bureau"].name, "membership": "member", "category": w["bureau"].category_id,
                        "version": w["bureau"].version, "note": "備考"},
    ),
    Row("members:department_new", lambda w: reverse("members:department_new", args=[w["bureau"].pk]), EDIT, "bureau_staff"),
    Row(
        "members:department_new", lambda w: reverse("members:department_new", args=[w["bureau"].pk]), SAVE, "bureau_staff",
        method="post", data=lambda w: {"department": "雇用環境・均等室", "version": ""},
    ),
    Row("members:department_edit", lambda w: reverse("members:department_edit", args=[department(w).pk]), EDIT, "bureau_staff"),
    Row(
        "members:department_edit", lambda w: reverse("members:department_edit", args=[department(w).pk]), SAVE, "bureau_staff",
        method="post", data=lambda w: {"department": "職業安定部", "version": "0"},
    ),
    Row("members:representative_new", lambda w: reverse("members:representative_new", args=[w["bureau"].pk]), EDIT, "bureau_staff"),
    Row(
        "members:representative_new", lambda w: reverse("members:representative_new", args=[w["bureau"].pk]), SAVE, "bureau_staff",
        method="post", data=lambda w: {"title": "局長", "name": "見本 次郎", "capacity": "member", "is_primary": "on", "version": ""},
    ),
    Row("members:representative_edit", lambda w: reverse("members:representative_edit", args=[person(w).pk]), EDIT, "bureau_staff"),
    Row(
        "members:representative_edit", lambda w: reverse("members:representative_edit", args=[person(w).pk]), SAVE, "bureau_staff",
        method="post", data=lambda w: {"title": "局長", "name": "見本 太郎", "capacity": "member", "version": "0"},
    ),
    # Removing a representative is a POST only; a GET is 405 for those the role check lets through.
    Row("members:representative_delete", lambda w: reverse("members:representative_delete", args=[person(w).pk]), GET_ONLY_POST, "bureau_staff"),
    Row(
        "members:representative_delete", lambda w: reverse("members:representative_delete", args=[person(w).pk]), SAVE, "bureau_staff",
        method="post", data=lambda w: {"version": "0"},
    ),
    Row("members:role_new", lambda w: reverse("members:role_new"), EDIT_NEW, "bureau_staff"),
    Row(
        "members:role_new", lambda w: reverse("members:role_new"), SAVE_NEW, "bureau_staff", method="post",
        data=lambda w: {"name": "新しい役割", "function": "other", "version": "", "holders-TOTAL_FORMS": "0", "holders-INITIAL_FORMS": "0"},
    ),
    Row("members:role_edit", lambda w: reverse("members:role_edit", args=[role(w).pk]), EDIT, "bureau_staff"),
    Row(
        "members:role_edit", lambda w: reverse("members:role_edit", args=[role(w).pk]), SAVE, "bureau_staff", method="post",
        data=lambda w: {"name": role(w).name, "function": role(w).function, "version": role(w).version,
                        "holders-TOTAL_FORMS": "1", "holders-INITIAL_FORMS": "0", "holders-0-holder": f"body:{w['bureau'].pk}",
                        "holders-0-share": "lead"},
    ),
]
