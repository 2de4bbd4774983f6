"""intake.InboundAttachment is now tickets.Attachment (issue #11 §1): state only, the table stays."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ('intake', '0007_merge_20261204_2035'),
        ('tickets', '0013_attachment_moved_from_intake'),
    ]

    operations = [
        # The table stays as it is: only Django's idea of which app owns the model changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='InboundAttachment',
                ),
            ],
            database_operations=[],
        ),
    ]
