from django.http import Http404

from .. import selectors
from ..models import Person


def get_person_or_404(pk) -> Person:
    try:
        return selectors.person_get(pk)
    except (Person.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def staff_for(region_code: str):
    """Staff who can visit or own actions in a village: see ``selectors.staff_for``."""
    return selectors.staff_for(region_code)
