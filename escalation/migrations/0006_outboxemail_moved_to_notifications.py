"""escalation.OutboxEmail is now notifications.OutboxEmail (issue #11 §1): state only, the table stays."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ('escalation', '0005_outbox_bounced'),
        ('notifications', '0001_initial'),
    ]

    operations = [
        # The table stays as it is: only Django's idea of which app owns the model changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='OutboxEmail',
                ),
            ],
            database_operations=[],
        ),
    ]
