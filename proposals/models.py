"""政策提案: proposals from member bodies to the secretariat, with their handling and response."""
from django.conf import settings
from django.db import models

from core.access import RestrictedQuerySet
from core.audit import audited
from core.states import Action, allowed
from core.tenancy import PlatformOwned


class PolicyProposal(PlatformOwned, models.Model):
    """A proposal a member body submits to the secretariat (設置要領: 事務局への政策提案)."""

    same_platform_fields = ("member_body", "related_measure")
    owner_path = "member_body_id"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "受付"
        UNDER_REVIEW = "under_review", "検討中"
        ANSWERED = "answered", "回答済"
        WITHDRAWN = "withdrawn", "取下げ"

    platform = models.ForeignKey(
        "platform_portal.Platform", verbose_name="プラットフォーム", on_delete=models.CASCADE, related_name="proposals"
    )
    member_body = models.ForeignKey(
        "members.MemberBody", verbose_name="提案機関", on_delete=models.PROTECT, related_name="proposals"
    )
    title = models.CharField("件名", max_length=200)
    content = models.TextField("提案内容")
    background = models.TextField("背景・理由", blank=True)
    related_measure = models.ForeignKey(
        "plans.Measure", verbose_name="関連する取組", on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals"
    )
    status = models.CharField("対応状況", max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    handling = models.TextField("事務局の対応経過", blank=True)
    response = models.TextField("回答", blank=True)
    for_agenda = models.BooleanField("協議会の議題候補", default=False, help_text="次回以降の協議会で議題とする候補")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提出者", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField("提出日時", auto_now_add=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="回答者", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField("回答日時", null=True, blank=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    version = models.PositiveIntegerField("版", default=0, help_text="同時更新の検出に使います")

    history = audited()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "政策提案"
        ordering = ["platform", "-submitted_at", "-id"]

    def __str__(self):
        return self.title

    stale_message = "この提案は、表示した後に他の利用者が更新しました。下の入力内容は残してあります。最新の内容（画面上部）を確かめてから、もう一度保存してください。"

    # Only the proposing body withdraws, and only before the secretariat has started on it.
    ACTIONS = (
        Action("handle", "対応状況を記録する", "handle_proposal", (), "", "事務局の対応"),
        Action("withdraw", "この提案を取り下げる", "submit_proposal", (Status.SUBMITTED,), Status.WITHDRAWN, "提案機関による取下げ",
               done="取り下げました", style="danger"),
    )

    def allowed_actions(self, user) -> list[Action]:
        return allowed(self.ACTIONS, user, self, self.status)
