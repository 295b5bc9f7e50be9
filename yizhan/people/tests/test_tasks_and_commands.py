from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.notifications.models import Notification
from yizhan.people import services
from yizhan.people.models import FollowUpAction, Person, TargetGroup, Visit

from .helpers import longyuan_person

pytestmark = pytest.mark.django_db


def test_overdue_reminders_reach_owner_and_manager_once(world, client_for):
    person = longyuan_person(world)
    Visit.all_objects.filter(person=person).delete()  # never visited
    manager = world.users["station_manager"]
    with scope_for(world.users["town_admin"]):
        services.visit_plan_create(
            created_by=world.users["town_admin"],
            name="月访",
            group=TargetGroup.objects.get(code="single_mothers"),
            region=world.regions["330109113"],
            interval_days=30,
        )
    with scope_for(manager):
        services.group_add(
            recorded_by=manager,
            person=person,
            group=TargetGroup.objects.get(code="single_mothers"),
            start_date=timezone.localdate() - timedelta(days=90),
        )
        visit = services.visit_record(
            created_by=manager,
            person=person,
            visit_date=timezone.localdate() - timedelta(days=120),
            findings="x",
            actions=[("送米送油", manager, timezone.localdate() - timedelta(days=95))],
        )
    assert FollowUpAction.all_objects.get(visit=visit).is_overdue
    out = StringIO()
    call_command("send_visit_reminders", stdout=out)
    call_command("send_visit_reminders", stdout=out)  # idempotent
    kinds = sorted(Notification.all_objects.filter(user=manager).values_list("kind", flat=True))
    assert kinds == ["followup_overdue", "visits_overdue"]
    # task payloads and notification records carry no ID or mobile numbers
    with connection.cursor() as cursor:
        cursor.execute("SELECT params FROM notifications_notification")
        text = str(cursor.fetchall())
    assert person.id_number not in text
    assert person.mobile not in text
    with scopes_disabled():
        followup = Notification.all_objects.get(kind="followup_overdue")
        overdue = Notification.all_objects.get(kind="visits_overdue")
    # each notification leads to its object, in words a person reads (no internal ids; issue 9, finding 4)
    body = str(followup.body)
    assert "送米送油" in body
    assert "#" not in body
    assert str(visit.visit_date) in body
    assert followup.url == f"/people/visits/{visit.pk}/"
    assert overdue.url == "/people/visits/overdue/"
    client = client_for(manager)
    opened = client.get(f"/notifications/{followup.pk}/open/")
    assert opened.status_code == 302
    assert opened["Location"] == f"/people/visits/{visit.pk}/"
    followup.refresh_from_db()
    assert followup.read_at is not None
    page = client.get("/notifications/").content.decode()
    assert f"/notifications/{overdue.pk}/open/" in page


def test_apply_retention_command_dry_run_reports(world):
    person = longyuan_person(world)
    Person.all_objects.filter(pk=person.pk).update(consent_withdrawn_at=timezone.now() - timedelta(days=400))
    out = StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert out.getvalue().splitlines() == [
        "Care visits past retention would be anonymised: 0",
        "People whose consent was withdrawn, would be anonymised: 1",
        "Uploaded resident lists would be deleted: 0",
        "Dry run: nothing changed.",
    ]
    assert not Person.all_objects.get(pk=person.pk).is_anonymised
    call_command("apply_retention", stdout=StringIO())
    assert Person.all_objects.get(pk=person.pk).is_anonymised


def test_seed_demo_people_idempotent():
    from yizhan.core.demo import seed_demo

    seed_demo()
    with scopes_disabled():
        count = Person.all_objects.count()
        assert count >= 250
        seed_demo()
        assert Person.all_objects.count() == count
        assert Person.all_objects.filter(birth_date__gt=timezone.localdate() - timedelta(days=14 * 365)).exists()
