from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone

from yizhan.audit.models import AuditLog
from yizhan.core.crypto import blind_index
from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.core.versioning import StaleVersionError
from yizhan.people import holds, services
from yizhan.people.models import Consent, Person, Relation, ScheduledVisit, TargetGroup, Visit
from yizhan.people.validators import make_resident_id, validate_resident_id
from yizhan.tests.factories import PersonFactory, valid_id_number

from .helpers import longyuan_person

pytestmark = pytest.mark.django_db


def _create(world, user="station_manager", **kwargs):
    values = {
        "region": world.regions["330109113001"],
        "name": "王小红",
        "birth_date": date(1985, 3, 8),
        "id_number": make_resident_id("330109", date(1985, 3, 8), 123),
        "mobile": "13912345678",
        "address": "浙江省杭州市萧山区瓜沥镇隆园社区5幢101室",
    }
    values.update(kwargs)
    with scope_for(world.users[user]):
        return services.person_create(created_by=world.users[user], **values)


def test_id_number_check_digit():
    validate_resident_id("11010519491231002X")  # the standard's worked example
    with pytest.raises(ValidationError) as exc:
        validate_resident_id("110105194912310021")
    assert exc.value.code == "id_check"
    with pytest.raises(ValidationError) as exc:
        validate_resident_id("11010519491331002X")  # month 13
    assert exc.value.code == "id_date"


def test_encrypted_at_rest_and_blind_index(world):
    person = _create(world)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, mobile, address, id_number_index, mobile_hint FROM people_person")
        id_raw, mobile_raw, address_raw, index, hint = cursor.fetchone()
    assert id_raw.startswith("enc1:")
    assert "330109" not in id_raw
    assert mobile_raw.startswith("enc1:")
    assert "13912345678" not in mobile_raw
    assert "隆园" not in address_raw
    assert index == blind_index("id_number", person.id_number)
    assert hint == "139****5678"
    with scope_for(world.users["station_manager"]):
        from yizhan.people import selectors

        assert list(selectors.person_list(search=person.id_number)) == [person]
        assert list(selectors.person_list(search="13912345678")) == [person]
        assert list(selectors.person_list(search="139****5678")) == [person]
        assert list(selectors.person_list(search="5678")) == [person]
        assert list(selectors.person_list(search="13912345679")) == []


def test_birth_date_and_gender_from_id(world):
    person = _create(world, birth_date=None, gender="unknown")
    assert person.birth_date == date(1985, 3, 8)
    assert person.gender == "male"  # 17th digit 3 is odd
    with pytest.raises(ValidationError) as exc:
        _create(
            world, name="别人", birth_date=date(1990, 1, 1), id_number=make_resident_id("330109", date(1985, 1, 1), 7)
        )
    assert exc.value.message_dict == {"birth_date": ["出生日期与身份证号不一致。"]}


def test_bad_id_number_and_mobile_refused(world):
    with pytest.raises(ValidationError) as exc:
        _create(world, id_number="330109198503081230", mobile="12345")
    assert exc.value.message_dict == {
        "id_number": ["身份证号校验码不正确，请对照证件核实。"],
        "mobile": ["请输入 11 位中国大陆手机号，例如 13800138000。"],
    }
    with scopes_disabled():
        assert not Person.all_objects.exists()


def test_duplicate_guard_shows_existing_in_scope(world):
    first = _create(world)
    with pytest.raises(services.DuplicatePersonError) as exc:
        _create(world, name="另一个名字", mobile="")
    assert exc.value.existing == first
    # same name + birth date + village without an ID number
    with pytest.raises(services.DuplicatePersonError):
        _create(world, id_number="", mobile="")
    # the town admin of the other town does not see the existing person
    with pytest.raises(services.DuplicatePersonError) as exc:
        _create(world, user="other_town_admin", region=world.regions["330109114001"], name="x")
    assert exc.value.existing is None


def test_station_manager_writes_only_own_village(world):
    with pytest.raises(PermissionDenied):
        _create(world, region=world.regions["330109113002"])
    with pytest.raises(PermissionDenied):
        _create(world, user="volunteer", region=world.regions["330109113002"])


def test_scope_of_people(world):
    with scopes_disabled():
        mine = PersonFactory(region=world.regions["330109113001"])
        youyi = PersonFactory(region=world.regions["330109113002"])
        meixi = PersonFactory(region=world.regions["330109114001"])
    expectations = {
        "district_admin": {mine, youyi, meixi},
        "town_admin": {mine, youyi},
        "other_town_admin": {meixi},
        "station_manager": {mine},
        "other_station_manager": {meixi},
        "volunteer": set(),
        "mediator": set(),
        "advisor": set(),
    }
    for key, expected in expectations.items():
        with scope_for(world.users[key]):
            assert set(Person.objects.all()) == expected, key


def test_update_with_version_check_and_audit_masks(world):
    person = _create(world)
    with scope_for(world.users["station_manager"]):
        services.person_update(
            person=person, changed_by=world.users["station_manager"], version=1, mobile="13800001111"
        )
        stale = Person.all_objects.get(pk=person.pk)
        stale.version = 1
        with pytest.raises(StaleVersionError):
            services.person_update(person=stale, changed_by=world.users["station_manager"], version=1, name="新名")
    rows = AuditLog.all_objects.filter(target_type="people.person", target_id=str(person.pk))
    text = str(list(rows.values_list("changes", flat=True)))
    assert "138****1111" in text
    assert "13800001111" not in text
    assert "13912345678" not in text
    assert person.id_number not in text


def test_an_update_that_changes_nothing_writes_nothing(world):
    person = _create(world)
    manager = world.users["station_manager"]
    with scope_for(manager):
        services.person_update(person=person, changed_by=manager, version=1, name=person.name, mobile=person.mobile)
    with scopes_disabled():
        assert Person.all_objects.get(pk=person.pk).version == 1
        assert not AuditLog.all_objects.filter(action="update", target_type="people.person").exists()


def _child_and_mother(world):
    mother = _create(world)
    child_born = timezone.localdate() - timedelta(days=365 * 8)
    child = _create(
        world, name="王小宝", birth_date=child_born, id_number=make_resident_id("330109", child_born, 55), mobile=""
    )
    return mother, child


def test_under_14_needs_guardian_consent(world):
    mother, child = _child_and_mother(world)
    user = world.users["station_manager"]
    with scope_for(user):
        with pytest.raises(ValidationError) as exc:
            services.consent_record(
                recorded_by=user, person=child, purpose="care", data_scope="关爱走访", separate=True
            )
        assert exc.value.message_dict == {"guardian": ["此人未满 14 周岁，须由监护人同意。"]}
        with pytest.raises(ValidationError) as exc:  # guardian not recorded as such
            services.consent_record(
                recorded_by=user,
                person=child,
                purpose="care",
                data_scope="关爱走访",
                separate=True,
                given_by="guardian",
                guardian=mother,
            )
        assert exc.value.message_dict == {"guardian": ["请先登记此人的父母或监护人关系。"]}
        services.relation_add(created_by=user, person=mother, relative=child, kind=Relation.Kind.PARENT)
        with pytest.raises(ValidationError) as exc:  # not separate
            services.consent_record(
                recorded_by=user,
                person=child,
                purpose="activities",
                data_scope="活动",
                given_by="guardian",
                guardian=mother,
            )
        assert exc.value.message_dict == {"separate": ["不满 14 周岁未成年人的信息属于敏感个人信息，须单独同意。"]}
        consent = services.consent_record(
            recorded_by=user,
            person=child,
            purpose="care",
            data_scope="关爱走访",
            separate=True,
            given_by="guardian",
            guardian=mother,
        )
    assert consent.pk


def test_sensitive_purpose_needs_separate_consent(world):
    person = _create(world)
    user = world.users["station_manager"]
    with scope_for(user), pytest.raises(ValidationError) as exc:
        services.consent_record(recorded_by=user, person=person, purpose="care", data_scope="关爱", separate=False)
    assert exc.value.message_dict == {"separate": ["此目的涉及敏感个人信息，须单独同意。"]}


def test_group_needs_consent_and_withdrawal_is_honoured(world):
    person = _create(world)
    user = world.users["station_manager"]
    group = TargetGroup.objects.get(code="single_mothers")
    with scope_for(user):
        with pytest.raises(ValidationError) as exc:
            services.group_add(recorded_by=user, person=person, group=group)
        assert exc.value.messages == ["登记重点人群前，请先记录本人对重点人群关爱的单独同意。"]
        consent = services.consent_record(
            recorded_by=user, person=person, purpose="care", data_scope="关爱", separate=True
        )
        services.visit_plan_create(
            created_by=user,
            name="单亲母亲季度走访",
            group=group,
            region=world.regions["330109113001"],
            interval_days=91,
        )
        membership = services.group_add(recorded_by=user, person=person, group=group)
        assert ScheduledVisit.objects.filter(person=person, visit__isnull=True).count() == 1
        services.consent_withdraw(consent=consent, withdrawn_by=user)
        membership.refresh_from_db()
        person.refresh_from_db()
        assert membership.end_date == timezone.localdate()
        assert person.is_restricted
        assert not ScheduledVisit.objects.filter(person=person, visit__isnull=True, cancelled=False).exists()
        with pytest.raises(ValidationError) as exc:
            services.visit_record(created_by=user, person=person, visit_date=timezone.localdate())
        assert exc.value.messages == ["此人没有有效的关爱走访同意：请先记录同意。"]


def test_visit_completes_due_visit_and_schedules_next(world):
    person = _create(world)
    user = world.users["station_manager"]
    group = TargetGroup.objects.get(code="women_in_hardship")
    with scope_for(user):
        services.consent_record(recorded_by=user, person=person, purpose="care", data_scope="关爱", separate=True)
        with pytest.raises(PermissionDenied):  # a town-wide plan is the town admin's
            services.visit_plan_create(
                created_by=user, name="月访", group=group, region=world.regions["330109113"], interval_days=30
            )
    with scope_for(world.users["town_admin"]):
        services.visit_plan_create(
            created_by=world.users["town_admin"],
            name="月访",
            group=group,
            region=world.regions["330109113"],
            interval_days=30,
        )
    with scope_for(user):
        services.group_add(
            recorded_by=user, person=person, group=group, start_date=timezone.localdate() - timedelta(days=60)
        )
        due = ScheduledVisit.objects.get(person=person)
        assert due.is_overdue
        visit = services.visit_record(
            created_by=user,
            person=person,
            visit_date=timezone.localdate(),
            findings="家中困难，孩子上学需资助",
            needs=[("financial", "学费")],
            actions=[("联系教育局助学金", user, timezone.localdate() + timedelta(days=7))],
            visitors=[user],
        )
        due.refresh_from_db()
        assert due.visit == visit
        nxt = ScheduledVisit.objects.get(person=person, visit__isnull=True)
        assert nxt.due_date == timezone.localdate() + timedelta(days=30)
        assert visit.needs.get().category == "financial"
    with connection.cursor() as cursor:
        cursor.execute("SELECT findings FROM people_visit")
        assert "困难" not in cursor.fetchone()[0]


def _fake_hold(person):
    if person.name == "王小红":
        return [holds.Hold(source="mediation", reason="调解案件卷宗 2026-001")]
    return []


def test_erasure_without_hold_anonymises_everything(world):
    mother, child = _child_and_mother(world)
    admin = world.users["town_admin"]
    with scope_for(world.users["station_manager"]):
        services.relation_add(created_by=world.users["station_manager"], person=mother, relative=child, kind="parent")
    with scope_for(admin):
        result = services.person_erase(person=child, actor=admin, reason="本人监护人申请删除")
    child.refresh_from_db()
    assert result.fully_anonymised
    assert not result.held
    assert child.is_anonymised
    assert child.name.startswith("已匿名")
    assert child.id_number == ""
    assert child.birth_date is None
    assert not Relation.all_objects.filter(relative=child).exists()
    with scope_for(world.users["station_manager"]):
        with pytest.raises(PermissionDenied):
            services.person_erase(person=mother, actor=world.users["station_manager"], reason="x")


def test_erasure_with_legal_hold_keeps_identity_and_says_which(world):
    person = _create(world)
    user = world.users["station_manager"]
    with scope_for(user):
        services.consent_record(recorded_by=user, person=person, purpose="care", data_scope="关爱", separate=True)
        services.visit_record(created_by=user, person=person, visit_date=timezone.localdate(), findings="家暴线索")
    id_number = person.id_number
    holds.register(_fake_hold)
    try:
        with scope_for(world.users["town_admin"]):
            result = services.person_erase(person=person, actor=world.users["town_admin"], reason="本人申请")
    finally:
        holds.unregister(_fake_hold)
    person.refresh_from_db()
    assert [h.reason for h in result.held] == ["调解案件卷宗 2026-001"]
    assert not person.is_anonymised
    assert person.name == "王小红"
    assert person.id_number == id_number
    assert person.mobile == ""
    assert person.address == ""
    assert Visit.all_objects.get(person=person).findings == ""


def test_retention_dry_run_then_real_run(world, settings):
    person = _create(world)
    user = world.users["station_manager"]
    with scope_for(user):
        consent = services.consent_record(
            recorded_by=user,
            person=person,
            purpose="care",
            data_scope="关爱",
            separate=True,
            given_on=timezone.localdate() - timedelta(days=2000),
        )
        services.visit_record(
            created_by=user, person=person, visit_date=timezone.localdate() - timedelta(days=1500), findings="旧记录"
        )
        services.consent_withdraw(consent=consent, withdrawn_by=user)
    Person.all_objects.filter(pk=person.pk).update(consent_withdrawn_at=timezone.now() - timedelta(days=60))
    settings.RETENTION = {"visit": 365, "consent_withdrawn_person": 30, "import_batch": 7}
    with scopes_disabled():
        report = services.apply_retention(dry_run=True)
        assert report["visit"] == 1
        assert report["consent_withdrawn_person"] == 1
        assert Visit.all_objects.get().findings == "旧记录"
        assert not Person.all_objects.get(pk=person.pk).is_anonymised
        report = services.apply_retention(dry_run=False)
        assert Visit.all_objects.get().findings == ""
        assert Person.all_objects.get(pk=person.pk).is_anonymised
        assert services.apply_retention(dry_run=True)["consent_withdrawn_person"] == 0


def test_retention_skips_held_person(world, settings):
    person = _create(world)
    user = world.users["station_manager"]
    with scope_for(user):
        consent = services.consent_record(recorded_by=user, person=person, purpose="contact", data_scope="通知")
        services.consent_withdraw(consent=consent, withdrawn_by=user)
    Person.all_objects.filter(pk=person.pk).update(consent_withdrawn_at=timezone.now() - timedelta(days=60))
    holds.register(_fake_hold)
    try:
        with scopes_disabled():
            report = services.apply_retention(dry_run=False)
    finally:
        holds.unregister(_fake_hold)
    assert report["held"] == [{"person_id": person.pk, "holds": ["调解案件卷宗 2026-001"]}]
    person.refresh_from_db()
    assert person.name == "王小红"
    assert person.mobile == ""


def test_subject_export_has_everything_and_is_logged(world):
    person = _create(world)
    with scope_for(world.users["station_manager"]):
        data = services.subject_export(person=person, actor=world.users["station_manager"])
        with pytest.raises(PermissionDenied):
            services.subject_export(person=person, actor=world.users["volunteer"])
    assert data["person"]["document_number"] == person.id_number
    assert data["person"]["mobile"] == "13912345678"
    assert AuditLog.all_objects.filter(action="export", target_id=str(person.pk)).exists()


def test_key_rotation_round_trip(world, settings):
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    person = _create(world)
    old_keys = list(settings.FIELD_ENCRYPTION_KEYS)
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *old_keys]
    call_command("rotate_field_keys", verbosity=0)
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # old key gone: every value must still decrypt
    with scopes_disabled():
        again = Person.all_objects.get(pk=person.pk)
    assert again.id_number == person.id_number
    assert again.mobile == "13912345678"
    assert again.address == person.address
    with scope_for(world.users["station_manager"]):
        from yizhan.people import selectors

        assert list(selectors.person_list(search=person.id_number)) == [again]


def test_valid_id_number_helper():
    validate_resident_id(valid_id_number(date(2015, 6, 1), 42))


def test_consent_withdrawal_twice_refused(world):
    person = _create(world)
    user = world.users["station_manager"]
    with scope_for(user):
        consent = services.consent_record(recorded_by=user, person=person, purpose="contact", data_scope="通知")
        services.consent_withdraw(consent=consent, withdrawn_by=user)
        with pytest.raises(ValidationError) as exc:
            services.consent_withdraw(consent=Consent.objects.get(pk=consent.pk), withdrawn_by=user)
        assert exc.value.messages == ["此同意已被撤回。"]


def test_visit_photos_lose_their_metadata(world):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    person = _create(world)
    user = world.users["station_manager"]
    exif = Image.Exif()
    exif[0x010F] = "FakeCamera"  # Make
    buf = BytesIO()
    Image.new("RGB", (200, 100), "blue").save(buf, "JPEG", exif=exif)
    assert b"FakeCamera" in buf.getvalue()
    with scope_for(user):
        services.consent_record(recorded_by=user, person=person, purpose="care", data_scope="关爱", separate=True)
        visit = services.visit_record(
            created_by=user,
            person=person,
            visit_date=timezone.localdate(),
            photos=[SimpleUploadedFile("p.jpg", buf.getvalue(), content_type="image/jpeg")],
        )
        stored = visit.photos.get().image.read()
    assert stored.startswith(b"\xff\xd8")
    assert b"FakeCamera" not in stored


def test_visit_photos_follow_the_shared_image_rules(world):
    """Visit photos and station photos pass through the same checks (core/images.py)."""
    from io import BytesIO

    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    person = _create(world)
    user = world.users["station_manager"]
    tiny = BytesIO()
    Image.new("RGB", (10, 10), "red").save(tiny, "JPEG")
    with scope_for(user):
        services.consent_record(recorded_by=user, person=person, purpose="care", data_scope="关爱", separate=True)
        for upload, message in (
            (b"%PDF-1.4 not a photo", "该文件不是可识别的图片。"),
            (tiny.getvalue(), "照片尺寸过小：每边至少 50 像素。"),
        ):
            with pytest.raises(ValidationError) as exc:
                services.visit_record(
                    created_by=user,
                    person=person,
                    visit_date=timezone.localdate(),
                    photos=[SimpleUploadedFile("p.jpg", upload, content_type="image/jpeg")],
                )
            assert exc.value.message_dict == {"photos": [message]}
        assert not person.visits.exists()


def test_erasure_deletes_visit_photo_files_only_when_it_commits(world, django_capture_on_commit_callbacks):
    """A rolled-back erasure keeps the photo rows and their files; a committed one removes both."""
    from io import BytesIO

    from PIL import Image

    person = _create(world)
    manager, admin = world.users["station_manager"], world.users["town_admin"]
    buf = BytesIO()
    Image.new("RGB", (200, 100), "blue").save(buf, "JPEG")
    with scope_for(manager):
        services.consent_record(recorded_by=manager, person=person, purpose="care", data_scope="关爱", separate=True)
        visit = services.visit_record(
            created_by=manager,
            person=person,
            visit_date=timezone.localdate(),
            photos=[SimpleUploadedFile("p.jpg", buf.getvalue(), content_type="image/jpeg")],
        )
        name = visit.photos.get().image.name
    assert default_storage.exists(name)
    with scope_for(admin):
        with pytest.raises(RuntimeError), transaction.atomic():  # noqa: PT012 - the block must fail after its writes
            services.person_erase(person=person, actor=admin, reason="本人申请删除")
            raise RuntimeError("the erasure fails after the photos")
        assert default_storage.exists(name)
        assert visit.photos.exists()
        with django_capture_on_commit_callbacks(execute=True):
            services.person_erase(person=Person.objects.get(pk=person.pk), actor=admin, reason="本人申请删除")
    assert not default_storage.exists(name)


def test_only_people_staff_can_be_visitors_or_action_owners(world, client_for):
    from datetime import timedelta

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from yizhan.people import services
    from yizhan.people.selectors import staff_for
    from yizhan.tests.factories import PersonFactory

    with scopes_disabled():
        region = world.regions["330109113002"]  # 友谊村: the volunteer serves here
        person = PersonFactory(name="友谊村居民", region=region, birth_date=date(1970, 1, 1))
        from yizhan.people.models import Consent

        Consent.all_objects.create(person=person, purpose="care", data_scope="关爱", separate=True)
        offered = set(staff_for("330109113002").values_list("username", flat=True))
        offered_dongling = set(staff_for("330109113003").values_list("username", flat=True))
    assert "volunteer" not in offered
    assert "town_admin" in offered
    assert "district_admin" in offered
    assert not {"mediator", "advisor"} & offered_dongling
    admin = world.users["town_admin"]
    with scope_for(admin):
        with pytest.raises(ValidationError) as exc:
            services.visit_record(
                created_by=admin,
                person=person,
                visit_date=timezone.localdate(),
                actions=[("送米", world.users["volunteer"], timezone.localdate() + timedelta(days=3))],
            )
        assert exc.value.message_dict == {"actions": ["走访人员和负责人须是本村社的驿站负责人或妇联工作人员。"]}
    html = client_for(admin).get(f"/people/{person.pk}/visits/new/").content.decode()
    assert f"{world.users['volunteer'].name} ·" not in html
    assert f"{admin.name} · 瓜沥镇 · 妇联管理员" in html


def test_erasure_scrubs_follow_up_actions_and_an_empty_household(world):
    from datetime import timedelta

    from django.utils import timezone

    from yizhan.people import services
    from yizhan.people.models import FollowUpAction, Household

    person = longyuan_person(world)
    admin = world.users["town_admin"]
    with scopes_disabled():
        action = FollowUpAction.all_objects.create(
            visit=world._people_visit,
            description="帮王小红申请低保，联系其前夫",
            owner=admin,
            due_date=timezone.localdate() - timedelta(days=1),
        )
    with scope_for(admin):
        result = services.person_erase(person=person, actor=admin, reason="本人申请")
    assert result.fully_anonymised
    with scopes_disabled():
        action.refresh_from_db()
        household = Household.all_objects.get(pk=person.household_id)
    assert (action.description, action.done_on, action.is_overdue) == ("已匿名", timezone.localdate(), False)
    assert (household.name, household.address) == (f"已匿名#{household.pk}", "")


def test_retention_does_not_erase_a_held_person_again_every_day(world, settings):
    from datetime import timedelta

    from django.utils import timezone

    from yizhan.audit.models import AuditLog
    from yizhan.people import holds, services
    from yizhan.people.models import Consent

    person = longyuan_person(world)
    user = world.users["station_manager"]
    with scopes_disabled():
        consent = Consent.all_objects.get(person=person)
    with scope_for(user):
        services.consent_withdraw(consent=consent, withdrawn_by=user)
    Person.all_objects.filter(pk=person.pk).update(consent_withdrawn_at=timezone.now() - timedelta(days=60))
    settings.RETENTION = {"visit": 365, "consent_withdrawn_person": 30, "import_batch": 7}

    def case_file(p):
        return [holds.Hold(source="mediation", reason="调解案件卷宗 2026-001")] if p.pk == person.pk else []

    holds.register(case_file)
    try:
        with scopes_disabled():
            first = services.apply_retention(dry_run=False)
            version = Person.all_objects.get(pk=person.pk).version
            second = services.apply_retention(dry_run=False)
    finally:
        holds.unregister(case_file)
    assert first["consent_withdrawn_person"] == 1
    assert second["consent_withdrawn_person"] == 0
    assert second["held"] == [{"person_id": person.pk, "holds": ["调解案件卷宗 2026-001"]}]
    with scopes_disabled():
        assert Person.all_objects.get(pk=person.pk).version == version
        assert AuditLog.all_objects.filter(field="erasure", target_id=str(person.pk)).count() == 1
        # the case is closed: the next run anonymises the person fully
        third = services.apply_retention(dry_run=False)
        assert third["consent_withdrawn_person"] == 1
        assert Person.all_objects.get(pk=person.pk).is_anonymised
