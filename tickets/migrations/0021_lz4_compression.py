from django.db import migrations

from contracts.compression import lz4_columns


class Migration(migrations.Migration):
    dependencies = [("tickets", "0020_figures_rollup")]

    operations = [
        lz4_columns(
            "tickets",
            {
                "ticket": ("description", "reproduction_steps", "business_impact"),
                "ticketmessage": ("body",),
            },
        ),
    ]
