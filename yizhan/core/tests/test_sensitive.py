"""Encrypted fields, blind index, masking, reveal with reason, key rotation."""

from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError, PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from yizhan.accounts.models import User
from yizhan.audit.models import AuditLog
from yizhan.audit.reveal import reveal
from yizhan.core import crypto
from yizhan.core.masking import mask, mask_address, mask_for_record, mask_id_number, mask_mobile
from yizhan.core.scoping import scope_for


def _raw_row(user):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_user WHERE id = %s", [user.pk])
        return " ".join(str(v) for v in cursor.fetchone())


def test_mobile_is_not_stored_in_plaintext(world):
    user = world.users["station_manager"]
    raw = _raw_row(user)
    assert user.mobile not in raw
    # not even the last digits (the factory's name and username carry the same sequence number as the mobile)
    others = raw.replace(user.mobile_index, "").replace(user.name, "").replace(user.username, "")
    assert user.mobile[-4:] not in others
    assert crypto.PREFIX in raw
    assert User.all_objects.get(pk=user.pk).mobile == user.mobile  # round-trips


def test_same_value_encrypts_differently_but_indexes_the_same(world):
    a = User.all_objects.get(username="station_manager")
    b = User.all_objects.get(username="mediator")
    b.mobile = a.mobile
    b.save()
    assert crypto.encrypt("13800138000") != crypto.encrypt("13800138000")
    assert User.all_objects.get(pk=a.pk).mobile_index == User.all_objects.get(pk=b.pk).mobile_index


def test_blind_index_lookup_normalizes(world):
    user = world.users["station_manager"]
    for typed in (user.mobile, f"+86 {user.mobile}", f"{user.mobile[:3]}-{user.mobile[3:7]}-{user.mobile[7:]}"):
        assert User.all_objects.filter(mobile_index=crypto.blind_index("mobile", typed)).get() == user


@pytest.mark.parametrize("lookup", ["contains", "icontains", "startswith", "endswith", "gt", "in"])
def test_ciphertext_cannot_be_searched_directly(world, lookup):
    """Only exact (through the blind index) and isnull lookups exist on an encrypted field."""
    with pytest.raises(FieldError, match=f"^Unsupported lookup '{lookup}' for EncryptedField"):
        User.all_objects.filter(**{f"mobile__{lookup}": "138"})


def test_masks():
    assert mask_mobile("13800138000") == "138****8000"
    assert mask_id_number("330109199001011234") == "*" * 18  # no character: see core/masking.py
    assert mask_address("浙江省杭州市萧山区瓜沥镇友谊村3组12号") == "浙江省杭州市萧山区瓜沥镇友谊村******"
    assert mask_address("隆园社区5幢301") == "隆园社区******"
    assert mask("text", "家暴细节") == "******"
    assert mask("mobile", "") == ""
    assert mask("name", "欧阳娜娜") == "欧**"  # the length is hidden too
    assert mask("name", "王芳") == "王**"


def test_birth_date_shows_as_age_on_screens_and_as_stars_in_audit_rows():
    born = timezone.localdate() - timedelta(days=14620)  # a few days past the 40th birthday
    assert mask("birth_date", born) == "40 岁"
    assert mask("birth_date", born.isoformat()) == "40 岁"
    assert str(born.year) not in mask("birth_date", born)
    assert mask_for_record("birth_date", born) == "******"
    assert mask("birth_date", None) == ""


def test_pages_and_api_show_masked_numbers(world, client_for):
    client = client_for(world.users["town_admin"])
    user = world.users["station_manager"]
    for url in ("/accounts/users/", f"/accounts/users/{user.pk}/", "/api/accounts/users", "/api/accounts/me"):
        body = client.get(url).content.decode()
        assert user.mobile not in body, url
    assert mask_mobile(user.mobile) in client.get(f"/accounts/users/{user.pk}/").content.decode()


def test_reveal_needs_reason_and_is_logged(world):
    admin, subject = world.users["town_admin"], world.users["station_manager"]
    with scope_for(admin):
        with pytest.raises(ValidationError) as exc:
            reveal(actor=admin, obj=subject, field_name="mobile", reason=" ")
        assert exc.value.message_dict == {"reason": ["请说明查看完整信息的理由。"]}
        assert AuditLog.objects.filter(action="reveal").count() == 0
        value = reveal(actor=admin, obj=subject, field_name="mobile", reason="回访核实")
    assert value == subject.mobile
    row = AuditLog.all_objects.get(action="reveal")
    assert (row.actor, row.target_id, row.field, row.reason) == (admin, str(subject.pk), "mobile", "回访核实")
    assert subject.mobile not in str(row.changes)


def test_reveal_refused_for_unmanaged_user_and_non_encrypted_field(world):
    with scope_for(world.users["volunteer"]):
        with pytest.raises(PermissionDenied):
            reveal(
                actor=world.users["volunteer"], obj=world.users["station_manager"], field_name="mobile", reason="看看"
            )
    with scope_for(world.users["town_admin"]):
        with pytest.raises(PermissionDenied):
            reveal(
                actor=world.users["town_admin"], obj=world.users["station_manager"], field_name="username", reason="x1"
            )


def test_reveal_endpoint_returns_value_and_logs(world, client_for):
    subject = world.users["station_manager"]
    client = client_for(world.users["town_admin"])
    bad = client.post(f"/reveal/accounts.user/{subject.pk}/mobile/", {"reason": ""})
    assert bad.status_code == 400
    assert subject.mobile not in bad.content.decode()
    ok = client.post(f"/reveal/accounts.user/{subject.pk}/mobile/", {"reason": "核实联系方式"})
    assert ok.status_code == 200
    assert subject.mobile in ok.content.decode()
    assert AuditLog.all_objects.filter(action="reveal", target_id=str(subject.pk)).count() == 1
    assert client.post("/reveal/regions.region/1/name/", {"reason": "xx"}).status_code == 404  # not revealable


def test_key_rotation_round_trip(world, settings):
    user = world.users["station_manager"]
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]  # new key first, old still decrypts
    assert User.all_objects.get(pk=user.pk).mobile == user.mobile
    before = _raw_row(user)
    call_command("rotate_field_keys", stdout=open("/dev/null", "w"))
    after = _raw_row(user)
    assert before != after
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # old key removed: everything still readable
    assert User.all_objects.get(pk=user.pk).mobile == user.mobile
    settings.FIELD_ENCRYPTION_KEYS = [old_key]  # and the old key alone no longer reads it
    with pytest.raises(ValueError, match="^No configured key decrypts this value.$"):
        User.all_objects.get(pk=user.pk)


@pytest.mark.parametrize("field", ["name", "username", "password", "no_such_field"])
def test_reveal_endpoint_answers_404_for_a_field_that_is_not_encrypted(world, client_for, field):
    """Was a 500: the page masked the field before checking that it is an encrypted one."""
    client = client_for(world.users["town_admin"])
    url = f"/reveal/accounts.user/{world.users['station_manager'].pk}/{field}/"
    response = client.post(url, {"reason": "核实"})
    assert response.status_code == 404
    assert not AuditLog.all_objects.filter(action=AuditLog.Action.REVEAL).exists()
