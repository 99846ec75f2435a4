from django import forms
from django.forms import inlineformset_factory

from core.locking import VersionedFormMixin
from municipal_pf.models import MunicipalContact, MunicipalPlatform, MunicipalReport, Municipality


class ReportForm(VersionedFormMixin, forms.ModelForm):
    """What a municipality reports; the liaison also sees the handling fields."""

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
            del self.fields["municipal_platform"]


class MunicipalPlatformForm(forms.ModelForm):
    class Meta:
        model = MunicipalPlatform
        fields = [
            "status", "established_on", "secretariat_department", "forum", "forum_note", "network_partners", "joint_municipalities", "note",
        ]
        widgets = {
            "network_partners": forms.CheckboxSelectMultiple,
            "joint_municipalities": forms.SelectMultiple(attrs={"size": 8}),
            "established_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # Only the prefecture's municipalities: a joint platform never crosses a prefecture's border.
        self.fields["joint_municipalities"].queryset = Municipality.objects.filter(
            prefecture_id=self.instance.platform.prefecture_id
        ).exclude(pk=self.instance.municipality_id)

    def clean_joint_municipalities(self):
        chosen = self.cleaned_data["joint_municipalities"]
        errors = self.instance.joint_municipality_errors(chosen)
        if errors:
            raise forms.ValidationError(errors)
        return chosen


ContactFormSet = inlineformset_factory(
    MunicipalPlatform, MunicipalContact, fields=["name", "department", "phone", "email"], extra=2, can_delete=True
)
