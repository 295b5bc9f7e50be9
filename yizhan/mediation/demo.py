"""The seed's family mediation studio in 瓜沥镇 (DESIGN.md §1): 东灵社区's brand studio and its joint-mediation team.

``seed()`` is declared as ``MediationConfig.demo`` (yizhan/core/demo.py runs it after the stations), and writes as
瓜沥镇's admin, in her scope. Idempotent: the studio and its team members are found and only created when missing.
"""

from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from yizhan.accounts.demo import demo_actor
from yizhan.accounts.models import User
from yizhan.core.scoping import scope_for
from yizhan.regions.models import Region
from yizhan.stations.models import Status

from . import services
from .documents import agreement_pdf
from .models import (
    Agreement,
    Case,
    CaseParty,
    DisputeType,
    FollowUp,
    OnlineRequest,
    RiskScreening,
    Studio,
    StudioMember,
)
from .services import PartyData, PartyDetails, safety, sessions
from .services.outcomes import follow_up_days
from .services.requests import online_request_submit

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
    (
        50,
        "walk_in",
        "child_support",
        "离婚后双方对孩子的课外培训费用分担争执不下，调解期限已过仍在协商。",
        [("applicant", "潘美琴", "13900001008", ""), ("respondent", "何志远", "", "前夫")],
        "overdue",
    ),
]


def seed_cases(*, studio: Studio) -> int:
    """The demo's current cases, written as the studio's mediator in her scope. Safe to run again (also months
    later): only at a studio where the first of them is not there yet."""
    mediator = User.all_objects.filter(username="mediator").first()
    first_applicant = CASES[0][4][0][1]  # the mark that these cases were seeded (names are stored in clear)
    if mediator is None or CaseParty.all_objects.filter(case__studio=studio, name=first_applicant).exists():
        return 0
    lead = StudioMember.all_objects.filter(studio=studio, user=mediator, can_lead=True).first()
    lawyer = StudioMember.all_objects.filter(studio=studio, kind=StudioMember.Kind.LAWYER).first()
    if lead is None:
        return 0
    today = timezone.localdate()
    with scope_for(mediator):
        for days_ago, source, code, narrative, parties, step in sorted(CASES, key=lambda row: -row[0]):
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
            if step == "overdue":  # accepted 45 days ago: its 30-day time limit has passed
                _move(case, accepted=today - timedelta(days=45))
            elif step == "agreement":
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


# --- the studio's history, 2023–2026 (issue 11, session 5): ~25 more cases in every state ---------------------------
# Every step goes through the services as the studio's mediator. The services stamp acceptance and closing with the
# present time; the demo then moves those timestamps (and the planned follow-up visits) back to the case's dates —
# here only, never in the services. The signed "scan" of a written agreement is its own PDF, made locally.

HISTORY_SUMMARY = [
    # (received, source, dispute type, narrative, parties, outcome, days to close)
    ((2023, 5, 16), "walk_in", "elder_support", "兄妹三人就父亲的赡养费分担发生争执。", "aged_father", "oral", 12),
    (
        (2023, 6, 28),
        "grid_worker",
        "family_relations",
        "婆媳因宅基地上加盖房屋发生口角，网格员上报。",
        "in_laws",
        "oral",
        9,
    ),
    ((2023, 8, 9), "hotline_12338", "divorce", "妻子要求离婚，双方就财产分割意见不一。", "couple", "no_agreement", 25),
    (
        (2023, 10, 17),
        "walk_in",
        "visitation",
        "离婚后母亲要求周末探望儿子，父亲以孩子学业为由拒绝。",
        "ex_couple",
        "written",
        14,
    ),
    (
        (2023, 12, 5),
        "care_visit",
        "elder_support",
        "驿站关爱走访发现独居老人子女长期未支付赡养费。",
        "aged_father",
        "withdrawn",
        6,
    ),
    (
        (2024, 1, 22),
        "walk_in",
        "betrothal_property",
        "订婚后解除婚约，男方要求返还彩礼十二万元。",
        "betrothed",
        "oral",
        18,
    ),
    ((2024, 3, 11), "court", "child_support", "法院诉前委派：父亲拖欠抚养费一年。", "ex_couple", "written", 20),
    (
        (2024, 4, 29),
        "online",
        "family_relations",
        "夫妻因赡养双方父母的分担长期争吵，线上申请调解。",
        "couple",
        "oral",
        10,
    ),
    (
        (2024, 6, 3),
        "walk_in",
        "post_divorce_property",
        "离婚后对共同购买的车辆归属发生争议。",
        "ex_couple",
        "no_agreement",
        28,
    ),
    (
        (2024, 7, 15),
        "grid_worker",
        "family_property_division",
        "兄弟分家时对父母留下的店面租金分配不一。",
        "brothers",
        "written",
        21,
    ),
    ((2024, 9, 2), "police", "family_relations", "夫妻争吵后报警，民警调处后移送工作室。", "couple", "withdrawn", 5),
    (
        (2024, 10, 21),
        "hotline_12338",
        "spousal_support",
        "丈夫因病失去劳动能力，妻子拒绝承担医疗费用。",
        "couple",
        "oral",
        16,
    ),
    (
        (2024, 12, 9),
        "walk_in",
        "guardianship",
        "父母离婚后对女儿的监护和户口迁移发生争议。",
        "ex_couple",
        "not_accepted",
        0,
    ),
    ((2025, 2, 17), "court", "child_support", "法院诉前委托：抚养费标准调整。", "ex_couple", "written", 19),
    ((2025, 3, 31), "walk_in", "elder_support", "老人要求儿子每月支付生活费并定期探望。", "aged_father", "oral", 8),
    ((2025, 5, 19), "online", "divorce", "夫妻协议离婚前就子女抚养和房屋归属申请调解。", "couple", "written", 24),
    (
        (2025, 7, 7),
        "grid_worker",
        "family_relations",
        "婆媳因照看孙辈方式不同多次冲突。",
        "in_laws",
        "no_agreement",
        27,
    ),
    (
        (2025, 8, 25),
        "care_visit",
        "elder_support",
        "走访发现老人与女儿因房屋过户发生矛盾。",
        "aged_father",
        "withdrawn",
        7,
    ),
    ((2025, 10, 13), "walk_in", "visitation", "父亲要求寒暑假带孩子回老家探望祖父母。", "ex_couple", "oral", 11),
    ((2025, 12, 1), "hotline_12338", "post_divorce_property", "离婚后对装修款返还发生争议。", "ex_couple", "oral", 15),
    (
        (2026, 1, 19),
        "walk_in",
        "betrothal_property",
        "解除婚约后双方对三金和彩礼返还比例争执不下。",
        "betrothed",
        "no_agreement",
        26,
    ),
    (
        (2026, 3, 9),
        "court",
        "child_support",
        "法院诉前委派：离婚后抚养费长期未付。",
        "ex_couple",
        "written_followup",
        18,
    ),
    (
        (2026, 5, 25),
        "online",
        "family_property_division",
        "兄弟对父母宅基地上的新房分配发生争议。",
        "brothers",
        "written_confirmed",
        20,
    ),
]

# Fictional parties by the shape of the dispute: (role, name, mobile, relation).
PARTY_SETS = {
    "aged_father": [
        ("applicant", "许老伯", "", ""),
        ("respondent", "许建军", "", "儿子"),
        ("other", "许建芬", "", "女儿"),
    ],
    "in_laws": [("applicant", "沈阿姨", "", ""), ("respondent", "韩雪", "", "儿媳")],
    "couple": [("applicant", "杨晓燕", "", ""), ("respondent", "曹磊", "", "丈夫")],
    "ex_couple": [("applicant", "朱丽", "", ""), ("respondent", "马俊", "", "前夫")],
    "betrothed": [("applicant", "胡强", "", ""), ("respondent", "邵婷", "", "原未婚妻")],
    "brothers": [("applicant", "叶国平", "", ""), ("respondent", "叶国安", "", "弟弟")],
}

AGREEMENT_TEXT = {
    "facts": "双方因{matter}发生纠纷，经东灵社区婚姻家庭纠纷调解工作室团队联调，查明基本事实。",
    "matters": "{matter}的数额、方式和期限。",
    "responsibilities": "双方对纠纷的发生均负有一定责任，被申请人负主要责任。",
    "terms": "一、被申请人于{day}前支付申请人人民币八千元；二、双方今后互相尊重，不再因此事发生争执。",
    "performance": "银行转账，调解员跟进履行情况。",
}


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _move(case: Case, *, accepted: date | None = None, closed: date | None = None) -> Case:
    """Move the service-stamped times of ``case`` back to the demo's dates (demo only)."""
    changes = {"created_at": _at(case.received_on, 9)}
    if accepted is not None:
        changes["accepted_at"] = _at(accepted)
    if closed is not None:
        changes["closed_at"] = changes["updated_at"] = _at(closed, 16)
        planned = FollowUp.all_objects.filter(case=case, performed_on__isnull=True).order_by("due_on")
        for row, days in zip(planned, follow_up_days(), strict=False):
            FollowUp.all_objects.filter(pk=row.pk).update(due_on=closed + timedelta(days=days))
    Case.all_objects.filter(pk=case.pk).update(**changes)
    return Case.objects.get(pk=case.pk)


def _written_agreement(case: Case, mediator: User, *, closed: date, signed: date) -> Agreement:
    """The agreement's content, its PDF, and that PDF uploaded as the signed scan (locks the version)."""
    parties = list(CaseParty.objects.filter(case=case).order_by("role", "pk"))
    matter = case.dispute_type.name
    text = {
        key: value.format(matter=matter, day=(closed + timedelta(days=60)).isoformat())
        for key, value in AGREEMENT_TEXT.items()
    }
    agreement = services.agreement_save(
        case=case,
        saved_by=mediator,
        version=case.version,
        perform_by=closed + timedelta(days=60),
        copies=len(parties) + 1,
        parties=[
            PartyDetails(party=p, gender="female" if i % 2 == 0 else "male", age=35 + 7 * i, address="瓜沥镇东灵社区")
            for i, p in enumerate(parties)
        ],
        **text,
    )
    pdf = agreement_pdf(agreement, parties, lead_name=mediator.name)
    case.refresh_from_db()
    services.agreement_upload_scan(
        case=case,
        uploaded_by=mediator,
        version=case.version,
        upload=SimpleUploadedFile("agreement-signed.pdf", pdf, content_type="application/pdf"),
        signed_on=signed,
    )
    return agreement


def _history_case(studio: Studio, mediator: User, lead: StudioMember, members, row) -> Case | None:
    (y, m, d), source, code, narrative, party_set, outcome, days = row
    received = date(y, m, d)
    if received > timezone.localdate() - timedelta(days=60):
        return None  # the demo is seeded later than planned: only dates well in the past
    case = services.case_intake(
        studio=studio,
        taken_by=mediator,
        source=source,
        dispute_type=DisputeType.objects.get(code=code),
        narrative=narrative,
        received_on=received,
        parties=[PartyData(role=r, name=n, mobile=mob, relation=rel) for r, n, mob, rel in PARTY_SETS[party_set]],
    )
    if outcome == "not_accepted":
        services.case_not_accept(
            case=case, decided_by=mediator, version=case.version, reason="一方当事人不同意调解", referral="瓜沥人民法庭"
        )
        return _move(case, closed=received + timedelta(days=2))
    accepted = received + timedelta(days=1)
    closed = received + timedelta(days=days)
    services.case_accept(
        case=case, accepted_by=mediator, version=case.version, willingness_recorded=True, notice_given=True
    )
    services.case_assign_team(case=case, assigned_by=mediator, version=case.version, lead=lead, members=members)
    case = _move(case, accepted=accepted)
    parties = list(CaseParty.objects.filter(case=case).order_by("role", "pk"))
    separate = sessions.session_record(
        case=case,
        recorded_by=mediator,
        kind="separate",
        starts_at=_at(accepted + timedelta(days=2), 14),
        place="东灵社区调解室",
        heard_party=parties[0],
        team=[lead],
        record=f"{parties[0].name}陈述纠纷经过和诉求。",
    )
    if outcome.startswith("written"):
        sessions.session_consent_record(session=separate, recorded_by=mediator, version=separate.version)
        sessions.session_record(
            case=case,
            recorded_by=mediator,
            kind="joint",
            starts_at=_at(accepted + timedelta(days=5), 14),
            place="东灵社区调解室",
            parties=parties,
            team=[lead, *members],
            record="双方当面协商，律师释法，达成一致意见。",
        )
    case.refresh_from_db()
    if outcome == "no_agreement":
        services.case_close(
            case=case,
            closed_by=mediator,
            version=case.version,
            outcome="no_agreement",
            reason="双方分歧较大，经多次调解未能达成一致",
            advice="已告知当事人可向人民法院提起诉讼",
        )
        return _move(case, closed=closed)
    if outcome == "withdrawn":
        services.case_close(
            case=case, closed_by=mediator, version=case.version, outcome="withdrawn", reason="申请人自行和解后撤回申请"
        )
        return _move(case, closed=closed)
    form = "oral" if outcome == "oral" else "written"
    services.case_close(case=case, closed_by=mediator, version=case.version, outcome="agreement", agreement_form=form)
    case = _move(case, closed=closed)
    if form == "written":
        _written_agreement(case, mediator, closed=closed, signed=closed + timedelta(days=1))
        case.refresh_from_db()
    if outcome == "written_confirmed":  # judicial confirmation through the community's 共享法庭
        services.confirmation_apply(
            case=case,
            recorded_by=mediator,
            version=case.version,
            applied_on=closed + timedelta(days=6),
            court="东灵社区共享法庭（杭州市萧山区人民法院瓜沥人民法庭）",
            joint=True,
        )
        case.refresh_from_db()
        services.confirmation_decide(
            case=case,
            recorded_by=mediator,
            version=case.version,
            decision="confirmed",
            decided_on=closed + timedelta(days=15),
            ruling_number=f"（{closed.year}）浙0109调确字第 {closed.timetuple().tm_yday:03d} 号",
        )
    visits = list(FollowUp.objects.filter(case=case).order_by("due_on"))
    for visit in visits:
        if visit.due_on > timezone.localdate():
            continue
        failed = outcome == "written_followup"
        case.refresh_from_db()
        visit = services.follow_up_record(
            follow_up=visit,
            recorded_by=mediator,
            version=case.version,
            performed_on=visit.due_on,
            performance="none" if failed else "full",
            satisfaction="unsatisfied" if failed else "satisfied",
            escalation=False,
            notes="被申请人称收入减少，未按期支付。" if failed else "协议已履行，双方满意。",
        )
        if failed:
            case.refresh_from_db()
            services.follow_up_act(
                follow_up=visit,
                acted_by=mediator,
                version=case.version,
                action="court",
                reason="被申请人未履行调解协议",
                referral="引导申请人持调解协议向瓜沥人民法庭起诉",
            )
            break
    return case


def seed_history(*, studio: Studio) -> int:
    """The studio's earlier cases (``HISTORY_SUMMARY``), oldest first. Safe to run again: only at a studio without a
    case from 2023."""
    mediator = User.all_objects.filter(username="mediator").first()
    lead = StudioMember.all_objects.filter(studio=studio, user__username="mediator", can_lead=True).first()
    if mediator is None or lead is None or Case.all_objects.filter(studio=studio, year=2023).exists():
        return 0
    members = list(StudioMember.all_objects.filter(studio=studio, kind=StudioMember.Kind.LAWYER)[:1])
    made = 0
    with scope_for(mediator):
        for row in HISTORY_SUMMARY:
            made += _history_case(studio, mediator, lead, members, row) is not None
    return made


REQUESTS = [
    ("孙丽", "13700001001", "child_support", "前夫一直不按时给孩子抚养费，想请调解员帮忙协商。", "工作日下午"),
    ("郑红梅", "13700001002", "", "婆媳关系紧张，经常为带孩子的事争吵，想找人调解。", ""),
]


def seed_requests(*, studio: Studio) -> int:
    """Two online requests waiting for the mediator (sent from the public page, through the service)."""
    if OnlineRequest.all_objects.filter(studio=studio).exists():
        return 0
    for name, mobile, kind, description, when in REQUESTS:
        online_request_submit(
            studio=studio,
            name=name,
            mobile=mobile,
            dispute_type=DisputeType.objects.filter(code=kind).first() if kind else None,
            description=description,
            contact_time=when,
            consent=True,
        )
    return len(REQUESTS)


def seed() -> str:
    """The studio and its team (as 瓜沥镇's admin), then its cases as its mediator: the history first (case numbers
    follow the dates), the current cases, the red-risk case, and two online requests."""
    actor = demo_actor()
    with scope_for(actor):
        seed_studios(by=actor)
    studio = Studio.all_objects.get(region__code=STUDIO["village"], name=STUDIO["name"])
    history = seed_history(studio=studio)
    cases = seed_cases(studio=studio)
    red = seed_safety(studio=studio)
    requests = seed_requests(studio=studio)
    total = history + cases + red
    return f"1 studio with a team of {len(TEAM)}, {total} cases ({red} red-risk), {requests} online requests"
