"""Contacts of a place, for every kind of place: a station's here, a studio's in mediation. Each app's contact
service is these two functions applied to its own contact model (a concrete ``ContactBase``)."""

from typing import TypeVar

from django.db import transaction

from yizhan.audit import services as audit
from yizhan.core.permissions import require

from ..models import ContactBase
from .common import strip_text

AnyContact = TypeVar("AnyContact", bound=ContactBase)


def add_contact(
    model: type[AnyContact], *, place, created_by, name, role, phone="", is_public=True, sort_order=0
) -> AnyContact:
    """A contact person of ``place`` (phone encrypted, always shown masked), for those ``model.place_rule`` lets."""
    require(model.place_rule, place)
    contact = model(
        name=strip_text(name), role=strip_text(role), phone=(phone or "").replace(" ", ""), is_public=is_public
    )
    contact.sort_order = sort_order or 0
    setattr(contact, model.place_field, place)
    contact.full_clean(validate_constraints=False)
    with transaction.atomic():
        contact.save()
        audit.log_create(created_by, contact)
    return contact


def remove_contact(contact: ContactBase, *, deleted_by) -> None:
    require(contact.place_rule, contact.place)
    with transaction.atomic():
        audit.log_delete(deleted_by, contact)
        contact.delete()
