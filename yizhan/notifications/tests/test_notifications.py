import pytest
from django.core.management import call_command

from yizhan.accounts import services as account_services
from yizhan.accounts.models import Role
from yizhan.core.scoping import scope_for
from yizhan.notifications.models import Notification
from yizhan.notifications.services import notify
from yizhan.notifications.tasks import send_welcome_notification

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_welcome_notification_runs_on_the_database_worker(settings):
    from django_tasks_db.models import DBTaskResult

    from yizhan.core.scoping import scopes_disabled
    from yizhan.tests.factories import build_world

    settings.TASKS = DB_TASKS
    with scopes_disabled():
        world = build_world()
    admin = world.users["town_admin"]
    with scope_for(admin):
        user = account_services.user_create(
            created_by=admin,
            username="newcomer",
            name="新来的",
            password="Guali#2027x",
            role=Role.VOLUNTEER,
            region=world.regions["330109113002"],
        )
    assert DBTaskResult.objects.count() == 1  # queued, not yet run
    assert not Notification.all_objects.filter(user=user).exists()
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)
    note = Notification.all_objects.get(user=user)
    assert note.kind == "welcome"
    assert "newcomer" in note.body
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_task_is_idempotent(world):
    user = world.users["volunteer"]
    send_welcome_notification.call(user_id=user.pk)
    send_welcome_notification.call(user_id=user.pk)
    assert Notification.all_objects.filter(user=user).count() == 1
    assert send_welcome_notification.call(user_id=999999) is None


def test_unknown_kind_is_refused(world):
    with pytest.raises(ValueError, match="^Unknown notification kind 'nope'$"):
        notify(user=world.users["volunteer"], kind="nope", params={}, dedup_key="x")


def test_notifications_are_private_and_translated(world, client_for):
    notify(
        user=world.users["volunteer"], kind="welcome", params={"name": "赵红", "username": "volunteer"}, dedup_key="w1"
    )
    own = client_for(world.users["volunteer"])
    page = own.get("/notifications/").content.decode()
    assert "欢迎使用驿站平台" in page
    assert "赵红" in page
    assert "赵红" not in client_for(world.users["station_manager"]).get("/notifications/").content.decode()
    note = Notification.all_objects.get()
    assert client_for(world.users["station_manager"]).post(f"/notifications/{note.pk}/read/").status_code == 404
    assert own.post(f"/notifications/{note.pk}/read/").status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None
    api = own.get("/api/notifications/").json()
    assert api["meta"]["count"] == 1
    assert api["items"][0]["title"] == "欢迎使用驿站平台"


def _redis_available(url="redis://127.0.0.1:6379/0"):
    import redis

    try:
        return redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


@pytest.mark.skipif(not _redis_available(), reason="Redis is not running on 127.0.0.1:6379")
@pytest.mark.django_db(transaction=True)
def test_welcome_notification_runs_on_the_rq_backend(settings):
    """TASK_BACKEND=rq: the same task goes through Redis and an RQ worker."""
    import django_rq
    from django_tasks import task_backends

    from yizhan.core.scoping import scopes_disabled
    from yizhan.tests.factories import build_world

    settings.RQ_QUEUES = {name: {"URL": "redis://127.0.0.1:6379/15"} for name in ("default", "yizhan-test")}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["yizhan-test"]}}
    with scopes_disabled():
        world = build_world()
    queue = django_rq.get_queue("yizhan-test")
    queue.empty()
    result = send_welcome_notification.using(queue_name="yizhan-test").enqueue(user_id=world.users["volunteer"].pk)
    assert task_backends["default"].__class__.__name__ == "RQBackend"
    assert not Notification.all_objects.exists()
    worker = django_rq.get_worker("yizhan-test", job_class="django_tasks_rq.Job", worker_class="rq.worker.SimpleWorker")
    worker.work(burst=True)  # in this process, so it sees the test database
    assert Notification.all_objects.get().user == world.users["volunteer"]
    result.refresh()
    assert result.status == "SUCCESSFUL"


def test_a_notification_without_a_link_or_with_a_lost_one_opens_the_list(world, client_for):
    from yizhan.notifications.services import notify

    user = world.users["station_manager"]
    plain = notify(user=user, kind="welcome", params={"name": "陈芳", "username": "x"}, dedup_key="plain")
    lost = notify(user=user, kind="welcome", params={"name": "陈芳"}, dedup_key="lost", link=("people:nowhere", [1]))
    assert plain.url == ""
    assert lost.url == ""
    assert "%(" not in str(lost.body)  # a parameter it lacks reads as empty, not as the raw template
    client = client_for(user)
    for notification in (plain, lost):
        response = client.get(f"/notifications/{notification.pk}/open/")
        assert response["Location"] == "/notifications/"
