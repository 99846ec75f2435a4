"""The network a municipal platform should reach, as listed in the national guidance (seed 004)."""
from django.db import migrations

NETWORK_PARTNER_TYPES = [
    "自立相談支援機関、就労準備支援機関",
    "地域若者サポートステーション",
    "ハローワーク",
    "障害者就業・生活支援センター",
    "経済団体、地元の中小企業",
    "ひきこもり地域支援センター",
    "ひきこもり家族会、当事者会",
    "社会福祉協議会",
    "民生委員",
    "保健所・保健センター",
    "地域の広報媒体",
]


def add_partner_types(apps, schema_editor):
    NetworkPartnerType = apps.get_model("municipal_pf", "NetworkPartnerType")
    for order, name in enumerate(NETWORK_PARTNER_TYPES, start=1):
        NetworkPartnerType.objects.update_or_create(name=name, defaults={"order": order})


class Migration(migrations.Migration):
    dependencies = [("municipal_pf", "0001_initial")]
    operations = [migrations.RunPython(add_partner_types, migrations.RunPython.noop)]
