"""Target groups are one list for the whole platform: only province and platform admins add or switch one off."""

import pytest
from django.core.exceptions import PermissionDenied

from yizhan.accounts.models import Role
from yizhan.audit.models import AuditLog
from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.people.models import TargetGroup
from yizhan.people.services import people as services
from yizhan.tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_a_province_admin_adds_and_switches_off_a_group(world, client_for):
    with scopes_disabled():
        province = user_with_role(Role.FEDERATION_ADMIN, world.regions["33"], username="province_admin")
    client = client_for(province)
    assert 'name="name"' in client.get("/people/groups/").content.decode()
    response = client.post("/people/groups/", {"name": "孤寡老人", "description": "", "sort_order": 70})
    assert response.status_code == 302
    with scopes_disabled():
        group = TargetGroup.objects.get(name="孤寡老人")
    assert client.post("/people/groups/", {"toggle": str(group.pk)}).status_code == 302
    with scopes_disabled():
        assert not TargetGroup.objects.get(pk=group.pk).is_active
        assert AuditLog.all_objects.filter(target_type="people.targetgroup", target_id=str(group.pk)).count() == 2


@pytest.mark.parametrize("role", ["district_admin", "town_admin"])
def test_a_county_or_town_admin_cannot_change_the_platform_list(world, client_for, role):
    client = client_for(world.users[role])
    assert 'name="name"' not in client.get("/people/groups/").content.decode()
    with scopes_disabled():
        before = TargetGroup.objects.count()
        group = TargetGroup.objects.first()
    assert client.post("/people/groups/", {"name": "孤寡老人", "description": "", "sort_order": 70}).status_code == 403
    assert client.post("/people/groups/", {"toggle": str(group.pk)}).status_code == 403
    with scope_for(world.users[role]), pytest.raises(PermissionDenied):
        services.target_group_set_active(group=group, active=False, changed_by=world.users[role])
    with scopes_disabled():
        assert TargetGroup.objects.count() == before
        assert TargetGroup.objects.get(pk=group.pk).is_active
