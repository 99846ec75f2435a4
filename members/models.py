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


class MemberBodyQuerySet(models.QuerySet):
    def current(self, on=None):
        """Bodies whose membership period includes the date (today when None)."""
        from django.utils import timezone

        on = on or timezone.localdate()
        return self.during(on, on)

    def during(self, start, end):
        """Bodies that were members at some time between two dates (a plan's fiscal year)."""
        return self.filter(Q(joined_on__isnull=True) | Q(joined_on__lte=end), Q(left_on__isnull=True) | Q(left_on__gte=start))


class MemberBody(PlatformOwned, models.Model):
    """構成員（機関・団体）. Departments of one organisation are separate bodies with their own roles."""

    same_platform_fields = ("category",)
    owner_path = "id"  # a body's own records (its entry grid) belong to it

    class Membership(models.TextChoices):
        MEMBER = "member", "構成員"
        OBSERVER = "observer", "オブザーバー"
        PARTNER = "partner", "関係機関（構成員外）"

    platform = models.ForeignKey(
        "platform_portal.Platform", verbose_name="プラットフォーム", on_delete=models.CASCADE, related_name="member_bodies"
    )
    name = models.CharField("名称", max_length=200)
    organisation = models.CharField("組織名", max_length=200, blank=True, help_text="部局を別の構成員とする場合の組織名（例: 群馬県）")
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
        ]

    def __str__(self):
        return self.name

    @property
    def is_observer(self) -> bool:
        return self.membership == self.Membership.OBSERVER


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

    history = audited()

    class Meta:
        verbose_name = verbose_name_plural = "代表者（役職・氏名）"
        ordering = ["member_body__order", "member_body__name", "order", "id"]

    def __str__(self):
        return f"{self.member_body} {self.title} {self.name}".strip()


class Role(PlatformOwned, models.Model):
    """役割: a duty listed in the guideline (設置要領), held by one or more bodies."""

    class Function(models.TextChoices):
        """What the portal itself does with a role; the wording stays the platform's own."""

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

    class Meta:
        verbose_name = verbose_name_plural = "役割"
        ordering = ["platform", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["platform", "name"], name="unique_role_name_per_platform")]

    def __str__(self):
        return self.name


class RoleAssignment(PlatformOwned, models.Model):
    platform_path = "role.platform_id"
    same_platform_fields = ("member_body",)

    class Share(models.TextChoices):
        LEAD = "lead", "主担当"
        DEPUTY = "deputy", "副担当"
        NONE = "", "－"

    role = models.ForeignKey(Role, verbose_name="役割", on_delete=models.CASCADE, related_name="assignments")
    member_body = models.ForeignKey(MemberBody, verbose_name="機関・団体", on_delete=models.CASCADE, related_name="role_assignments")
    share = models.CharField("担当区分", max_length=10, choices=Share.choices, blank=True, default=Share.NONE)

    history = audited()

    class Meta:
        verbose_name = verbose_name_plural = "役割の割当"
        ordering = ["role", "member_body__order"]
        constraints = [models.UniqueConstraint(fields=["role", "member_body"], name="unique_role_per_body")]

    def __str__(self):
        share = f"（{self.get_share_display()}）" if self.share else ""
        return f"{self.member_body} — {self.role}{share}"


class ResponsibleParty(PlatformOwned, models.Model):
    """実施主体: a label the roadmap prints (労働局, 県, 経済団体, 全機関・団体 …) and the bodies it means.

    A label resolves to the union of: every current member (全機関・団体), every body of some
    categories (経済団体), and bodies named one by one (県 = both prefectural departments).
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
