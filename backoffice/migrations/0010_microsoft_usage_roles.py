"""Who works with a Microsoft work order's usage in the back-office (issue #14 §2, §4).

Coordinators and CSAMs (their own work orders, through contracts.staff_scope) record credit
rates, redeem credits, cancel and reschedule requested services, record exchanges between
services with the approver, add support locations and exchange credits between them; only the
coordinators enter the fee of a late change (SPEC A-29). Service support managers read. The
usage services write every row; nobody gets delete. Backwards removes exactly this grant.
"""

from django.db import migrations

from escalation.migrations_support import grants_add, grants_remove

READ = {
    "contracts.supportlocation": ("view",),
    "contracts.servicerate": ("view",),
    "contracts.servicerequest": ("view",),
    "contracts.servicerequestchange": ("view",),
    "contracts.serviceexchange": ("view",),
    "contracts.locationexchange": ("view",),
}
ACT = {
    "contracts.supportlocation": ("add", "view"),
    "contracts.servicerate": ("add", "view"),
    "contracts.servicerequest": ("add", "change", "view"),
    "contracts.serviceexchange": ("add", "view"),
    "contracts.locationexchange": ("add", "view"),
}
GRANTS = {
    "Support coordinator": {
        **READ,
        **ACT,
        "contracts.servicerequestchange": ("change", "view"),
    },
    "Service support manager": READ,
    "Customer success account manager": {**READ, **ACT},
}


def forwards(apps, schema_editor):
    grants_add(apps, GRANTS)


def backwards(apps, schema_editor):
    grants_remove(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("backoffice", "0009_time_override_roles"),
        ("contracts", "0016_microsoft_usage"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
