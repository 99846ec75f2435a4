"""Users (利用者) of a platform, brought in by its secretariat.

A new user gets a password nobody knows and an invitation e-mail to set their own
(members/invitations.py), sent once the import is saved for good.

User names are unique in the whole instance, not per platform. A name that another platform's
user (or an account outside every platform) already holds is refused with the same message as a
name that is not allowed at all, so that an import never tells one platform who is registered in
another. A name the platform's own user holds is no conflict: the row updates that user.
"""
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from import_export.fields import Field

from imports.resources.base import PortalResource
from imports.widgets import ChoiceWidget, LookupWidget, NamesWidget, TextWidget
from members.invitations import send_invitation
from members.models import AccessRole, MemberBody, User

UNUSABLE_NAME = "このユーザー名は使用できません。半角の英数字と @ . + - _ で、別のユーザー名にしてください。"
EMAIL_NEEDED = "新しい利用者にはメールアドレスが必要です（パスワード設定の案内を送ります）。"


class UserResource(PortalResource):
    key_fields = ("username",)

    username = Field("username", "ユーザー名", widget=TextWidget(required=True))
    display_name = Field("display_name", "氏名", widget=TextWidget())
    email = Field("email", "メールアドレス", widget=TextWidget())
    member_body = Field("member_body", "所属機関・団体", widget=LookupWidget(MemberBody, "機関・団体"))
    job_title = Field("job_title", "役職", widget=TextWidget())
    access_roles = Field("access_roles", "権限ロール", widget=NamesWidget(AccessRole, "権限ロール"))
    is_active = Field("is_active", "有効", widget=ChoiceWidget([(True, "はい"), (False, "いいえ")], required=False, default=True))

    class Meta(PortalResource.Meta):
        model = User
        fields = ("username", "display_name", "email", "member_body", "job_title", "access_roles", "is_active")

    def load_lookups(self):
        self.fields["member_body"].widget.load({b.name: b for b in self.platform.member_bodies.all()})
        self.fields["access_roles"].widget.load({r.name: r for r in self.platform.access_roles.all()})

    def get_queryset(self):
        return User.objects.filter(member_body__platform=self.platform).select_related("member_body").prefetch_related("access_roles").order_by("username")

    def init_instance(self, row=None):
        user = User()
        user.set_password(secrets.token_urlsafe(32))
        return user

    def before_import(self, dataset, **kwargs):
        names = [str(name).strip() for name in dataset["ユーザー名"] if name] if "ユーザー名" in dataset.headers else []
        # The file's names already held anywhere, in one query; the platform's own are updated, not new.
        self.taken = set(User.objects.filter(username__in=names).values_list("username", flat=True))

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if instance.pk is None:
            if "username" not in errors and (instance.username in self.taken or not _allowed_name(instance.username)):
                errors["username"] = [UNUSABLE_NAME]
            if "email" not in errors and not instance.email:
                errors["email"] = [EMAIL_NEEDED]
        super().validate_instance(instance, errors, validate_unique)

    def after_save_instance(self, instance, row, **kwargs):
        if getattr(instance, "_imported_from", True) is None and not kwargs.get("dry_run"):
            # Only if the whole file is saved: a failing file rolls back and forgets these.
            transaction.on_commit(lambda: send_invitation(instance, self.user))


def _allowed_name(username: str) -> bool:
    """Whether the name has the form of a user name (length, characters)."""
    try:
        User._meta.get_field("username").clean(username, None)
    except ValidationError:
        return False
    return True
