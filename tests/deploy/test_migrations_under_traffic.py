"""Migrations are safe under traffic (issue 17 §3, README "Upgrading while it runs"): the code of
the release before keeps running while a release's migrations are applied, and its INSERTs do
not name the columns it does not know. So a migration adds no NOT NULL column without a
default in the database (`db_default`): such an INSERT would fail until the last old process is
gone (one did: the raw-mail column `intake` 0010, caught by running the previous release's
intake against the new schema).

The migrations written before this rule (single-process installs, upgraded while stopped) are
listed as they are; every later migration is checked."""

from __future__ import annotations

from django.db import migrations
from django.db.migrations.loader import MigrationLoader
from django.db.models import NOT_PROVIDED

OURS = frozenset(
    {"contracts", "privacy", "tickets", "notifications", "escalation", "usage", "availability"}
    | {"reports", "intake", "portal", "backoffice", "api"}
)
# The migrations that added NOT NULL columns without a database default before the rule.
BEFORE_THE_RULE = frozenset(
    {
        ("contracts", "0005_calendar_revisions_contact_requests"),
        ("contracts", "0006_contact_email_bounced"),
        ("contracts", "0009_contact_mail_preferences_shared_default"),
        ("contracts", "0014_oncall_rota_and_acknowledge_time"),
        ("contracts", "0016_microsoft_usage"),
        ("escalation", "0003_escalation_resolution"),
        ("escalation", "0004_delivery_faults"),
        ("escalation", "0005_outbox_bounced"),
        ("intake", "0002_routing_attempts"),
        ("intake", "0004_triage_decision"),
        ("intake", "0006_flag_and_content_dedupe"),
        ("intake", "0006_inboundmessage_defects"),
        ("notifications", "0003_outbox_auto_submitted"),
        ("notifications", "0005_webhooks"),
        ("notifications", "0006_outbox_attachment"),
        ("tickets", "0002_priority_requests_and_exemptions"),
        ("tickets", "0004_escalation_fields"),
        ("tickets", "0006_shared_with_organisation"),
        ("tickets", "0008_ticket_product"),
        ("tickets", "0009_ticket_line"),
        ("tickets", "0014_ticket_customer_replied_override"),
        ("tickets", "0016_message_update_kind_request_reason_code"),
        ("tickets", "0017_time_entry_override_distance_timer"),
        ("tickets", "0020_figures_rollup"),
    }
)


def unsafe_added_columns(loader: MigrationLoader) -> list[str]:
    found = []
    for (app, name), migration in sorted(loader.disk_migrations.items()):
        if app not in OURS or migration.initial or (app, name) in BEFORE_THE_RULE:
            continue
        for operation in migration.operations:
            if not isinstance(operation, migrations.AddField):
                continue
            field = operation.field
            if field.null or field.many_to_many or field.db_default is not NOT_PROVIDED:
                continue
            found.append(f"{app}.{name}: {operation.model_name}.{operation.name}")
    return found


def test_no_migration_adds_a_not_null_column_without_a_database_default() -> None:
    loader = MigrationLoader(None, ignore_no_migrations=True)

    assert unsafe_added_columns(loader) == []


def test_the_raw_mail_column_keeps_a_default_in_the_database() -> None:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    migration = loader.disk_migrations[("intake", "0010_inbound_raw_file")]
    [added] = migration.operations

    assert isinstance(added, migrations.AddField)
    assert added.field.db_default == ""
