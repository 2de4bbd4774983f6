"""Who manages webhook endpoints in the back-office (issue #12 §4): the support coordinators.

They register endpoints for a provider or a customer, turn them on and off, replay a range of
events, rotate a secret (`add` and `change` of the endpoint) and send a delivery again
(`change` of the delivery), as they already manage who may reach the desk (API tokens,
customers, contacts). A CSAM reads the endpoints and the delivery log of their own contracts
(contracts.staff_scope narrows the rows). The lines, the service support managers and the
escalation officers get nothing here, as with the outbox and the API tokens: a failing
integration is the coordinators' to fix. Still no deletes: the owner deletes an endpoint
through the API, and the log stays. Backwards removes exactly this grant.
"""

from django.db import migrations

from escalation.migrations_support import grants_add, grants_remove

GRANTS = {
    "Support coordinator": {
        "notifications.webhookendpoint": ("add", "change", "view"),
        "notifications.webhookdelivery": ("change", "view"),
    },
    "Customer success account manager": {
        "notifications.webhookendpoint": ("view",),
        "notifications.webhookdelivery": ("view",),
    },
}


def forwards(apps, schema_editor):
    grants_add(apps, GRANTS)


def backwards(apps, schema_editor):
    grants_remove(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("backoffice", "0003_api_token_roles"),
        ("notifications", "0005_webhooks"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
