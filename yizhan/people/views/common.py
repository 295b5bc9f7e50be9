from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse

from yizhan.accounts.models import User

from .. import selectors
from ..models import Person


def add_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def get_person_or_404(pk) -> Person:
    try:
        return selectors.person_get(pk)
    except (Person.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def staff_for(region_code: str):
    """Staff who can visit or own actions in a village: people holding a role there or at the town above."""
    codes = {region_code, region_code[:9], region_code[:6]}
    return (
        User.all_objects.filter(memberships__region__code__in=codes, memberships__is_active=True, is_active=True)
        .distinct()
        .order_by("name")
    )


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
