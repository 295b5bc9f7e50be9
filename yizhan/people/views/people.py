import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yizhan.core.crypto import blind_index
from yizhan.core.documents import ExportTooLargeError
from yizhan.core.forms import add_errors
from yizhan.core.pagination import paginate
from yizhan.core.permissions import is_admin, require, requires
from yizhan.core.scoping import require_scope

from .. import selectors, services
from ..exports import people_export
from ..forms import (
    ConsentForm,
    EraseForm,
    ExportForm,
    GroupAddForm,
    HouseholdForm,
    HouseholdJoinForm,
    PersonFilterForm,
    PersonForm,
    RelationForm,
    TargetGroupForm,
    WithdrawForm,
)
from ..models import Consent, Household, Person, Relation, TargetGroup, TargetGroupMembership
from ..permissions import can_erase_person, can_manage_target_groups, works_with_residents
from ..validators import normalize_id_number
from .common import consent_form_for, get_person_or_404


def _filter_form(request):
    return PersonFilterForm(
        request.GET or None, villages=selectors.villages_in_scope(), groups=selectors.target_groups()
    )


def _filtered_people(form):
    """The people the filters ask for; none when a filter is not valid (the form says why)."""
    if not form.is_bound:
        return selectors.person_list()
    if form.is_valid():
        data = form.cleaned_data
        return selectors.person_list(
            search=data["q"],
            key=data["key"],
            village=data["village"].code if data["village"] else "",
            group=data["group"],
            age_band=data["age_band"],
        )
    return Person.objects.none()


def _search_redirect(data):
    """Searches are posted and answered with a redirect whose URL holds a blind-index token instead of a full
    mobile or ID number, so numbers never reach URLs, browser history or access logs."""
    params = QueryDict(mutable=True)
    for name in ("village", "group", "age_band"):
        values = [v for v in data.getlist(name) if v.strip()]  # the village's typed fallback comes last
        if values:
            params[name] = values[-1]
    q = (data.get("q") or "").strip()
    key = selectors.search_key(q)
    if key:
        params["key"] = key
    elif q:
        params["q"] = q
    return redirect(f"{reverse('people:list')}?{params.urlencode()}")


@requires(works_with_residents)
def person_list(request):
    if request.method == "POST":
        return _search_redirect(request.POST)
    if selectors.search_key(request.GET.get("q", "")):
        return _search_redirect(request.GET)
    form = _filter_form(request)
    page = paginate(request, _filtered_people(form))
    return render(
        request,
        "people/person_list.html",
        {"form": form, "page": page, "export_form": ExportForm(), "query": request.GET.urlencode()},
        status=400 if form.errors else 200,
    )


@requires(works_with_residents)
def person_export(request):
    """GET: masked Excel of the filtered list. POST with full=1 and a reason: full values, each reveal logged."""
    form = _filter_form(request)
    if form.errors:  # the list shows why
        return redirect(f"{reverse('people:list')}?{request.GET.urlencode()}")
    people = _filtered_people(form)
    full, reason = False, ""
    if request.method == "POST":
        export_form = ExportForm(request.POST)
        if not export_form.is_valid():
            messages.error(request, " ".join(m for ms in export_form.errors.values() for m in ms))
            return redirect(f"{reverse('people:list')}?{request.GET.urlencode()}")
        full, reason = export_form.cleaned_data["full"], export_form.cleaned_data["reason"]
    try:
        return people_export(people=people, actor=request.user, full=full, reason=reason)
    except PermissionDenied:
        messages.error(request, _("You may not see the full values of some of these people; export them masked."))
    except ExportTooLargeError as exc:
        messages.error(
            request,
            _("More than %(limit)s residents match, more than one file holds; narrow the list by village or group.")
            % {"limit": f"{exc.limit:,}"},
        )
    return redirect(f"{reverse('people:list')}?{request.GET.urlencode()}")


def _person_values(data, person=None):
    """The form's values for the services. When correcting a record, the write-only fields (numbers, address,
    notes, date of birth: the form never shows them) keep their value when left empty; the date of birth is then
    taken from a new resident ID number instead, if one is given."""
    values = {k: data[k] for k in ("name", "gender", "birth_date", "id_type", "residency", "region")}
    for key in ("id_number", "mobile", "address", "notes"):
        values[key] = data[key] if (data[key] or person is None) else getattr(person, key)
    if person is not None and data["birth_date"] is None:
        new_resident_id = data["id_number"] and data["id_type"] == Person.IdType.RESIDENT_ID
        values["birth_date"] = None if new_resident_id else person.birth_date
    return values


@requires(works_with_residents)
def person_create(request):
    form = PersonForm(request.POST or None, villages=selectors.villages_in_scope())
    existing = None
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(created_by=request.user, **_person_values(form.cleaned_data))
        except services.DuplicatePersonError as exc:
            existing = exc.existing
            add_errors(form, exc)
        except ValidationError as exc:
            add_errors(form, exc)
        except PermissionDenied:
            form.add_error("region", _("You cannot register residents of this village."))
        else:
            messages.success(request, _("%(name)s registered.") % {"name": person.name})
            return redirect("people:detail", pk=person.pk)
    return render(
        request, "people/person_form.html", {"form": form, "existing": existing}, status=400 if form.errors else 200
    )


@requires(works_with_residents)
def person_edit(request, pk):
    person = get_person_or_404(pk)
    if person.is_anonymised:
        raise Http404
    initial = {
        "name": person.name,
        "gender": person.gender,
        "id_type": person.id_type,
        "region": person.region.code,
        "residency": person.residency,
        "version": person.version,
    }
    form = PersonForm(request.POST or None, initial=initial, villages=selectors.villages_in_scope(), editing=True)
    if request.method == "POST" and form.is_valid():
        values = _person_values(form.cleaned_data, person)
        for key in ("id_number", "mobile", "address", "notes", "birth_date"):
            if request.POST.get(f"clear_{key}"):
                values[key] = None if key == "birth_date" else ""
        try:
            services.person_update(
                person=person, changed_by=request.user, version=form.cleaned_data["version"] or 0, **values
            )
        except ValidationError as exc:
            add_errors(form, exc)
        except PermissionDenied:
            form.add_error("region", _("You cannot register residents of this village."))
        else:
            messages.success(request, _("Changes saved."))
            return redirect("people:detail", pk=person.pk)
    return render(
        request, "people/person_form.html", {"form": form, "person": person}, status=400 if form.errors else 200
    )


@requires(works_with_residents)
def person_detail(request, pk):
    person = get_person_or_404(pk)
    scope = require_scope()
    admin = is_admin(scope)
    guardians = selectors.guardians_of(person)
    consents = selectors.consents_shown(person)
    context = {
        "person": person,
        "guardians": Person.objects.filter(pk__in=guardians.values("pk")).select_related("region")
        if person.is_child
        else [],
        "relations": selectors.person_relations(person),
        "groups": selectors.person_groups(person),
        "consents": consents,
        "has_care_consent": any(c.purpose == Consent.Purpose.CARE and not c.withdrawn_on for c, _name in consents),
        "visits": selectors.person_visits(person)[:20],
        "due_visits": selectors.person_due_visits(person),
        "needs": selectors.person_needs(person)[:20],
        "household_members": selectors.household_members(person.household) if person.household_id else [],
        "join_form": HouseholdJoinForm(households=selectors.households_in(person.region))
        if not person.household_id
        else None,
        "reveal_history": list(selectors.reveal_history(person)[:50]) if admin else None,
        "is_admin": admin,
        "can_erase": can_erase_person(scope, person),
        "relation_form": RelationForm(),
        "group_form": GroupAddForm(),
        "consent_form": consent_form_for(person),
        "household_form": HouseholdForm(initial={"name": _("%(name)s's household") % {"name": person.name}}),
        "withdraw_form": WithdrawForm(),
        "can_reveal": person.can_reveal(request.user, "id_number"),
    }
    return render(request, "people/person_detail.html", context)


def _find_other(person, text: str):
    text = (text or "").strip()
    if not text:
        return None
    candidates = selectors.person_list(village="")
    if len(text) >= 15 and text[:6].isdigit():
        return candidates.filter(id_number_index=blind_index("id_number", normalize_id_number(text))).first()
    matches = list(candidates.filter(name=text, region=person.region).exclude(pk=person.pk)[:2])
    return matches[0] if len(matches) == 1 else None


@requires(works_with_residents)
@require_POST
def relation_add(request, pk):
    person = get_person_or_404(pk)
    form = RelationForm(request.POST)
    if form.is_valid():
        other = _find_other(person, form.cleaned_data["other"])
        if other is None:
            messages.error(request, _("No single person in your villages matches; use the full ID number."))
        else:
            outgoing = form.cleaned_data["direction"] == "out"
            try:
                services.relation_add(
                    created_by=request.user,
                    person=person if outgoing else other,
                    relative=other if outgoing else person,
                    kind=form.cleaned_data["kind"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            except PermissionDenied:
                messages.error(request, _("You cannot change records of that village."))
            else:
                messages.success(request, _("Relation recorded."))
    else:
        messages.error(request, _("Choose the relation and the other person."))
    return redirect("people:detail", pk=person.pk)


@requires(works_with_residents)
@require_POST
def relation_remove(request, pk, relation_pk):
    person = get_person_or_404(pk)
    relation = (
        Relation.objects.filter(pk=relation_pk).filter(person=person).first()
        or Relation.objects.filter(pk=relation_pk, relative=person).first()
    )
    if relation is None:
        raise Http404
    try:
        services.relation_remove(relation=relation, removed_by=request.user)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You cannot change records of that village."))
    else:
        messages.success(request, _("Relation removed."))
    return redirect("people:detail", pk=person.pk)


@requires(works_with_residents)
@require_POST
def group_add(request, pk):
    person = get_person_or_404(pk)
    form = GroupAddForm(request.POST)
    if form.is_valid():
        try:
            services.group_add(
                recorded_by=request.user,
                person=person,
                group=form.cleaned_data["group"],
                start_date=form.cleaned_data["start_date"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Target group recorded."))
    else:
        messages.error(request, _("Choose a target group."))
    return redirect("people:detail", pk=person.pk)


@requires(works_with_residents)
@require_POST
def group_end(request, pk, membership_pk):
    person = get_person_or_404(pk)
    membership = TargetGroupMembership.objects.filter(pk=membership_pk, person=person).first()
    if membership is None:
        raise Http404
    try:
        services.group_end(membership=membership, ended_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Target group membership ended."))
    return redirect("people:detail", pk=person.pk)


@requires(works_with_residents)
@require_POST
def consent_add(request, pk):
    person = get_person_or_404(pk)
    form = ConsentForm(request.POST, guardians=selectors.guardians_of(person))
    if form.is_valid():
        try:
            services.consent_record(recorded_by=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Consent recorded."))
    else:
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
    if request.POST.get("next") == "visit":  # recorded from the visit form, which needs it: back there
        return redirect("people:visit_create", pk=person.pk)
    return redirect("people:detail", pk=person.pk)


@requires(works_with_residents)
@require_POST
def consent_withdraw(request, pk, consent_pk):
    person = get_person_or_404(pk)
    consent = Consent.objects.filter(pk=consent_pk, person=person).first()
    if consent is None:
        raise Http404
    form = WithdrawForm(request.POST)
    form.is_valid()
    try:
        services.consent_withdraw(consent=consent, withdrawn_by=request.user, note=form.cleaned_data.get("note", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Withdrawal recorded; the data is now used only as the law allows."))
    return redirect("people:detail", pk=person.pk)


@requires(works_with_residents)
@require_POST
def household_create(request, pk):
    person = get_person_or_404(pk)
    try:
        if "household" in request.POST:  # the join form, chosen or not
            join = HouseholdJoinForm(request.POST, households=selectors.households_in(person.region))
            if not join.is_valid():
                raise ValidationError(join.errors["household"])
            services.household_set(person=person, household=join.cleaned_data["household"], changed_by=request.user)
        elif request.POST.get("leave"):
            services.household_set(person=person, household=None, changed_by=request.user)
        else:
            form = HouseholdForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Enter the household name."))
            services.household_create(
                created_by=request.user, region=person.region, members=[person], **form.cleaned_data
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Household updated."))
    return redirect("people:detail", pk=person.pk)


@requires(works_with_residents)
def household_detail(request, pk):
    try:
        household = selectors.household_get(pk)
    except (Household.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    members = list(selectors.household_members(household))
    relations = list(
        Relation.objects.filter(person__in=members, relative__in=members).select_related("person", "relative")
    )
    return render(
        request, "people/household_detail.html", {"household": household, "members": members, "relations": relations}
    )


@requires(works_with_residents)
@require_POST
def subject_export(request, pk):
    """The person's right of access: everything we hold, as a JSON file for them. Logged."""
    person = get_person_or_404(pk)
    try:
        data = services.subject_export(person=person, actor=request.user)
    except PermissionDenied:
        raise
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.json"'
    response["Cache-Control"] = "no-store"
    return response


@requires(is_admin)
def person_erase(request, pk):
    person = get_person_or_404(pk)
    require(can_erase_person, person)
    form = EraseForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = services.person_erase(person=person, actor=request.user, reason=form.cleaned_data["reason"])
        person.refresh_from_db()
    return render(
        request,
        "people/person_erase.html",
        {"person": person, "form": form, "result": result, "holds": services.privacy.holds_for(person)},
        status=400 if form.errors else 200,
    )


@requires(works_with_residents)
def target_groups(request):
    scope = require_scope()
    form = TargetGroupForm(request.POST or None) if can_manage_target_groups(scope) else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        toggle = request.POST.get("toggle", "")
        if toggle.isdigit():
            group = TargetGroup.objects.filter(pk=int(toggle)).first()
            if group is None:
                raise Http404
            services.target_group_set_active(group=group, active=not group.is_active, changed_by=request.user)
            messages.success(request, _("Target group updated."))
            return redirect("people:groups")
        if form.is_valid():
            try:
                services.target_group_create(created_by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Target group added."))
                return redirect("people:groups")
    return render(
        request,
        "people/target_groups.html",
        {"groups": selectors.target_groups(active_only=False), "form": form},
        status=400 if form is not None and form.errors else 200,
    )
