"""Who reads service review packs (issue #15 §2, SPEC REP-03): the support coordinators, the
service support managers (they run the customer reviews) and a CSAM (their own contracts,
through contracts.staff_scope). Packs are stored by the reports services only: nobody gets add,
change or delete. Backwards removes exactly this grant."""

from django.db import migrations

from escalation.migrations_support import grants_add, grants_remove

READ = {"reports.reviewpack": ("view",)}
GRANTS = {
    "Support coordinator": READ,
    "Service support manager": READ,
    "Customer success account manager": READ,
}


def forwards(apps, schema_editor):
    grants_add(apps, GRANTS)


def backwards(apps, schema_editor):
    grants_remove(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_review_packs"),
        ("escalation", "0002_provider_roles"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
