"""Instance-wide access roles; platform roles come with each platform's definition."""
from django.db import migrations

GLOBAL_ROLES = [
    ("system_admin", "システム管理者", "プラットフォームの作成と全体の管理。", ["administer_system", "view_all_platforms"]),
    ("national_viewer", "全国ビュー閲覧者", "全プラットフォームの目標と達成状況を閲覧する（閲覧のみ）。", ["view_all_platforms"]),
]


def add_roles(apps, schema_editor):
    AccessRole = apps.get_model("members", "AccessRole")
    for code, name, description, permissions in GLOBAL_ROLES:
        AccessRole.objects.update_or_create(
            platform=None, code=code, defaults={"name": name, "description": description, "permissions": permissions}
        )


class Migration(migrations.Migration):
    dependencies = [("members", "0002_initial")]
    operations = [migrations.RunPython(add_roles, migrations.RunPython.noop)]
