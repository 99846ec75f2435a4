"""The platform (都道府県プラットフォーム) itself: the tenant every other object belongs to."""
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone

from core import locking
from core.access import RestrictedQuerySet, may
from core.audit import audited
from core.states import Action, allowed, by_name
from core.tenancy import PlatformOwned


class Prefecture(models.Model):
    """都道府県 — national reference data, loaded by a migration."""

    code = models.CharField("都道府県コード", max_length=2, unique=True)
    name = models.CharField("都道府県名", max_length=10, unique=True)

    class Meta:
        verbose_name = verbose_name_plural = "都道府県"
        ordering = ["code"]

    def __str__(self):
        return self.name


class PlatformManager(models.Manager):
    """A platform is shown by its current name, so names always come along: there are at most
    47 platforms, and every list of them (filters, pickers) would otherwise query per row."""

    def get_queryset(self):
        return super().get_queryset().select_related("prefecture").prefetch_related("names")


class Platform(PlatformOwned, models.Model):
    """都道府県プラットフォーム（協議会）. One per prefecture; its names live in PlatformName."""

    platform_path = "pk"
    same_platform_fields = ("chair_body",)

    prefecture = models.OneToOneField(Prefecture, verbose_name="都道府県", on_delete=models.PROTECT)
    code = models.SlugField(
        "識別子", max_length=40, unique=True, help_text="URL・コマンドで使う半角英数字（例: gunma）"
    )
    established_on = models.DateField("設置日", null=True, blank=True)
    chair_body = models.ForeignKey(
        "members.MemberBody",
        verbose_name="座長の所属機関",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    chair_title = models.CharField("座長", max_length=100, blank=True, help_text="例: 群馬労働局職業安定部長")
    meeting_frequency = models.CharField("会議の開催頻度", max_length=100, blank=True)
    confidentiality_clause = models.TextField("秘密の保持", blank=True)
    is_active = models.BooleanField("利用中", default=True)
    # Moved by every save of the platform's settings and of its stage list, which is saved whole
    # on it, as a meeting's agenda is locked on the meeting. A guideline has its own version.
    version = models.PositiveIntegerField("版", default=0, help_text="同時更新の検出に使います")

    history = audited()
    objects = PlatformManager()

    class Meta:
        verbose_name = verbose_name_plural = "プラットフォーム"
        ordering = ["prefecture__code"]

    def __str__(self):
        current = self.name_for_fiscal_year(None)
        return current.name if current else f"{self.prefecture}（{self.code}）"

    def name_for_fiscal_year(self, fiscal_year: int | None) -> "PlatformName | None":
        """The official name in force in a fiscal year (the newest name when None).

        Iterates the prefetched names so that lists of platforms do not query per row.
        """
        names = sorted(self.names.all(), key=lambda n: n.from_fiscal_year)
        chosen = None
        for name in names:
            if fiscal_year is None or name.from_fiscal_year <= fiscal_year:
                chosen = name
        return chosen

    def stage_for_fiscal_year(self, fiscal_year: int) -> "Stage | None":
        for stage in self.stages.all():
            if stage.covers(fiscal_year):
                return stage
        return None


class PlatformName(PlatformOwned, models.Model):
    """名称の変遷: a name is in force from its fiscal year until the next name's."""

    platform = models.ForeignKey(Platform, verbose_name="プラットフォーム", on_delete=models.CASCADE, related_name="names")
    name = models.CharField("正式名称", max_length=200)
    short_name = models.CharField("略称", max_length=50, blank=True)
    from_fiscal_year = models.PositiveSmallIntegerField("適用開始年度")
    reason = models.TextField("変更理由", blank=True)

    history = audited()

    class Meta:
        verbose_name = verbose_name_plural = "名称"
        ordering = ["platform", "from_fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "from_fiscal_year"], name="unique_platform_name_per_year")
        ]

    def __str__(self):
        return self.name


class Stage(PlatformOwned, models.Model):
    """ステージ: a phase of the national programme (第一ステージ, 第二ステージ …)."""

    platform = models.ForeignKey(Platform, verbose_name="プラットフォーム", on_delete=models.CASCADE, related_name="stages")
    name = models.CharField("名称", max_length=100)
    from_fiscal_year = models.PositiveSmallIntegerField("開始年度")
    to_fiscal_year = models.PositiveSmallIntegerField("終了年度", null=True, blank=True)
    description = models.TextField("説明", blank=True)

    history = audited()

    class Meta:
        verbose_name = verbose_name_plural = "ステージ"
        ordering = ["platform", "from_fiscal_year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(to_fiscal_year__isnull=True) | models.Q(to_fiscal_year__gte=models.F("from_fiscal_year")),
                name="stage_ends_after_start",
                violation_error_message="終了年度は開始年度以降にしてください。",
            )
        ]

    def __str__(self):
        return self.name

    def covers(self, fiscal_year: int) -> bool:
        return self.from_fiscal_year <= fiscal_year and (self.to_fiscal_year is None or fiscal_year <= self.to_fiscal_year)


class Guideline(PlatformOwned, models.Model):
    """設置要領: the rules that set up the platform."""

    platform = models.ForeignKey(
        Platform, verbose_name="プラットフォーム", on_delete=models.CASCADE, related_name="guidelines"
    )
    title = models.CharField("名称", max_length=200)
    enacted_on = models.DateField("施行日")
    text = models.TextField("本文", blank=True)
    version = models.PositiveIntegerField("版", default=0, help_text="同時更新の検出に使います")

    history = audited()
    stale_message = "他の利用者が先にこの設置要領を更新しました。入力内容は残しています。最新の内容を確かめてから保存してください。"

    class Meta:
        verbose_name = verbose_name_plural = "設置要領"
        ordering = ["platform", "enacted_on"]

    def __str__(self):
        return self.title


class GuidelineAmendment(PlatformOwned, models.Model):
    platform_path = "guideline.platform_id"

    guideline = models.ForeignKey(
        Guideline, verbose_name="設置要領", on_delete=models.CASCADE, related_name="amendments"
    )
    amended_on = models.DateField("改正日")
    note = models.CharField("改正内容", max_length=200, blank=True, default="一部改正")

    history = audited()

    class Meta:
        verbose_name = verbose_name_plural = "設置要領の改正"
        ordering = ["guideline", "amended_on"]
        constraints = [
            models.UniqueConstraint(fields=["guideline", "amended_on"], name="unique_amendment_per_day")
        ]

    def __str__(self):
        return f"{self.amended_on:%Y-%m-%d} {self.note}"


class SettingsProposal(PlatformOwned, models.Model):
    """設定の変更の提案: what someone who may not edit the settings asks the editors to change, and why.

    The editors (manage_platform_settings) decide: 反映済 once they have changed the settings
    themselves, 見送り with the reason in the note. A decision is locked on the version the page
    showed, so of two decisions on one proposal only the first applies.
    """

    class Status(models.TextChoices):
        OPEN = "open", "提案中"
        APPLIED = "applied", "反映済"
        DECLINED = "declined", "見送り"

    TEXT_MAX = 2000
    NOTE_MAX = 1000

    platform = models.ForeignKey(
        Platform, verbose_name="プラットフォーム", on_delete=models.CASCADE, related_name="settings_proposals"
    )
    text = models.TextField("提案内容", max_length=TEXT_MAX, help_text="何をどのように変えるか、その理由")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提案者", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    proposed_at = models.DateTimeField("提案日時", auto_now_add=True)
    status = models.CharField("状況", max_length=20, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="判断した人", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField("判断日時", null=True, blank=True)
    note = models.TextField("メモ", max_length=NOTE_MAX, blank=True)
    version = models.PositiveIntegerField("版", default=0, help_text="同時更新の検出に使います")

    history = audited()
    objects = RestrictedQuerySet.as_manager()
    stale_message = "この提案は、表示した後に他の利用者が判断しました。何も保存していません。最新の状況を確かめてください。"

    ACTIONS = (
        Action("apply", "反映済にする", "manage_platform_settings", (Status.OPEN,), Status.APPLIED, "反映済",
               done="反映済にしました", style="primary"),
        Action("decline", "見送る", "manage_platform_settings", (Status.OPEN,), Status.DECLINED, "見送り",
               needs_reason=True, done="見送りにしました"),
    )

    class Meta:
        verbose_name = verbose_name_plural = "設定の変更の提案"
        ordering = ["platform", "-proposed_at", "-id"]

    def __str__(self):
        return self.text[:40]

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def allowed_actions(self, user) -> list[Action]:
        return allowed(self.ACTIONS, user, self, self.status)

    def decide(self, user, action_name: str, note: str, version) -> Action:
        """Take one of the ACTIONS on the version the page showed; the action taken.

        Raises PermissionDenied when the user may not take it now, ValidationError (on `note`)
        when its reason is missing, locking.StaleEdit when someone decided in the meantime.
        """
        action = by_name(self.ACTIONS, action_name)
        if action is None or not may(user, action.permission, self):
            raise PermissionDenied("この提案にこの操作はできません。")
        note = (note or "").strip()
        if action.needs_reason and not note:
            raise ValidationError({"note": f"「{action.word}」にするには、メモに理由を入力してください。"})
        with locking.edit(self, version) as before:
            if not action.starts_from(before.status):  # decided already: the version has moved too
                raise locking.StaleEdit(self.stale_message)
            self.status = action.target
            self.note = note
            self.decided_by = user
            self.decided_at = timezone.now()
            self._change_reason = action.word
        return action
