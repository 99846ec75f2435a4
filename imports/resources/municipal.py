"""Municipalities' platforms (市町村プラットフォーム): status, secretariat, forum and network links."""
import unicodedata

from import_export.fields import Field

from imports.resources.base import PortalResource
from imports.widgets import ChoiceWidget, DateWidget, LookupWidget, NamesWidget, TextWidget
from municipal_pf.localgov import verified
from municipal_pf.models import MunicipalPlatform, Municipality, NetworkPartnerType


class MunicipalityWidget(LookupWidget):
    """A municipality by its name, its five-digit code, or the six-digit 全国地方公共団体コード.

    The six-digit code is the one 総務省 publishes and most lists copy (102016 for 前橋市); its
    check digit is verified, so a typo is refused rather than read as some other town.
    """

    def clean(self, value, row=None, **kwargs):
        text = unicodedata.normalize("NFKC", "" if value is None else str(value)).strip()
        if len(text) == 6 and text.isascii() and text.isdigit():
            code = verified(text)  # BadCode is a ValueError: reported under the column
            if code in self.objects:
                return self.objects[code]
        return super().clean(value, row, **kwargs)


class MunicipalPlatformResource(PortalResource):
    key_fields = ("municipality",)

    municipality = Field("municipality", "団体コード", widget=MunicipalityWidget(Municipality, "市町村（団体コードまたは市町村名）", render_as=lambda m: m.code))
    municipality_name = Field("municipality__name", "市町村名", readonly=True)
    status = Field("status", "設置状況", widget=ChoiceWidget(MunicipalPlatform.Status.choices))
    established_on = Field("established_on", "設置日", widget=DateWidget())
    secretariat_department = Field("secretariat_department", "事務局（担当部局）", widget=TextWidget())
    forum = Field("forum", "基盤とする会議体", widget=ChoiceWidget(MunicipalPlatform.Forum.choices, required=False))
    forum_note = Field("forum_note", "会議体の名称等", widget=TextWidget())
    network_partners = Field("network_partners", "ネットワーク構築済みの主体", widget=NamesWidget(NetworkPartnerType, "ネットワーク構築先", names_hold_commas=True))
    note = Field("note", "備考", widget=TextWidget())

    class Meta(PortalResource.Meta):
        model = MunicipalPlatform
        fields = (
            "municipality", "municipality_name", "status", "established_on", "secretariat_department", "forum", "forum_note",
            "network_partners", "note",
        )

    def load_lookups(self):
        municipalities = list(Municipality.objects.filter(prefecture_id=self.platform.prefecture_id))
        self.fields["municipality"].widget.load({**{m.name: m for m in municipalities}, **{m.code: m for m in municipalities}})
        self.fields["network_partners"].widget.load({p.name: p for p in NetworkPartnerType.objects.all()})
        # The towns that already take part in a joint platform (共同設置), read once: only their
        # rows need the full check.
        self.in_joint_platforms = set(
            MunicipalPlatform.joint_municipalities.through.objects.filter(municipalplatform__platform=self.platform)
            .values_list("municipality_id", flat=True)
        )

    def get_queryset(self):
        return (
            MunicipalPlatform.objects.filter(platform=self.platform)
            .select_related("municipality")
            .prefetch_related("network_partners")
            .order_by("municipality__code")
        )

    def init_instance(self, row=None):
        return MunicipalPlatform(platform=self.platform)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if "municipality" not in errors and instance.municipality_id in self.in_joint_platforms:
            # A town served by a joint platform must not get a record of its own as well. Asked
            # as a record without a representative, so that the row's own town counts as a
            # member of the other platform rather than as this record's representative.
            probe = MunicipalPlatform(pk=instance.pk, platform=self.platform)
            problems = probe.joint_municipality_errors([instance.municipality])
            if problems:
                errors["municipality"] = problems
        super().validate_instance(instance, errors, validate_unique)
