"""Who manages every API token (issue #12 §1): the support coordinators.

Any staff member makes and revokes their own tokens on the back-office's API tokens page (a
token does no more than its maker may). Seeing and revoking everybody's is `change_apitoken`
(contracts.selectors_tokens.MANAGE_ALL_PERMISSION), with `view` for the admin's read-only list.
The coordinators get it because they already keep who may reach the desk (customers, contacts,
contact roles, escalation contacts) and they are on duty when a token leaks or its maker
leaves; the service support managers and escalation officers work escalations, the lines work
tickets, and a CSAM reads only their own contracts. Superusers have every permission. Still
no deletes: a token is revoked, never deleted. Backwards removes exactly this grant.
"""

from django.db import migrations

from escalation.migrations_support import grants_add, grants_remove

GRANTS = {"Support coordinator": {"contracts.apitoken": ("view", "change")}}


def forwards(apps, schema_editor):
    grants_add(apps, GRANTS)


def backwards(apps, schema_editor):
    grants_remove(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("backoffice", "0002_ssm_problems_read_only"),
        ("contracts", "0011_api_tokens"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
