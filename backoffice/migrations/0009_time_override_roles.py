"""Who decides against the contract's rules whether time is billed (issue 14 §1): the support
coordinators, with a reason (tickets.services.work.time_entry_billable_override asks for this
permission). Backwards removes exactly this grant."""

from django.db import migrations

from escalation.migrations_support import grants_add, grants_remove

GRANTS: dict[str, dict[str, tuple[str, ...]]] = {
    "Support coordinator": {"tickets.timeentry": ("override_billable",)}
}


def forwards(apps, schema_editor):
    grants_add(apps, GRANTS)


def backwards(apps, schema_editor):
    grants_remove(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("backoffice", "0008_contract_notice_roles"),
        ("tickets", "0017_time_entry_override_distance_timer"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
