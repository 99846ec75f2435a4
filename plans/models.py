"""The annual business plan (事業実施計画), its roadmap (工程表) and progress reports (進捗管理)."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property

from core.access import RestrictedQuerySet
from core.audit import audited
from core.fiscal import fiscal_year_end, fiscal_year_start
from core.states import Action, allowed
from core.tenancy import NOTHING, PlatformOwned
from members.services import parties_including


class SupportCategory(PlatformOwned, models.Model):
    """支援対象者の類型 (① 不安定な就労状態にある方 …). Wording per year lives in PlanCategory."""

    platform = models.ForeignKey(
        "platform_portal.Platform", verbose_name="プラットフォーム", on_delete=models.CASCADE, related_name="support_categories"
    )
    number = models.PositiveSmallIntegerField("番号")
    name = models.CharField("名称", max_length=200)

    class Meta:
        verbose_name = verbose_name_plural = "支援対象者の類型"
        ordering = ["platform", "number"]
        constraints = [models.UniqueConstraint(fields=["platform", "number"], name="unique_category_number")]

    def __str__(self):
        return f"{self.marker} {self.name}"

    @property
    def marker(self) -> str:
        return "①②③④⑤⑥⑦⑧⑨⑩"[self.number - 1] if 1 <= self.number <= 10 else f"({self.number})"


class BusinessPlan(PlatformOwned, models.Model):
    """事業実施計画: one per platform and fiscal year."""

    class Status(models.TextChoices):
        DRAFT = "draft", "策定中"
        ADOPTED = "adopted", "策定済"

    platform = models.ForeignKey(
        "platform_portal.Platform", verbose_name="プラットフォーム", on_delete=models.CASCADE, related_name="plans"
    )
    fiscal_year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("名称", max_length=200)
    status = models.CharField("状態", max_length=10, choices=Status.choices, default=Status.DRAFT)
    adopted_on = models.DateField("策定日", null=True, blank=True)
    introduction = models.TextField("はじめに", blank=True)
    purpose = models.TextField("計画の策定趣旨", blank=True)
    positioning = models.TextField("計画の位置づけ", blank=True)
    structure = models.TextField("計画の推進体制", blank=True)
    period = models.TextField("計画の期間", blank=True)
    goal_text = models.TextField("目標", blank=True)
    kpi_policy = models.TextField("ＫＰＩの考え方", blank=True)
    progress_policy = models.TextField("計画の進行管理", blank=True)
    # The plan settings pages save its lists (categories, goals, reporting periods) on this version.
    version = models.PositiveIntegerField("版", default=0, help_text="同時更新の検出に使います")

    class Meta:
        verbose_name = verbose_name_plural = "事業実施計画"
        ordering = ["platform", "-fiscal_year"]
        constraints = [models.UniqueConstraint(fields=["platform", "fiscal_year"], name="unique_plan_per_year")]

    def __str__(self):
        return self.title

    @property
    def starts_on(self):
        return fiscal_year_start(self.fiscal_year)

    @property
    def ends_on(self):
        return fiscal_year_end(self.fiscal_year)

    # The plan's numeric goals are NumericGoal rows (below); these read its first one, as the
    # fields they replaced did, so that a single-goal screen need not know there can be more.
    # Read once per instance (a template asks several times); plans.goals gives the goals afresh.
    @cached_property
    def headline_goal(self) -> "NumericGoal | None":
        goals = getattr(self, "_prefetched_objects_cache", {}).get("numeric_goals")
        if goals is not None:
            return min(goals, key=lambda g: (g.order, g.pk), default=None)
        return self.numeric_goals.order_by("order", "pk").first()

    @property
    def headline_goal_label(self) -> str:
        return getattr(self.headline_goal, "label", "")

    @property
    def headline_goal_value(self):
        return getattr(self.headline_goal, "target", None)

    @property
    def headline_goal_unit(self) -> str:
        return getattr(self.headline_goal, "unit", "")

    @property
    def headline_goal_note(self) -> str:
        return getattr(self.headline_goal, "note", "")


class PlanCategory(PlatformOwned, models.Model):
    """A support-target category as one year's plan defines it: wording, estimate and goal."""

    platform_path = "plan.platform_id"
    same_platform_fields = ("category",)

    plan = models.ForeignKey(BusinessPlan, verbose_name="事業実施計画", on_delete=models.CASCADE, related_name="categories")
    category = models.ForeignKey(SupportCategory, verbose_name="類型", on_delete=models.PROTECT, related_name="plan_entries")
    title = models.CharField("名称（当該年度）", max_length=200)
    definition = models.TextField("対象者の定義", blank=True)
    estimated_population = models.PositiveIntegerField("推計対象者数", null=True, blank=True)
    estimate_note = models.CharField("推計の出典・注記", max_length=300, blank=True)
    goal = models.TextField("支援目標")

    history = audited()

    class Meta:
        verbose_name = verbose_name_plural = "類型別の定義と目標"
        ordering = ["plan", "category__number"]
        constraints = [models.UniqueConstraint(fields=["plan", "category"], name="unique_category_per_plan")]

    def __str__(self):
        return f"{self.plan.fiscal_year}年度 {self.category.marker} {self.title}"


class RoadmapSection(PlatformOwned, models.Model):
    """A node of the roadmap above the measures: 項目 (1–4), sub-item ((1), (2)), and ア/イ below it."""

    platform_path = "plan.platform_id"

    plan = models.ForeignKey(BusinessPlan, verbose_name="事業実施計画", on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey(
        "self", verbose_name="上位項目", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    number = models.CharField("番号", max_length=10, help_text="例: 1、(1)、ア")
    title = models.CharField("項目名", max_length=300)
    description = models.TextField("説明", blank=True)
    order = models.PositiveSmallIntegerField("表示順", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "工程表の項目"
        ordering = ["plan", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "parent", "number"], name="unique_section_number"),
            models.UniqueConstraint(
                fields=["plan", "number"], condition=Q(parent__isnull=True), name="unique_top_section_number"
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def clean(self):
        super().clean()
        if not self.parent_id:
            return
        if self.plan_id and self.parent.plan_id != self.plan_id:
            raise ValidationError({"parent": "上位項目は同じ事業実施計画の項目を選んでください。"})
        ancestor = self.parent
        while ancestor is not None:
            # A loop would drop the section (and its measures) from the roadmap tree.
            if ancestor.pk == self.pk:
                raise ValidationError({"parent": "上位項目に自分自身やその下位の項目は選べません。"})
            ancestor = ancestor.parent


class MeasureQuerySet(RestrictedQuerySet):
    def for_body(self, body, plan):
        """The plan's measures the body is responsible for, directly or through a group (my tasks)."""
        return self.filter(section__plan=plan, responsible_parties__in=parties_including(body, plan)).distinct()


class Measure(PlatformOwned, models.Model):
    """具体的な取組 (①②③ …): the leaf of the roadmap, with its responsible parties and KPIs.

    A measure belongs to every body its responsible parties stand for (全機関・団体, 経済団体 …),
    counting the bodies that were members during its plan's fiscal year.
    """

    platform_path = "section.plan.platform_id"

    section = models.ForeignKey(RoadmapSection, verbose_name="項目", on_delete=models.CASCADE, related_name="measures")
    number = models.CharField("番号", max_length=10, blank=True, help_text="例: ①。項目に取組が一つだけなら空欄")
    title = models.CharField("見出し", max_length=300, blank=True)
    description = models.TextField("取組内容")
    responsible_parties = models.ManyToManyField(
        "members.ResponsibleParty", verbose_name="実施主体", related_name="measures", blank=True
    )
    categories = models.ManyToManyField(SupportCategory, verbose_name="対象類型", related_name="measures", blank=True)
    note = models.TextField("備考", blank=True)
    order = models.PositiveSmallIntegerField("表示順", default=0)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "取組（工程表）"
        ordering = ["section__order", "order", "id"]

    def is_owned_by(self, user) -> bool:
        if not user.member_body_id:
            return False
        return Measure.objects.for_body(user.member_body, self.section.plan).filter(pk=self.pk).exists()

    @classmethod
    def owned_by_q(cls, user) -> Q:
        # Without one plan's year, membership is judged as of today.
        if not user.member_body_id:
            return NOTHING
        return Q(pk__in=cls.objects.filter(responsible_parties__in=parties_including(user.member_body)).values("pk"))

    def __str__(self):
        head = self.title or self.description[:40]
        return f"{self.number} {head}".strip()

    @property
    def code(self) -> str:
        """Its place in the roadmap as people cite it: 2(1)ア①. Select the section's parents along."""
        parts, section = [], self.section
        while section is not None:
            parts.append(section.number)
            section = section.parent
        return "".join(reversed(parts)) + self.number


class ReportingPeriod(PlatformOwned, models.Model):
    """進捗報告の対象期間 (上半期, 第1回協議会まで …) within a plan's fiscal year."""

    platform_path = "plan.platform_id"

    plan = models.ForeignKey(BusinessPlan, verbose_name="事業実施計画", on_delete=models.CASCADE, related_name="reporting_periods")
    name = models.CharField("名称", max_length=100)
    starts_on = models.DateField("開始日")
    ends_on = models.DateField("終了日")
    due_on = models.DateField("報告期限", null=True, blank=True)

    history = audited()

    class Meta:
        verbose_name = verbose_name_plural = "報告期間"
        ordering = ["plan", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="unique_period_name_per_plan"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="period_ends_after_start"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.plan_id and self.starts_on and self.ends_on:
            plan = self.plan
            if self.starts_on < plan.starts_on or self.ends_on > plan.ends_on:
                raise ValidationError(
                    f"報告期間は{plan.fiscal_year}年度（{plan.fiscal_year}年4月1日～{plan.fiscal_year + 1}年3月31日）の中にしてください。"
                )
            if self.ends_on < self.starts_on:
                raise ValidationError({"ends_on": "終了日は開始日以降にしてください。"})


class ProgressReport(PlatformOwned, models.Model):
    """進捗報告: what one responsible body did on one measure in one reporting period."""

    platform_path = "measure.section.plan.platform_id"
    same_platform_fields = ("member_body",)
    owner_path = "member_body_id"

    class Progress(models.TextChoices):
        NOT_STARTED = "not_started", "未着手"
        ON_TRACK = "on_track", "順調"
        MOSTLY_ON_TRACK = "mostly_on_track", "概ね順調"
        DELAYED = "delayed", "遅れ"
        COMPLETED = "completed", "完了"

    class Review(models.TextChoices):
        DRAFT = "draft", "下書き"
        SUBMITTED = "submitted", "提出済"
        ACCEPTED = "accepted", "確認済"
        RETURNED = "returned", "差戻し"

    measure = models.ForeignKey(Measure, verbose_name="取組", on_delete=models.CASCADE, related_name="progress_reports")
    # RESTRICT: a period with reports cannot be deleted alone, but goes with its whole plan.
    period = models.ForeignKey(ReportingPeriod, verbose_name="報告期間", on_delete=models.RESTRICT, related_name="reports")
    member_body = models.ForeignKey(
        "members.MemberBody", verbose_name="報告機関", on_delete=models.PROTECT, related_name="progress_reports"
    )
    progress = models.CharField("進捗状況", max_length=20, choices=Progress.choices, default=Progress.NOT_STARTED)
    activities = models.TextField("実施内容", blank=True)
    results = models.TextField("成果", blank=True)
    issues = models.TextField("課題", blank=True)
    next_steps = models.TextField("今後の取組", blank=True)
    review_status = models.CharField("確認状況", max_length=20, choices=Review.choices, default=Review.DRAFT)
    review_comment = models.TextField("確認コメント", blank=True)
    submitted_at = models.DateTimeField("提出日時", null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="更新者", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    version = models.PositiveIntegerField("版", default=0, help_text="同時更新の検出に使います")

    history = audited()

    class Meta:
        verbose_name = verbose_name_plural = "進捗報告"
        ordering = ["period", "measure"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "period", "member_body"], name="unique_report_per_body_period")
        ]

    def __str__(self):
        return f"{self.period} {self.measure} {self.member_body}"

    @property
    def is_editable(self) -> bool:
        """Whether the body may still change it: a draft, or a report returned to it."""
        return self.review_status in (self.Review.DRAFT, self.Review.RETURNED)

    # What can be done to a report (plans/progress.py save_report and review; the pages' buttons).
    ACTIONS = (
        Action("draft", "下書き保存", "report_own_progress", (Review.DRAFT, Review.RETURNED)),
        Action("submit", "提出する", "report_own_progress", (Review.DRAFT, Review.RETURNED), Review.SUBMITTED, "提出", style="primary"),
        Action("comment", "コメントする", "review_progress", (), "", "コメント", done="コメントを記入しました。"),
        Action("accept", "確認済にする", "review_progress", (Review.SUBMITTED,), Review.ACCEPTED, "確認", done="報告を確認済にしました。", style="primary"),
        Action("return", "差し戻す", "review_progress", (Review.SUBMITTED,), Review.RETURNED, "差戻し", True, "報告を差し戻しました。", "danger"),
    )

    def allowed_actions(self, user) -> list[Action]:
        return allowed(self.ACTIONS, user, self, self.review_status)

    def clean(self):
        super().clean()
        if self.period_id and self.measure_id and self.period.plan_id != self.measure.section.plan_id:
            raise ValidationError({"period": "報告期間は取組と同じ年度の事業実施計画のものを選んでください。"})
        if self.measure_id and self.member_body_id:
            if not Measure.objects.for_body(self.member_body, self.measure.section.plan).filter(pk=self.measure_id).exists():
                raise ValidationError({"member_body": f"「{self.member_body}」はこの取組の実施主体ではありません。"})


class ProgressComment(PlatformOwned, models.Model):
    """A reviewer's comment on a progress report (the deputy secretariat's 確認コメント), kept as a thread."""

    platform_path = "report.measure.section.plan.platform_id"

    class Action(models.TextChoices):
        COMMENT = "comment", "コメント"
        ACCEPT = "accept", "確認"
        RETURN = "return", "差戻し"

    report = models.ForeignKey(ProgressReport, verbose_name="進捗報告", on_delete=models.CASCADE, related_name="comments")
    action = models.CharField("操作", max_length=10, choices=Action.choices, default=Action.COMMENT)
    body = models.TextField("コメント", blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="記入者", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField("記入日時", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "進捗報告へのコメント"
        ordering = ["report", "created_at", "id"]

    def __str__(self):
        return f"{self.get_action_display()} {self.created_at:%Y-%m-%d}"


class ProgressSummary(PlatformOwned, models.Model):
    """進捗のとりまとめ: the lead secretariat's consolidated status of one measure in one period."""

    platform_path = "measure.section.plan.platform_id"

    measure = models.ForeignKey(Measure, verbose_name="取組", on_delete=models.CASCADE, related_name="progress_summaries")
    period = models.ForeignKey(ReportingPeriod, verbose_name="報告期間", on_delete=models.RESTRICT, related_name="summaries")
    progress = models.CharField("進捗状況", max_length=20, choices=ProgressReport.Progress.choices)
    summary = models.TextField("とりまとめ")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="更新者", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    version = models.PositiveIntegerField("版", default=0, help_text="同時更新の検出に使います")

    history = audited()
    stale_message = "他の利用者が先にこの取組の進捗をとりまとめました。入力内容は残しています。最新の内容を確かめてから保存してください。"

    class Meta:
        verbose_name = verbose_name_plural = "進捗のとりまとめ"
        ordering = ["period", "measure"]
        constraints = [models.UniqueConstraint(fields=["measure", "period"], name="unique_summary_per_measure_period")]

    def __str__(self):
        return f"{self.period} {self.measure}"

    def clean(self):
        super().clean()
        if self.period_id and self.measure_id and self.period.plan_id != self.measure.section.plan_id:
            raise ValidationError({"period": "報告期間は取組と同じ年度の事業実施計画のものを選んでください。"})


class NumericGoal(PlatformOwned, models.Model):
    """数値目標: a goal of the plan stated as a number for its year (正規雇用者を１年間で３，３２５人増やす).

    Its actuals are the sum of its components' KPI figures, so they are entered, submitted,
    approved and imported like any KPI's; the ※ note says where the number comes from.
    """

    platform_path = "plan.platform_id"

    plan = models.ForeignKey(BusinessPlan, verbose_name="事業実施計画", on_delete=models.CASCADE, related_name="numeric_goals")
    label = models.CharField("名称", max_length=200, help_text="例: 正規雇用者の増加数")
    target = models.DecimalField("目標値（年間）", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    unit = models.CharField("単位", max_length=20, help_text="例: 人")
    note = models.TextField("注記（※）", blank=True, help_text="目標値の根拠（例: 労働局の目標件数＋ジョブカフェぐんまの目標件数）")
    order = models.PositiveSmallIntegerField("表示順", default=0)

    history = audited(excluded_fields=["order"])

    class Meta:
        verbose_name = verbose_name_plural = "数値目標"
        ordering = ["plan", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "label"], name="unique_goal_label_per_plan")]

    def __str__(self):
        return self.label


class GoalComponent(PlatformOwned, models.Model):
    """数値目標の内訳: the part of a goal one body reports, through a KPI of the measure it belongs to.

    The KPI carries the component's target and reporting body, and its figures are the component's
    actuals; the roadmap does not print it among the measure's own KPIs (plans.goals.ROADMAP_KPIS).
    """

    platform_path = "goal.plan.platform_id"
    same_platform_fields = ("kpi",)

    goal = models.ForeignKey(NumericGoal, verbose_name="数値目標", on_delete=models.CASCADE, related_name="components")
    # RESTRICT: the KPI cannot be deleted while it feeds a goal, but goes with its whole plan.
    kpi = models.OneToOneField(
        "kpi.Kpi", verbose_name="実績のＫＰＩ", on_delete=models.RESTRICT, related_name="goal_component",
        help_text="この内訳の実績を入力するＫＰＩ（件数）。目標値と実績を入力する機関はＫＰＩに設定します。",
    )
    label = models.CharField("名称", max_length=200, help_text="例: 群馬労働局（中高年層の正社員就職）")
    order = models.PositiveSmallIntegerField("表示順", default=0)

    history = audited(excluded_fields=["order"])

    class Meta:
        verbose_name = verbose_name_plural = "数値目標の内訳"
        ordering = ["goal", "order", "id"]

    def __str__(self):
        return self.label

    @property
    def target(self):
        return self.kpi.target_value

    def clean(self):
        super().clean()
        if not (self.goal_id and self.kpi_id):
            return
        kpi = self.kpi
        if kpi.measure.section.plan_id != self.goal.plan_id:
            raise ValidationError({"kpi": "ＫＰＩは数値目標と同じ年度の事業実施計画のものを選んでください。"})
        if not kpi.kind.adds_up:
            raise ValidationError({"kpi": "数値目標の内訳には件数のＫＰＩを選んでください（実績を合計します）。"})


# The KPIs the roadmap prints under their measures: a goal component's KPI is printed with its goal.
ROADMAP_KPIS = Q(goal_component__isnull=True)
