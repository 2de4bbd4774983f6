"""Who sees the customers' remote-access grants (SPEC SEC-04, issue #15 §3): every provider
role reads them (engineers open remote sessions only against an active grant; a CSAM reads
their own contracts' customers', through contracts.staff_scope). The support coordinators may
also revoke one (the admin's action), e.g. when the customer phones to withdraw it. Grants are
made by the customer's manager in the portal or the API; nobody gets add or delete here.
Backwards removes exactly this grant."""

from django.db import migrations

from escalation.migrations_support import grants_add, grants_remove

READ = {"contracts.remoteaccessgrant": ("view",)}
GRANTS = {
    "First line": READ,
    "Second line": READ,
    "Support coordinator": {"contracts.remoteaccessgrant": ("view", "change")},
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
        ("backoffice", "0011_availability_roles"),
        ("contracts", "0018_remote_access_grants"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
