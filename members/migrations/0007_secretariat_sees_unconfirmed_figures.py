"""Existing platforms' secretariat roles keep seeing what they saw before 確定値／速報値 were told apart.

Roles are data, so the new permission view_unconfirmed_figures is given here, once, to the roles
that already approve figures or review progress (the lead and deputy secretariat in the shipped
defaults); each platform may take it away again afterwards.
"""
from django.db import migrations

SECRETARIAT_PERMISSIONS = {"approve_figures", "review_progress"}
NEW = "view_unconfirmed_figures"


def grant(apps, schema_editor):
    AccessRole = apps.get_model("members", "AccessRole")
    for role in AccessRole.objects.all():
        permissions = list(role.permissions or [])
        if NEW not in permissions and SECRETARIAT_PERMISSIONS & set(permissions):
            role.permissions = [*permissions, NEW]
            role.save(update_fields=["permissions"])


def revoke(apps, schema_editor):
    AccessRole = apps.get_model("members", "AccessRole")
    for role in AccessRole.objects.all():
        if NEW in (role.permissions or []):
            role.permissions = [code for code in role.permissions if code != NEW]
            role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("members", "0006_representatives")]

    operations = [migrations.RunPython(grant, revoke)]
