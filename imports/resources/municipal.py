"""Municipalities' platforms (市町村プラットフォーム): status, secretariat, forum and network links."""
from import_export.fields import Field

from imports.resources.base import PortalResource
from imports.widgets import ChoiceWidget, DateWidget, LookupWidget, NamesWidget, TextWidget
from municipal_pf.models import MunicipalPlatform, Municipality, NetworkPartnerType


class MunicipalPlatformResource(PortalResource):
    key_fields = ("municipality",)

    municipality = Field("municipality", "団体コード", widget=LookupWidget(Municipality, "市町村（団体コードまたは市町村名）", render_as=lambda m: m.code))
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

    def get_queryset(self):
        return (
            MunicipalPlatform.objects.filter(platform=self.platform)
            .select_related("municipality")
            .prefetch_related("network_partners")
            .order_by("municipality__code")
        )

    def init_instance(self, row=None):
        return MunicipalPlatform(platform=self.platform)
