"""Issue #10 §1-§2: the triage flag, and duplicates keyed on Message-ID and content.

Existing rows get the new key computed from their stored raw bytes, so a redelivery of a
message stored before this migration is still recognised as a duplicate. (The old key was
unique per Message-ID, so no two old rows can collide under the new one.)
"""

from typing import Any

from django.db import migrations, models


def rekey(apps: Any, schema_editor: Any) -> None:
    from intake.identity import dedupe_key_for

    inbound = apps.get_model("intake", "InboundMessage")
    for row in inbound.objects.only("pk", "raw", "message_id").iterator(chunk_size=200):
        key = dedupe_key_for(bytes(row.raw), row.message_id)
        inbound.objects.filter(pk=row.pk).update(dedupe_key=key)


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0005_attachment_stored_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="inboundmessage",
            name="flag",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "none"),
                    ("identity", "sender unclear"),
                    ("unverified", "sender not verified"),
                    ("provider_domain", "claims to be the provider"),
                    ("refused", "refused at delivery"),
                ],
                default="",
                max_length=20,
                verbose_name="flag",
            ),
        ),
        migrations.RunPython(rekey, migrations.RunPython.noop),
    ]
