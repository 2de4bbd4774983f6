"""The back-office's new work for the role groups (issue #6 §1-§3).

Adds to the grants of escalation.0002_provider_roles, for the models the back-office brought:
problems and RCA, time entries, vendor escalations, named-contact change requests, and calendar
revisions (a change of a business calendar creates a new revision, D3). Still no deletes and
nothing on users or groups. Backwards removes exactly these grants.
"""

from django.db import migrations

from escalation.migrations_support import grants_add, grants_remove

VIEW = ("view",)
ADD_VIEW = ("add", "view")
VIEW_CHANGE = ("view", "change")
ADD_CHANGE_VIEW = ("add", "change", "view")

GRANTS = {
    "First line": {
        "tickets.problem": VIEW,
        "tickets.timeentry": ADD_VIEW,
        "tickets.vendorescalation": ADD_CHANGE_VIEW,
    },
    "Second line": {
        "tickets.problem": VIEW_CHANGE,
        "tickets.timeentry": ADD_VIEW,
        "tickets.vendorescalation": ADD_CHANGE_VIEW,
    },
    "Support coordinator": {
        "tickets.problem": ADD_CHANGE_VIEW,
        "tickets.timeentry": ADD_VIEW,
        "tickets.vendorescalation": ADD_CHANGE_VIEW,
        "contracts.contactchangerequest": VIEW_CHANGE,
        "contracts.businesscalendar": VIEW_CHANGE,
    },
    "Service support manager": {
        "tickets.problem": VIEW_CHANGE,
        "tickets.timeentry": VIEW,
        "tickets.vendorescalation": VIEW,
        "contracts.contactchangerequest": VIEW,
    },
    "Escalation officer": {
        "tickets.problem": VIEW_CHANGE,
        "tickets.timeentry": VIEW,
        "tickets.vendorescalation": VIEW,
    },
    "Customer success account manager": {
        "tickets.problem": VIEW,
        "tickets.timeentry": VIEW,
        "tickets.vendorescalation": VIEW,
        "contracts.contactchangerequest": VIEW,
    },
}


def forwards(apps, schema_editor):
    grants_add(apps, GRANTS)


def backwards(apps, schema_editor):
    grants_remove(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("escalation", "0003_escalation_resolution"),
        ("tickets", "0011_ticket_completeness"),
        ("contracts", "0005_calendar_revisions_contact_requests"),
        ("intake", "0004_triage_decision"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
