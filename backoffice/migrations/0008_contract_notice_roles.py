"""Who works with contract notices and term events in the back-office (issue #14 §3, D18).

The support coordinators record a notice on a contract (`add`, through the notice service and
its rules); a notice is a dated record, never changed or deleted. The coordinators and the CSAMs
(who get the renewal and end mails) read the notices and the renewals and ends the daily job
applied. Backwards removes exactly this grant.
"""

from django.db import migrations

from escalation.migrations_support import grants_add, grants_remove

READ = {"contracts.contractnotice": ("view",), "contracts.contracttermevent": ("view",)}
GRANTS = {
    "Support coordinator": {
        "contracts.contractnotice": ("add", "view"),
        "contracts.contracttermevent": ("view",),
    },
    "Customer success account manager": READ,
}


def forwards(apps, schema_editor):
    grants_add(apps, GRANTS)


def backwards(apps, schema_editor):
    grants_remove(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("backoffice", "0007_billing_roles"),
        ("contracts", "0017_contract_notices_and_term_events"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
