"""Permission-matrix rows for the studio pages and endpoints: the 东灵社区 studio (瓜沥镇; mediator and advisor are on
its team) against admins of its town and district and of another town, and the roles of other places."""

import base64
from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone

from yizhan.core.scoping import scopes_disabled
from yizhan.mediation.models import Case, DisputeType, OnlineRequest, StudioContact, StudioMember
from yizhan.mediation.tests.cases import make_case
from yizhan.mediation.tests.network import build_studio_network
from yizhan.mediation.tests.outcomes import lock, make_agreement_case, make_follow_ups
from yizhan.stations.tests.network import png_bytes
from yizhan.tests.factories import ADMINS_OK as ADMINS
from yizhan.tests.factories import NON_ADMINS_403

ANON_PAGE = {"anonymous": 302}
ANON_API = {"anonymous": 401}
NOT_STUDIO = {"station_manager": 403, "other_station_manager": 403, "volunteer": 403}


def studio(ok=200, members=200):
    return {
        "district_admin": ok,
        "town_admin": ok,
        "other_town_admin": 404,
        "mediator": members,
        "advisor": members,
        **NOT_STUDIO,
    }


def sd(w):
    return build_studio_network(w).studio.pk


def prepare(w):
    """The studio network, plus what the delete rows remove: a contact of the studio."""
    n = build_studio_network(w)
    w.mediation = SimpleNamespace(
        studio_contact=StudioContact.all_objects.create(
            studio=n.studio, name="张敏", role="调解员", phone="13812345678"
        )
    )
    prepare_cases(w)
    prepare_outcomes(w)


def _advisor_member(w):
    with scopes_disabled():
        return StudioMember.all_objects.get(studio=build_studio_network(w).studio, user=w.users["advisor"])


ROWS = [
    # --- studios ---
    (
        "studio list",
        "GET",
        lambda w: (build_studio_network(w), "/stations/studios/")[1],
        {**ANON_PAGE, **ADMINS, "mediator": 200, "advisor": 200, **NOT_STUDIO},
    ),
    ("studio 东灵", "GET", lambda w: f"/stations/studios/{sd(w)}/", {**ANON_PAGE, **studio()}),
    ("studio edit 东灵", "GET", lambda w: f"/stations/studios/{sd(w)}/edit/", {**ANON_PAGE, **studio(200, 403)}),
    ("new studio form", "GET", lambda w: "/stations/studios/new/", {**ANON_PAGE, **ADMINS, **NON_ADMINS_403}),
    (
        "add to team 东灵",
        "POST",
        lambda w: f"/stations/studios/{sd(w)}/team/",
        {**ANON_PAGE, **studio(302, 403)},
        lambda w: {"username": "volunteer", "kind": "social_worker", "organisation": "向阳社工工作室"},
    ),
    (
        "studio contact add 东灵",
        "POST",
        lambda w: f"/stations/studios/{sd(w)}/contacts/",
        {**ANON_PAGE, **studio(302, 403)},
        lambda w: {"name": "张敏", "role": "调解员", "phone": "13812345678"},
    ),
    # --- API ---
    (
        "API studios",
        "GET",
        lambda w: (build_studio_network(w), "/api/studios/")[1],
        {**ANON_API, **ADMINS, "mediator": 200, "advisor": 200, **NOT_STUDIO},
    ),
    ("API studio 东灵", "GET", lambda w: f"/api/studios/{sd(w)}", {**ANON_API, **studio()}),
    (
        "API studio update 东灵",
        "PATCH",
        lambda w: f"/api/studios/{sd(w)}",
        {**ANON_API, **studio(200, 403)},
        lambda w: {"version": 1, "introduction": "团队联调"},
    ),
    (
        "API create studio",
        "POST",
        lambda w: (build_studio_network(w), "/api/studios/")[1],
        {**ANON_API, "district_admin": 201, "town_admin": 201, "other_town_admin": 403, **NON_ADMINS_403},
        lambda w: {"region": "330109113001", "name": "隆园社区调解工作室"},
    ),
    (
        "studio save 东灵",
        "POST",
        lambda w: f"/stations/studios/{sd(w)}/edit/",
        {**ANON_PAGE, **studio(302, 403)},
        lambda w: {
            "name": "东灵社区婚姻家庭纠纷调解工作室",
            "brand_name": "东灵调解",
            "region": "330109113003",
            "status": "operating",
            "is_public": "on",
            "version": "1",
        },
    ),
    (
        "remove from team 东灵 (the lawyer)",
        "POST",
        lambda w: f"/stations/studios/{sd(w)}/team/{_advisor_member(w).pk}/remove/",
        {**ANON_PAGE, **studio(302, 403)},
    ),
    (
        "studio contact delete 东灵",
        "POST",
        lambda w: f"/stations/studios/{sd(w)}/contacts/{w.mediation.studio_contact.pk}/delete/",
        {**ANON_PAGE, **studio(302, 403)},
    ),
    (
        "API add to team 东灵",
        "POST",
        lambda w: f"/api/studios/{sd(w)}/team",
        # The studio's own members may not change the team: 403 before the payload is looked at (was a 400
        # "no account with this username" because the API looked the username up first).
        {**ANON_API, **studio(201, 403)},
        lambda w: {"username": "volunteer", "kind": "social_worker", "organisation": "向阳社工工作室"},
    ),
]


# --- cases: one the advisor is on (in intake), one she is not on, one accepted with its lead ---


def prepare_cases(w):
    w.mediation.case_on = make_case(w, advisor_on=True)
    w.mediation.case_off = make_case(w)
    w.mediation.case_accepted = make_case(w, status=Case.Status.ACCEPTED, lead=True, advisor_on=True)


def case(ok=200, mediator=None, advisor=None):
    """A case of the 东灵 studio: admins over it read it (``ok``), the other town's admin does not find it."""
    return {
        "district_admin": ok,
        "town_admin": ok,
        "other_town_admin": 404,
        "mediator": mediator if mediator is not None else ok,
        "advisor": advisor if advisor is not None else ok,
        **NOT_STUDIO,
    }


WORK = {"district_admin": 403, "town_admin": 403, "other_town_admin": 404}  # admins oversee, mediators work
ON, OFF, ACC = "case_on", "case_off", "case_accepted"


def cp(w, which, suffix=""):
    return f"/stations/studios/cases/{getattr(w.mediation, which).pk}/{suffix}"


def ca(w, which, suffix=""):
    return f"/api/cases/{getattr(w.mediation, which).pk}{suffix}"


def _team(w):
    return {"version": 1, "lead": build_studio_network(w).member.pk}


CASE_LIST = {**ANON_PAGE, **ADMINS, "mediator": 200, "advisor": 200, **NOT_STUDIO}
INTAKE = {"source": "walk_in", "received_on": "2026-01-05", "narrative": "婆媳矛盾", "applicant_name": "李秀英"}
CLOSE = {"version": 1, "outcome": "agreement", "agreement_form": "written"}
NOT_ACCEPT = {"version": 1, "reason": "被申请人不同意调解", "referral": "瓜沥人民法庭"}


def _intake_form(w):
    return {**INTAKE, "dispute_type": DisputeType.objects.get(code="divorce").pk}


def _intake_api(w):
    return {
        "studio": sd(w),
        "source": "hotline_12338",
        "dispute_type": "divorce",
        "narrative": "离婚纠纷",
        "parties": [{"role": "applicant", "name": "李秀英", "mobile": "13912345678"}],
    }


ROWS += [
    ("case list", "GET", lambda w: "/stations/studios/cases/", CASE_LIST),
    (
        "case intake form 东灵",
        "GET",
        lambda w: f"/stations/studios/{sd(w)}/cases/new/",
        {**ANON_PAGE, **WORK, "mediator": 200, "advisor": 403, **NOT_STUDIO},
    ),
    (
        "case intake 东灵",
        "POST",
        lambda w: f"/stations/studios/{sd(w)}/cases/new/",
        {**ANON_PAGE, **WORK, "mediator": 302, "advisor": 403, **NOT_STUDIO},
        _intake_form,
    ),
    ("case page (advisor on it)", "GET", lambda w: cp(w, ON), {**ANON_PAGE, **case()}),
    ("case page (advisor not on it)", "GET", lambda w: cp(w, OFF), {**ANON_PAGE, **case(advisor=404)}),
    ("case edit form", "GET", lambda w: cp(w, ON, "edit/"), {**ANON_PAGE, **case(403, 200, 403)}),
    (
        "case edit (advisor not on it)",
        "POST",
        lambda w: cp(w, OFF, "edit/"),
        {**ANON_PAGE, **case(403, 302, 404)},
        lambda w: {
            "source": "walk_in",
            "dispute_type": w.mediation.case_off.dispute_type_id,
            "narrative": "更正",
            "version": 1,
        },
    ),
    (
        "case accept",
        "POST",
        lambda w: cp(w, ON, "accept/"),
        {**ANON_PAGE, **case(403, 302, 403)},
        lambda w: {"version": 1, "willingness_recorded": "on", "notice_given": "on"},
    ),
    (
        "case not accepted",
        "POST",
        lambda w: cp(w, OFF, "not-accept/"),
        {**ANON_PAGE, **case(403, 302, 404)},
        lambda w: NOT_ACCEPT,
    ),
    ("case team", "POST", lambda w: cp(w, ON, "team/"), {**ANON_PAGE, **case(403, 302, 403)}, _team),
    ("case close", "POST", lambda w: cp(w, ACC, "close/"), {**ANON_PAGE, **case(403, 302, 403)}, lambda w: CLOSE),
    # --- API ---
    (
        "API dispute types",
        "GET",
        lambda w: "/api/cases/dispute-types",
        {**ANON_API, **ADMINS, "mediator": 200, "advisor": 200, **NOT_STUDIO},
    ),
    (
        "API cases",
        "GET",
        lambda w: "/api/cases/",
        {**ANON_API, **ADMINS, "mediator": 200, "advisor": 200, **NOT_STUDIO},
    ),
    (
        "API case intake 东灵",
        "POST",
        lambda w: "/api/cases/",
        # The other town's admin does not see the studio: the same answer as for a studio that does not exist.
        {
            **ANON_API,
            "district_admin": 403,
            "town_admin": 403,
            "other_town_admin": 400,
            "mediator": 201,
            "advisor": 403,
            **NOT_STUDIO,
        },
        _intake_api,
    ),
    ("API case (advisor on it)", "GET", lambda w: ca(w, ON), {**ANON_API, **case()}),
    ("API case (advisor not on it)", "GET", lambda w: ca(w, OFF), {**ANON_API, **case(advisor=404)}),
    (
        "API case update",
        "PATCH",
        lambda w: ca(w, ON),
        {**ANON_API, **case(403, 200, 403)},
        lambda w: {"version": 1, "narrative": "更正后的案情"},
    ),
    (
        "API case accept",
        "POST",
        lambda w: ca(w, ON, "/accept"),
        {**ANON_API, **case(403, 200, 403)},
        lambda w: {"version": 1, "willingness_recorded": True, "notice_given": True},
    ),
    (
        "API case not accepted (advisor not on it)",
        "POST",
        lambda w: ca(w, OFF, "/not-accept"),
        {**ANON_API, **case(403, 200, 404)},
        lambda w: NOT_ACCEPT,
    ),
    ("API case team", "POST", lambda w: ca(w, ON, "/team"), {**ANON_API, **case(403, 200, 403)}, _team),
    ("API case close", "POST", lambda w: ca(w, ACC, "/close"), {**ANON_API, **case(403, 200, 403)}, lambda w: CLOSE),
]


# --- outcomes: agreement, PDF, signed scan, judicial confirmation, extension, follow-up visits ---
# ``agreed``: a case closed with a complete written agreement, the advisor on it; ``agreed_off``: the same without
# the advisor; ``signed``: its agreement signed and locked 10 days ago; ``visited``: a follow-up found the agreement
# not performed. ``case_accepted`` (above) is extended.


def prepare_outcomes(w):
    m = w.mediation
    m.agreed, m.agreement = make_agreement_case(w)
    m.agreed_off, m.agreement_off = make_agreement_case(w, advisor_on=False)
    m.signed, m.signed_agreement = make_agreement_case(w, locked=True, signed_days_ago=10)
    m.pending_visit = make_follow_ups(m.agreed)
    m.visited, _ = make_agreement_case(w)
    m.failed_visit = make_follow_ups(m.visited, done=True)
    # Pages post forms urlencoded one value per field: a case whose only party is the applicant gets a valid consent.
    m.accepted_alone = make_case(w, status=Case.Status.ACCEPTED, lead=True, advisor_on=True)
    with scopes_disabled():
        m.accepted_alone.parties.filter(role="respondent").delete()


def _signed_scan(w, suffix):
    """The locked agreement's scan is made again here: files in storage are not rolled back between rows."""
    with scopes_disabled():
        lock(w.mediation.signed_agreement, signed_on=w.mediation.signed_agreement.signed_on)
    return suffix


def _png_base64():
    return base64.b64encode(png_bytes()).decode()


def _agreement_form(w):
    data = {"version": 1, "copies": 3, "perform_by": "2026-12-31", "terms": "王强每月支付抚养费一千元。"}
    return data


def _parties(w, which):
    with scopes_disabled():
        return [p.pk for p in getattr(w.mediation, which).parties.all()]


def _extension(w, which=ACC, form=False):
    parties = _parties(w, which)
    return {
        "version": 1,
        "new_deadline": (getattr(w.mediation, which).deadline + timedelta(days=15)).isoformat(),
        "consented_on": timezone.localdate().isoformat(),
        "consenting_parties": parties[0] if form else parties,
        "reason": "双方同意延长调解期限",
    }


def _visit():
    return {
        "version": 1,
        "performed_on": timezone.localdate().isoformat(),
        "performance": "full",
        "satisfaction": "satisfied",
    }


OK_WORK = case(403, 302, 403)  # pages: mediators act, admins oversee (403), the advisor on the case reads only
API_WORK = case(403, 200, 403)
AGR, AGR_OFF, SIGNED, VISITED = "agreed", "agreed_off", "signed", "visited"

ROWS += [
    ("agreement form", "GET", lambda w: cp(w, AGR, "agreement/"), {**ANON_PAGE, **case(403, 200, 403)}),
    ("agreement save", "POST", lambda w: cp(w, AGR, "agreement/"), {**ANON_PAGE, **OK_WORK}, _agreement_form),
    ("agreement PDF (advisor on it)", "GET", lambda w: cp(w, AGR, "agreement/1/pdf/"), {**ANON_PAGE, **case()}),
    (
        "agreement PDF (advisor not on it)",
        "GET",
        lambda w: cp(w, AGR_OFF, "agreement/1/pdf/"),
        {**ANON_PAGE, **case(advisor=404)},
    ),
    (
        "agreement signed scan",
        "GET",
        lambda w: _signed_scan(w, cp(w, SIGNED, "agreement/1/scan/")),
        {**ANON_PAGE, **case()},
    ),
    (
        "agreement scan upload (no file: 400)",
        "POST",
        lambda w: cp(w, AGR, "agreement/scan/"),
        {**ANON_PAGE, **case(403, 400, 403)},
        lambda w: {"version": 1, "signed_on": timezone.localdate().isoformat()},
    ),
    (
        "judicial confirmation",
        "POST",
        lambda w: cp(w, SIGNED, "confirmation/"),
        {**ANON_PAGE, **OK_WORK},
        lambda w: {
            "version": 1,
            "applied_on": timezone.localdate().isoformat(),
            "court": "萧山区人民法院",
            "joint": "on",
        },
    ),
    (
        "judicial confirmation decision (none applied: 400)",
        "POST",
        lambda w: cp(w, SIGNED, "confirmation/decision/"),
        {**ANON_PAGE, **case(403, 400, 403)},
        lambda w: {
            "version": 1,
            "decision": "confirmed",
            "decided_on": timezone.localdate().isoformat(),
            "ruling_number": "x",
        },
    ),
    (
        "case extension",
        "POST",
        lambda w: cp(w, "accepted_alone", "extend/"),
        {**ANON_PAGE, **OK_WORK},
        lambda w: _extension(w, "accepted_alone", form=True),
    ),
    (
        "follow-up visit",
        "POST",
        lambda w: cp(w, AGR, f"follow-ups/{w.mediation.pending_visit.pk}/"),
        {**ANON_PAGE, **OK_WORK},
        lambda w: _visit(),
    ),
    (
        "follow-up step (advisor not on it)",
        "POST",
        lambda w: cp(w, VISITED, f"follow-ups/{w.mediation.failed_visit.pk}/step/"),
        {**ANON_PAGE, **case(403, 302, 403)},
        lambda w: {"version": 1, "action": "court", "reason": "未履行", "referral": "萧山区人民法院"},
    ),
    # --- API ---
    ("API case outcome (advisor on it)", "GET", lambda w: ca(w, AGR, "/outcome"), {**ANON_API, **case()}),
    (
        "API case outcome (advisor not on it)",
        "GET",
        lambda w: ca(w, AGR_OFF, "/outcome"),
        {**ANON_API, **case(advisor=404)},
    ),
    (
        "API agreement save",
        "POST",
        lambda w: ca(w, AGR, "/agreement"),
        {**ANON_API, **API_WORK},
        lambda w: {"version": 1, "terms": "王强每月支付抚养费一千元。", "copies": 3},
    ),
    ("API agreement PDF", "GET", lambda w: ca(w, AGR, "/agreement/1/pdf"), {**ANON_API, **case()}),
    (
        "API agreement signed scan",
        "GET",
        lambda w: _signed_scan(w, ca(w, SIGNED, "/agreement/1/scan")),
        {**ANON_API, **case()},
    ),
    (
        "API agreement scan upload",
        "POST",
        lambda w: ca(w, AGR, "/agreement/scan"),
        {**ANON_API, **API_WORK},
        lambda w: {"version": 1, "signed_on": timezone.localdate().isoformat(), "content": _png_base64()},
    ),
    (
        "API judicial confirmation",
        "POST",
        lambda w: ca(w, SIGNED, "/confirmation"),
        {**ANON_API, **case(403, 201, 403)},
        lambda w: {
            "version": 1,
            "applied_on": timezone.localdate().isoformat(),
            "court": "萧山区人民法院",
            "joint": True,
        },
    ),
    (
        "API judicial confirmation decision (none applied: 400)",
        "POST",
        lambda w: ca(w, SIGNED, "/confirmation/decision"),
        {**ANON_API, **case(403, 400, 403)},
        lambda w: {
            "version": 1,
            "decision": "confirmed",
            "decided_on": timezone.localdate().isoformat(),
            "ruling_number": "x",
        },
    ),
    ("API case extension", "POST", lambda w: ca(w, ACC, "/extension"), {**ANON_API, **case(403, 201, 403)}, _extension),
    (
        "API follow-up visit",
        "POST",
        lambda w: ca(w, AGR, f"/follow-ups/{w.mediation.pending_visit.pk}"),
        {**ANON_API, **API_WORK},
        lambda w: _visit(),
    ),
    (
        "API follow-up step",
        "POST",
        lambda w: ca(w, VISITED, f"/follow-ups/{w.mediation.failed_visit.pk}/step"),
        {**ANON_API, **API_WORK},
        lambda w: {"version": 1, "action": "reopened", "reason": "王强未履行协议"},
    ),
]


# --- overview: work queue, early warnings, statistics, the registry picker of intake (views/insight.py) ---
# Warnings and statistics are for the studio's mediators and for admins (the other town's admin sees an empty list);
# advisors see the cases they are on in their queue only.

OVERVIEW = {**ANON_PAGE, **ADMINS, "mediator": 200, "advisor": 403, **NOT_STUDIO}
OVERVIEW_API = {**ANON_API, **ADMINS, "mediator": 200, "advisor": 403, **NOT_STUDIO}


def _lookup_form(w):
    return {**_intake_form(w), "lookup": "applicant", "applicant_lookup_number": "13912345678"}


ROWS += [
    ("case warnings", "GET", lambda w: "/stations/studios/cases/warnings/", OVERVIEW),
    ("case statistics", "GET", lambda w: "/stations/studios/cases/statistics/?year=2026", OVERVIEW),
    ("studio picker", "GET", lambda w: "/stations/studios/pick/studios/?q=调解", OVERVIEW),
    ("case statistics Excel", "GET", lambda w: "/stations/studios/cases/statistics.xlsx", OVERVIEW),
    (
        "registry lookup at intake 东灵",
        "POST",
        lambda w: f"/stations/studios/{sd(w)}/cases/new/",
        {**ANON_PAGE, **WORK, "mediator": 200, "advisor": 403, **NOT_STUDIO},
        _lookup_form,
    ),
    ("API my case queue", "GET", lambda w: "/api/cases/overview/queue", CASE_LIST | ANON_API),
    ("API case warnings", "GET", lambda w: "/api/cases/overview/warnings", OVERVIEW_API),
    ("API case statistics", "GET", lambda w: "/api/cases/overview/statistics?year=2026", OVERVIEW_API),
    (
        "API registry lookup 东灵",
        "POST",
        lambda w: "/api/cases/overview/registry-lookup",
        # The other town's admin does not see the studio: the same answer as for a studio that does not exist.
        {
            **ANON_API,
            "district_admin": 403,
            "town_admin": 403,
            "other_town_admin": 400,
            "mediator": 200,
            "advisor": 403,
            **NOT_STUDIO,
        },
        lambda w: {"studio": sd(w), "number": "13912345678"},
    ),
]


# --- safety, sessions, recusal, appointments: one accepted case with the advisor on it (red risk, a pending order,
# a separate session, a pending recusal of the lawyer) and the case she is not on (with a pending mandatory report) ---

SAFE = "case_safety"


def prepare_safety(w):
    from datetime import timedelta  # noqa: PLC0415  (kept with the rows it serves; prepare runs once per module)

    from django.utils import timezone  # noqa: PLC0415

    from yizhan.mediation.models import (  # noqa: PLC0415
        Appointment,
        CaseParty,
        CaseSession,
        MandatoryReport,
        ProtectionOrder,
        Recusal,
        RiskScreening,
    )

    n = build_studio_network(w)
    mediator = w.users["mediator"]
    with scopes_disabled():
        case_safe = make_case(w, status=Case.Status.ACCEPTED, lead=True, advisor_on=True)
        applicant = CaseParty.all_objects.get(case=case_safe, role="applicant")
        RiskScreening.all_objects.create(
            case=case_safe, level="red", score=6, answers='["prior_violence", "weapon"]', screened_by=mediator
        )
        w.mediation.case_safety = case_safe
        w.mediation.applicant = applicant
        w.mediation.respondent = CaseParty.all_objects.get(case=case_safe, role="respondent")
        w.mediation.order = ProtectionOrder.all_objects.create(
            case=case_safe,
            protected_party=applicant,
            applied_at=timezone.now() - timedelta(hours=2),
            court="萧山区人民法院",
            recorded_by=mediator,
        )
        w.mediation.report = MandatoryReport.all_objects.create(
            case=w.mediation.case_off, grounds="未成年子女目睹暴力", opened_by=mediator
        )
        w.mediation.session = CaseSession.all_objects.create(
            case=case_safe,
            kind="separate",
            starts_at=timezone.now(),
            place="调解室",
            heard_party=applicant,
            record="陈述",
            recorded_by=mediator,
        )
        w.mediation.recusal = Recusal.all_objects.create(
            case=case_safe, member=_advisor_member(w), requested_by=applicant, reason="利害关系", recorded_by=mediator
        )
        w.mediation.appointment = Appointment.all_objects.create(
            studio=n.studio,
            member=_advisor_member(w),
            starts_at=timezone.now() + timedelta(days=1),
            person_name="陈女士",
            mobile="13900001111",
            topic="legal",
            created_by=mediator,
        )


_prepare_cases_only = prepare


def prepare(w):  # noqa: F811  (the first slice's prepare, then this slice's objects)
    _prepare_cases_only(w)
    prepare_safety(w)


TEAM_WORK = {"district_admin": 403, "town_admin": 403, "other_town_admin": 404, **NOT_STUDIO}
OVERRIDE = {"district_admin": 302, "town_admin": 302, "other_town_admin": 404, "mediator": 403, "advisor": 403}
APPOINTMENTS = {"district_admin": 403, "town_admin": 403, "other_town_admin": 403, **NOT_STUDIO}


def _now():
    from django.utils import timezone  # noqa: PLC0415

    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def _today():
    from django.utils import timezone  # noqa: PLC0415

    return timezone.localdate().isoformat()


def _m(w):
    return w.mediation


ROWS += [
    ("case safety (advisor on it)", "GET", lambda w: cp(w, SAFE, "safety/"), {**ANON_PAGE, **case()}),
    ("case safety (advisor not on it)", "GET", lambda w: cp(w, OFF, "safety/"), {**ANON_PAGE, **case(advisor=404)}),
    (
        "safety screen",
        "POST",
        lambda w: cp(w, SAFE, "safety/screen/"),
        {**ANON_PAGE, **TEAM_WORK, "mediator": 302, "advisor": 302},
        lambda w: {"answers": "alcohol_drugs"},  # one box ticked (the rows' forms are urlencoded without lists)
    ),
    (
        "safety override (town admin)",
        "POST",
        lambda w: cp(w, SAFE, "safety/override/"),
        {**ANON_PAGE, **NOT_STUDIO, **OVERRIDE},
        lambda w: {"reason": "受害人坚持当面调解"},
    ),
    (
        "safety police referral",
        "POST",
        lambda w: cp(w, SAFE, "safety/police/"),
        {**ANON_PAGE, **TEAM_WORK, "mediator": 302, "advisor": 302},
        lambda w: {"referred_at": _now(), "station": "瓜沥派出所"},
    ),
    (
        "safety protection order",
        "POST",
        lambda w: cp(w, SAFE, "safety/orders/"),
        {**ANON_PAGE, **TEAM_WORK, "mediator": 302, "advisor": 302},
        lambda w: {"protected_party": _m(w).applicant.pk, "applied_at": _now(), "court": "萧山区人民法院"},
    ),
    (
        "safety ruling",
        "POST",
        lambda w: cp(w, SAFE, f"safety/orders/{_m(w).order.pk}/ruling/"),
        {**ANON_PAGE, **TEAM_WORK, "mediator": 302, "advisor": 302},
        lambda w: {"version": 1, "ruling": "refused", "ruling_on": _today()},
    ),
    (
        "safety mandatory report open",
        "POST",
        lambda w: cp(w, SAFE, "safety/reports/"),
        {**ANON_PAGE, **TEAM_WORK, "mediator": 302, "advisor": 302},
        lambda w: {"grounds": "老人受虐"},
    ),
    (
        "safety mandatory report record (advisor not on it)",
        "POST",
        lambda w: cp(w, OFF, f"safety/reports/{_m(w).report.pk}/"),
        {**ANON_PAGE, **TEAM_WORK, "mediator": 302, "advisor": 404},
        lambda w: {"reported_to": "瓜沥派出所", "reported_at": _now()},
    ),
    ("case sessions (advisor on it)", "GET", lambda w: cp(w, SAFE, "sessions/"), {**ANON_PAGE, **case()}),
    (
        "session new (separate, under red risk)",
        "POST",
        lambda w: cp(w, SAFE, "sessions/new/"),
        {**ANON_PAGE, **TEAM_WORK, "mediator": 302, "advisor": 302},
        lambda w: {"kind": "separate", "starts_at": _now(), "place": "调解室", "heard_party": _m(w).respondent.pk},
    ),
    (
        "session page",
        "GET",
        lambda w: cp(w, SAFE, f"sessions/{_m(w).session.pk}/"),
        {**ANON_PAGE, **case()},
    ),
    (
        "session record",
        "POST",
        lambda w: cp(w, SAFE, f"sessions/{_m(w).session.pk}/record/"),
        {**ANON_PAGE, **TEAM_WORK, "mediator": 302, "advisor": 302},
        lambda w: {"version": 1, "record": "补充"},
    ),
    (
        "session consent",
        "POST",
        lambda w: cp(w, SAFE, f"sessions/{_m(w).session.pk}/consent/"),
        {**ANON_PAGE, **TEAM_WORK, "mediator": 302, "advisor": 302},
        lambda w: {"version": 1, "confirm": "on"},
    ),
    (
        "recusal request (of the lead)",
        "POST",
        lambda w: cp(w, SAFE, "recusals/"),
        {**ANON_PAGE, **TEAM_WORK, "mediator": 302, "advisor": 302},
        lambda w: {"member": build_studio_network(w).member.pk, "requested_by": _m(w).respondent.pk, "reason": "亲戚"},
    ),
    (
        "recusal decision (of the lawyer)",
        "POST",
        lambda w: cp(w, SAFE, f"recusals/{_m(w).recusal.pk}/decide/"),
        {**ANON_PAGE, **NOT_STUDIO, **OVERRIDE, "mediator": 302},
        lambda w: {"version": 1, "decision": "refused", "note": "无依据"},
    ),
    (
        "appointments",
        "GET",
        lambda w: "/stations/studios/appointments/",
        {**ANON_PAGE, **APPOINTMENTS, "mediator": 200, "advisor": 200},
    ),
    (
        "appointment new",
        "POST",
        lambda w: "/stations/studios/appointments/new/",
        {**ANON_PAGE, **APPOINTMENTS, "mediator": 302, "advisor": 302},
        lambda w: {
            "member": _advisor_member(w).pk,
            "starts_at": _now(),
            "person_name": "陈女士",
            "mobile": "13900001111",
            "topic": "legal",
        },
    ),
    (
        "appointment status",
        "POST",
        lambda w: f"/stations/studios/appointments/{_m(w).appointment.pk}/status/",
        {**ANON_PAGE, **APPOINTMENTS, "mediator": 302, "advisor": 302},
        lambda w: {"version": 1, "status": "done"},
    ),
    # --- API ---
    (
        "API risk items",
        "GET",
        lambda w: "/api/cases/risk-items",
        {**ANON_API, **ADMINS, "mediator": 200, "advisor": 200, **NOT_STUDIO},
    ),
    ("API case safety (advisor on it)", "GET", lambda w: ca(w, SAFE, "/safety"), {**ANON_API, **case()}),
    (
        "API case safety (advisor not on it)",
        "GET",
        lambda w: ca(w, OFF, "/safety"),
        {**ANON_API, **case(advisor=404)},
    ),
    (
        "API screening",
        "POST",
        lambda w: ca(w, SAFE, "/screenings"),
        {**ANON_API, **TEAM_WORK, "mediator": 201, "advisor": 201},
        lambda w: {"answers": ["alcohol_drugs"]},
    ),
    (
        "API joint override",
        "POST",
        lambda w: ca(w, SAFE, "/joint-override"),
        {**ANON_API, **NOT_STUDIO, **OVERRIDE, "district_admin": 201, "town_admin": 201},
        lambda w: {"reason": "受害人坚持当面调解"},
    ),
    (
        "API police referral",
        "POST",
        lambda w: ca(w, SAFE, "/police-referrals"),
        {**ANON_API, **TEAM_WORK, "mediator": 201, "advisor": 201},
        lambda w: {"referred_at": _now(), "station": "瓜沥派出所"},
    ),
    (
        "API protection order",
        "POST",
        lambda w: ca(w, SAFE, "/protection-orders"),
        {**ANON_API, **TEAM_WORK, "mediator": 201, "advisor": 201},
        lambda w: {"protected_party": _m(w).applicant.pk, "applied_at": _now(), "court": "萧山区人民法院"},
    ),
    (
        "API protection order ruling",
        "POST",
        lambda w: ca(w, SAFE, f"/protection-orders/{_m(w).order.pk}/ruling"),
        {**ANON_API, **TEAM_WORK, "mediator": 200, "advisor": 200},
        lambda w: {"version": 1, "ruling": "refused", "ruling_on": _today()},
    ),
    (
        "API mandatory report open",
        "POST",
        lambda w: ca(w, SAFE, "/mandatory-reports"),
        {**ANON_API, **TEAM_WORK, "mediator": 201, "advisor": 201},
        lambda w: {"grounds": "老人受虐"},
    ),
    (
        "API mandatory report record (advisor not on it)",
        "POST",
        lambda w: ca(w, OFF, f"/mandatory-reports/{_m(w).report.pk}"),
        {**ANON_API, **TEAM_WORK, "mediator": 200, "advisor": 404},
        lambda w: {"reported_to": "瓜沥派出所", "reported_at": _now()},
    ),
    ("API sessions", "GET", lambda w: ca(w, SAFE, "/sessions"), {**ANON_API, **case()}),
    (
        "API session new",
        "POST",
        lambda w: ca(w, SAFE, "/sessions"),
        {**ANON_API, **TEAM_WORK, "mediator": 201, "advisor": 201},
        lambda w: {"kind": "separate", "starts_at": _now(), "place": "调解室", "heard_party": _m(w).respondent.pk},
    ),
    (
        "API session record",
        "PATCH",
        lambda w: ca(w, SAFE, f"/sessions/{_m(w).session.pk}"),
        {**ANON_API, **TEAM_WORK, "mediator": 200, "advisor": 200},
        lambda w: {"version": 1, "record": "补充"},
    ),
    (
        "API session consent",
        "POST",
        lambda w: ca(w, SAFE, f"/sessions/{_m(w).session.pk}/consent"),
        {**ANON_API, **TEAM_WORK, "mediator": 200, "advisor": 200},
        lambda w: {"version": 1},
    ),
    ("API recusals", "GET", lambda w: ca(w, SAFE, "/recusals"), {**ANON_API, **case()}),
    (
        "API recusal request",
        "POST",
        lambda w: ca(w, SAFE, "/recusals"),
        {**ANON_API, **TEAM_WORK, "mediator": 201, "advisor": 201},
        lambda w: {"member": build_studio_network(w).member.pk, "requested_by": _m(w).respondent.pk, "reason": "亲戚"},
    ),
    (
        "API recusal decision",
        "POST",
        lambda w: ca(w, SAFE, f"/recusals/{_m(w).recusal.pk}/decide"),
        {**ANON_API, **NOT_STUDIO, **OVERRIDE, "district_admin": 200, "town_admin": 200, "mediator": 200},
        lambda w: {"version": 1, "decision": "refused", "note": "无依据"},
    ),
    (
        "API appointments",
        "GET",
        lambda w: "/api/cases/appointments",
        {**ANON_API, **APPOINTMENTS, "mediator": 200, "advisor": 200},
    ),
    (
        "API appointment new",
        "POST",
        lambda w: "/api/cases/appointments",
        {**ANON_API, **APPOINTMENTS, "mediator": 201, "advisor": 201},
        lambda w: {
            "studio": sd(w),
            "member": _advisor_member(w).pk,
            "starts_at": _now(),
            "person_name": "陈女士",
            "topic": "legal",
        },
    ),
    (
        "API appointment status",
        "POST",
        lambda w: f"/api/cases/appointments/{_m(w).appointment.pk}/status",
        {**ANON_API, **APPOINTMENTS, "mediator": 200, "advisor": 200},
        lambda w: {"version": 1, "status": "done"},
    ),
]

# --- the case file (卷宗): the studio's mediators and the case team; admins over the studio with a reason ---
# The POST rows give a reason, which the team's form does not have (ignored); without one an admin gets 400
# (test_case_file.py). ``agreed`` has the advisor on its team, ``agreed_off`` not.

ROWS += [
    ("case file page (advisor on it)", "GET", lambda w: cp(w, AGR, "file/"), {**ANON_PAGE, **case()}),
    (
        "case file page (advisor not on it)",
        "GET",
        lambda w: cp(w, AGR_OFF, "file/"),
        {**ANON_PAGE, **case(advisor=404)},
    ),
    (
        "case file PDF (advisor on it)",
        "POST",
        lambda w: cp(w, AGR, "file/"),
        {**ANON_PAGE, **case()},
        lambda w: {"recipient": "archive", "format": "pdf", "reason": "督导检查"},
    ),
    (
        "case file ZIP (advisor not on it)",
        "POST",
        lambda w: cp(w, AGR_OFF, "file/"),
        {**ANON_PAGE, **case(advisor=404)},
        lambda w: {"recipient": "archive", "format": "zip", "reason": "督导检查"},
    ),
]

ROWS += [
    (
        "API case file (advisor on it)",
        "POST",
        lambda w: ca(w, AGR, "/file"),
        {**ANON_API, **case()},
        lambda w: {"recipient": "archive", "format": "pdf", "reason": "督导检查"},
    ),
    (
        "API case file (advisor not on it)",
        "POST",
        lambda w: ca(w, AGR_OFF, "/file"),
        {**ANON_API, **case(advisor=404)},
        lambda w: {"recipient": "archive", "format": "zip", "reason": "督导检查"},
    ),
]

# --- online requests for mediation (sent from the studio's public page) ------------------------------------------
REQUESTS = {**ANON_PAGE, "district_admin": 200, "town_admin": 200, "other_town_admin": 404, "mediator": 200}


def _online(w):
    with scopes_disabled():
        online = OnlineRequest.all_objects.create(
            studio=build_studio_network(w).studio, name="李秀英", mobile="13912345678", description="想咨询离婚财产分割"
        )
    return f"/stations/studios/{sd(w)}/requests/{online.pk}/"


ROWS += [
    (
        "online requests 东灵",
        "GET",
        lambda w: f"/stations/studios/{sd(w)}/requests/",
        {**REQUESTS, "advisor": 403, **NOT_STUDIO},
    ),
    (
        "online request taken in",
        "POST",
        lambda w: _online(w) + "take-in/",
        {**ANON_PAGE, **WORK, "mediator": 302, "advisor": 403, **NOT_STUDIO},
        lambda w: {"version": 1},
    ),
    (
        "online request declined",
        "POST",
        lambda w: _online(w) + "decline/",
        {**ANON_PAGE, **WORK, "mediator": 302, "advisor": 403, **NOT_STUDIO},
        lambda w: {"version": 1, "reason": "不属于婚姻家庭纠纷"},
    ),
]

REQUESTS_API = {**ANON_API, "district_admin": 200, "town_admin": 200, "other_town_admin": 404, "mediator": 200}
NOT_STUDIO_API = {"station_manager": 403, "other_station_manager": 403, "volunteer": 403}

ROWS += [
    (
        "API online requests 东灵",
        "GET",
        lambda w: f"/api/studios/{sd(w)}/requests",
        {**REQUESTS_API, "advisor": 403, **NOT_STUDIO_API},
    ),
    (
        "API online request taken in",
        "POST",
        lambda w: "/api" + _online(w).removeprefix("/stations").rstrip("/") + "/take-in",
        {**ANON_API, **WORK, "mediator": 201, "advisor": 403, **NOT_STUDIO_API},
        lambda w: {"version": 1},
    ),
    (
        "API online request declined",
        "POST",
        lambda w: "/api" + _online(w).removeprefix("/stations").rstrip("/") + "/decline",
        {**ANON_API, **WORK, "mediator": 200, "advisor": 403, **NOT_STUDIO_API},
        lambda w: {"version": 1, "reason": "不属于婚姻家庭纠纷"},
    ),
    (
        "API public request for mediation",
        "POST",
        lambda w: f"/api/public/studios/{sd(w)}/requests",
        {"default": 201},
        lambda w: {"name": "李秀英", "mobile": "13912345678", "description": "想咨询离婚财产分割", "consent": True},
    ),
]
