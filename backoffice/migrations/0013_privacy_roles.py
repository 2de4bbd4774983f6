"""Who handles data-subject requests and reads the retention log (issue #15 §3, D17).

The support coordinators record access and erasure requests, build an access export and
confirm an erasure (`confirm`: irreversible, so no other role has it); they read the daily
retention runs. No other provider role sees the requests: they name people and their exports
hold everything about them. Backwards removes exactly this grant.
"""

from django.db import migrations

from escalation.migrations_support import grants_add, grants_remove

GRANTS = {
    "Support coordinator": {
        "privacy.datasubjectrequest": ("add", "change", "view", "confirm"),
        "privacy.retentionrun": ("view",),
    },
}


def forwards(apps, schema_editor):
    grants_add(apps, GRANTS)


def backwards(apps, schema_editor):
    grants_remove(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("backoffice", "0012_remote_access_roles"),
        ("privacy", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
