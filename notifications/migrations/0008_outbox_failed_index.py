"""The partial index behind the failed-sends gauge (issue #17 §1).

Safe under traffic: on PostgreSQL the index is built CONCURRENTLY (no lock that blocks the
outbox's writers while the table is read), which needs a migration outside a transaction; other
databases build it the ordinary way."""

from django.db import migrations, models


class AddIndexConcurrentlyOnPostgres(migrations.AddIndex):
    def _concurrently(self, schema_editor, state, app_label, method):
        model = state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            getattr(schema_editor, method)(model, self.index, concurrently=True)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        return self._concurrently(schema_editor, to_state, app_label, "add_index")

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        return self._concurrently(schema_editor, from_state, app_label, "remove_index")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("notifications", "0007_lz4_compression")]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="outboxemail",
            index=models.Index(
                condition=models.Q(("state", "failed")),
                fields=["created_at"],
                name="outbox_failed_idx",
            ),
        ),
    ]
