"""Who works with billing in the back-office (issue #14 §4).

The support coordinators enter a contract's rates and close a billing month (`add` on the
closed months; the service checks the role again); coordinators, service support managers and
a CSAM (their own contracts, through contracts.staff_scope) read the ledger, the month's lines
with their CSV and the fair-use flags. The lines themselves are written by the usage services
only: nobody gets add, change or delete on them. Backwards removes exactly this grant.
"""

from django.db import migrations

from escalation.migrations_support import grants_add, grants_remove

READ = {
    "usage.billingline": ("view",),
    "usage.billingmonth": ("view",),
    "usage.contractbilling": ("view",),
    "usage.fairuseflag": ("view",),
}
GRANTS = {
    "Support coordinator": {
        **READ,
        "usage.billingmonth": ("add", "view"),
        "usage.contractbilling": ("add", "change", "view"),
    },
    "Service support manager": READ,
    "Customer success account manager": READ,
}


def forwards(apps, schema_editor):
    grants_add(apps, GRANTS)


def backwards(apps, schema_editor):
    grants_remove(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("backoffice", "0006_aem_event_roles"),
        ("usage", "0001_billing"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
