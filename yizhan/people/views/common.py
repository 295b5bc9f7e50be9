from django.http import Http404, HttpResponse

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


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
