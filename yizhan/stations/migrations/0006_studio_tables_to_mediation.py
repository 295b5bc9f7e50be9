# Studios and their teams moved to the mediation app with their data. Here their tables take the mediation app's
# names (the rows, ids and the foreign keys pointing at them stay); mediation.0001_initial then takes the models
# over in the migration state, and stations.0007 drops them from this app's state.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('stations', '0005_coverage_plan_to_insights'),
    ]

    operations = [
        migrations.AlterModelTable(name='studio', table='mediation_studio'),
        migrations.AlterModelTable(name='studiomember', table='mediation_studiomember'),
    ]
