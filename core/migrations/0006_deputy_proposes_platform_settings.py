"""Existing platforms' deputy secretariat (事務局（副担当）) may read the settings and propose changes.

Roles are data: new platforms get propose_platform_settings from fixtures/default_access_roles.json;
here it is given, once, to the existing access roles with the default deputy role's code, on every
platform. A platform may take it away or give it to other roles afterwards.
"""
from django.db import migrations

NEW = "propose_platform_settings"
DEPUTY = "deputy_secretariat"


def grant(apps, schema_editor):
    AccessRole = apps.get_model("members", "AccessRole")
    for role in AccessRole.objects.filter(code=DEPUTY):
        permissions = list(role.permissions or [])
        if NEW not in permissions:
            role.permissions = [*permissions, NEW]
            role.save(update_fields=["permissions"])


def revoke(apps, schema_editor):
    AccessRole = apps.get_model("members", "AccessRole")
    for role in AccessRole.objects.all():
        if NEW in (role.permissions or []):
            role.permissions = [code for code in role.permissions if code != NEW]
            role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("platform_portal", "0005_settings_proposals"), ("members", "0008_departments_and_group_roles")]

    operations = [migrations.RunPython(grant, revoke)]
