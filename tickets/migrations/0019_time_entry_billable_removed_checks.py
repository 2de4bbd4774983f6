"""Issue 14 §1, step 3 of 3: the old flag goes, the new categories and the row checks come."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("tickets", "0018_time_entry_categories_data")]

    operations = [
        migrations.RemoveField(model_name="timeentry", name="billable"),
        migrations.AlterField(
            model_name="timeentry",
            name="category",
            field=models.CharField(
                choices=[
                    ("in_subscription", "in subscription"),
                    ("over_limit", "over the limit"),
                    ("new_user_licence", "new user or licence"),
                    ("data_migration", "data migration"),
                    ("sharepoint", "SharePoint"),
                    ("exceptional", "exceptional work"),
                    ("onboarding", "onboarding"),
                    ("change_request", "change request"),
                    ("ede", "EDE hours"),
                    ("travel", "travel"),
                ],
                max_length=20,
                verbose_name="category",
            ),
        ),
        migrations.AddConstraint(
            model_name="timeentry",
            constraint=models.CheckConstraint(
                condition=models.Q(("category", "travel"), ("distance_km__isnull", True), _connector="OR"),
                name="time_entry_distance_only_for_travel",
            ),
        ),
        migrations.AddConstraint(
            model_name="timeentry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("billable_override__isnull", True),
                    models.Q(
                        models.Q(("billable_override_reason", ""), _negated=True),
                        ("billable_override_by__isnull", False),
                        ("billable_override_at__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="time_entry_override_has_reason",
            ),
        ),
    ]
