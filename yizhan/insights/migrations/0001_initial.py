# CoveragePlan moved here from stations with its data: stations.0005 renamed its table to insights_coverageplan,
# so this migration only records the model in the state; it creates nothing in the database.

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('regions', '0002_alter_region_options_alter_region_managers'),
        ('stations', '0005_coverage_plan_to_insights'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='CoveragePlan',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('station_target', models.DateField(blank=True, null=True, verbose_name='station target date')),
                        ('studio_target', models.DateField(blank=True, null=True, verbose_name='studio target date')),
                        ('note', models.CharField(blank=True, max_length=200, verbose_name='note')),
                        ('updated_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='changed')),
                        ('region', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='regions.region', verbose_name='village or community')),
                    ],
                    options={
                        'verbose_name': 'rollout plan',
                        'verbose_name_plural': 'rollout plans',
                    },
                ),
            ],
        ),
    ]
