from django import forms
from django.forms import inlineformset_factory

from core.locking import VersionedFormMixin
from meetings.models import AgendaItem, Attendee, Meeting
from plans.models import Measure
from proposals.models import PolicyProposal


class MeetingForm(VersionedFormMixin, forms.ModelForm):

    class Meta:
        model = Meeting
        fields = ["number", "title", "held_on", "starts_at", "ends_at", "venue", "chair_name", "minutes", "decisions"]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}),
            "starts_at": forms.TimeInput(attrs={"type": "time"}),
            "ends_at": forms.TimeInput(attrs={"type": "time"}),
            "minutes": forms.Textarea(attrs={"rows": 6}),
            "decisions": forms.Textarea(attrs={"rows": 4}),
        }


class PlatformChoicesForm(forms.ModelForm):
    """Offers only the meeting's own platform's bodies, measures and proposals."""

    def __init__(self, *args, platform=None, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        if "presenter_body" in self.fields:
            self.fields["presenter_body"].queryset = platform.member_bodies.all()
        if "member_body" in self.fields:
            self.fields["member_body"].queryset = platform.member_bodies.all()
        if "measures" in self.fields:
            self.fields["measures"].queryset = Measure.objects.filter(section__plan=plan).select_related("section__parent__parent")
            self.fields["measures"].label_from_instance = lambda m: f"{m.code} {m.title or m.description[:30]}"
        if "proposals" in self.fields:
            self.fields["proposals"].queryset = PolicyProposal.objects.filter(platform=platform).order_by("-for_agenda", "-submitted_at")
            self.fields["proposals"].label_from_instance = lambda p: f"{'【議題候補】' if p.for_agenda else ''}{p.title}（{p.member_body}）"


class AgendaItemForm(PlatformChoicesForm):
    class Meta:
        model = AgendaItem
        fields = ["order", "title", "presenter_body", "duration_minutes", "measures", "proposals"]
        widgets = {"measures": forms.SelectMultiple(attrs={"size": 4}), "proposals": forms.SelectMultiple(attrs={"size": 3})}


class AttendeeForm(PlatformChoicesForm):
    class Meta:
        model = Attendee
        fields = ["member_body", "name", "title", "attendance", "note"]


AgendaFormSet = inlineformset_factory(Meeting, AgendaItem, form=AgendaItemForm, extra=2, can_delete=True)
AttendeeFormSet = inlineformset_factory(Meeting, Attendee, form=AttendeeForm, extra=2, can_delete=True)
