"""KPIs of the roadmap's measures and the monthly figures entered against them."""
import unicodedata
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q, Sum
from django.utils import timezone

from kpi.choices import Comparison, MeasureType, TargetPeriod
from kpi.rules import check_subcount
from core.access import RestrictedQuerySet
from core.audit import audited
from core.fiscal import fiscal_year_of, month_label
from core.wareki import wareki_date
from core.states import Action, allowed
from core.tenancy import NOTHING, PlatformOwned


def parse_offsets(text: str) -> list[int]:
    """「0,3」「０、３」 → [0, 3]: the days after a due date that scheduled reminders go out on."""
    cleaned = unicodedata.normalize("NFKC", text or "").replace("、", ",")
    parts = [part.strip() for part in cleaned.split(",") if part.strip()]
    if not all(part.isdigit() and int(part) <= 60 for part in parts):
        raise ValidationError("自動督促を送る日は、期限日からの日数（0～60）をカンマ区切りで入力してください（例: 0,3）。")
    return sorted({int(part) for part in parts})


def validate_offsets(text: str) -> None:
    parse_offsets(text)


class KpiQuerySet(RestrictedQuerySet):
    def reported_by(self, body, plan):
        """The plan's KPIs the body enters figures for, in roadmap order (its entry grid)."""
        return (
            self.filter(measure__section__plan=plan, reporting_bodies=body)
            .select_related("measure__section__parent", "parent")
            .order_by("measure__section__order", "measure__order", "order", "id")
        )


class Kpi(PlatformOwned, models.Model):
    """ＫＰＩ of a measure.

    The kinds of the domain are combinations of fields rather than one enum, so that a sub-count
    (内数) can itself have a monthly or a yearly target:
    count + month target, count + year target, rate (numerator/denominator) with a floor,
    a count with a parent (内数), and qualitative.
    """

    platform_path = "measure.section.plan.platform_id"

    class QualitativeFormat(models.TextChoices):
        TEXT = "text", "記述"
        YES_NO = "yes_no", "はい／いいえ"

    measure = models.ForeignKey("plans.Measure", verbose_name="取組", on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField("指標名", max_length=200)
    group_label = models.CharField(
        "指標群の見出し", max_length=200, blank=True, help_text="複数の指標をまとめる見出し（例: 公的職業訓練定員充足率）"
    )
    measure_type = models.CharField("種類", max_length=20, choices=MeasureType.choices, default=MeasureType.COUNT)
    target_value = models.DecimalField("目標値", max_digits=12, decimal_places=2, null=True, blank=True)
    target_period = models.CharField("目標の期間", max_length=10, choices=TargetPeriod.choices, default=TargetPeriod.YEAR)
    comparison = models.CharField("目標の向き", max_length=10, choices=Comparison.choices, default=Comparison.AT_LEAST)
    unit = models.CharField("単位", max_length=20, blank=True, help_text="例: 件、人、%")
    numerator_label = models.CharField("分子の名称", max_length=50, blank=True, help_text="率の場合（例: 受講者数）")
    denominator_label = models.CharField("分母の名称", max_length=50, blank=True, help_text="率の場合（例: 定員）")
    numerator_within_denominator = models.BooleanField(
        "分子は分母以下", default=False, help_text="率の場合。分子が分母を超えることがあり得ない指標（例: 就職率）ではオンにすると、超える入力を誤りとします"
    )
    qualitative_format = models.CharField(
        "定性指標の入力形式", max_length=10, choices=QualitativeFormat.choices, blank=True
    )
    parent = models.ForeignKey(
        # RESTRICT, not PROTECT: a parent may go when its sub-count goes with it (a whole plan).
        "self", verbose_name="親指標（内数の場合）", on_delete=models.RESTRICT, null=True, blank=True, related_name="subcounts"
    )
    reporting_bodies = models.ManyToManyField(
        "members.MemberBody", verbose_name="実績を入力する機関", related_name="reported_kpis", blank=True
    )
    target_text = models.CharField("目標の表記", max_length=200, blank=True, help_text="工程表どおりの表記（例: 1,538件／月）")
    note = models.TextField("備考", blank=True)
    # Bounds a month's value should stay within; a value outside is a warning, not an error.
    min_value = models.DecimalField("下限", max_digits=14, decimal_places=2, null=True, blank=True, help_text="月の値がこれを下回ると確認を求めます")
    max_value = models.DecimalField("上限", max_digits=14, decimal_places=2, null=True, blank=True, help_text="月の値がこれを上回ると確認を求めます")
    order = models.PositiveSmallIntegerField("表示順", default=0)

    history = audited(excluded_fields=["order"])
    objects = KpiQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "ＫＰＩ"
        ordering = ["measure", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(measure_type=MeasureType.QUALITATIVE) | Q(target_value__isnull=True),
                name="qualitative_kpi_has_no_target",
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="kpi_not_own_parent"),
        ]

    def __str__(self):
        return self.name

    def is_owned_by(self, user) -> bool:
        """A KPI belongs to every body that reports its figures."""
        return bool(user.member_body_id) and self.reporting_bodies.filter(pk=user.member_body_id).exists()

    @classmethod
    def owned_by_q(cls, user) -> Q:
        return Q(reporting_bodies=user.member_body_id) if user.member_body_id else NOTHING

    @property
    def is_subcount(self) -> bool:
        return self.parent_id is not None

    @property
    def kind(self):
        """How this KPI's figures are entered, totalled, judged and printed (kpi.kinds)."""
        from kpi.kinds import kind_of

        return kind_of(self)

    @property
    def written_target(self) -> str:
        """The target in the roadmap's own words where it has them (求職者支援訓練７４％以上), else as its
        kind writes it; never the KPI's own name (a qualitative KPI has no target)."""
        text = (self.target_text or "").strip()
        if text and text != self.name.strip():
            return text
        return self.kind.format_target(self)

    @property
    def kind_label(self) -> str:
        return self.kind.label

    def clean(self):
        super().clean()
        if self.measure_type not in MeasureType.values:
            return  # the field's own choices validation reports it
        errors = self.kind.clean_kpi(self)
        if errors:
            raise ValidationError(errors)


class KpiFigure(PlatformOwned, models.Model):
    """月次実績: one body's figure for one KPI and one month (several bodies may report one KPI)."""

    platform_path = "kpi.measure.section.plan.platform_id"
    same_platform_fields = ("member_body",)
    owner_path = "member_body_id"

    kpi = models.ForeignKey(Kpi, verbose_name="ＫＰＩ", on_delete=models.CASCADE, related_name="figures")
    member_body = models.ForeignKey(
        "members.MemberBody", verbose_name="入力機関", on_delete=models.PROTECT, related_name="kpi_figures"
    )
    month = models.DateField("対象月", help_text="月の初日")
    value = models.DecimalField("実績値", max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0, "負の値は入力できません。")])
    numerator = models.DecimalField("分子", max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0, "負の値は入力できません。")])
    denominator = models.DecimalField("分母", max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0, "負の値は入力できません。")])
    text_value = models.TextField("記述", blank=True)
    yes_no = models.BooleanField("はい／いいえ", null=True, blank=True)
    comment = models.TextField("コメント", blank=True)
    # What the plausibility checks said when the value was saved, and the enterer's explanation,
    # so that the approver judges the value with both (kpi/plausibility.py).
    warnings = models.TextField("保存時の確認事項", blank=True)
    warning_comment = models.TextField("確認事項への説明", blank=True)
    version = models.PositiveIntegerField("版", default=0, help_text="同時更新の検出に使います")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="更新者", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    history = audited()

    class Meta:
        verbose_name = verbose_name_plural = "ＫＰＩ月次実績"
        ordering = ["kpi", "month", "member_body"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "member_body", "month"], name="unique_figure_per_body_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="figure_month_is_first_day"),
            models.CheckConstraint(
                condition=(Q(value__isnull=True) | Q(value__gte=0))
                & (Q(numerator__isnull=True) | Q(numerator__gte=0))
                & (Q(denominator__isnull=True) | Q(denominator__gte=0)),
                name="figure_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["member_body", "month"])]

    def __str__(self):
        return f"{self.kpi} {self.month:%Y-%m} {self.member_body}"

    @property
    def has_warnings(self) -> bool:
        """Whether the value was saved despite a plausibility warning (kpi/plausibility.py), with an explanation."""
        return bool(self.warnings)

    @property
    def warning_summary(self) -> str:
        """What the approver reads beside the value: 「要確認：前月（1,500件）から107%増えています。／説明：…」; '' when none."""
        if not self.warnings:
            return ""
        return f"要確認：{' '.join(self.warnings.splitlines())}／説明：{self.warning_comment}"

    def clean(self):
        self.clean_own_values()
        if self.kpi_id and self.month:
            self.validate_subcounts()

    def validate_subcounts(self) -> None:
        """A sub-count's month total may not exceed its parent's, whichever of the two is being changed."""
        kpi = self.kpi
        pairs = []
        if kpi.parent_id:
            pairs.append((kpi, kpi.parent))
        pairs.extend((child, kpi) for child in kpi.subcounts.all())
        for child, parent in pairs:
            child_total, child_others = self._month_total_with_self(child)
            parent_total, parent_others = self._month_total_with_self(parent)
            check_subcount(
                child_name=child.name,
                child_value=child_total,
                parent_name=parent.name,
                parent_value=parent_total,
                month=self.month,
                show_values=not (child_others or parent_others),
            )

    def _month_total_with_self(self, kpi) -> tuple[Decimal | None, bool]:
        """The KPI's total over all reporting bodies for this month, with this figure's value in place of the
        stored one, and whether another body's figure is in it."""
        stored = KpiFigure.objects.filter(kpi=kpi, month=self.month, value__isnull=False)
        if self.kpi_id == kpi.pk:
            stored = stored.exclude(member_body_id=self.member_body_id)
        totals = stored.aggregate(total=Sum("value"), others=Count("pk", filter=~Q(member_body_id=self.member_body_id)))
        total = totals["total"]
        if self.kpi_id == kpi.pk and self.value is not None:
            total = (total or Decimal(0)) + self.value
        return total, bool(totals["others"])

    def clean_own_values(self, reporting_body_ids=None):
        """Every rule that needs only this figure; the sub-count rule also needs the related KPI's figures,
        so a grid that saves both sides checks it once all of them are written (kpi/entry.py).

        An import checking thousands of rows passes the KPI's reporting bodies, loaded once.
        """
        super().clean()
        if self.kpi_id:
            self._clean_values_for_kind()
        if reporting_body_ids is None and self.kpi_id and self.member_body_id:
            reporting_body_ids = set(self.kpi.reporting_bodies.filter(pk=self.member_body_id).values_list("pk", flat=True))
        if self.kpi_id and self.member_body_id and self.member_body_id not in reporting_body_ids:
            raise ValidationError({"member_body": f"「{self.member_body}」は「{self.kpi}」の実績を入力する機関ではありません。"})
        if self.kpi_id and self.month:
            plan = self.kpi.measure.section.plan
            if fiscal_year_of(self.month) != plan.fiscal_year:
                raise ValidationError({"month": f"対象月は{plan.fiscal_year}年度（{plan.fiscal_year}年4月～{plan.fiscal_year + 1}年3月）の月にしてください。"})

    def _clean_values_for_kind(self):
        """Only the fields the KPI's kind uses may be filled, so that no figure is silently ignored."""
        errors = self.kpi.kind.clean_figure(self, self.kpi)
        if errors:
            raise ValidationError(errors)


class PlausibilityRule(PlatformOwned, models.Model):
    """妥当性の目安: how far a platform lets a month's value move before the grid asks the enterer to explain it.

    One row per platform and measure type; without a row the defaults of the fields apply
    (`PlausibilityRule.for_kpi`). Values beyond these are warnings, saved with a comment, never errors.
    """

    platform = models.ForeignKey(
        "platform_portal.Platform", verbose_name="プラットフォーム", on_delete=models.CASCADE, related_name="plausibility_rules"
    )
    measure_type = models.CharField("種類", max_length=20, choices=MeasureType.choices)
    max_change_ratio = models.DecimalField(
        "前月・前年同月からの許容変動幅", max_digits=6, decimal_places=2, default=Decimal("0.50"),
        validators=[MinValueValidator(0, "負の値は入力できません。")], help_text="0.5 = ±50%を超える増減で確認を求めます",
    )
    min_base_value = models.DecimalField(
        "変動を判定する最小の比較値", max_digits=14, decimal_places=2, default=Decimal(10),
        validators=[MinValueValidator(0, "負の値は入力できません。")], help_text="比較する値がこれ未満なら増減を判定しません（少ない件数の揺れを除くため）",
    )
    max_target_share_ratio = models.DecimalField(
        "月間目標相当を上回る許容幅", max_digits=6, decimal_places=2, default=Decimal("1.00"),
        validators=[MinValueValidator(0, "負の値は入力できません。")], help_text="1.0 = 月間目標相当の2倍を超えると確認を求めます",
    )
    warn_rate_over_100 = models.BooleanField("100%を超える率の確認を求める", default=True)

    history = audited()

    class Meta:
        verbose_name = verbose_name_plural = "実績の妥当性の目安"
        ordering = ["platform", "measure_type"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "measure_type"], name="unique_plausibility_rule_per_type"),
        ]

    def __str__(self):
        return f"{self.platform} {self.get_measure_type_display()}"

    @classmethod
    def defaults(cls, measure_type: str) -> "PlausibilityRule":
        """The rule a platform without its own row uses (the fields' defaults)."""
        return cls(measure_type=measure_type)


class FigureSubmission(PlatformOwned, models.Model):
    """月次実績の提出: one body's figures for one month, submitted as a whole, then approved or returned.

    A month with no row is still being entered. Submitted and approved months are locked for
    entry; the lead secretariat returns a submitted month or reopens an approved one, with a reason.
    """

    platform_path = "plan.platform_id"
    same_platform_fields = ("member_body",)
    owner_path = "member_body_id"

    class Status(models.TextChoices):
        DRAFT = "draft", "入力中"
        SUBMITTED = "submitted", "提出済"
        APPROVED = "approved", "承認済"
        RETURNED = "returned", "差戻し"

    plan = models.ForeignKey("plans.BusinessPlan", verbose_name="事業実施計画", on_delete=models.CASCADE, related_name="figure_submissions")
    member_body = models.ForeignKey(
        "members.MemberBody", verbose_name="入力機関", on_delete=models.PROTECT, related_name="figure_submissions"
    )
    month = models.DateField("対象月", help_text="月の初日")
    status = models.CharField("状態", max_length=20, choices=Status.choices, default=Status.DRAFT)
    reason = models.TextField("差戻し・再開の理由", blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提出者", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField("提出日時", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="承認・差戻し者", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField("承認・差戻し日時", null=True, blank=True)
    version = models.PositiveIntegerField("版", default=0, help_text="同時更新の検出に使います")

    history = audited()
    stale_message = "この月の実績は、表示した後に差戻し・再提出などで変わりました。何もしていません。最新の内容を確認してから、もう一度操作してください。"

    class Meta:
        verbose_name = verbose_name_plural = "月次実績の提出"
        ordering = ["plan", "month", "member_body__order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "member_body", "month"], name="unique_submission_per_body_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="submission_month_is_first_day"),
        ]

    def __str__(self):
        return f"{self.member_body} {self.month.year}年{month_label(self.month)} {self.get_status_display()}"

    @property
    def is_locked(self) -> bool:
        return self.status in (self.Status.SUBMITTED, self.Status.APPROVED)

    @property
    def is_editable(self) -> bool:
        """Whether the body may still change the month's figures."""
        return not self.is_locked

    @property
    def lock_reason(self) -> str:
        """Why the month cannot be edited, in the words the grid and the import show; empty when it can be."""
        if not self.is_locked:
            return ""
        month = f"{self.month.month}月"
        if self.status == self.Status.APPROVED:
            when = wareki_date(timezone.localtime(self.decided_at)) if self.decided_at else ""
            who = f"{self.decided_by}が承認" if self.decided_by else ""
            detail = f"（{' '.join(filter(None, (when, who)))}）" if when or who else ""
            return f"{month}は承認済{detail}のため編集できません。修正が必要な場合は事務局に再開を依頼してください。"
        return f"{month}は提出済で承認待ちのため編集できません。修正が必要な場合は事務局に差戻しを依頼してください。"

    # The lead secretariat's decisions (kpi/workflow.py decide); return and reopen need a reason.
    DECISIONS = (
        Action("approve", "承認する", "approve_figures", (Status.SUBMITTED,), Status.APPROVED, "承認", done="承認しました", style="primary"),
        Action("return", "差し戻す", "approve_figures", (Status.SUBMITTED,), Status.RETURNED, "差戻し", True, "差し戻しました", "danger"),
        Action("reopen", "再開", "approve_figures", (Status.APPROVED,), Status.DRAFT, "再開", True, "再開しました"),
    )

    def allowed_actions(self, user) -> list[Action]:
        return allowed(self.DECISIONS, user, self, self.status)

    def clean(self):
        super().clean()
        if self.plan_id and self.month and fiscal_year_of(self.month) != self.plan.fiscal_year:
            raise ValidationError({"month": f"対象月は{self.plan.fiscal_year}年度の月にしてください。"})


class Reminder(PlatformOwned, models.Model):
    """督促: a reminder sent to a body that has not entered a month's figures."""

    platform_path = "plan.platform_id"
    same_platform_fields = ("member_body",)

    plan = models.ForeignKey("plans.BusinessPlan", verbose_name="事業実施計画", on_delete=models.CASCADE, related_name="reminders")
    member_body = models.ForeignKey("members.MemberBody", verbose_name="送付先機関", on_delete=models.PROTECT, related_name="reminders")
    month = models.DateField("対象月")
    recipients = models.TextField("送付先アドレス", blank=True)
    subject = models.CharField("件名", max_length=200)
    message = models.TextField("本文")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="送信者", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField("送信日時", auto_now_add=True)
    # A scheduled reminder (kpi/tasks.py) has no sender; its day keeps it to one per body, month and day.
    automatic = models.BooleanField("自動督促", default=False)
    sent_on = models.DateField("送信日", default=timezone.localdate)

    class Meta:
        verbose_name = verbose_name_plural = "督促"
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "member_body", "month", "sent_on"], condition=Q(automatic=True), name="one_automatic_reminder_per_day",
            ),
        ]

    def __str__(self):
        return f"{self.member_body} {self.month.year}年{month_label(self.month)} {self.sent_at:%Y-%m-%d}"


class ReportingSchedule(PlatformOwned, models.Model):
    """提出期限と自動督促: when a platform's bodies owe a month's figures (e.g. 10 = 翌月10日) and whether
    the portal chases them by itself on the due day and some days after (kpi/deadlines.py, kpi/tasks.py).

    A platform without a row uses the defaults of the fields (`for_platform`), with reminders off.
    """

    platform_path = "platform_id"

    platform = models.OneToOneField(
        "platform_portal.Platform", verbose_name="プラットフォーム", on_delete=models.CASCADE, related_name="reporting_schedule"
    )
    due_day = models.PositiveSmallIntegerField(
        "提出期限（翌月の日）", default=10, validators=[MinValueValidator(1, "1から28の日を入力してください。"), MaxValueValidator(28, "1から28の日を入力してください。")],
        help_text="10 なら、各月の実績の提出期限は翌月10日です（どの月にもある28日まで）",
    )
    auto_reminders = models.BooleanField("自動督促", default=False, help_text="オンにすると、期限を過ぎても未提出の機関に督促メールを自動で送ります")
    reminder_offsets = models.CharField(
        "自動督促を送る日", max_length=50, default="0,3", validators=[validate_offsets],
        help_text="期限日から何日後に送るかをカンマ区切りで（0＝期限日、3＝期限の3日後）。例: 0,3",
    )
    version = models.PositiveIntegerField("版", default=0, help_text="同時更新の検出に使います")

    history = audited()
    stale_message = "提出期限の設定は、表示した後に他の利用者が変更しました。何も保存していません。最新の内容を確認してから、もう一度保存してください。"

    class Meta:
        verbose_name = verbose_name_plural = "提出期限と自動督促"

    def __str__(self):
        return f"{self.platform} 翌月{self.due_day}日"

    @classmethod
    def for_platform(cls, platform_id) -> "ReportingSchedule":
        """The platform's schedule, or an unsaved one with the defaults."""
        return cls.objects.filter(platform_id=platform_id).first() or cls(platform_id=platform_id)

    @property
    def offsets(self) -> list[int]:
        return parse_offsets(self.reminder_offsets)
