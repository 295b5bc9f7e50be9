# A role's place (station, studio) moves from one foreign key per kind to a generic (place_kind, place_id), with the
# kinds declared by the apps (YizhanAppConfig.scope_places). The links are copied before the old columns go.

from django.db import migrations, models


def copy_places(apps, schema_editor):
    RoleMembership = apps.get_model("accounts", "RoleMembership")
    RoleMembership.objects.filter(station__isnull=False).update(place_kind="station", place_id=models.F("station_id"))
    RoleMembership.objects.filter(studio__isnull=False).update(place_kind="studio", place_id=models.F("studio_id"))


def restore_places(apps, schema_editor):
    RoleMembership = apps.get_model("accounts", "RoleMembership")
    RoleMembership.objects.filter(place_kind="station").update(station_id=models.F("place_id"))
    RoleMembership.objects.filter(place_kind="studio").update(studio_id=models.F("place_id"))


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_password_change_required'),
        ('regions', '0002_alter_region_options_alter_region_managers'),
    ]

    operations = [
        migrations.AddField(
            model_name='rolemembership',
            name='place_id',
            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name='place'),
        ),
        migrations.AddField(
            model_name='rolemembership',
            name='place_kind',
            field=models.CharField(blank=True, default='', max_length=30, verbose_name='kind of place'),
        ),
        migrations.RunPython(copy_places, restore_places),
        migrations.RemoveField(
            model_name='rolemembership',
            name='station',
        ),
        migrations.RemoveField(
            model_name='rolemembership',
            name='studio',
        ),
        migrations.AddIndex(
            model_name='rolemembership',
            index=models.Index(fields=['place_kind', 'place_id'], name='membership_place'),
        ),
        migrations.AddConstraint(
            model_name='rolemembership',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('place_id__isnull', True), ('place_kind', '')), models.Q(models.Q(('place_kind', ''), _negated=True), ('place_id__isnull', False)), _connector='OR'), name='membership_place_kind_and_id_together'),
        ),
    ]
