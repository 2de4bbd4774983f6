"""intake.InboundAttachment becomes tickets.Attachment (issue #11 §1); table intake_inboundattachment kept."""

import django.db.models.deletion
import tickets.models.attachments
from django.db import migrations, models
from tickets.migrations_support import content_type_move


def forwards(apps, schema_editor):
    content_type_move(apps, ("intake", "inboundattachment"), ("tickets", "attachment"))


def backwards(apps, schema_editor):
    content_type_move(apps, ("tickets", "attachment"), ("intake", "inboundattachment"))


class Migration(migrations.Migration):
    dependencies = [
        ('tickets', '0012_ticket_queue_order_index'),
        ('intake', '0007_merge_20261204_2035'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
        # The role groups' grants on intake.InboundAttachment exist before its content type
        # moves, so they move with it (without this, a later migration can reorder the plan).
        ('escalation', '0002_provider_roles'),
    ]

    operations = [
        # The table stays as it is: only Django's idea of which app owns the model changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Attachment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('file', models.FileField(max_length=300, upload_to=tickets.models.attachments.attachment_path, verbose_name='file')),
                        ('filename', models.CharField(max_length=200, verbose_name='file name')),
                        ('content_type', models.CharField(max_length=100, verbose_name='type')),
                        ('size', models.PositiveIntegerField(verbose_name='size (bytes)')),
                        ('sha256', models.CharField(max_length=64)),
                        ('stored_at', models.DateTimeField(blank=True, db_index=True, null=True, verbose_name='stored')),
                        ('inbound', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='attachments', to='intake.inboundmessage', verbose_name='inbound email')),
                        ('ticket', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='attachments', to='tickets.ticket', verbose_name='ticket')),
                        ('ticket_message', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='attachments', to='tickets.ticketmessage', verbose_name='ticket message')),
                    ],
                    options={
                        'verbose_name': 'attachment',
                        'verbose_name_plural': 'attachments',
                        'db_table': 'intake_inboundattachment',
                        'ordering': ['inbound', 'pk'],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
