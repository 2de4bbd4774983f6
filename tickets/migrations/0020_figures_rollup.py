"""Issue #16: the dashboard's monthly roll-up (tickets.models.figures) and the indexes its live
months and the queue's date drill-down read: clocks by their stop and due times, tickets by
their registration, survey answers by their time."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contracts', '0018_remote_access_grants'),
        ('tickets', '0019_time_entry_billable_removed_checks'),
    ]

    operations = [
        migrations.CreateModel(
            name='FiguresMonth',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('zone', models.CharField(max_length=64, verbose_name='time zone')),
                ('month', models.DateField(verbose_name='month')),
                ('rolled_at', models.DateTimeField(blank=True, null=True, verbose_name='counted at')),
            ],
            options={
                'verbose_name': 'figures month',
                'verbose_name_plural': 'figures months',
            },
        ),
        migrations.CreateModel(
            name='FiguresMonthChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('zone', models.CharField(max_length=64, verbose_name='time zone')),
                ('month', models.DateField(verbose_name='month')),
            ],
            options={
                'verbose_name': 'figures month change',
                'verbose_name_plural': 'figures month changes',
            },
        ),
        migrations.CreateModel(
            name='MonthClockFigures',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('priority_rank', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('metric', models.CharField(max_length=12)),
                ('met', models.PositiveIntegerField()),
                ('missed', models.PositiveIntegerField()),
                ('excluded', models.PositiveIntegerField()),
                ('first_number', models.CharField(max_length=20)),
            ],
            options={
                'verbose_name': 'monthly clock figures',
                'verbose_name_plural': 'monthly clock figures',
            },
        ),
        migrations.CreateModel(
            name='MonthTicketFigures',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('opened', models.PositiveIntegerField(default=0)),
                ('answers', models.PositiveIntegerField(default=0)),
                ('score_total', models.PositiveIntegerField(default=0)),
            ],
            options={
                'verbose_name': 'monthly ticket figures',
                'verbose_name_plural': 'monthly ticket figures',
            },
        ),
        migrations.AddIndex(
            model_name='satisfactionsurvey',
            index=models.Index(fields=['answered_at'], name='survey_answered_idx'),
        ),
        migrations.AddIndex(
            model_name='slaclock',
            index=models.Index(fields=['stopped_at'], name='clock_stopped_idx'),
        ),
        migrations.AddIndex(
            model_name='slaclock',
            index=models.Index(fields=['due_at'], name='clock_due_idx'),
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(fields=['created_at'], name='ticket_created_idx'),
        ),
        migrations.AddConstraint(
            model_name='figuresmonth',
            constraint=models.UniqueConstraint(fields=('zone', 'month'), name='figures_month_unique'),
        ),
        migrations.AddIndex(
            model_name='figuresmonthchange',
            index=models.Index(fields=['zone', 'month'], name='figures_change_month_idx'),
        ),
        migrations.AddField(
            model_name='monthclockfigures',
            name='contract',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='contracts.contract'),
        ),
        migrations.AddField(
            model_name='monthclockfigures',
            name='figures_month',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tickets.figuresmonth'),
        ),
        migrations.AddField(
            model_name='monthclockfigures',
            name='provider',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='contracts.provider'),
        ),
        migrations.AddField(
            model_name='monthclockfigures',
            name='sla_target',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='contracts.slatarget'),
        ),
        migrations.AddField(
            model_name='monthticketfigures',
            name='contract',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='contracts.contract'),
        ),
        migrations.AddField(
            model_name='monthticketfigures',
            name='figures_month',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tickets.figuresmonth'),
        ),
        migrations.AddField(
            model_name='monthticketfigures',
            name='provider',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='contracts.provider'),
        ),
    ]
