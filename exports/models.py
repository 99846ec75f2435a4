"""The download log: who took which file, when (秘密の保持: materials must be traceable)."""
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.tenancy import PlatformOwned


class ExportLog(PlatformOwned, models.Model):
    platform = models.ForeignKey("platform_portal.Platform", verbose_name="プラットフォーム", on_delete=models.CASCADE, related_name="export_logs")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="利用者", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    export_id = models.CharField("出力の種類", max_length=50)
    fiscal_year = models.PositiveSmallIntegerField("年度")
    filename = models.CharField("ファイル名", max_length=200)
    size = models.PositiveIntegerField("サイズ（バイト）")
    via = models.CharField("経路", max_length=20, default="web", help_text="web（画面）または command（コマンド）")
    created_at = models.DateTimeField("日時", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "出力の記録"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.user} {self.filename}"


class ExportJob(PlatformOwned, models.Model):
    """An export made in the background: the page polls it, then offers the file."""

    class Status(models.TextChoices):
        QUEUED = "queued", "待機中"
        RUNNING = "running", "作成中"
        DONE = "done", "完了"
        FAILED = "failed", "失敗"

    platform = models.ForeignKey("platform_portal.Platform", verbose_name="プラットフォーム", on_delete=models.CASCADE, related_name="export_jobs")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="依頼者", on_delete=models.CASCADE, related_name="+")
    export_id = models.CharField("出力の種類", max_length=50)
    fiscal_year = models.PositiveSmallIntegerField("年度")
    encoding = models.CharField("文字コード", max_length=20, default="utf-8-sig")
    options = models.JSONField("条件", default=dict, blank=True, help_text="資料に含める章など")
    status = models.CharField("状態", max_length=10, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField("ファイル", upload_to="exports/%Y/%m/", blank=True)
    filename = models.CharField("ファイル名", max_length=200, blank=True)
    content_type = models.CharField("種類", max_length=100, blank=True)
    error = models.TextField("エラー", blank=True)
    task_id = models.CharField("タスクID", max_length=64, blank=True)
    created_at = models.DateTimeField("依頼日時", auto_now_add=True)
    started_at = models.DateTimeField("作成開始日時", null=True, blank=True)
    heartbeat_at = models.DateTimeField("ワーカーの最終応答日時", null=True, blank=True, help_text="作成中、ワーカーが数秒ごとに更新します")
    finished_at = models.DateTimeField("完了日時", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "出力の作成"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.export_id} {self.fiscal_year} {self.get_status_display()}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    # A worker polls the queue every second or so; a job still waiting after this has none.
    WORKER_WAIT = timedelta(minutes=1)

    @property
    def is_waiting_for_worker(self) -> bool:
        """Still 待機中 a minute after it was asked for: no worker is running (`manage.py db_worker`)."""
        return self.status == self.Status.QUEUED and timezone.now() - self.created_at > self.WORKER_WAIT

    @property
    def is_abandoned(self) -> bool:
        """作成中, but its worker has died: no heartbeat for EXPORT_JOB_DEAD_AFTER seconds.

        The worker touches `heartbeat_at` every EXPORT_JOB_HEARTBEAT seconds while it renders
        (exports/tasks.py), so a killed worker shows within a minute. EXPORT_JOB_TIMEOUT stays the
        limit for a render that hangs with its worker alive.
        """
        if self.status != self.Status.RUNNING or self.started_at is None:
            return False
        now = timezone.now()
        last_sign_of_life = self.heartbeat_at or self.started_at
        return (now - last_sign_of_life > timedelta(seconds=settings.EXPORT_JOB_DEAD_AFTER)
                or now - self.started_at > timedelta(seconds=settings.EXPORT_JOB_TIMEOUT))
