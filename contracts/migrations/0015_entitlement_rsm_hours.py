from django.db import migrations, models


class Migration(migrations.Migration):
    """SPEC ESC-13: extra RSM hours are an entitlement ledger like the others (D20)."""

    dependencies = [
        ("contracts", "0014_oncall_rota_and_acknowledge_time"),
    ]

    operations = [
        migrations.AlterField(
            model_name="entitlementmovement",
            name="kind",
            field=models.CharField(
                choices=[
                    ("proactive_credits", "proactive credits"),
                    ("ede_hours", "extended designated engineering hours"),
                    ("dsa_hours", "development support assistance hours"),
                    ("rsm_hours", "extra RSM hours"),
                ],
                max_length=30,
                verbose_name="entitlement",
            ),
        ),
    ]
