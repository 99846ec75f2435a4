"""Member list (構成員名簿) and role assignments (役割分担); users are in users.py."""
from import_export.fields import Field

from imports.resources.base import PortalResource
from imports.widgets import ChoiceWidget, DateWidget, LookupWidget, NumberWidget, TextWidget
from members.models import MemberBody, MemberCategory, ResponsibleParty, Role, RoleAssignment


class CreatingLookupWidget(LookupWidget):
    """A lookup that makes a new object for an unknown name, saved with the first row that uses it.

    A new platform's member list brings its own 区分 and its roles' names, so these are created
    rather than refused.
    """

    def __init__(self, model, label, *, make, required=False):
        super().__init__(model, label, required=required)
        self.make = make

    def clean(self, value, row=None, **kwargs):
        if not str(value or "").strip():
            return super().clean(value, row, **kwargs)
        try:
            return super().clean(value, row, **kwargs)
        except ValueError:
            name = str(value).strip()
            self.objects[name] = obj = self.make(name)
            return obj


def save_new_related(instance, *attributes):
    for attribute in attributes:
        related = getattr(instance, attribute)
        if related is not None and related.pk is None:
            related.save()
            setattr(instance, attribute, related)  # refreshes the cached id


PARENT_COLUMN = "所属する構成員"  # a department's member; optional, files from before departments lack it


class MemberBodyResource(PortalResource):
    key_fields = ("name",)

    category = Field("category", "区分", widget=None)
    name = Field("name", "名称", widget=TextWidget(required=True))
    parent = Field("parent", PARENT_COLUMN, widget=LookupWidget(MemberBody, "構成員", required=False))
    organisation = Field("organisation", "組織名", widget=TextWidget())
    department = Field("department", "部局", widget=TextWidget())
    short_label = Field("short_label", "工程表での略称", widget=TextWidget())
    membership = Field("membership", "参加形態", widget=ChoiceWidget(MemberBody.Membership.choices))
    operated_by = Field("operated_by", "運営主体", widget=TextWidget())
    joined_on = Field("joined_on", "参加日", widget=DateWidget())
    left_on = Field("left_on", "退会日", widget=DateWidget())
    order = Field("order", "表示順", widget=NumberWidget(allow_decimal=False, integer=True))
    note = Field("note", "備考", widget=TextWidget())

    class Meta(PortalResource.Meta):
        model = MemberBody
        fields = ("category", "name", "parent", "organisation", "department", "short_label", "membership", "operated_by", "joined_on", "left_on", "order", "note")

    def __init__(self, **kwargs):
        self.fields_category_widget = CreatingLookupWidget(
            MemberCategory, "区分", make=lambda name: MemberCategory(platform=kwargs["platform"], name=name, order=100)
        )
        super().__init__(**kwargs)
        self.fields["category"].widget = self.fields_category_widget

    def load_lookups(self):
        self.fields_category_widget.load({c.name: c for c in self.platform.member_categories.all()})
        self.fields["parent"].widget.load({b.name: b for b in self.platform.member_bodies.members()})

    def get_queryset(self):
        return MemberBody.objects.filter(platform=self.platform).select_related("category", "parent").order_by("order", "id")

    def init_instance(self, row=None):
        return MemberBody(platform=self.platform)

    def before_save_instance(self, instance, row, **kwargs):
        save_new_related(instance, "category")

    def header_issues(self, headers):
        # A list made before departments existed has no 所属する構成員 column: its rows are members.
        return [i for i in super().header_issues(headers) if not (i.column == PARENT_COLUMN and i.column not in headers)]

    def import_data(self, dataset, *args, **kwargs):
        if PARENT_COLUMN not in dataset.headers and len(dataset):
            dataset.append_col([""] * len(dataset), header=PARENT_COLUMN)
        return super().import_data(dataset, *args, **kwargs)

    def after_save_instance(self, instance, row, **kwargs):
        # A department's row may name a member listed higher up in the same file.
        if instance.parent_id is None:
            self.fields["parent"].widget.objects[instance.name] = instance

    def after_import(self, dataset, result, **kwargs):
        # The roadmap's 実施主体 column names bodies by their 工程表での略称: each label becomes a
        # responsible party holding its bodies, so a new platform's roadmap can be imported next.
        parties = {p.label: p for p in self.platform.responsible_parties.all()}
        for body in self.platform.member_bodies.exclude(short_label=""):
            party = parties.get(body.short_label)
            if party is None:
                party = parties[body.short_label] = ResponsibleParty.objects.create(
                    platform=self.platform, label=body.short_label, order=len(parties) + 1
                )
            party.bodies.add(body)


HOLDER_COLUMN = "機関・団体"


class HolderWidget(LookupWidget):
    """A body or department by its name, or a group by its printed label (「市町村（…）」).

    A role may be held by a group (RoleAssignment.responsible_party), and the current data's file
    writes the group's label in this column, so the file must read it back. A body's name wins
    over a group's label that happens to be the same, as the column meant a body before groups.
    """

    def load_holders(self, bodies: dict, parties: dict):
        self.load({**parties, **bodies})


class HolderField(Field):
    """The one 機関・団体 cell, stored as the body or as the group, never both (the model's check)."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        holder = self.clean(row, **kwargs)
        instance.member_body = holder if isinstance(holder, MemberBody) else None
        instance.responsible_party = holder if isinstance(holder, ResponsibleParty) else None


class RoleAssignmentResource(PortalResource):
    key_fields = ("role", "member_body")

    role = Field("role", "役割", widget=None)
    function = Field("role__function", "機能", widget=ChoiceWidget(Role.Function.choices, required=False, default=Role.Function.OTHER), readonly=True)
    member_body = HolderField("holder", HOLDER_COLUMN, widget=HolderWidget(MemberBody, "機関・団体"))
    share = Field("share", "担当区分", widget=ChoiceWidget(RoleAssignment.Share.choices, required=False))

    class Meta(PortalResource.Meta):
        model = RoleAssignment
        fields = ("role", "function", "member_body", "share")

    def __init__(self, **kwargs):
        self.role_widget = CreatingLookupWidget(Role, "役割", make=lambda name: Role(platform=kwargs["platform"], name=name, order=100), required=True)
        super().__init__(**kwargs)
        self.fields["role"].widget = self.role_widget

    def load_lookups(self):
        self.role_widget.load({r.name: r for r in self.platform.roles.all()})
        self.fields["member_body"].widget.load_holders(
            {b.name: b for b in self.platform.member_bodies.all()},
            {p.label: p for p in self.platform.responsible_parties.all()},
        )

    def get_queryset(self):
        return (
            RoleAssignment.objects.filter(role__platform=self.platform)
            .select_related("role", "member_body", "responsible_party")
            .order_by("role__order", "role_id", "member_body__order", "responsible_party__order", "id")
        )

    def column_of(self, attribute: str) -> str:
        # The model names the holder's two fields; the file has one column for both.
        if attribute in ("member_body", "responsible_party"):
            return HOLDER_COLUMN
        return super().column_of(attribute)

    def key_label(self) -> str:
        # A row's own problem (the model's body-or-group check) is about who holds the role, and
        # the message must point at a column the file has.
        return HOLDER_COLUMN

    def init_instance(self, row=None):
        return RoleAssignment()

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        # A new role is saved before the row is validated, which needs its id; a dry run or a
        # failing file rolls it back with everything else.
        if instance.role_id is None and "role" not in instance._state.fields_cache:
            return  # the empty 役割 cell is reported by its field
        function = self.fields["function"].clean(row) if "機能" in row else None
        if function and instance.role.function != function:
            instance.role.function = function
            if instance.role.pk:
                instance.role.save(update_fields=["function"])
        save_new_related(instance, "role")
