from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory

from core.forms import WideDecimalField, WideIntegerField, YearWidgetMixin
from core.locking import VersionedFormMixin
from plans.models import (
    BusinessPlan, GoalComponent, NumericGoal, PlanCategory, ProgressReport, ProgressSummary, ReportingPeriod, SupportCategory,
)


class ProgressReportForm(VersionedFormMixin, forms.ModelForm):
    """Saved by plans/progress.py save_report, which checks the version the form carried."""

    class Meta:
        model = ProgressReport
        fields = ["progress", "activities", "results", "issues", "next_steps"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in ("activities", "results", "issues", "next_steps")}


class ProgressSummaryForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = ProgressSummary
        fields = ["progress", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 12})}


class RoadmapFilterForm(forms.Form):
    category = forms.TypedChoiceField(label="類型", required=False, coerce=int, empty_value=None)
    body = forms.TypedChoiceField(label="機関・団体", required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label="進捗状況", required=False)

    def __init__(self, data, *, categories, bodies):
        super().__init__(data)
        self.fields["category"].choices = [("", "すべて")] + [(c.pk, str(c)) for c in categories]
        self.fields["body"].choices = [("", "すべて")] + [(b.pk, b.name) for b in bodies]
        from plans.progress import NOT_REPORTED, NOT_REPORTED_LABEL

        self.fields["status"].choices = [("", "すべて")] + list(ProgressReport.Progress.choices) + [(NOT_REPORTED, NOT_REPORTED_LABEL)]


# --- Plan settings (計画の設定): lists saved whole, on the plan's version -----------------------------

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NewPlanForm(YearWidgetMixin, forms.ModelForm):
    """A year's plan started on screen (the roadmap can be imported into it afterwards)."""

    year_fields = ("fiscal_year",)

    class Meta:
        model = BusinessPlan
        fields = ["fiscal_year", "title"]
        help_texts = {"title": "例: 令和8年度 事業実施計画"}

    def __init__(self, *args, platform, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.instance.platform = platform

    def clean_fiscal_year(self):
        year = self.cleaned_data["fiscal_year"]
        if self.instance.platform.plans.filter(fiscal_year=year).exists():
            raise forms.ValidationError(f"{year}年度の事業実施計画は既にあります。")
        return year


class ReportingPeriodForm(forms.ModelForm):
    class Meta:
        model = ReportingPeriod
        fields = ["name", "starts_on", "ends_on", "due_on"]
        widgets = {"starts_on": _DATE, "ends_on": _DATE, "due_on": _DATE}


ReportingPeriodFormSet = inlineformset_factory(
    BusinessPlan, ReportingPeriod, form=ReportingPeriodForm, extra=1, can_delete=True, min_num=1, validate_min=True,
)


class PlanCategoryForm(forms.ModelForm):
    """A support-target category as this year defines it; its number ties the years together (①②③)."""

    number = WideIntegerField(label="番号", min_value=1, max_value=20, widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 3}))

    class Meta:
        model = PlanCategory
        fields = ["number", "title", "definition", "estimated_population", "estimate_note", "goal"]
        widgets = {"definition": forms.Textarea(attrs={"rows": 3}), "goal": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.category_id:
            self.fields["number"].initial = self.instance.category.number
        old = self.fields["estimated_population"]
        self.fields["estimated_population"] = WideIntegerField(label=old.label, required=False, min_value=0,
                                                               widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 8}))

    def save(self, commit=True):
        plan = self.instance.plan
        category, created = SupportCategory.objects.get_or_create(
            platform=plan.platform, number=self.cleaned_data["number"], defaults={"name": self.cleaned_data["title"]},
        )
        self.instance.category = category
        return super().save(commit)


class BasePlanCategoryFormSet(BaseInlineFormSet):
    def __init__(self, *args, queryset=None, **kwargs):
        # Each row shows its category's number: read with the rows, not one query a row.
        super().__init__(*args, queryset=PlanCategory.objects.select_related("category") if queryset is None else queryset, **kwargs)

    def clean(self):
        super().clean()
        seen = {}
        for index, form in enumerate(self.forms, start=1):
            blank_extra = form.empty_permitted and not form.has_changed()
            if blank_extra or not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            number = form.cleaned_data.get("number")
            if number in seen:
                raise forms.ValidationError(f"{index}行目：番号{number}は{seen[number]}行目と重なっています。類型ごとに別の番号にしてください。")
            seen[number] = index


PlanCategoryFormSet = inlineformset_factory(
    BusinessPlan, PlanCategory, form=PlanCategoryForm, formset=BasePlanCategoryFormSet, extra=1, can_delete=True,
)


class NumericGoalForm(forms.ModelForm):
    class Meta:
        model = NumericGoal
        fields = ["label", "target", "unit", "note", "order"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2}), "target": forms.TextInput(attrs={"inputmode": "decimal", "size": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Targets are often typed with full-width digits and commas (３，３２５).
        old = self.fields["target"]
        self.fields["target"] = WideDecimalField(label=old.label, min_value=0, max_digits=12, decimal_places=2, widget=old.widget)


NumericGoalFormSet = inlineformset_factory(BusinessPlan, NumericGoal, form=NumericGoalForm, extra=1, can_delete=True)


class GoalComponentForm(forms.ModelForm):
    class Meta:
        model = GoalComponent
        fields = ["label", "kpi", "order"]

    def __init__(self, *args, kpis, kpi_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kpi"].queryset = kpis  # what a posted choice is checked against
        # The list every row offers, read once for the page (a ModelChoiceField reads its
        # queryset again for each row's drop-down).
        self.fields["kpi"].choices = kpi_choices


def goal_component_kpi_choices(kpis) -> list[tuple]:
    return [("", "---------"), *((kpi.pk, f"{kpi.measure.code} {kpi.name}") for kpi in kpis)]


GoalComponentFormSet = inlineformset_factory(NumericGoal, GoalComponent, form=GoalComponentForm, extra=1, can_delete=True)
