"""Member bodies (構成員), their roles (役割), responsible parties and the portal's users."""
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from core import freshness
from core.audit import audited
from core.tenancy import PlatformOwned


class MemberCategory(PlatformOwned, models.Model):
    """区分 (行政, 市町村, 就労支援機関, 労働団体, 経済団体, 報道機関 …), per platform."""

    platform = models.ForeignKey(
        "platform_portal.Platform", verbose_name="プラットフォーム", on_delete=models.CASCADE, related_name="member_categories"
    )
    name = models.CharField("区分", max_length=50)
    order = models.PositiveSmallIntegerField("表示順", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "構成員の区分"
        ordering = ["platform", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["platform", "name"], name="unique_category_per_platform")]

    def __str__(self):
        return self.name


def _overlaps(prefix: str, start, end) -> Q:
    joined, left = f"{prefix}joined_on", f"{prefix}left_on"
    return (Q(**{f"{joined}__isnull": True}) | Q(**{f"{joined}__lte": end})) & (
        Q(**{f"{left}__isnull": True}) | Q(**{f"{left}__gte": start})
    )


class MemberBodyQuerySet(models.QuerySet):
    def current(self, on=None):
        """Bodies whose membership period includes the date (today when None)."""
        from django.utils import timezone

        on = on or timezone.localdate()
        return self.during(on, on)

    def during(self, start, end):
        """Bodies that were members at some time between two dates (a plan's fiscal year).

        A department acts for its member, so it counts only while its member does too, whatever its
        own row says: the member's 参加日／退会日 are read through `parent`, not copied down, so
        correcting them (a withdrawn 退会) corrects the departments as well, imports included.
        """
        return self.filter(_overlaps("", start, end), _overlaps("parent__", start, end))

    def members(self):
        """The bodies the 名簿 lists and counts: not the departments acting for them."""
        return self.filter(MemberBody.member_q())


class MemberBody(PlatformOwned, models.Model):
    """構成員（機関・団体）, or a department (部局) acting for one.

    A department is a body of its own (`parent` set): it holds roles, enters figures, reports
    progress and is named in the roadmap through the same foreign keys as any body, while the 名簿
    lists and counts only its member (`MemberBody.objects.members()`). Its name is always the one a
    reader can tell apart, 「群馬県（産業経済部）」, built from the member's name and `department`.
    A guideline may instead list two departments of one organisation as two members (Gunma's
    群馬県（産業経済部） and 群馬県（健康福祉部））: those are members, `organisation` says whose.
    """

    same_platform_fields = ("category", "parent")
    owner_path = "id"  # a body's own records (its entry grid) belong to it

    class Membership(models.TextChoices):
        MEMBER = "member", "構成員"
        OBSERVER = "observer", "オブザーバー"
        PARTNER = "partner", "関係機関（構成員外）"

    platform = models.ForeignKey(
        "platform_portal.Platform", verbose_name="プラットフォーム", on_delete=models.CASCADE, related_name="member_bodies"
    )
    name = models.CharField("名称", max_length=200)
    parent = models.ForeignKey(
        "self", verbose_name="所属する構成員", on_delete=models.PROTECT, null=True, blank=True, related_name="departments",
        help_text="部局の場合、その部局が属する構成員（構成員名簿では構成員を1機関として数えます）",
    )
    organisation = models.CharField(
        "組織名", max_length=200, blank=True,
        help_text="設置要領が同じ組織の部局を別々の構成員として掲げる場合の組織名（例: 群馬県）",
    )
    department = models.CharField("部局", max_length=100, blank=True)
    category = models.ForeignKey(
        MemberCategory, verbose_name="区分", on_delete=models.PROTECT, related_name="bodies", null=True, blank=True
    )
    short_label = models.CharField("工程表での略称", max_length=50, blank=True, help_text="例: 労働局、県、機構")
    membership = models.CharField("参加形態", max_length=20, choices=Membership.choices, default=Membership.MEMBER)
    operated_by = models.CharField("運営主体", max_length=200, blank=True, help_text="関係機関の場合の運営主体（例: 前橋市）")
    joined_on = models.DateField("参加日", null=True, blank=True)
    left_on = models.DateField("退会日", null=True, blank=True)
    note = models.TextField("備考", blank=True)
    order = models.PositiveSmallIntegerField("表示順", default=0)
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = MemberBodyQuerySet.as_manager()
    history = audited()

    class Meta:
        verbose_name = verbose_name_plural = "構成員（機関・団体）"
        ordering = ["platform", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "name"], name="unique_body_name_per_platform"),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(joined_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="body_left_after_joined",
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="body_not_its_own_department"),
        ]

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        """The name every list prints (not the roadmap's short label 「県」, which two bodies share)."""
        return self.name

    @property
    def is_observer(self) -> bool:
        return self.membership == self.Membership.OBSERVER

    @property
    def is_department(self) -> bool:
        return self.parent_id is not None

    @staticmethod
    def member_q() -> Q:
        """A member of the 名簿, not a department (`MemberBody.objects.members()`)."""
        return Q(parent__isnull=True)

    @staticmethod
    def department_name(member_name: str, department: str) -> str:
        return f"{member_name}（{department}）"

    def clean(self):
        super().clean()
        if self.parent_id is None:
            return
        if self.parent.parent_id is not None:
            raise ValidationError({"parent": "部局の下に部局は置けません。構成員を選んでください。"})
        if self.pk and self.departments.exists():
            raise ValidationError({"parent": "部局を持つ構成員は、他の構成員の部局にできません。"})
        if not self.department.strip():
            raise ValidationError({"department": "部局名を入力してください。"})

    def save(self, *args, **kwargs):
        if self.parent_id is not None:
            # A department shares its member's 区分 and participation, and carries its member's name.
            self.category_id, self.membership = self.parent.category_id, self.parent.membership
            self.name = self.department_name(self.parent.name, self.department)
            self.organisation = ""
        super().save(*args, **kwargs)
        if self.parent_id is None:
            for department in self.departments.all():
                if (department.name, department.category_id, department.membership) != (
                    self.department_name(self.name, department.department), self.category_id, self.membership
                ):
                    department.save()


class Representative(PlatformOwned, models.Model):
    """代表者: a person who attends the council for a member body (役職・氏名), or for its secretariat.

    Kept on the member record so that every meeting's 出席者名簿 and the packet's 構成員名簿 print
    the same names; a body may send more than one person (its head and a deputy, or a department's
    staff sitting as 事務局).
    """

    platform_path = "member_body.platform_id"
    owner_path = "member_body_id"

    class Capacity(models.TextChoices):
        MEMBER = "member", "構成員（代表者）"
        SECRETARIAT = "secretariat", "事務局"

    member_body = models.ForeignKey(
        MemberBody, verbose_name="機関・団体", on_delete=models.CASCADE, related_name="representatives"
    )
    title = models.CharField("役職", max_length=100, blank=True)
    name = models.CharField("氏名", max_length=100)
    capacity = models.CharField(
        "出席の区分", max_length=20, choices=Capacity.choices, default=Capacity.MEMBER,
        help_text="構成員・オブザーバーの別は機関・団体の参加形態によります。事務局として出席する職員は「事務局」",
    )
    is_primary = models.BooleanField("構成員名簿に載せる", default=True, help_text="機関・団体を代表する方（名簿に載せない随行者は外す）")
    order = models.PositiveSmallIntegerField("表示順", default=0)
    version = models.PositiveIntegerField(default=0, editable=False)

    history = audited()

    class Meta:
        verbose_name = verbose_name_plural = "代表者（役職・氏名）"
        ordering = ["member_body__order", "member_body__name", "order", "id"]

    def __str__(self):
        return f"{self.member_body} {self.title} {self.name}".strip()


class Role(PlatformOwned, models.Model):
    """役割: a duty listed in the guideline (設置要領), held by bodies, departments or groups."""

    class Function(models.TextChoices):
        """What the portal itself does with a role; the wording stays the platform's own.

        The list is closed: each value's meaning is FUNCTION_MEANINGS (shown on the roles screen,
        the roles template and the README).
        """

        SECRETARIAT = "secretariat", "とりまとめ事務局"
        PLAN_DRAFTING = "plan_drafting", "事業実施計画の策定"
        PROGRESS_MANAGEMENT = "progress_management", "進捗管理"
        MUNICIPAL_LIAISON = "municipal_liaison", "市町村ＰＦとの連絡調整"
        POLICY_PROPOSAL = "policy_proposal", "政策提案"
        OTHER = "other", "その他"

    platform = models.ForeignKey(
        "platform_portal.Platform", verbose_name="プラットフォーム", on_delete=models.CASCADE, related_name="roles"
    )
    name = models.CharField("役割", max_length=200)
    function = models.CharField("機能", max_length=30, choices=Function.choices, default=Function.OTHER)
    order = models.PositiveSmallIntegerField("表示順", default=0)
    bodies = models.ManyToManyField(MemberBody, through="RoleAssignment", related_name="roles", verbose_name="担当機関")
    version = models.PositiveIntegerField(default=0, editable=False)

    history = audited()

    class Meta:
        verbose_name = verbose_name_plural = "役割"
        ordering = ["platform", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["platform", "name"], name="unique_role_name_per_platform")]

    def __str__(self):
        return self.name

    @property
    def function_meaning(self) -> str:
        return FUNCTION_MEANINGS[self.function]


FUNCTION_MEANINGS = {
    Role.Function.SECRETARIAT: "協議会の事務局（とりまとめ）。主担当・副担当の機関が協議会の運営、実績の承認、進捗のとりまとめを担います。",
    Role.Function.PLAN_DRAFTING: "事業実施計画・工程表の策定とりまとめ。",
    Role.Function.PROGRESS_MANAGEMENT: "工程表の取組の進捗管理（進捗報告の確認・とりまとめ）。",
    Role.Function.MUNICIPAL_LIAISON: "市町村プラットフォーム（市町村ＰＦ）との連絡調整、好事例・課題の把握。",
    Role.Function.POLICY_PROPOSAL: "事務局への政策提案。",
    Role.Function.OTHER: "上記以外の役割（周知・広報、就職支援、職業訓練など）。設置要領の文言のまま記録します。",
}


class RoleAssignment(PlatformOwned, models.Model):
    """Who holds a role: one body or department, or a group named by its label (a ResponsibleParty
    such as 「市町村（…）」), which resolves to its bodies and keeps its printed label."""

    platform_path = "role.platform_id"
    same_platform_fields = ("member_body", "responsible_party")

    class Share(models.TextChoices):
        LEAD = "lead", "主担当"
        DEPUTY = "deputy", "副担当"
        NONE = "", "－"

    role = models.ForeignKey(Role, verbose_name="役割", on_delete=models.CASCADE, related_name="assignments")
    member_body = models.ForeignKey(
        MemberBody, verbose_name="機関・団体", on_delete=models.CASCADE, related_name="role_assignments", null=True, blank=True
    )
    responsible_party = models.ForeignKey(
        "ResponsibleParty", verbose_name="グループ（実施主体の表記）", on_delete=models.CASCADE, related_name="role_assignments",
        null=True, blank=True,
    )
    share = models.CharField("担当区分", max_length=10, choices=Share.choices, blank=True, default=Share.NONE)

    history = audited()

    class Meta:
        verbose_name = verbose_name_plural = "役割の割当"
        ordering = ["role", "member_body__order", "responsible_party__order"]
        constraints = [
            models.UniqueConstraint(fields=["role", "member_body"], name="unique_role_per_body"),
            models.UniqueConstraint(fields=["role", "responsible_party"], name="unique_role_per_party"),
            models.CheckConstraint(
                condition=Q(member_body__isnull=True, responsible_party__isnull=False)
                | Q(member_body__isnull=False, responsible_party__isnull=True),
                name="role_held_by_body_or_group",
            ),
        ]

    def __str__(self):
        share = f"（{self.get_share_display()}）" if self.share else ""
        return f"{self.holder} — {self.role}{share}"

    @property
    def holder(self):
        """The body, department or group as printed: 「群馬県（産業経済部）」 or 「市町村（…）」."""
        return self.member_body or self.responsible_party

    def holder_bodies(self, plan=None):
        """The bodies that hold the role: the one body, or every body the group resolves to."""
        from members.services import party_bodies

        if self.member_body_id:
            return MemberBody.objects.filter(pk=self.member_body_id)
        return party_bodies(self.responsible_party, plan)

    def clean(self):
        super().clean()
        if (self.member_body_id is None) == (self.responsible_party_id is None):
            raise ValidationError("機関・団体（部局を含む）かグループのどちらか一方を選んでください。")


class ResponsibleParty(PlatformOwned, models.Model):
    """実施主体: a label the roadmap prints (労働局, 県, 経済団体, 全機関・団体 …) and the bodies it means.

    A label resolves to the union of: every current member (全機関・団体), every body of some
    categories (経済団体), and bodies named one by one (県 = both prefectural departments). Only
    the last reaches a department: the first two count the 名簿's members (`members.services`).
    """

    platform = models.ForeignKey(
        "platform_portal.Platform", verbose_name="プラットフォーム", on_delete=models.CASCADE, related_name="responsible_parties"
    )
    label = models.CharField("表記", max_length=50)
    includes_all_members = models.BooleanField("全構成員を含む", default=False, help_text="オブザーバーと構成員外は含みません")
    categories = models.ManyToManyField(MemberCategory, blank=True, verbose_name="含む区分", related_name="+")
    bodies = models.ManyToManyField(MemberBody, blank=True, verbose_name="含む機関・団体", related_name="responsible_parties")
    note = models.TextField("説明", blank=True, help_text="この表記がどの機関・団体を指すかの根拠など")
    order = models.PositiveSmallIntegerField("表示順", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "実施主体"
        ordering = ["platform", "order", "label"]
        constraints = [models.UniqueConstraint(fields=["platform", "label"], name="unique_party_label_per_platform")]

    def __str__(self):
        return self.label


class AccessRole(PlatformOwned, models.Model):
    """利用者の権限ロール (事務局（主担当）, 構成員担当者, 座長 …): which portal permissions a user has.

    Platform-less roles are instance-wide (system administrator, national viewer).
    """

    platform = models.ForeignKey(
        "platform_portal.Platform",
        verbose_name="プラットフォーム",
        on_delete=models.CASCADE,
        related_name="access_roles",
        null=True,
        blank=True,
    )
    code = models.SlugField("コード", max_length=50)
    name = models.CharField("名称", max_length=100)
    description = models.TextField("説明", blank=True)
    permissions = models.JSONField("権限", default=list, blank=True, help_text="core.permissions の権限コードの一覧")
    requires_two_factor = models.BooleanField(
        "二要素認証を必須とする", default=False, help_text="このロールの利用者は、ログイン時に認証アプリの確認コードが必要です"
    )

    history = audited()

    class Meta:
        verbose_name = verbose_name_plural = "権限ロール"
        ordering = ["platform", "id"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "code"], name="unique_access_role_code_per_platform"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(platform__isnull=True), name="unique_global_access_role_code"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        from core.permissions import unknown_permissions

        if not isinstance(self.permissions, list):
            raise ValidationError({"permissions": "権限は権限コードの一覧（例: [\"view_plan\"]）で入力してください。"})
        if unknown := unknown_permissions(self.permissions):
            raise ValidationError({"permissions": f"未定義の権限コードです: {', '.join(unknown)}"})


class User(PlatformOwned, AbstractUser):
    """A person using the portal, belonging to one member body and so to one platform."""

    platform_path = "member_body.platform_id"

    member_body = models.ForeignKey(
        MemberBody, verbose_name="所属機関・団体", on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    display_name = models.CharField("氏名", max_length=100, blank=True)
    job_title = models.CharField("役職", max_length=100, blank=True)
    access_roles = models.ManyToManyField(AccessRole, blank=True, verbose_name="権限ロール", related_name="users")

    objects = UserManager()
    # Sign-ins only touch last_login; the trail is for who holds which role and body.
    history = audited(m2m_fields=[access_roles], excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = verbose_name_plural = "利用者"

    def __str__(self):
        return self.display_name or self.username

    def affiliated_platform_id(self):
        """The platform the user belongs to: through their member body, or their municipal platform."""
        if self.member_body_id:
            return freshness.cached("body-platform", (self.member_body_id,), lambda: self.member_body.platform_id)
        account = self.municipal_affiliation()
        return account.municipal_platform.platform_id if account else None

    def municipal_affiliation(self):
        """The user's municipal platform account, for municipal staff; None for a member body's staff.

        Read through the reverse relation's model, so that this app need not import municipal_pf
        (which builds on it); kept on the object, so asked once per request.
        """
        if not hasattr(self, "_municipal_account"):
            account_model = self._meta.get_field("municipal_account").related_model
            self._municipal_account = (
                None if self.member_body_id or self.pk is None
                else account_model.objects.select_related("municipal_platform").filter(user=self).first()
            )
        return self._municipal_account
