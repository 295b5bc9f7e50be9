"""Cases at the 东灵社区 studio of ``build_studio_network``, made directly (inside ``scopes_disabled()``) for tests
and matrix rows; the services are tested on their own in test_cases.py."""

from django.utils import timezone

from yizhan.mediation.models import Case, CaseMember, CaseNumberCounter, CaseParty, DisputeType, StudioMember
from yizhan.mediation.tests.network import build_studio_network


def make_case(w, *, status=Case.Status.INTAKE, advisor_on=False, lead=False, narrative="双方因抚养费发生争执。"):
    """A case at the 东灵 studio: ``advisor_on`` puts the world's advisor (the lawyer) on its team, ``lead`` the
    world's mediator as its lead."""
    network = build_studio_network(w)
    studio = network.studio
    year = timezone.localdate().year
    counter, _ = CaseNumberCounter.all_objects.get_or_create(studio=studio, year=year)
    counter.last += 1
    counter.save()
    case = Case.all_objects.create(
        studio=studio,
        number=studio.case_number_format.format(year=year, seq=counter.last),
        year=year,
        sequence=counter.last,
        source=Case.Source.WALK_IN,
        dispute_type=DisputeType.objects.get(code="child_support"),
        narrative=narrative,
        status=status,
        accepted_at=timezone.now() if status != Case.Status.INTAKE else None,
        willingness_recorded=status != Case.Status.INTAKE,
        notice_given=status != Case.Status.INTAKE,
        created_by=w.users["mediator"],
        lead=w.users["mediator"] if lead else None,
    )
    CaseParty.all_objects.create(case=case, role=CaseParty.Role.APPLICANT, name="李秀英", mobile="13912345678")
    CaseParty.all_objects.create(
        case=case, role=CaseParty.Role.RESPONDENT, name="王强", mobile="13887654321", relation="前夫"
    )
    if lead:
        CaseMember.all_objects.create(case=case, member=network.member, role=CaseMember.Role.LEAD)
    if advisor_on:
        lawyer = StudioMember.all_objects.get(studio=studio, user=w.users["advisor"])
        CaseMember.all_objects.create(case=case, member=lawyer, role=CaseMember.Role.ADVISOR)
    return case
