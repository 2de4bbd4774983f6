"""Who issues, rotates and revokes out-of-hours phone codes (issue #13 §2): the support
coordinators, who already keep who may reach the desk (customers, contacts, roles, API tokens).
No deletes: a code is revoked, never deleted. Backwards removes exactly this grant."""

from django.db import migrations

from escalation.migrations_support import grants_add, grants_remove

GRANTS: dict[str, dict[str, tuple[str, ...]]] = {
    "Support coordinator": {"contracts.phonecode": ("view", "add", "change")}
}


def forwards(apps, schema_editor):
    grants_add(apps, GRANTS)


def backwards(apps, schema_editor):
    grants_remove(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("backoffice", "0004_webhook_roles"),
        ("contracts", "0013_out_of_hours_phone_codes"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
