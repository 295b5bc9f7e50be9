# The rollout plan moved to the insights app with its data: the table is renamed to insights_coverageplan here,
# and insights.0001_initial takes the model over in the migration state only.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('stations', '0004_room_and_item_version'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name='coverageplan', table='insights_coverageplan'),
            ],
            state_operations=[
                migrations.DeleteModel(name='CoveragePlan'),
            ],
        ),
    ]
