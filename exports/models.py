"""The download log: who took which file, when (秘密の保持: materials must be traceable)."""
from django.conf import settings
from django.db import models

from platform_portal.tenancy import PlatformOwned


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
