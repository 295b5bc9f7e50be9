"""The one optimistic version check (core/versioning.py)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation

from yizhan.core.scoping import scopes_disabled
from yizhan.core.versioning import StaleVersionError, bump_version
from yizhan.people.models import Person
from yizhan.stations.models import Room
from yizhan.stations.tests.network import build_network
from yizhan.tests.factories import PersonFactory


@pytest.fixture
def person(world):
    with scopes_disabled():
        return PersonFactory()


def test_bump_raises_the_stored_version_once(person):
    stamp = person.updated_at
    bump_version(person, 1)
    stored = Person.all_objects.get(pk=person.pk)
    assert person.version == stored.version == 2
    assert person.updated_at == stored.updated_at
    assert stored.updated_at >= stamp
    with pytest.raises(StaleVersionError):
        bump_version(person, 1)  # the version this editor read is gone
    assert Person.all_objects.get(pk=person.pk).version == 2


@pytest.mark.parametrize("expected", [None, "", "abc", "1.5", 0, 5])
def test_missing_garbage_or_wrong_versions_are_stale(person, expected):
    with pytest.raises(StaleVersionError):
        bump_version(person, expected)
    assert Person.all_objects.get(pk=person.pk).version == 1


def test_text_from_a_form_is_accepted(person):
    bump_version(person, "1")
    assert Person.all_objects.get(pk=person.pk).version == 2


def test_stale_error_is_a_validation_error_on_the_version_field_translated(person):
    with pytest.raises(ValidationError) as caught:
        bump_version(person, 7)
    assert isinstance(caught.value, StaleVersionError)
    assert list(caught.value.message_dict) == ["version"]
    with translation.override("zh-hans"):
        assert caught.value.message_dict["version"] == [
            "在您编辑期间已有其他人修改了这些内容，本次没有保存。请刷新页面查看最新内容后重新修改。"
        ]
    with translation.override("en"):
        assert caught.value.message_dict["version"] == [
            "Someone else changed this in the meantime. Nothing was saved: reload the page to see their changes, "
            "then make yours again."
        ]


def test_a_later_error_in_the_transaction_undoes_the_bump(person):
    with pytest.raises(RuntimeError), transaction.atomic():  # noqa: PT012 - the block must fail after the bump
        bump_version(person, 1)
        raise RuntimeError
    assert Person.all_objects.get(pk=person.pk).version == 1


def test_models_without_updated_at_are_bumped_too(world):
    room = build_network(world).room
    assert not any(f.name == "updated_at" for f in Room._meta.concrete_fields)
    bump_version(room, room.version)
    assert Room.all_objects.get(pk=room.pk).version == 2


def test_bump_needs_no_scope_and_touches_only_its_row(world):
    with scopes_disabled():
        first, second = PersonFactory(), PersonFactory()
    bump_version(first, 1)  # no scope is active here
    assert Person.all_objects.get(pk=first.pk).version == 2
    assert Person.all_objects.get(pk=second.pk).version == 1
