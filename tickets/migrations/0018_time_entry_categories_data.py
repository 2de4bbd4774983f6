"""Issue 14 §1, step 2 of 3: the old categories become the billing categories, and the old
hand-set billable flag becomes a recorded decision.

- analysis, resolution, communication and other were all work under the contract:
  in_subscription; travel stays travel (its distance was never asked: left empty).
- billable=True was someone's decision that the time is billed: it becomes an override by the
  person who registered it, at the time they registered it, with a reason saying so.
  billable=False was the form's default and decided nothing: the contract's rules apply.

Backwards maps every category back to "other" except travel, and an override of True back to
billable=True."""

from django.db import migrations

OLD_TO_NEW = {
    "analysis": "in_subscription",
    "resolution": "in_subscription",
    "communication": "in_subscription",
    "other": "in_subscription",
    "travel": "travel",
}
# Stored text, read by the desk (Dutch first, D16).
CARRIED_OVER = "Bij registratie als factureerbaar aangemerkt / marked billable when registered"


def forwards(apps, schema_editor):
    time_entry = apps.get_model("tickets", "TimeEntry")
    for old, new in OLD_TO_NEW.items():
        if old != new:
            time_entry.objects.filter(category=old).update(category=new)
    for entry in time_entry.objects.filter(billable=True).only("pk", "user_id", "created_at"):
        time_entry.objects.filter(pk=entry.pk).update(
            billable_override=True,
            billable_override_reason=CARRIED_OVER,
            billable_override_by_id=entry.user_id,
            billable_override_at=entry.created_at,
        )


def backwards(apps, schema_editor):
    time_entry = apps.get_model("tickets", "TimeEntry")
    time_entry.objects.exclude(category="travel").update(category="other")
    time_entry.objects.filter(billable_override=True).update(billable=True)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0017_time_entry_override_distance_timer")]

    operations = [migrations.RunPython(forwards, backwards)]
