"""The members and roles screens' forms: bodies, departments, representatives, roles and who holds them."""
from django import forms

from core.locking import VersionedFormMixin
from members.models import MemberBody, Representative, ResponsibleParty, Role, RoleAssignment

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _PortalForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_order(self):
        return self.cleaned_data.get("order") or 0

    def _get_validation_exclusions(self):
        # The view sets the platform, so a name already used on it is refused by the unique
        # constraint here, as a message on the form, not as a database error.
        return super()._get_validation_exclusions() - {"platform"}


class MemberBodyForm(VersionedFormMixin, _PortalForm):
    """A member, observer or body outside the council; ending membership is giving its 退会日."""

    class Meta:
        model = MemberBody
        fields = [
            "name", "category", "membership", "short_label", "organisation", "operated_by", "joined_on", "left_on", "order", "note",
        ]
        widgets = {"joined_on": DATE, "left_on": DATE, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, platform, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.platform = platform
        self.fields["category"].queryset = platform.member_categories.all()
        self.fields["category"].empty_label = "（区分なし）"
        self.fields["order"].required = False


class DepartmentForm(VersionedFormMixin, _PortalForm):
    """A department (部局) of a member: its name is built from the member's, 「群馬県（産業経済部）」."""

    class Meta:
        model = MemberBody
        fields = ["department", "short_label", "joined_on", "left_on", "order", "note"]
        widgets = {"joined_on": DATE, "left_on": DATE, "note": forms.Textarea(attrs={"rows": 3})}
        labels = {"department": "部局名"}
        help_texts = {"department": "例: 産業経済部（名簿などには「構成員名（部局名）」と表示します）"}

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.platform_id, self.instance.parent = member.platform_id, member
        self.fields["department"].required = True
        self.fields["order"].required = False

    def clean(self):
        cleaned = super().clean()
        department = (cleaned.get("department") or "").strip()
        if department:
            name = MemberBody.department_name(self.instance.parent.name, department)
            clash = MemberBody.objects.filter(platform_id=self.instance.platform_id, name=name).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("department", f"「{name}」は既に登録されています。")
        return cleaned

    def _get_validation_exclusions(self):
        # The name is derived on save; the form checks it above, with the field the user typed.
        return super()._get_validation_exclusions() | {"name"}


class RepresentativeForm(VersionedFormMixin, _PortalForm):
    class Meta:
        model = Representative
        fields = ["title", "name", "capacity", "is_primary", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].required = False


class RoleForm(VersionedFormMixin, _PortalForm):
    class Meta:
        model = Role
        fields = ["name", "function", "order"]

    def __init__(self, *args, platform, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.platform = platform
        self.fields["order"].required = False


def holder_key(assignment: RoleAssignment) -> str:
    return f"body:{assignment.member_body_id}" if assignment.member_body_id else f"group:{assignment.responsible_party_id}"


def holder_choices(bodies, parties) -> list:
    """Bodies and departments, then groups by their printed label, in one select."""
    return [
        ("", "（選んでください）"),
        ("機関・団体・部局", [(f"body:{b.pk}", b.display_name) for b in bodies]),
        ("グループ（実施主体の表記）", [(f"group:{p.pk}", p.label) for p in parties]),
    ]


class HolderForm(forms.Form):
    """One row of who holds a role: a body, a department or a group, and 主担当／副担当."""

    holder = forms.ChoiceField(label="担当する機関・団体・グループ", required=False)
    share = forms.ChoiceField(label="担当区分", choices=RoleAssignment.Share.choices, required=False)

    def __init__(self, *args, choices, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["holder"].choices = choices

    def has_changed(self):
        # A row that names a holder is kept even when it repeats what the page showed.
        return bool(self.data.get(self.add_prefix("holder"))) or super().has_changed()


class BaseHolderFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = {}
        for number, form in enumerate(self.forms, start=1):
            holder = form.cleaned_data.get("holder")
            if not holder or form.cleaned_data.get("DELETE"):
                continue
            if holder in seen:
                label = dict(flatten(form.fields["holder"].choices))[holder]
                raise forms.ValidationError(f"{number}行目：「{label}」は{seen[holder]}行目と重複しています。")
            seen[holder] = number

    def holders(self) -> list[tuple[str, str]]:
        """(holder key, share) of the rows kept, in the order of the page."""
        return [
            (form.cleaned_data["holder"], form.cleaned_data.get("share", ""))
            for form in self.forms
            if form.cleaned_data.get("holder") and not form.cleaned_data.get("DELETE")
        ]


HolderFormSet = forms.formset_factory(HolderForm, formset=BaseHolderFormSet, extra=3, can_delete=True)


def flatten(choices):
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            yield from label
        else:
            yield value, label


def holder_formset(role: Role, data=None):
    platform_id = role.platform_id
    bodies = MemberBody.objects.filter(platform_id=platform_id)
    parties = ResponsibleParty.objects.filter(platform_id=platform_id)
    initial = [{"holder": holder_key(a), "share": a.share} for a in role.assignments.all()] if role.pk else []
    return HolderFormSet(
        data, initial=initial, prefix="holders",
        form_kwargs={"choices": holder_choices(bodies.order_by("order", "name"), parties)},
    )

