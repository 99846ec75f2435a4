"""協議会: the platform's meetings, their agenda (次第), attendees (出席者) and minutes (議事概要)."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from core.audit import audited
from core.states import Action, allowed
from core.tenancy import PlatformOwned


class Meeting(PlatformOwned, models.Model):
    platform_path = "plan.platform_id"

    class Status(models.TextChoices):
        PLANNED = "planned", "開催予定"
        HELD = "held", "開催済"
        CLOSED = "closed", "確定（編集不可）"

    plan = models.ForeignKey("plans.BusinessPlan", verbose_name="事業実施計画（年度）", on_delete=models.CASCADE, related_name="meetings")
    number = models.PositiveSmallIntegerField("回", help_text="第N回のN")
    title = models.CharField("名称", max_length=200, blank=True, help_text="空欄なら「第N回 協議会」")
    held_on = models.DateField("開催日")
    starts_at = models.TimeField("開始時刻", null=True, blank=True)
    ends_at = models.TimeField("終了時刻", null=True, blank=True)
    venue = models.CharField("会場", max_length=200, blank=True)
    chair_name = models.CharField("座長", max_length=200, blank=True)
    status = models.CharField("状態", max_length=10, choices=Status.choices, default=Status.PLANNED)
    minutes = models.TextField("議事概要", blank=True)
    decisions = models.TextField("決定事項", blank=True)
    version = models.PositiveIntegerField("版", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="作成者", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    history = audited()

    class Meta:
        verbose_name = verbose_name_plural = "協議会"
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="unique_meeting_number_per_plan")]

    def __str__(self):
        return self.title or f"第{self.number}回 協議会"

    stale_message = "他の利用者が先にこの協議会を更新しました。入力内容は残しています。最新の内容を確かめてから保存してください。"

    # The status moves (meetings/services.py change_status; the detail page's buttons).
    ACTIONS = (
        Action("held", "開催済にする", "manage_meetings", (Status.PLANNED,), Status.HELD, "開催済にしました", done="開催済にしました"),
        Action("close", "確定する（以後は編集不可）", "manage_meetings", (Status.HELD,), Status.CLOSED,
               "確定しました（編集できなくなります）", done="確定しました（編集できなくなります）"),
        Action("reopen", "再開する", "manage_meetings", (Status.CLOSED,), Status.HELD, "再開", True, "再開しました"),
    )

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def is_editable(self) -> bool:
        """A closed (確定) meeting's record, agenda and attendees are read-only until it is reopened."""
        return not self.is_closed

    def allowed_actions(self, user) -> list[Action]:
        return allowed(self.ACTIONS, user, self, self.status)

    @classmethod
    def next_number(cls, plan) -> int:
        """第N回: one after the plan's last meeting."""
        latest = cls.objects.filter(plan=plan).order_by("-number").values_list("number", flat=True).first()
        return (latest or 0) + 1

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "終了時刻は開始時刻より後にしてください。"})


class AgendaItem(PlatformOwned, models.Model):
    platform_path = "meeting.plan.platform_id"
    same_platform_fields = ("presenter_body",)

    meeting = models.ForeignKey(Meeting, verbose_name="協議会", on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField("順番", default=0)
    title = models.CharField("議題", max_length=200)
    presenter_body = models.ForeignKey("members.MemberBody", verbose_name="説明機関", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    duration_minutes = models.PositiveSmallIntegerField("時間（分）", null=True, blank=True)
    measures = models.ManyToManyField("plans.Measure", verbose_name="関連する取組", blank=True, related_name="agenda_items")
    proposals = models.ManyToManyField("proposals.PolicyProposal", verbose_name="関連する政策提案", blank=True, related_name="agenda_items")

    history = audited()

    class Meta:
        verbose_name = verbose_name_plural = "次第"
        ordering = ["meeting", "order", "id"]

    def __str__(self):
        return self.title


class Attendee(PlatformOwned, models.Model):
    platform_path = "meeting.plan.platform_id"
    same_platform_fields = ("member_body",)

    class Attendance(models.TextChoices):
        PLANNED = "planned", "出席予定"
        ATTENDED = "attended", "出席"
        PROXY = "proxy", "代理出席"
        ABSENT = "absent", "欠席"

    meeting = models.ForeignKey(Meeting, verbose_name="協議会", on_delete=models.CASCADE, related_name="attendees")
    member_body = models.ForeignKey("members.MemberBody", verbose_name="機関・団体", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    name = models.CharField("氏名", max_length=100, blank=True)
    title = models.CharField("役職", max_length=100, blank=True)
    attendance = models.CharField("出欠", max_length=10, choices=Attendance.choices, default=Attendance.PLANNED)
    note = models.CharField("備考", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("表示順", default=0)

    history = audited()

    class Meta:
        verbose_name = verbose_name_plural = "出席者"
        ordering = ["meeting", "order", "id"]

    def __str__(self):
        return f"{self.member_body or ''} {self.name}".strip()
