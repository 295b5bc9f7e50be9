"""An activity's cover photo: set, replaced (the old files go once committed), removed, bad uploads refused with the
core's messages and nothing changed; the staff page's section, the files served by scope (staff) and to the public
only for activities the public may see; the public page and cards show the thumbnail without a query per row; the
API's upload and removal and the ``cover_url`` of the staff and public outputs."""

import io
import json
import os
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from PIL import Image

from yizhan.activities import services
from yizhan.activities.models import Activity, ActivityStatus, Audience
from yizhan.audit.models import AuditLog
from yizhan.core import images
from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.stations.tests.network import build_network, png_bytes

from .helpers import give_cover, make_activity

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings):
    """An empty storage of its own for each test (the test settings keep files in memory)."""
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    with translation.override("en"):
        yield default_storage


def _upload(size=(640, 480), fmt="PNG", name="cover.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(size, fmt=fmt), content_type="image/png")


def _stored(storage, folder="") -> set[str]:
    """Every file in the storage."""
    folders, files = storage.listdir(folder)
    found = {f"{folder}/{name}".lstrip("/") for name in files}
    for name in folders:
        found |= _stored(storage, f"{folder}/{name}".lstrip("/"))
    return found


def _fresh(activity) -> Activity:
    with scopes_disabled():
        return Activity.all_objects.get(pk=activity.pk)


def _cover_rows(activity) -> list[AuditLog]:
    with scopes_disabled():
        return [
            row
            for row in AuditLog.objects.filter(target_id=str(activity.pk), action=AuditLog.Action.UPDATE)
            if "cover_image" in (row.changes or {})
        ]


# --- services ----------------------------------------------------------------------------------------------------


def test_the_manager_sets_a_cover_stored_without_metadata_with_a_thumbnail_and_audited(world, media):
    n = build_network(world)
    activity = make_activity(n.station)
    manager = world.users["station_manager"]
    with scope_for(manager):
        services.cover_set(activity=activity, upload=_upload(), set_by=manager)
    saved = _fresh(activity)
    assert saved.cover_image.startswith(f"activities/{activity.pk}/cover/")
    assert saved.cover_image.endswith(".png")
    assert saved.cover_thumbnail.endswith("_thumb.jpg")
    assert saved.cover_content_type == "image/png"
    assert _stored(media) == {saved.cover_image, saved.cover_thumbnail}
    (row,) = _cover_rows(activity)
    assert row.actor == manager
    assert row.changes["cover_image"] == ["", saved.cover_image]


def test_replacing_the_cover_deletes_the_old_files_once_committed(world, media, django_capture_on_commit_callbacks):
    n = build_network(world)
    activity = make_activity(n.station)
    manager = world.users["station_manager"]
    with scope_for(manager):
        services.cover_set(activity=activity, upload=_upload(), set_by=manager)
        first = _fresh(activity)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.cover_set(activity=activity, upload=_upload(fmt="JPEG", name="c.jpg"), set_by=manager)
        # before the commit, the old files are still there (a rollback would keep the old cover whole)
        assert {first.cover_image, first.cover_thumbnail} <= _stored(media)
        for callback in callbacks:
            callback()
    second = _fresh(activity)
    assert second.cover_image != first.cover_image
    assert second.cover_content_type == "image/jpeg"
    assert _stored(media) == {second.cover_image, second.cover_thumbnail}
    assert len(_cover_rows(activity)) == 2


def test_removing_the_cover_clears_it_and_deletes_its_files(world, media, django_capture_on_commit_callbacks):
    n = build_network(world)
    activity = give_cover(make_activity(n.station))
    manager = world.users["station_manager"]
    with scope_for(manager), django_capture_on_commit_callbacks(execute=True):
        services.cover_remove(activity=activity, removed_by=manager)
    saved = _fresh(activity)
    assert (saved.cover_image, saved.cover_thumbnail, saved.cover_content_type) == ("", "", "")
    assert saved.cover is None
    assert _stored(media) == set()
    (row,) = _cover_rows(activity)
    assert row.changes["cover_image"][1] == ""
    # nothing left to remove: nothing written
    with scope_for(manager):
        services.cover_remove(activity=activity, removed_by=manager)
    assert len(_cover_rows(activity)) == 1


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("x.png", b"not an image", content_type="image/png"), "该文件不是可识别的图片。"),
        (
            SimpleUploadedFile("x.gif", png_bytes(fmt="GIF"), content_type="image/gif"),
            "请上传 JPEG、PNG 或 WebP 格式的图片。",
        ),
        (_upload(size=(40, 40)), "照片尺寸过小：每边至少 50 像素。"),
        (None, "请选择要上传的照片。"),
    ],
)
def test_a_bad_upload_gets_the_core_message_and_changes_nothing(world, media, upload, message):
    n = build_network(world)
    activity = give_cover(make_activity(n.station))
    before = _stored(media)
    manager = world.users["station_manager"]
    with scope_for(manager), translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        services.cover_set(activity=activity, upload=upload, set_by=manager)
    assert message in " ".join(exc.value.message_dict["image"])
    saved = _fresh(activity)
    assert (saved.cover_image, saved.cover_thumbnail) == (activity.cover_image, activity.cover_thumbnail)
    assert _stored(media) == before
    assert _cover_rows(activity) == []


def test_a_too_large_upload_is_refused(world, media, monkeypatch):
    n = build_network(world)
    activity = make_activity(n.station)
    monkeypatch.setattr(images, "MAX_BYTES", 100)
    manager = world.users["station_manager"]
    with scope_for(manager), translation.override("zh-hans"), pytest.raises(ValidationError, match="照片文件过大"):
        services.cover_set(activity=activity, upload=_upload(), set_by=manager)
    assert _fresh(activity).cover_image == ""
    assert _stored(media) == set()


def test_only_those_who_manage_the_activity_change_its_cover(world, media):
    n = build_network(world)
    activity = give_cover(make_activity(n.station))
    for role in ("other_station_manager", "other_town_admin", "mediator"):
        user = world.users[role]
        with scope_for(user):
            with pytest.raises(PermissionDenied):
                services.cover_set(activity=activity, upload=_upload(), set_by=user)
            with pytest.raises(PermissionDenied):
                services.cover_remove(activity=activity, removed_by=user)
    assert _fresh(activity).cover_image == activity.cover_image
    assert len(_stored(media)) == 2


# --- pages -------------------------------------------------------------------------------------------------------


def test_the_staff_page_uploads_shows_and_removes_the_cover(world, media, client_for):
    n = build_network(world)
    activity = make_activity(n.station, title="亲子手工")
    client = client_for(world.users["station_manager"])
    page = client.get(f"/activities/{activity.pk}/").content.decode()
    assert 'data-testid="cover-section"' in page
    assert 'enctype="multipart/form-data"' in page
    assert 'data-testid="cover-thumb"' not in page
    response = client.post(f"/activities/{activity.pk}/cover/", {"image": _upload()})
    assert response.status_code == 302
    saved = _fresh(activity)
    assert saved.cover_image
    page = client.get(f"/activities/{activity.pk}/").content.decode()
    assert f'src="/activities/{activity.pk}/cover/thumb/" alt="亲子手工"' in page
    assert 'data-testid="cover-remove"' in page
    response = client.post(f"/activities/{activity.pk}/cover/remove/")
    assert response.status_code == 302
    assert _fresh(activity).cover_image == ""
    assert 'data-testid="cover-thumb"' not in client.get(f"/activities/{activity.pk}/").content.decode()


def test_a_bad_upload_on_the_page_says_why_in_chinese_and_changes_nothing(world, media, client_for):
    n = build_network(world)
    activity = make_activity(n.station)
    client = client_for(world.users["station_manager"])
    bad = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    with translation.override("zh-hans"):
        response = client.post(
            f"/activities/{activity.pk}/cover/", {"image": bad}, follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
    assert response.status_code == 200
    assert "该文件不是可识别的图片。" in response.content.decode()
    assert _fresh(activity).cover_image == ""
    assert _stored(media) == set()


def test_staff_who_may_not_manage_see_no_upload_form(world, media, client_for):
    n = build_network(world)
    activity = give_cover(make_activity(n.station, title="绘画"))
    page = client_for(world.users["town_admin"]).get(f"/activities/{activity.pk}/").content.decode()
    assert 'alt="绘画"' in page  # an admin over the station manages it too
    assert client_for(world.users["other_station_manager"]).get(f"/activities/{activity.pk}/").status_code == 404
    response = client_for(world.users["other_station_manager"]).post(
        f"/activities/{activity.pk}/cover/", {"image": _upload()}
    )
    assert response.status_code == 404
    assert _fresh(activity).cover_image == activity.cover_image


def test_the_cover_file_is_served_to_staff_in_scope(world, media, client_for):
    n = build_network(world)
    activity = give_cover(make_activity(n.station))
    client = client_for(world.users["station_manager"])
    thumb = client.get(f"/activities/{activity.pk}/cover/thumb/")
    assert thumb.status_code == 200
    assert thumb["Content-Type"] == "image/jpeg"
    assert "private" in thumb["Cache-Control"]
    assert thumb["X-Content-Type-Options"] == "nosniff"
    assert b"".join(thumb.streaming_content)[:3] == b"\xff\xd8\xff"
    full = client.get(f"/activities/{activity.pk}/cover/full/")
    assert full["Content-Type"] == "image/png"
    assert client.get(f"/activities/{activity.pk}/cover/other/").status_code == 404
    for role in ("other_station_manager", "other_town_admin"):
        assert client_for(world.users[role]).get(f"/activities/{activity.pk}/cover/thumb/").status_code == 404
    assert client_for(world.users["mediator"]).get(f"/activities/{activity.pk}/cover/thumb/").status_code == 403
    assert Client().get(f"/activities/{activity.pk}/cover/thumb/").status_code == 302
    bare = make_activity(n.station, title="无封面")
    assert client.get(f"/activities/{bare.pk}/cover/thumb/").status_code == 404


def test_the_public_gets_the_cover_only_of_activities_it_may_see(world, media, client_for):
    n = build_network(world)
    shown = give_cover(make_activity(n.station, title="亲子手工"))
    hidden = [
        give_cover(make_activity(n.station, status=ActivityStatus.DRAFT)),
        give_cover(make_activity(n.station, audience=Audience.VILLAGE)),
        give_cover(make_activity(n.station, audience=Audience.INVITED)),
        give_cover(make_activity(n.station, status=ActivityStatus.CANCELLED)),
    ]
    for client in (Client(), client_for(world.users["station_manager"])):
        response = client.get(f"/activities/public/{shown.pk}/cover/thumb/")
        assert response.status_code == 200
        assert "private" in response["Cache-Control"]
        for activity in hidden:
            assert client.get(f"/activities/public/{activity.pk}/cover/thumb/").status_code == 404
            assert client.get(f"/activities/public/{activity.pk}/cover/full/").status_code == 404
    page = Client().get(f"/activities/public/{shown.pk}/").content.decode()
    assert f'src="/activities/public/{shown.pk}/cover/thumb/" alt="亲子手工"' in page


def test_the_public_cards_show_the_cover_with_the_title_at_a_fixed_query_count(world, media, django_assert_num_queries):
    n = build_network(world)
    give_cover(make_activity(n.station, title="一"))
    make_activity(n.station, title="没有封面", days=2)
    client = Client()
    url = f"/activities/public/stations/{n.station.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        page = client.get(url).content.decode()
    assert len(re.findall(r'data-testid="public-cover"', page)) == 1
    assert 'alt="一"' in page
    for i in range(10):
        give_cover(make_activity(n.station, title=f"活动{i}", days=i + 3))
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get(url).content.decode()
    assert len(re.findall(r'data-testid="public-cover"', page)) == 11
    assert 'alt="活动9"' in page


# --- API ---------------------------------------------------------------------------------------------------------


def _post(client, path, payload=None):
    return client.post(path, json.dumps(payload or {}), content_type="application/json")


def test_the_api_sets_and_removes_the_cover_and_outputs_carry_its_url(world, media, client_for):
    n = build_network(world)
    activity = make_activity(n.station)
    client = client_for(world.users["station_manager"])
    assert client.get(f"/api/activities/{activity.pk}").json()["cover_url"] is None
    assert Client().get(f"/api/public/activities/{activity.pk}").json()["cover_url"] is None
    response = client.post(f"/api/activities/{activity.pk}/cover", {"image": _upload((300, 200))})
    assert response.status_code == 200
    body = response.json()
    assert body["cover_url"] == f"/activities/{activity.pk}/cover/full/"
    assert body["cover_thumbnail_url"] == f"/activities/{activity.pk}/cover/thumb/"
    assert client.get(body["cover_url"]).status_code == 200
    assert client.get(f"/api/activities/{activity.pk}").json()["cover_url"] == body["cover_url"]
    public = Client().get(f"/api/public/activities/{activity.pk}").json()
    assert public["cover_url"] == f"/activities/public/{activity.pk}/cover/full/"
    assert Client().get(public["cover_thumbnail_url"]).status_code == 200
    listed = Client().get(f"/api/public/activities/?station={n.station.pk}").json()["items"]
    assert [item["cover_url"] for item in listed] == [public["cover_url"]]
    staff_list = client.get("/api/activities/").json()["items"]
    assert [item["cover_url"] for item in staff_list if item["id"] == activity.pk] == [body["cover_url"]]
    response = _post(client, f"/api/activities/{activity.pk}/cover/remove")
    assert response.status_code == 200
    assert response.json()["cover_url"] is None
    assert _fresh(activity).cover_image == ""


def test_the_api_takes_a_photo_larger_than_a_request_body_may_be(world, media, client_for, settings):
    """A multipart file does not count against DATA_UPLOAD_MAX_MEMORY_SIZE, which a JSON body would (Django's default
    2.5 MB here; the project allows 15 MB for the base64 scans of agreements)."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
    n = build_network(world)
    activity = make_activity(n.station)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (1100, 1000), os.urandom(1100 * 1000 * 3)).save(buffer, "PNG")
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE < buffer.tell() < images.MAX_BYTES
    upload = SimpleUploadedFile("big.png", buffer.getvalue(), content_type="image/png")
    response = client_for(world.users["station_manager"]).post(
        f"/api/activities/{activity.pk}/cover", {"image": upload}
    )
    assert response.status_code == 200
    assert _fresh(activity).cover_content_type == "image/png"


def test_the_api_refuses_bad_covers_with_a_message_and_changes_nothing(world, media, client_for):
    n = build_network(world)
    activity = make_activity(n.station)
    client = client_for(world.users["station_manager"])
    url = f"/api/activities/{activity.pk}/cover"
    response = client.post(url, {"image": SimpleUploadedFile("x.png", b"not an image", content_type="image/png")})
    assert response.status_code == 400
    assert response.json()["errors"] == {"image": ["该文件不是可识别的图片。"]}
    response = client.post(url, {"photo": _upload()})
    assert response.status_code == 400
    assert response.json()["errors"] == {"image": ["请选择要上传的照片。"]}
    assert _fresh(activity).cover_image == ""
    assert _stored(media) == set()
    other = client_for(world.users["other_station_manager"])
    assert other.post(url, {"image": _upload()}).status_code == 404
    assert client_for(world.users["mediator"]).post(url, {"image": _upload()}).status_code == 403
    assert Client().post(url, {"image": _upload()}).status_code == 401


def test_the_staff_api_list_costs_the_same_queries_with_covers(world, media, client_for, django_assert_num_queries):
    n = build_network(world)
    give_cover(make_activity(n.station))
    client = client_for(world.users["station_manager"])
    client.get("/api/activities/")
    with CaptureQueriesContext(connection) as small:
        assert client.get("/api/activities/").status_code == 200
    for i in range(8):
        give_cover(make_activity(n.station, title=f"活动{i}", days=i + 2))
    with django_assert_num_queries(len(small.captured_queries)):
        items = client.get("/api/activities/").json()["items"]
    assert sum(1 for item in items if item["cover_url"]) == 9


# --- the catalogue -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("Cover photo", "封面照片"),
        ("Upload the cover photo", "上传封面照片"),
        ("Replace the cover photo", "更换封面照片"),
        ("Remove the cover photo", "删除封面照片"),
        ("Cover photo saved.", "封面照片已保存。"),
        ("Cover photo removed.", "封面照片已删除。"),
        ("Cover photo (JPEG, PNG or WebP, at most %(mb)d MB)", "封面照片（JPEG、PNG 或 WebP，最大 %(mb)d MB）"),
    ],
)
def test_the_cover_strings_are_in_chinese(english, chinese):
    with translation.override("zh-hans"):
        assert translation.gettext(english) == chinese
