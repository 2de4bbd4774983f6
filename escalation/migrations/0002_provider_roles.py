"""Provider-side role groups with their model permissions (issue #6 §1, DECISIONS D15).

Each role gets what its work in the back-office needs and nothing it may not change: no role
gets a delete permission, and none gets permissions on users or groups. The table below is the
whole grant on the project's apps (contracts, tickets, escalation, intake): forwards, a group
keeps no other permission on those apps' models (older demo seeds granted view and change on
every tickets and contracts model), and its permissions on other apps are left alone.
Backwards removes the permissions of the table from the groups; the groups themselves stay.
"""

from django.db import migrations

from escalation.migrations_support import grants_remove, permissions_create, role_permissions

PROJECT_APPS = ("contracts", "tickets", "escalation", "intake")

CATALOGUE = (
    "contracts.provider",
    "contracts.package",
    "contracts.slapolicy",
    "contracts.slatarget",
    "contracts.businesscalendar",
    "contracts.catalogueservice",
    "contracts.serviceinclusion",
    "contracts.providerchannel",
    "contracts.cataloguerelease",
    "contracts.escalationcontact",
    "contracts.escalationpolicy",
)
VIEW = ("view",)
VIEW_CHANGE = ("view", "change")
ADD_VIEW = ("add", "view")
ADD_CHANGE_VIEW = ("add", "change", "view")


def _catalogue(actions=VIEW):
    return {model: actions for model in CATALOGUE}


ROLES = {
    "First line": {
        **_catalogue(),
        "tickets.ticket": VIEW_CHANGE,
        "tickets.ticketmessage": ADD_VIEW,
        "tickets.prioritychangerequest": VIEW,
        "intake.inboundmessage": VIEW_CHANGE,
        "intake.inboundattachment": VIEW,
        "contracts.customer": VIEW,
        "contracts.contact": VIEW,
        "contracts.contract": VIEW,
        "contracts.contactrole": VIEW,
        "escalation.escalation": VIEW,
    },
    "Second line": {
        **_catalogue(),
        "tickets.ticket": VIEW_CHANGE,
        "tickets.ticketmessage": ADD_VIEW,
        "tickets.clocksegment": VIEW,
        "tickets.slaclock": VIEW,
        "tickets.ticketevent": VIEW,
        "intake.inboundattachment": VIEW,
        "contracts.customer": VIEW,
        "contracts.contact": VIEW,
        "contracts.contract": VIEW,
        "escalation.escalation": VIEW,
    },
    "Support coordinator": {
        **_catalogue(),
        "tickets.ticket": ADD_CHANGE_VIEW,
        "tickets.ticketmessage": ADD_CHANGE_VIEW,
        "tickets.prioritychangerequest": ADD_CHANGE_VIEW,
        "tickets.satisfactionsurvey": VIEW,
        "contracts.contract": VIEW_CHANGE,
        "contracts.contact": VIEW_CHANGE,
        "contracts.contactrole": VIEW_CHANGE,
        "contracts.customer": VIEW_CHANGE,
        "contracts.escalationcontact": VIEW_CHANGE,
        "contracts.escalationpolicy": VIEW_CHANGE,
        "contracts.entitlementmovement": ADD_VIEW,
        "escalation.escalation": VIEW_CHANGE,
        "escalation.outboxemail": VIEW_CHANGE,
        "intake.inboundmessage": VIEW_CHANGE,
        "intake.imapmailboxstate": VIEW,
    },
    "Service support manager": {
        "tickets.ticket": VIEW,
        "tickets.ticketevent": VIEW,
        "tickets.satisfactionsurvey": VIEW,
        "escalation.escalation": VIEW_CHANGE,
        "escalation.outboxemail": VIEW,
        "contracts.contract": VIEW,
        "contracts.customer": VIEW,
        "contracts.contact": VIEW,
    },
    "Customer success account manager": {
        **_catalogue(),
        "tickets.ticket": VIEW,
        "tickets.satisfactionsurvey": VIEW,
        "contracts.contract": VIEW,
        "contracts.customer": VIEW,
        "contracts.contact": VIEW,
        "contracts.entitlementmovement": VIEW,
        "escalation.escalation": VIEW,
    },
}
ROLES["Escalation officer"] = ROLES["Service support manager"]


def roles_grant(apps, schema_editor):
    permissions_create(apps)
    Group = apps.get_model("auth", "Group")
    for name, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = role_permissions(apps, grants)
        group.permissions.remove(
            *group.permissions.filter(content_type__app_label__in=PROJECT_APPS).exclude(
                pk__in=[p.pk for p in permissions]
            )
        )
        group.permissions.add(*permissions)


def roles_revoke(apps, schema_editor):
    grants_remove(apps, ROLES)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("contracts", "0004_entitlement_ledger"),
        ("tickets", "0009_ticket_line"),
        ("intake", "0003_inboundattachment_ticket_message_and_more"),
        ("escalation", "0001_initial"),
    ]

    operations = [migrations.RunPython(roles_grant, roles_revoke)]
