from django.db import migrations

from contracts.compression import lz4_columns


class Migration(migrations.Migration):
    dependencies = [("intake", "0008_inboundattachment_moved_to_tickets")]

    operations = [
        lz4_columns("intake", {"inboundmessage": ("raw", "body_text", "body_html")}),
    ]
