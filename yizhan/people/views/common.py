from django.http import Http404
from django.utils import timezone

from .. import selectors
from ..forms import ConsentForm
from ..models import Person


def get_person_or_404(pk) -> Person:
    try:
        return selectors.person_get(pk)
    except (Person.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def staff_for(region_code: str):
    """Staff who can visit or own actions in a village, named by place and role: see ``selectors.staff_for``."""
    return selectors.staff_named_for(region_code)


def consent_form_for(person, **initial):
    """The "record a consent" form for this person, with today's date and who gives it (the guardian for a child)."""
    guardians = selectors.guardians_of(person)
    return ConsentForm(
        initial={
            "given_on": timezone.localdate(),
            "given_by": "guardian" if person.needs_guardian_consent else "self",
            **initial,
        },
        guardians=guardians,
        guardian_names=selectors.names_as_seen(guardians),
    )
