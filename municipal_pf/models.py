"""Municipalities and their municipal platforms (市町村プラットフォーム, seed 004)."""
from django.core.exceptions import ValidationError
from django.db import models

from django.db.models import Q

from core.access import RestrictedQuerySet
from core.audit import audited
from core.states import Action, allowed
from core.tenancy import NOTHING, PlatformOwned


class MunicipallyOwned(PlatformOwned):
    """Records of one municipal platform belong to that municipality's staff (report_own_municipal),
    not to a member body. `municipal_platform_field` names the municipal platform's id."""

    municipal_platform_field = "municipal_platform_id"

    def is_owned_by(self, user) -> bool:
        account = user.municipal_affiliation()
        return account is not None and getattr(self, self.municipal_platform_field) == account.municipal_platform_id

    @classmethod
    def owned_by_q(cls, user) -> Q:
        account = user.municipal_affiliation()
        return Q(**{cls.municipal_platform_field: account.municipal_platform_id}) if account else NOTHING


class Municipality(models.Model):
    """市町村 — national reference data (団体コード without its check digit), from municipal_pf/localgov.py."""

    class Kind(models.TextChoices):
        CITY = "city", "市"
        TOWN = "town", "町"
        VILLAGE = "village", "村"
        WARD = "ward", "特別区"

    prefecture = models.ForeignKey(
        "platform_portal.Prefecture", verbose_name="都道府県", on_delete=models.PROTECT, related_name="municipalities"
    )
    code = models.CharField("団体コード", max_length=5, unique=True, help_text="全国地方公共団体コード（検査数字を除く5桁）")
    name = models.CharField("市町村名", max_length=50)
    reading = models.CharField("読み", max_length=100, blank=True)
    kind = models.CharField("種別", max_length=10, choices=Kind.choices)
    district = models.CharField("郡", max_length=50, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "市町村"
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["prefecture", "name"], name="unique_municipality_name")]

    def __str__(self):
        return self.name

    @property
    def full_code(self) -> str:
        """The six-digit 団体コード with its check digit, as 総務省 publishes it (102016 for 前橋市)."""
        from municipal_pf.localgov import with_check_digit

        return with_check_digit(self.code)


class NetworkPartnerType(models.Model):
    """A body the national guidance asks a municipal platform to be connected with."""

    name = models.CharField("名称", max_length=100, unique=True)
    order = models.PositiveSmallIntegerField("表示順", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "ネットワーク構築先"
        ordering = ["order"]

    def __str__(self):
        return self.name


class MunicipalPlatform(MunicipallyOwned, models.Model):
    class Status(models.TextChoices):
        ESTABLISHED = "established", "設置済"
        PREPARING = "preparing", "準備中"
        NOT_ESTABLISHED = "not_established", "未設置"

    class Forum(models.TextChoices):
        SUPPORT_MEETING = "support_meeting", "支援会議"
        COORDINATION_MEETING = "coordination_meeting", "支援調整会議"
        COMMUNITY_CARE_MEETING = "community_care_meeting", "地域ケア会議"
        NEW = "new", "新たな会議体"
        OTHER = "other", "その他"

    municipal_platform_field = "id"

    platform = models.ForeignKey(
        "platform_portal.Platform", verbose_name="都道府県プラットフォーム", on_delete=models.CASCADE, related_name="municipal_platforms"
    )
    # A joint platform (共同設置: one platform for several 町村) is recorded under its representative
    # municipality, here, with the others in `joint_municipalities`.
    municipality = models.ForeignKey(
        Municipality, verbose_name="市町村（共同設置では代表の市町村）", on_delete=models.PROTECT, related_name="municipal_platforms"
    )
    joint_municipalities = models.ManyToManyField(
        Municipality, verbose_name="共同設置の市町村", blank=True, related_name="joint_municipal_platforms",
        help_text="複数の市町村で一つのプラットフォームを設置しているとき、代表の市町村のほかに参加する市町村",
    )
    status = models.CharField("設置状況", max_length=20, choices=Status.choices, default=Status.NOT_ESTABLISHED)
    established_on = models.DateField("設置日", null=True, blank=True)
    secretariat_department = models.CharField("事務局（担当部局）", max_length=200, blank=True)
    forum = models.CharField("基盤とする会議体", max_length=30, choices=Forum.choices, blank=True)
    forum_note = models.CharField("会議体の名称等", max_length=200, blank=True)
    network_partners = models.ManyToManyField(
        NetworkPartnerType, verbose_name="ネットワーク構築済みの主体", blank=True, related_name="municipal_platforms"
    )
    note = models.TextField("備考", blank=True)
    version = models.PositiveIntegerField("版", default=0, help_text="同時更新の検出に使います")

    objects = RestrictedQuerySet.as_manager()
    stale_message = "他の利用者が先にこの市町村の記録を更新しました。入力内容は残しています。最新の内容を確かめてから保存してください。"

    class Meta:
        verbose_name = verbose_name_plural = "市町村プラットフォーム"
        ordering = ["platform", "municipality__code"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "municipality"], name="unique_municipal_platform")
        ]

    def __str__(self):
        return f"{self.municipality}（{self.get_status_display()}）"

    @property
    def name(self) -> str:
        """前橋市, or for a joint platform all its municipalities (中之条町・長野原町（共同設置）).

        Prefetch `joint_municipalities` where platforms are listed."""
        joint = list(self.joint_municipalities.all()) if self.pk else []
        if not joint:
            return str(self.municipality)
        return "・".join([str(self.municipality)] + [str(m) for m in joint]) + "（共同設置）"

    @property
    def covered_municipalities(self) -> list:
        """Every municipality the platform serves: the representative first, then the joint ones."""
        return [self.municipality] + (list(self.joint_municipalities.all()) if self.pk else [])

    def clean(self):
        super().clean()
        if self.municipality_id and self.platform_id and self.municipality.prefecture_id != self.platform.prefecture_id:
            raise ValidationError({"municipality": f"「{self.municipality}」は{self.platform.prefecture}の市町村ではありません。"})

    def joint_municipality_errors(self, municipalities) -> list[str]:
        """Why these municipalities cannot join this platform (another prefecture, or already served by another record)."""
        errors = []
        taken = {}
        others = MunicipalPlatform.objects.filter(platform_id=self.platform_id).exclude(pk=self.pk).prefetch_related("joint_municipalities")
        for other in others.select_related("municipality"):
            for m in other.covered_municipalities:
                taken[m.pk] = other
        for municipality in municipalities:
            if municipality.pk == self.municipality_id:
                errors.append(f"「{municipality}」は代表の市町村です。共同設置の市町村には、ほかの市町村を選んでください。")
            elif self.platform_id and municipality.prefecture_id != self.platform.prefecture_id:
                errors.append(f"「{municipality}」は{self.platform.prefecture}の市町村ではありません。")
            elif municipality.pk in taken:
                errors.append(f"「{municipality}」は既に「{taken[municipality.pk].municipality}」の市町村ＰＦに含まれています。")
        return errors


class MunicipalContact(PlatformOwned, models.Model):
    platform_path = "municipal_platform.platform_id"

    municipal_platform = models.ForeignKey(
        MunicipalPlatform, verbose_name="市町村プラットフォーム", on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField("氏名", max_length=100)
    department = models.CharField("所属", max_length=200, blank=True)
    phone = models.CharField("電話番号", max_length=30, blank=True)
    email = models.EmailField("メールアドレス", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "市町村プラットフォームの連絡先"
        ordering = ["municipal_platform", "id"]

    def __str__(self):
        return self.name


class MunicipalAccount(PlatformOwned, models.Model):
    """A municipal platform's staff account: a user who is not a member body's staff.

    Such a user belongs to the prefectural platform through the municipal platform, and may
    report only for it (the report_own_municipal permission).
    """

    platform_path = "municipal_platform.platform_id"

    user = models.OneToOneField(
        "members.User", verbose_name="利用者", on_delete=models.CASCADE, related_name="municipal_account"
    )
    municipal_platform = models.ForeignKey(
        MunicipalPlatform, verbose_name="市町村プラットフォーム", on_delete=models.CASCADE, related_name="accounts"
    )

    class Meta:
        verbose_name = verbose_name_plural = "市町村プラットフォームの利用者"

    def __str__(self):
        return f"{self.user}（{self.municipal_platform.municipality}）"


class MunicipalReport(MunicipallyOwned, models.Model):
    """A municipal platform's report for a period: a good practice, an issue, or a request to the
    prefectural platform, with the prefecture's handling and response."""

    platform_path = "municipal_platform.platform_id"

    class Kind(models.TextChoices):
        GOOD_PRACTICE = "good_practice", "好事例"
        ISSUE = "issue", "課題"
        REQUEST = "request", "県ＰＦへの要望"

    class RequestType(models.TextChoices):
        PLACEMENTS = "placements", "経済団体への職場実習・雇用の働きかけ"
        CONNECTIONS = "connections", "関係機関とのつなぎ"
        CROSS_BORDER = "cross_border", "広域的な取組"
        OTHER = "other", "その他"

    class Status(models.TextChoices):
        RECEIVED = "received", "受付"
        IN_PROGRESS = "in_progress", "対応中"
        ANSWERED = "answered", "回答済"
        NOTED = "noted", "共有済（回答不要）"

    municipal_platform = models.ForeignKey(
        MunicipalPlatform, verbose_name="市町村プラットフォーム", on_delete=models.CASCADE, related_name="reports"
    )
    period = models.ForeignKey("plans.ReportingPeriod", verbose_name="報告期間", on_delete=models.PROTECT, related_name="municipal_reports")
    kind = models.CharField("種類", max_length=20, choices=Kind.choices)
    request_type = models.CharField("要望の内容", max_length=20, choices=RequestType.choices, blank=True)
    title = models.CharField("件名", max_length=200)
    body = models.TextField("内容")
    status = models.CharField("対応状況", max_length=20, choices=Status.choices, default=Status.RECEIVED)
    response = models.TextField("回答", blank=True)
    responded_by = models.ForeignKey(
        "members.User", verbose_name="回答者", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField("回答日時", null=True, blank=True)
    submitted_by = models.ForeignKey(
        "members.User", verbose_name="報告者", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("報告日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    version = models.PositiveIntegerField("版", default=0, help_text="同時更新の検出に使います")

    history = audited(excluded_fields=["updated_at"])
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "市町村プラットフォームの報告"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.municipal_platform.municipality} {self.get_kind_display()}：{self.title}"

    stale_message = "この報告は、表示した後に他の利用者が更新しました。最新の内容を確認してから、もう一度保存してください。"

    # The municipality's own staff correct their report until handling starts; the liaison handles it in any state.
    ACTIONS = (
        Action("correct", "修正する", "report_own_municipal", (Status.RECEIVED,)),
        Action("handle", "対応を記録する", "manage_municipal"),
    )

    def allowed_actions(self, user) -> list[Action]:
        return allowed(self.ACTIONS, user, self, self.status)

    def is_editable_by(self, user) -> bool:
        return bool(self.allowed_actions(user))

    def clean(self):
        super().clean()
        errors = {}
        if self.kind == self.Kind.REQUEST and not self.request_type:
            errors["request_type"] = "県ＰＦへの要望は「要望の内容」を選んでください。"
        if self.kind != self.Kind.REQUEST and self.request_type:
            errors["request_type"] = "「要望の内容」は県ＰＦへの要望のときだけ選んでください。"
        if self.status == self.Status.ANSWERED and not self.response.strip():
            errors["response"] = "対応状況を「回答済」にするには、「回答」を入力してください。"
        if self.period_id and self.municipal_platform_id and self.period.plan.platform_id != self.municipal_platform.platform_id:
            errors["period"] = "報告期間は同じプラットフォームの計画のものを選んでください。"
        if errors:
            raise ValidationError(errors)
