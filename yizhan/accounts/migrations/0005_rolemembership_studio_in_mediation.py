# Studio moved from stations to mediation with its table (renamed to mediation_studio by stations.0006, which the
# foreign key follows in the database), so only the migration state changes here.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_rolemembership_station_rolemembership_studio'),
        ('mediation', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='rolemembership',
                    name='studio',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='mediation.studio', verbose_name='studio'),
                ),
            ],
        ),
    ]
