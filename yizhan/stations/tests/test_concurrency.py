"""Two editors save the same station at once: exactly one wins, the other is told and nothing is overwritten."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.stations import reference, services
from yizhan.stations.models import Station
from yizhan.stations.tests.network import build_network
from yizhan.tests.factories import build_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor == "sqlite", reason="needs a server database with concurrent connections")
def test_concurrent_profile_saves_never_overwrite():
    with scopes_disabled():
        reference.load()
        world = build_world()
    station_pk = build_network(world).station.pk
    editors = {"town_admin": "镇里的地址", "station_manager": "站长的地址"}
    results, barrier = {}, threading.Barrier(len(editors))

    def edit(username, address):
        user = world.users[username]
        try:
            with scope_for(user):
                station = Station.objects.get(pk=station_pk)
                barrier.wait()
                services.station_update(station=station, updated_by=user, version=1, address=address)
            results[username] = "saved"
        except ValidationError as exc:
            results[username] = "stale" if "version" in exc.message_dict else "error"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=edit, args=item) for item in editors.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results.values()) == ["saved", "stale"]
    winner = next(name for name, result in results.items() if result == "saved")
    with scopes_disabled():
        station = Station.all_objects.get(pk=station_pk)
    assert station.address == editors[winner]
    assert station.version == 2
