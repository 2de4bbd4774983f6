from django.db import migrations

from contracts.compression import lz4_columns


class Migration(migrations.Migration):
    dependencies = [("notifications", "0006_outbox_attachment")]

    operations = [
        lz4_columns("notifications", {"outboxemail": ("body_text", "body_html")}),
    ]
