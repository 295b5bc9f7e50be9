"""The people app's picker endpoints (``core/pickers.py``): a page of villages, plan areas or people in scope."""

from yizhan.core.permissions import requires
from yizhan.core.pickers import name_search, picker_response, region_search

from .. import selectors
from ..forms import area_label
from ..permissions import works_with_residents


def region_label(region) -> str:
    return region.name


def person_label(person) -> str:
    """As the people list names a person in scope: name and village (numbers are never part of a label)."""
    return f"{person.name} · {person.region.name}"


search_people = name_search("name")


@requires(works_with_residents)
def pick_villages(request):
    return picker_response(
        request, selectors.villages_in_scope(), search=region_search, label=region_label, value=lambda r: r.code
    )


@requires(works_with_residents)
def pick_plan_areas(request):
    return picker_response(
        request, selectors.plan_areas(), search=region_search, label=area_label, value=lambda r: r.code
    )


@requires(works_with_residents)
def pick_people(request):
    return picker_response(request, selectors.people_to_pick(), search=search_people, label=person_label)
