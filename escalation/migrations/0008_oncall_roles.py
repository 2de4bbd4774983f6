"""Who works with the on-call rota and its pages (issue #13 §1).

The support coordinators keep the rota (add and change shifts; no role deletes: a shift
that should not be is ended or moved). Every role that may be
on call (the lines, the service support managers, the escalation officers, the coordinators)
reads the rota and the pages and may acknowledge a page (`change`); a CSAM reads the rota and
their own contracts' pages (contracts.staff_scope narrows the rows). Backwards removes exactly
this grant.
"""

from django.db import migrations

from escalation.migrations_support import grants_add, grants_remove

ON_CALL = {
    "contracts.oncallshift": ("view",),
    "escalation.oncallpage": ("change", "view"),
}
GRANTS = {
    "First line": ON_CALL,
    "Second line": ON_CALL,
    "Service support manager": ON_CALL,
    "Escalation officer": ON_CALL,
    "Support coordinator": {
        "contracts.oncallshift": ("add", "change", "view"),
        "escalation.oncallpage": ("change", "view"),
    },
    "Customer success account manager": {
        "contracts.oncallshift": ("view",),
        "escalation.oncallpage": ("view",),
    },
}


def forwards(apps, schema_editor):
    grants_add(apps, GRANTS)


def backwards(apps, schema_editor):
    grants_remove(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("escalation", "0007_oncall_pages"),
        ("contracts", "0014_oncall_rota_and_acknowledge_time"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
