from django import forms

from core.locking import VersionedFormMixin
from plans.models import ProgressReport, ProgressSummary


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
