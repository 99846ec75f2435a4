"""The password change pages (helper "onboard"): any signed-in user, whatever their platform or role."""
from django.urls import reverse

from tests.matrix_rows.base import Row, statuses

SIGNED_IN = statuses(302, 200, 200, 200, 200, 200, 200, 200, welfare=200, municipal=200, national=200, admin=200)

ROWS = [
    Row("password_change", lambda w: reverse("password_change"), SIGNED_IN, "hw_user"),
    # An empty form: the page again with its errors (a wrong old password changes nothing).
    Row("password_change", lambda w: reverse("password_change"), SIGNED_IN, "hw_user", method="post",
        data=lambda w: {"old_password": "wrong", "new_password1": "", "new_password2": ""}),
    Row("password_change_done", lambda w: reverse("password_change_done"), SIGNED_IN, "hw_user"),
]
