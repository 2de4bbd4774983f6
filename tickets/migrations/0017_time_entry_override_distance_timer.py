"""Issue 14 §1, step 1 of 3: the new time-entry fields and the running timer. The old
`billable` flag stays until 0018 has carried it over; 0019 removes it and adds the checks."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0016_message_update_kind_request_reason_code"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="TimeTimer",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("started_at", models.DateTimeField(verbose_name="started")),
                (
                    "ticket",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="time_timers",
                        to="tickets.ticket",
                        verbose_name="ticket",
                    ),
                ),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="time_timer",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "running timer",
                "verbose_name_plural": "running timers",
            },
        ),
        migrations.AlterModelOptions(
            name="timeentry",
            options={
                "ordering": ["started_at", "pk"],
                "permissions": [
                    ("override_billable_timeentry", "Can decide whether time is billable")
                ],
                "verbose_name": "time entry",
                "verbose_name_plural": "time entries",
            },
        ),
        migrations.AddField(
            model_name="timeentry",
            name="billable_override",
            field=models.BooleanField(null=True, verbose_name="billable (coordinator's decision)"),
        ),
        migrations.AddField(
            model_name="timeentry",
            name="billable_override_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="decided"),
        ),
        migrations.AddField(
            model_name="timeentry",
            name="billable_override_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="decided by",
            ),
        ),
        migrations.AddField(
            model_name="timeentry",
            name="billable_override_reason",
            field=models.CharField(
                blank=True, max_length=200, verbose_name="reason for the decision"
            ),
        ),
        migrations.AddField(
            model_name="timeentry",
            name="distance_km",
            field=models.PositiveIntegerField(
                blank=True, null=True, verbose_name="distance (km, one way)"
            ),
        ),
        migrations.AddIndex(
            model_name="timeentry",
            index=models.Index(fields=["user", "started_at"], name="time_entry_user_start"),
        ),
    ]
