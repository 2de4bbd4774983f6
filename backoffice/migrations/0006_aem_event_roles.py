"""Who works with Azure Event Management events in the back-office (issue #13 §3).

The support coordinators plan an event for a customer (`add`, through the portal's planning
service and rules) and record the provider's agreement to an event confirmed at short notice
(`change`: the admin action). Every other provider role reads the events, so whoever takes an
incident during one sees which targets apply; a CSAM reads their own contracts' events
(contracts.staff_scope narrows the rows), as they get the short-notice and summary mails. No
deletes: an event is a record of what was promised. Backwards removes exactly this grant.
"""

from django.db import migrations

from escalation.migrations_support import grants_add, grants_remove

VIEW = {"contracts.aemevent": ("view",)}
GRANTS = {
    "First line": VIEW,
    "Second line": VIEW,
    "Service support manager": VIEW,
    "Escalation officer": VIEW,
    "Support coordinator": {"contracts.aemevent": ("add", "change", "view")},
    "Customer success account manager": VIEW,
}


def forwards(apps, schema_editor):
    grants_add(apps, GRANTS)


def backwards(apps, schema_editor):
    grants_remove(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("backoffice", "0005_phone_code_roles"),
        ("contracts", "0012_aem_events"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
