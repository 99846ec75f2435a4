"""An upload waiting for confirmation, and the record of what was imported."""
from django.conf import settings
from django.db import models

from core.states import Action, by_name
from core.tenancy import PlatformOwned


class ImportRun(PlatformOwned, models.Model):
    """One uploaded file: previewed (dry run), then imported or discarded.

    The file lives in the default storage (MEDIA_ROOT, or the shared storage of a multi-server
    deployment), so the confirming request may land on another app server than the upload.
    """

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "確認待ち"
        INVALID = "invalid", "エラーあり"
        IMPORTED = "imported", "取込済"
        DISCARDED = "discarded", "取消"
        EXPIRED = "expired", "期限切れ"

    platform = models.ForeignKey("platform_portal.Platform", verbose_name="プラットフォーム", on_delete=models.CASCADE, related_name="import_runs")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="取込者", on_delete=models.SET_NULL, null=True, related_name="+")
    kind = models.CharField("取込の種類", max_length=30)
    fiscal_year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    file = models.FileField("ファイル", upload_to="imports/%Y/%m/")
    original_name = models.CharField("元のファイル名", max_length=255)
    encoding = models.CharField("文字コード", max_length=20, blank=True)
    status = models.CharField("状態", max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    row_count = models.PositiveIntegerField("行数", default=0)
    counts = models.JSONField("件数", default=dict, blank=True, help_text="new / update / skip の件数")
    issues = models.JSONField("エラー", default=list, blank=True, help_text="先頭の MAX_STORED_ISSUES 件まで")
    issue_count = models.PositiveIntegerField("エラー件数", default=0)
    notices = models.JSONField("お知らせ", default=list, blank=True, help_text="エラーではないが確認してほしいこと（数式の計算結果を使った など）")
    created_at = models.DateTimeField("アップロード日時", auto_now_add=True)
    imported_at = models.DateTimeField("取込日時", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "データの取込"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.original_name}（{self.get_status_display()}）"

    @property
    def kind_name(self) -> str:
        from imports.kinds import KINDS  # the kinds import the resources, which import many models

        kind = KINDS.get(self.kind)
        return kind.name if kind else self.kind

    @property
    def total_issues(self) -> int:
        return max(self.issue_count, len(self.issues))  # runs stored before the count was kept

    @property
    def issues_not_shown(self) -> int:
        """Errors beyond the stored ones: the page says 「ほか○件」."""
        return self.total_issues - len(self.issues)

    # Who may import a kind is the kind's permission (imports/kinds.py get_kind); the run's state
    # decides what is left to do with it.
    ACTIONS = (
        Action("confirm", "取り込む", "", (Status.PREVIEWED,), Status.IMPORTED, "取込", style="primary"),
        Action("discard", "取り消す", "", (Status.PREVIEWED, Status.INVALID), Status.DISCARDED, "取消", done="取込を取り消しました。"),
    )

    def allowed_actions(self, user=None) -> list[Action]:
        return [action for action in self.ACTIONS if action.starts_from(self.status)]

    @property
    def can_confirm(self) -> bool:
        return by_name(self.ACTIONS, "confirm").starts_from(self.status)

    @property
    def can_discard(self) -> bool:
        return by_name(self.ACTIONS, "discard").starts_from(self.status)
