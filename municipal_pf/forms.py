from django import forms

from municipal_pf.models import MunicipalReport


class ReportForm(forms.ModelForm):
    """What a municipality reports; the liaison also sees the handling fields."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = MunicipalReport
        fields = ["municipal_platform", "period", "kind", "request_type", "title", "body", "status", "response"]
        widgets = {"body": forms.Textarea(attrs={"rows": 6}), "response": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, platforms, periods, handles: bool, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["municipal_platform"].queryset = platforms
        self.fields["municipal_platform"].label_from_instance = lambda mpf: mpf.municipality.name
        self.fields["period"].queryset = periods
        self.fields["request_type"].required = False
        if not handles:
            del self.fields["status"], self.fields["response"]
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            del self.fields["municipal_platform"]
