from django import forms

from proposals import services
from proposals.models import PolicyProposal

Status = PolicyProposal.Status


class MeasureChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, sections=None, **kwargs):
        self.sections = sections or {}
        super().__init__(*args, **kwargs)

    def label_from_instance(self, measure):
        return services.measure_label(measure, self.sections)


class JapaneseFormMixin:
    """No "件名:" colon after labels, and required fields marked (proposals.css adds 「必須」)."""

    required_css_class = "required"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ProposalForm(JapaneseFormMixin, forms.ModelForm):
    """提案の提出. The instance arrives with its platform and body set, so the model's clean() can
    refuse a measure of another platform as well as the choice list does."""

    class Meta:
        model = PolicyProposal
        fields = ["title", "content", "background", "related_measure"]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 8}),
            "background": forms.Textarea(attrs={"rows": 5}),
        }
        error_messages = {
            "title": {"required": "「件名」を入力してください。", "max_length": "「件名」は%(limit_value)d文字以内で入力してください。"},
            "content": {"required": "「提案内容」を入力してください。"},
        }

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        measures, sections = services.plan_measures(plan)
        self.fields["related_measure"] = MeasureChoiceField(
            queryset=measures,
            sections=sections,
            required=False,
            label="関連する取組",
            empty_label="（選択しない）",
            help_text="工程表の取組に関係する提案なら選んでください。" if plan else "事業実施計画が登録されていません。",
            error_messages={"invalid_choice": "「関連する取組」には、この協議会の工程表の取組を選んでください。"},
        )

    def clean_title(self):
        return self.cleaned_data["title"].strip()


class HandlingForm(JapaneseFormMixin, forms.Form):
    """事務局の対応. `version` is the proposal's version as the user saw it (core/locking.py)."""

    status = forms.ChoiceField(label="対応状況", choices=Status.choices)
    handling = forms.CharField(label="事務局の対応経過", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    response = forms.CharField(
        label="回答", required=False, widget=forms.Textarea(attrs={"rows": 6}), help_text="「回答済」にするときは必須です。提案機関にメールで知らせます。"
    )
    for_agenda = forms.BooleanField(
        label="協議会の議題候補にする", required=False, help_text="次回以降の協議会で議題とする候補として印を付けます。"
    )
    version = forms.CharField(widget=forms.HiddenInput)

    @classmethod
    def for_proposal(cls, proposal, data=None):
        initial = {
            "status": proposal.status,
            "handling": proposal.handling,
            "response": proposal.response,
            "for_agenda": proposal.for_agenda,
            "version": proposal.version,
        }
        return cls(data, initial=initial)

    def clean(self):
        data = super().clean()
        if "status" in data:
            try:
                services.validate_handling(data["status"], data.get("response", ""))
            except forms.ValidationError as error:
                self.add_error(None, error)
        return data


class ProposalFilterForm(forms.Form):
    status = forms.ChoiceField(label="対応状況", required=False, choices=[("", "すべて"), *Status.choices])
    agenda = forms.ChoiceField(
        label="議題候補", required=False, choices=[("", "すべて"), ("yes", "議題候補のみ"), ("no", "議題候補以外")]
    )

    def apply(self, proposals):
        """Filter by what was valid; an unknown value in the address is ignored, not an error page."""
        self.is_valid()
        if status := self.cleaned_data.get("status"):
            proposals = proposals.filter(status=status)
        if agenda := self.cleaned_data.get("agenda"):
            proposals = proposals.filter(for_agenda=agenda == "yes")
        return proposals
