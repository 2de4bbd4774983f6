"""escalation.OutboxEmail becomes notifications.OutboxEmail (issue #11 §1); table escalation_outboxemail kept."""

import django.db.models.deletion
from django.db import migrations, models
from tickets.migrations_support import content_type_move


def forwards(apps, schema_editor):
    content_type_move(apps, ("escalation", "outboxemail"), ("notifications", "outboxemail"))


def backwards(apps, schema_editor):
    content_type_move(apps, ("notifications", "outboxemail"), ("escalation", "outboxemail"))


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ('escalation', '0005_outbox_bounced'),
        ('tickets', '0012_ticket_queue_order_index'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        # The table stays as it is: only Django's idea of which app owns the model changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='OutboxEmail',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.CharField(max_length=200, unique=True, verbose_name='idempotency key')),
                        ('message_id', models.CharField(max_length=250, unique=True, verbose_name='Message-ID')),
                        ('to_email', models.EmailField(max_length=254, verbose_name='to')),
                        ('to_name', models.CharField(blank=True, max_length=200, verbose_name='to (name)')),
                        ('language', models.CharField(default='nl', max_length=5, verbose_name='language')),
                        ('subject', models.CharField(max_length=300, verbose_name='subject')),
                        ('body_text', models.TextField(verbose_name='text')),
                        ('body_html', models.TextField(verbose_name='HTML')),
                        ('state', models.CharField(choices=[('pending', 'pending'), ('sent', 'sent'), ('failed', 'failed'), ('bounced', 'bounced')], default='pending', max_length=10, verbose_name='state')),
                        ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                        ('last_error', models.TextField(blank=True, verbose_name='last error')),
                        ('created_at', models.DateTimeField(verbose_name='created')),
                        ('send_after', models.DateTimeField(verbose_name='send after')),
                        ('planned_at', models.DateTimeField(blank=True, null=True, verbose_name='planned')),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent')),
                        ('bounced_at', models.DateTimeField(blank=True, null=True, verbose_name='bounced')),
                        ('bounce_reason', models.TextField(blank=True, verbose_name='bounce reason')),
                        ('escalation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='emails', to='escalation.escalation', verbose_name='escalation')),
                        ('ticket', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='tickets.ticket', verbose_name='ticket')),
                    ],
                    options={
                        'verbose_name': 'outgoing email',
                        'verbose_name_plural': 'outgoing emails',
                        'db_table': 'escalation_outboxemail',
                        'ordering': ['-created_at', 'pk'],
                        'indexes': [models.Index(condition=models.Q(('state', 'pending')), fields=['send_after'], name='outbox_pending_idx')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
