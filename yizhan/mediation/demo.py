"""The seed's family mediation studio in 瓜沥镇 (DESIGN.md §1): 东灵社区's brand studio and its joint-mediation team.

``seed()`` is declared as ``MediationConfig.demo`` (yizhan/core/demo.py runs it after the stations), and writes as
瓜沥镇's admin, in her scope. Idempotent: the studio and its team members are found and only created when missing.
"""

from datetime import date, timedelta

from django.utils import timezone

from yizhan.accounts.demo import demo_actor
from yizhan.accounts.models import User
from yizhan.core.scoping import scope_for
from yizhan.regions.models import Region
from yizhan.stations.models import Status

from . import services
from .models import Case, CaseParty, DisputeType, RiskScreening, Studio, StudioMember
from .services import PartyData, safety, sessions

STUDIO = {
    "village": "330109113003",
    "name": "东灵社区婚姻家庭纠纷调解工作室",
    "brand_name": "萧山区婚姻家庭纠纷化解品牌工作室",
    "address": "瓜沥镇东灵社区党群服务中心",
    "opened_on": date(2023, 5, 1),
    "introduction": (
        "东灵社区面积0.74平方公里，常住人口8000余人，外来人口多。工作室以“团队联调”方式，由调解员主持，"
        "律师顾问、向阳社工工作室、灵悦心理咨询角（心灵驿站）和社区共享法庭共同参与，提供法律咨询、心理疏导和家庭关系改善建议。"
    ),
}

# Team of the 东灵 studio: username (accounts from yizhan.accounts.demo.DEMO_USERS; fictional people), kind,
# can lead, organisation.
TEAM = [
    ("mediator", StudioMember.Kind.MEDIATOR, True, "东灵社区人民调解委员会"),
    ("advisor", StudioMember.Kind.LAWYER, False, "浙江明理律师事务所"),
    ("social_worker_dongling", StudioMember.Kind.SOCIAL_WORKER, False, "向阳社工工作室"),
    ("counsellor_dongling", StudioMember.Kind.COUNSELLOR, False, "灵悦心理咨询角（心灵驿站）"),
    ("court_liaison_dongling", StudioMember.Kind.COURT_LIAISON, False, "东灵社区共享法庭"),
]


def seed_studios(*, by):
    """The 东灵 studio, its contact and its team, written through the services by ``by`` (an admin over 瓜沥镇, whose
    scope is active), so the audit log has them. Safe to run again."""
    region = Region.all_objects.get(code=STUDIO["village"])
    studio = Studio.all_objects.filter(region=region, name=STUDIO["name"]).first()
    if studio is None:
        studio = services.studio_create(
            created_by=by,
            region=region,
            name=STUDIO["name"],
            brand_name=STUDIO["brand_name"],
            address=STUDIO["address"],
            introduction=STUDIO["introduction"],
            status=Status.OPERATING,
            status_since=STUDIO["opened_on"],
            opened_on=STUDIO["opened_on"],
            case_number_format="（{year}）瓜东调字第 {seq:03d} 号",
        )
        services.studio_contact_create(studio=studio, created_by=by, role="调解员", name="张敏", phone="13800000005")
    for username, kind, can_lead, organisation in TEAM:
        user = User.all_objects.filter(username=username).first()
        if user is None or StudioMember.all_objects.filter(studio=studio, user=user, kind=kind).exists():
            continue
        # Also gives the account its mediator or advisor role at the studio.
        services.studio_member_add(
            studio=studio, user=user, kind=kind, added_by=by, can_lead=can_lead, organisation=organisation
        )


# Fictional cases at the 东灵 studio, taken in and run by its mediator through the services: (days ago, source,
# dispute type, narrative, parties (role, name, mobile, relation), what happens next).
CASES = [
    (
        2,
        "walk_in",
        "divorce",
        "申请人称与丈夫长期分居，希望就离婚后子女抚养先行协商。",
        [("applicant", "陈丽华", "13900001001", ""), ("respondent", "周建平", "", "丈夫")],
        "intake",
    ),
    (
        12,
        "hotline_12338",
        "elder_support",
        "三名子女就母亲赡养费分担和轮流照料发生争执。",
        [
            ("applicant", "孙阿婆", "13900001002", ""),
            ("respondent", "孙志强", "", "长子"),
            ("other", "孙志红", "", "女儿"),
        ],
        "team",
    ),
    (
        25,
        "grid_worker",
        "family_relations",
        "婆媳因照看孙子和家务分工多次争吵，网格员上报。",
        [("applicant", "钱月芳", "13900001003", ""), ("respondent", "吴小燕", "", "儿媳")],
        "agreement",
    ),
    (
        40,
        "court",
        "visitation",
        "离婚后父亲要求每月探望女儿两次，母亲不同意，法院诉前委派。",
        [("applicant", "郑海涛", "13900001004", ""), ("respondent", "林晓梅", "13900001005", "前妻")],
        "no_agreement",
    ),
    (
        8,
        "police",
        "family_property_division",
        "兄弟二人因老宅拆迁款分配发生冲突，派出所移送。",
        [("applicant", "冯国强", "13900001006", ""), ("respondent", "冯国华", "", "弟弟")],
        "not_accepted",
    ),
]


def seed_cases(*, studio: Studio) -> int:
    """The demo cases, written as the studio's mediator in her scope. Safe to run again: only at a studio without
    cases."""
    mediator = User.all_objects.filter(username="mediator").first()
    if mediator is None or Case.all_objects.filter(studio=studio).exists():
        return 0
    lead = StudioMember.all_objects.filter(studio=studio, user=mediator, can_lead=True).first()
    lawyer = StudioMember.all_objects.filter(studio=studio, kind=StudioMember.Kind.LAWYER).first()
    if lead is None:
        return 0
    today = timezone.localdate()
    with scope_for(mediator):
        for days_ago, source, code, narrative, parties, step in CASES:
            case = services.case_intake(
                studio=studio,
                taken_by=mediator,
                source=source,
                dispute_type=DisputeType.objects.get(code=code),
                narrative=narrative,
                received_on=today - timedelta(days=days_ago),
                parties=[PartyData(role=r, name=n, mobile=m, relation=rel) for r, n, m, rel in parties],
            )
            if step == "intake":
                continue
            if step == "not_accepted":
                services.case_not_accept(
                    case=case,
                    decided_by=mediator,
                    version=case.version,
                    reason="被申请人明确拒绝调解",
                    referral="引导当事人向瓜沥人民法庭起诉",
                )
                continue
            services.case_accept(
                case=case, accepted_by=mediator, version=case.version, willingness_recorded=True, notice_given=True
            )
            members = [lawyer] if lawyer is not None else []
            services.case_assign_team(case=case, assigned_by=mediator, version=case.version, lead=lead, members=members)
            if step == "agreement":
                services.case_close(
                    case=case, closed_by=mediator, version=case.version, outcome="agreement", agreement_form="oral"
                )
            elif step == "no_agreement":
                services.case_close(
                    case=case,
                    closed_by=mediator,
                    version=case.version,
                    outcome="no_agreement",
                    reason="双方对探望频次分歧较大",
                    advice="已告知当事人可向人民法院提起诉讼",
                )
    return len(CASES)


def seed() -> str:
    actor = demo_actor()
    with scope_for(actor):
        seed_studios(by=actor)
    studio = Studio.all_objects.get(region__code=STUDIO["village"], name=STUDIO["name"])
    cases = seed_cases(studio=studio)
    return f"1 studio with a team of {len(TEAM)}, {cases} cases"


# --- a domestic-violence case with red risk (issue 11, safety slice): joint sessions blocked, safety steps taken ---


def seed_safety(*, studio: Studio) -> int:
    """A red-risk domestic-violence case run by the studio's mediator: screened red with children present (the
    mandatory report made), police referral, a protection order granted, a separate session recorded and the joint
    session blocked; and an appointment with the lawyer. Safe to run again: only at a studio without screenings."""
    mediator = User.all_objects.filter(username="mediator").first()
    lead = StudioMember.all_objects.filter(studio=studio, user__username="mediator", can_lead=True).first()
    lawyer = StudioMember.all_objects.filter(studio=studio, kind=StudioMember.Kind.LAWYER).first()
    if mediator is None or lead is None or RiskScreening.all_objects.filter(case__studio=studio).exists():
        return 0
    now = timezone.now()
    with scope_for(mediator):
        case = services.case_intake(
            studio=studio,
            taken_by=mediator,
            source="police",
            dispute_type=DisputeType.objects.get(code="domestic_violence"),
            narrative="申请人称丈夫酒后多次殴打，上周持刀威胁，两名未成年子女在场。派出所出警后移送工作室。",
            received_on=timezone.localdate() - timedelta(days=6),
            parties=[
                PartyData(role="applicant", name="何美玲", mobile="13900001007"),
                PartyData(role="respondent", name="蒋伟", relation="丈夫"),
            ],
        )
        safety.screening_record(
            case=case,
            screened_by=mediator,
            answers=["prior_violence", "frequent_violence", "weapon", "alcohol_drugs", "children_present"],
            note="申请人情绪紧张，暂住娘家。",
            screened_at=now - timedelta(days=6),
        )
        for report in safety.pending_mandatory_reports(case):
            safety.mandatory_report_record(
                report=report, reported_by=mediator, reported_to="瓜沥派出所", reported_at=now - timedelta(days=6)
            )
        safety.police_referral_record(
            case=case, referred_by=mediator, referred_at=now - timedelta(days=6), station="瓜沥派出所"
        )
        services.case_accept(
            case=case, accepted_by=mediator, version=case.version, willingness_recorded=True, notice_given=True
        )
        services.case_assign_team(
            case=case, assigned_by=mediator, version=case.version, lead=lead, members=[lawyer] if lawyer else []
        )
        applicant = CaseParty.objects.get(case=case, role="applicant")
        order = safety.protection_order_apply(
            case=case,
            recorded_by=mediator,
            protected_party=applicant,
            applied_at=now - timedelta(days=5),
            court="杭州市萧山区人民法院",
            urgent=True,
        )
        ruled = timezone.localdate() - timedelta(days=5)
        safety.protection_order_rule(
            order=order,
            recorded_by=mediator,
            version=order.version,
            ruling="granted",
            ruling_on=ruled,
            expires_on=safety.add_months(ruled, 6),
        )
        sessions.session_record(
            case=case,
            recorded_by=mediator,
            kind="separate",
            starts_at=now - timedelta(days=3),
            place="东灵社区调解室",
            heard_party=applicant,
            team=[lead],
            record="申请人陈述受暴经过，希望先解决子女抚养问题，暂不考虑与被申请人见面。",
        )
        if lawyer is not None:
            sessions.appointment_create(
                studio=studio,
                created_by=mediator,
                member=lawyer,
                starts_at=now + timedelta(days=2),
                person_name="何美玲",
                mobile="13900001007",
                topic="legal",
                case=case,
            )
    return 1


_seed_first_slice = seed


def seed() -> str:  # noqa: F811  (the first slice's seed, then the safety slice's case)
    text = _seed_first_slice()
    studio = Studio.all_objects.get(region__code=STUDIO["village"], name=STUDIO["name"])
    return f"{text}, {seed_safety(studio=studio)} red-risk case"
