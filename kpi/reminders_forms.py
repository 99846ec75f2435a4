from django import forms

from kpi.models import ReportingSchedule, parse_offsets
from core.locking import VersionedFormMixin


class ReportingScheduleForm(VersionedFormMixin, forms.ModelForm):
    """提出期限と自動督促 of the user's platform; saved under core.locking like every shared record."""

    class Meta:
        model = ReportingSchedule
        fields = ["due_day", "auto_reminders", "reminder_offsets"]
        widgets = {"due_day": forms.TextInput(attrs={"inputmode": "numeric", "size": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reminder_offsets"].required = False  # needed only with automatic reminders on (clean_reminder_offsets)
        for name in self.Meta.fields:
            self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}-help"

    def full_clean(self):
        super().full_clean()
        for name in self.Meta.fields:  # a field in error points at its message as well
            if name in self.errors:
                self.fields[name].widget.attrs.update({"aria-invalid": "true", "aria-describedby": f"id_{name}-error id_{name}-help"})

    def clean_reminder_offsets(self):
        offsets = parse_offsets(self.cleaned_data["reminder_offsets"])
        if self.cleaned_data.get("auto_reminders") and not offsets:
            raise forms.ValidationError("自動督促をオンにするときは、送る日（例: 0,3）を入力してください。")
        return ",".join(str(days) for days in offsets)
