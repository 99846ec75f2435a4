"""Monthly KPI figures (月次実績) of one fiscal year's plan, in bulk.

A figure file can hold every body's twelve months for every KPI: ten thousand rows. Rows are
checked against lookups loaded once (KPIs, reporting bodies, locked months) instead of a query
per row, written with bulk_create/bulk_update through the audit trail, and the 内数 rule is
checked once on the month totals after every row is written, before the transaction commits.
"""
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone
from import_export.fields import Field

from imports.resources.base import PortalResource
from imports.widgets import LookupWidget, MonthWidget, NumberWidget, TextWidget, YesNoWidget
from kpi import workflow
from kpi.models import FigureSubmission, Kpi, KpiFigure
from kpi.rules import SubcountCheck, subcount_violations
from members.models import MemberBody

MEASURE_COLUMN = "取組"


class KpiWidget(LookupWidget):
    """A KPI named by its measure's code (2(1)ア①, in the 取組 column) and its own name."""

    def clean(self, value, row=None, **kwargs):
        code = str((row or {}).get(MEASURE_COLUMN) or "").strip()
        return super().clean(f"{code}\t{str(value or '').strip()}" if str(value or "").strip() else "", row, **kwargs)

    def load_kpis(self, kpis):
        self.load({f"{k.measure.code}\t{k.name}": k for k in kpis})

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.name


class FigureResource(PortalResource):
    key_fields = ("kpi", "member_body", "month")
    bulk = True

    measure = Field("kpi__measure__code", MEASURE_COLUMN, readonly=True)
    kpi = Field("kpi", "指標名", widget=KpiWidget(Kpi, "指標（取組と指標名の組合せ）"))
    member_body = Field("member_body", "入力機関", widget=LookupWidget(MemberBody, "機関・団体"))
    month = Field("month", "対象月", widget=MonthWidget())
    value = Field("value", "実績値", widget=NumberWidget())
    numerator = Field("numerator", "分子", widget=NumberWidget())
    denominator = Field("denominator", "分母", widget=NumberWidget())
    text_value = Field("text_value", "記述", widget=TextWidget())
    yes_no = Field("yes_no", "はい／いいえ", widget=YesNoWidget())
    comment = Field("comment", "コメント", widget=TextWidget())

    VALUE_ATTRIBUTES = ("value", "numerator", "denominator", "text_value", "yes_no", "comment")

    class Meta(PortalResource.Meta):
        model = KpiFigure
        fields = ("measure", "kpi", "member_body", "month", "value", "numerator", "denominator", "text_value", "yes_no", "comment")
        clean_model_instances = False  # validate_instance checks the rows without a query each

    def load_lookups(self):
        kpis = list(
            Kpi.objects.filter(measure__section__plan=self.plan)
            .select_related("measure__section__parent__parent", "measure__section__plan")
            .prefetch_related("reporting_bodies")
        )
        self.fields["kpi"].widget.load_kpis(kpis)
        self.reporting_bodies = {k.pk: {b.pk for b in k.reporting_bodies.all()} for k in kpis}
        self.fields["member_body"].widget.load({b.name: b for b in self.platform.member_bodies.all()})
        self.locked = self._locked(FigureSubmission.objects.filter(plan=self.plan))

    @staticmethod
    def _locked(submissions) -> dict:
        return {(s.member_body_id, s.month): s for s in submissions.select_related("decided_by") if s.is_locked}

    def before_import(self, dataset, **kwargs):
        if not self.dry_run:
            self.lock_submissions(dataset)

    def lock_submissions(self, dataset):
        """Lock the month submissions the file writes into, and read their state under the lock
        (kpi.workflow.lock_submissions, as the entry grid does: one lock order for every writer)."""
        pairs = set()
        for row in dataset.dict:
            try:
                pairs.add((self.fields["member_body"].clean(row).pk, self.fields["month"].clean(row)))
            except ValueError:
                continue  # the row's own check reports the cell
        submissions = workflow.lock_submissions(self.plan, pairs, user=self.user, reason=self.reason)
        self.locked = {key: s for key, s in submissions.items() if s.is_locked}

    def get_queryset(self):
        return (
            KpiFigure.objects.filter(kpi__measure__section__plan=self.plan)
            .select_related("kpi__measure__section__parent__parent", "member_body")
            .order_by("kpi__measure__section__order", "kpi__measure__order", "kpi__order", "kpi_id", "member_body__order", "month")
        )

    def instance_key(self, instance):
        return (instance.kpi, instance.member_body, instance.month)

    def init_instance(self, row=None):
        return KpiFigure()

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if not errors:
            try:
                instance.clean_own_values(reporting_body_ids=self.reporting_bodies[instance.kpi_id])
            except ValidationError as exc:
                errors = exc.update_error_dict(errors)
            submission = self.locked.get((instance.member_body_id, instance.month))
            if submission is not None and self._changed(instance):
                errors.setdefault("month", []).append(submission.lock_reason)
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors:
            return False
        if instance.pk is None:
            # An all-blank row for a month nobody entered creates nothing.
            return all(getattr(instance, a) in (None, "") for a in self.VALUE_ATTRIBUTES)
        return not self._changed(instance)

    def _changed(self, instance) -> bool:
        before = getattr(instance, "_imported_from", None)
        return before is None or any(before[a] != getattr(instance, a) for a in self.VALUE_ATTRIBUTES)

    def after_init_instance(self, instance, new, row, **kwargs):
        if not new:
            instance._imported_from = {a: getattr(instance, a) for a in self.VALUE_ATTRIBUTES}

    def before_save_instance(self, instance, row, **kwargs):
        # bulk_update skips auto_now and save(); the version tells open entry grids the value moved.
        instance.version += 1
        instance.updated_by = self.user
        instance.updated_at = timezone.now()

    def bulk_update_fields(self):
        return [*self.VALUE_ATTRIBUTES, "version", "updated_by", "updated_at"]

    def after_import(self, dataset, result, **kwargs):
        messages = subcount_messages(self.plan)
        if messages:
            raise ValidationError(messages)


def subcount_messages(plan) -> list[str]:
    """The 内数 rule over a whole plan's month totals, in two queries."""
    pairs = list(Kpi.objects.filter(measure__section__plan=plan, parent__isnull=False).select_related("parent"))
    if not pairs:
        return []
    kpi_ids = {k.pk for k in pairs} | {k.parent_id for k in pairs}
    totals = defaultdict(lambda: None)
    for row in KpiFigure.objects.filter(kpi_id__in=kpi_ids, value__isnull=False).values("kpi_id", "month").annotate(total=Sum("value")):
        totals[(row["kpi_id"], row["month"])] = row["total"]
    months = sorted({month for _, month in totals})
    return subcount_violations(
        SubcountCheck(child.name, totals[(child.pk, month)], child.parent.name, totals[(child.parent_id, month)], month)
        for child in pairs
        for month in months
    )
