"""``people.0003_person_region_code`` fills the village code of the people already there (and on PostgreSQL makes the
index the list reads in pinyin order)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from yizhan.core.scoping import scopes_disabled
from yizhan.people.models import Person


def _migrate(targets=None):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    state = executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return state.apps


@pytest.mark.django_db(transaction=True)
def test_the_village_code_is_filled_for_the_people_already_there():
    try:
        apps = _migrate([("people", "0002_default_target_groups")])
        region = apps.get_model("regions", "Region")
        town = region.objects.create(code="330109113", name="瓜沥镇", level=4)
        village = region.objects.create(code="330109113002", name="友谊村", level=5, parent=town)
        person = apps.get_model("people", "Person")
        for name in ("王芳", "陈静"):
            person.objects.create(name=name, region=village)
        _migrate()
        with scopes_disabled():
            assert sorted(Person.all_objects.values_list("region_code", flat=True)) == ["330109113002"] * 2
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'person_region_pinyin_name'")
                (definition,) = cursor.fetchone()
            assert 'COLLATE "zh-Hans-x-icu"' in definition
    finally:
        _migrate()
