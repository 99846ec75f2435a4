"""Forms of the platform settings screens (プラットフォームの設定): the platform's own text, stages, guidelines.

Every list is saved whole or not at all, on the version of the record it belongs to (the
platform, or the guideline for its amendments), so two secretariat staff cannot overwrite each
other's edits (core.locking).
"""
from django import forms
from django.forms import inlineformset_factory

from core.locking import VersionedFormMixin
from core.models import Guideline, GuidelineAmendment, Platform, SettingsProposal, Stage
from core.numbers import parse_number


class WideIntegerField(forms.IntegerField):
    """An integer field that reads numbers as people type them (２０２５, １，５３８: core.numbers)."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            value = parse_number(value, allow_decimal=False)
        return super().to_python(value)


class WideDecimalField(forms.DecimalField):
    """A decimal field that reads full-width digits and thousands separators (３，３２５)."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            value = parse_number(value)
        return super().to_python(value)


class YearWidgetMixin:
    """Model integer fields of fiscal years read full-width digits."""

    year_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.year_fields:
            if name in self.fields:
                old = self.fields[name]
                self.fields[name] = WideIntegerField(
                    label=old.label, required=old.required, min_value=2000, max_value=2100, help_text=old.help_text,
                    widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
                )


_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlatformSettingsForm(VersionedFormMixin, forms.ModelForm):
    """The platform's own wording: what its packet, attendee list and guideline pages print."""

    class Meta:
        model = Platform
        fields = ["established_on", "meeting_frequency", "confidentiality_clause", "chair_body", "chair_title"]
        widgets = {
            "established_on": _DATE,
            "confidentiality_clause": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "meeting_frequency": "例: 原則として年2回以上",
            "confidentiality_clause": "協議会資料の表紙に「秘密の保持」として印刷されます。空欄なら一般的な注意書きを印刷します。",
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["chair_body"].queryset = self.instance.member_bodies.order_by("order", "id")


class StageForm(YearWidgetMixin, forms.ModelForm):
    year_fields = ("from_fiscal_year", "to_fiscal_year")

    class Meta:
        model = Stage
        fields = ["name", "from_fiscal_year", "to_fiscal_year", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


StageFormSet = inlineformset_factory(Platform, Stage, form=StageForm, extra=1, can_delete=True)


class GuidelineForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Guideline
        fields = ["title", "enacted_on", "text"]
        widgets = {"enacted_on": _DATE, "text": forms.Textarea(attrs={"rows": 16})}
        help_texts = {"text": "設置要領の全文（改正後のもの）。"}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class AmendmentForm(forms.ModelForm):
    class Meta:
        model = GuidelineAmendment
        fields = ["amended_on", "note"]
        widgets = {"amended_on": _DATE}


AmendmentFormSet = inlineformset_factory(Guideline, GuidelineAmendment, form=AmendmentForm, extra=1, can_delete=True)


class SettingsProposalForm(forms.ModelForm):
    """変更の提案: what to change in the settings and why, for those who may not edit them."""

    class Meta:
        model = SettingsProposal
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"text": f"何をどのように変えるか、その理由を書いてください（{SettingsProposal.TEXT_MAX}文字以内）。"}
        error_messages = {"text": {
            "required": "「提案内容」を入力してください。",
            "max_length": "「提案内容」は%(limit_value)d文字以内で入力してください（いま%(show_value)d文字）。",
        }}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("prefix", "proposal")
        super().__init__(*args, **kwargs)

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(self.Meta.error_messages["text"]["required"], code="required")
        return text


class ProposalDecisionForm(forms.Form):
    """The editors' decision on one proposal (SettingsProposal.ACTIONS), on the version the page showed."""

    action = forms.ChoiceField(
        label="判断", choices=[(a.name, a.word) for a in SettingsProposal.ACTIONS],
        error_messages={"required": "「判断」を選んでください。", "invalid_choice": "「判断」には反映済か見送りを選んでください。"},
    )
    note = forms.CharField(
        label="メモ", required=False, max_length=SettingsProposal.NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="見送りにするときは、その理由を書いてください。",
        error_messages={"max_length": "「メモ」は%(limit_value)d文字以内で入力してください（いま%(show_value)d文字）。"},
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, proposal, **kwargs):
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("prefix", f"decision-{proposal.pk}")
        kwargs.setdefault("initial", {"version": proposal.version})
        super().__init__(*args, **kwargs)
        self.proposal = proposal
