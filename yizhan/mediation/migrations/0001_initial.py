# Studio and StudioMember moved here from stations with their data: stations.0006 renamed their tables to
# mediation_studio and mediation_studiomember, so this migration takes them over in the migration state only.
# StudioContact is new: the studios' contacts, split off stations.Contact (their rows are copied by 0002).

import django.db.models.deletion
import django.utils.timezone
import yizhan.core.fields
import yizhan.stations.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('regions', '0002_alter_region_options_alter_region_managers'),
        ('stations', '0006_studio_tables_to_mediation'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Studio',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, verbose_name='name')),
                        ('brand_name', models.CharField(blank=True, max_length=100, verbose_name='brand name')),
                        ('address', models.CharField(blank=True, max_length=200, verbose_name='address')),
                        ('introduction', models.TextField(blank=True, max_length=2000, verbose_name='introduction')),
                        ('status', models.CharField(choices=[('planned', 'Planned'), ('under_construction', 'Under construction'), ('operating', 'Operating'), ('suspended', 'Suspended'), ('closed', 'Closed')], default='planned', max_length=20, verbose_name='status')),
                        ('status_since', models.DateField(blank=True, null=True, verbose_name='status since')),
                        ('opened_on', models.DateField(blank=True, null=True, verbose_name='opened on')),
                        ('is_public', models.BooleanField(default=True, help_text='Only operating places are ever shown publicly.', verbose_name='show on the public pages')),
                        ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created')),
                        ('updated_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='changed')),
                        ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.region', verbose_name='village or community')),
                        ('shared_station', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='studios', to='stations.station', verbose_name='shares premises with station')),
                    ],
                    options={
                        'verbose_name': 'mediation studio',
                        'verbose_name_plural': 'mediation studios',
                        'ordering': ['region__code', 'name'],
                    },
                ),
                migrations.CreateModel(
                    name='StudioMember',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('mediator', 'Mediator'), ('lawyer', 'Lawyer'), ('social_worker', 'Social worker'), ('counsellor', 'Psychological counsellor'), ('court_liaison', 'Shared-court liaison')], max_length=20, verbose_name='kind')),
                        ('can_lead', models.BooleanField(default=False, verbose_name='can lead a mediation')),
                        ('organisation', models.CharField(blank=True, max_length=100, verbose_name='organisation')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                        ('joined_on', models.DateField(default=django.utils.timezone.localdate, verbose_name='joined on')),
                        ('studio', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='members', to='mediation.studio', verbose_name='studio')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='studio_memberships', to=settings.AUTH_USER_MODEL, verbose_name='person')),
                    ],
                    options={
                        'verbose_name': 'studio team member',
                        'verbose_name_plural': 'studio team',
                        'ordering': ['kind', 'id'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='studio',
                    constraint=models.UniqueConstraint(fields=('region', 'name'), name='studio_unique_name_per_village'),
                ),
                migrations.AddConstraint(
                    model_name='studiomember',
                    constraint=models.UniqueConstraint(fields=('studio', 'user', 'kind'), name='studio_member_unique'),
                ),
            ],
        ),
        migrations.CreateModel(
            name='StudioContact',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=50, verbose_name='name')),
                ('role', models.CharField(help_text='For example 站长, 联络员, 值班员.', max_length=50, verbose_name='role')),
                ('phone', yizhan.core.fields.EncryptedField(blank=True, kind='mobile', validators=[yizhan.stations.models.validate_phone], verbose_name='phone number')),
                ('phone_index', yizhan.core.fields.BlindIndexField(source='phone')),
                ('is_public', models.BooleanField(default=True, verbose_name='show on the public page (number masked)')),
                ('sort_order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                ('studio', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='contacts', to='mediation.studio', verbose_name='studio')),
            ],
            options={
                'verbose_name': 'studio contact',
                'verbose_name_plural': 'studio contacts',
                'ordering': ['sort_order', 'id'],
                'abstract': False,
            },
        ),
    ]
