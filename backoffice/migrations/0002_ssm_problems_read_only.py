"""The service support manager reads problems, as the README's roles table promises (issue #10
§5): problems are registered and worked by the support coordinators and the lines (SPEC PRB-01,
the Customer Care Center); the SSM acknowledges and resolves escalations. This takes back the
change permission backoffice.0001 granted; backwards gives it again."""

from django.db import migrations

from escalation.migrations_support import grants_add, grants_remove

TAKEN = {"Service support manager": {"tickets.problem": ("change",)}}


def forwards(apps, schema_editor):
    grants_remove(apps, TAKEN)


def backwards(apps, schema_editor):
    grants_add(apps, TAKEN)


class Migration(migrations.Migration):
    dependencies = [("backoffice", "0001_backoffice_roles")]

    operations = [migrations.RunPython(forwards, backwards)]
