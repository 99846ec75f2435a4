"""Existing platforms' lead secretariat keeps deciding its platform's names, guideline and chair.

Those were edited through manage_members (the names screen) or the admin before the settings
screens had a permission of their own; roles are data, so manage_platform_settings is given here,
once, to the roles that held manage_members. Each platform may give it to its deputy as well.
"""
from django.db import migrations

NEW = "manage_platform_settings"


def grant(apps, schema_editor):
    AccessRole = apps.get_model("members", "AccessRole")
    for role in AccessRole.objects.all():
        permissions = list(role.permissions or [])
        if NEW not in permissions and "manage_members" in permissions:
            role.permissions = [*permissions, NEW]
            role.save(update_fields=["permissions"])


def revoke(apps, schema_editor):
    AccessRole = apps.get_model("members", "AccessRole")
    for role in AccessRole.objects.all():
        if NEW in (role.permissions or []):
            role.permissions = [code for code in role.permissions if code != NEW]
            role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("platform_portal", "0003_audited_versioned_settings"), ("members", "0007_secretariat_sees_unconfirmed_figures")]

    operations = [migrations.RunPython(grant, revoke)]
