from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0005_attachment_stored_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="inboundmessage",
            name="defects",
            field=models.JSONField(
                blank=True, default=list, verbose_name="parser defects and notes"
            ),
        ),
    ]
