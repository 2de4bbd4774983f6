"""Who works with availability in the back-office (issue #15 §1).

The support coordinators keep the monitored services, record and correct outages, keep the
maintenance windows and plan (and cancel) maintenance; the first and second line record
outages too (a disruption reported to them). Every provider role reads; a CSAM their own
contracts' rows (contracts.staff_scope). The announcement rows are written by the services
only. Nobody gets delete. Backwards removes exactly this grant.
"""

from django.db import migrations

from escalation.migrations_support import grants_add, grants_remove

VIEW = ("view",)
READ = {
    "availability.monitoredservice": VIEW,
    "availability.outage": VIEW,
    "availability.maintenancewindow": VIEW,
    "availability.plannedmaintenance": VIEW,
    "availability.maintenanceannouncement": VIEW,
}
RECORD = {**READ, "availability.outage": ("add", "change", "view")}
GRANTS = {
    "First line": RECORD,
    "Second line": RECORD,
    "Support coordinator": {
        **READ,
        "availability.monitoredservice": ("add", "change", "view"),
        "availability.outage": ("add", "change", "view"),
        "availability.maintenancewindow": ("add", "change", "view"),
        "availability.plannedmaintenance": ("add", "change", "view"),
    },
    "Service support manager": READ,
    "Escalation officer": READ,
    "Customer success account manager": READ,
}


def forwards(apps, schema_editor):
    grants_add(apps, GRANTS)


def backwards(apps, schema_editor):
    grants_remove(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("backoffice", "0010_microsoft_usage_roles"),
        ("availability", "0001_monitoring"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
