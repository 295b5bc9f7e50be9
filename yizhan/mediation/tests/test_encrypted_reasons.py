"""Free-text reasons about people are encrypted at rest: mandatory-report grounds, recusal reasons and decision
grounds, joint-session override reasons, police-referral notes. The column holds ciphertext, the model and the pages
read the text as before; migration 0008 encrypts the values already stored and decrypts them on the way back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from yizhan.core import crypto
from yizhan.core.scoping import scopes_disabled
from yizhan.mediation import reference
from yizhan.mediation.models import (
    Case,
    CaseParty,
    JointSessionOverride,
    MandatoryReport,
    PoliceReferral,
    Recusal,
    RiskScreening,
    StudioMember,
)
from yizhan.mediation.tests.cases import make_case
from yizhan.mediation.tests.network import build_studio_network
from yizhan.stations import reference as station_reference
from yizhan.tests.factories import build_world

TEXTS = {
    ("mediation_mandatoryreport", "grounds"): "王小雨（8岁）目睹父亲施暴",
    ("mediation_recusal", "reason"): "律师曾代理王强的离婚案",
    ("mediation_recusal", "decision_note"): "确有利害关系，准予回避",
    ("mediation_jointsessionoverride", "reason"): "受害人坚持当面调解，民警在场",
    ("mediation_policereferral", "note"): "王强多次威胁李秀英",
}


def _make(w):
    """One row of each model with its text, written through the models."""
    build_studio_network(w)
    mediator = w.users["mediator"]
    case = make_case(w, status=Case.Status.ACCEPTED, lead=True)
    with scopes_disabled():
        applicant = CaseParty.all_objects.get(case=case, role="applicant")
        lawyer = StudioMember.all_objects.get(studio=case.studio, user=w.users["advisor"])
        screening = RiskScreening.all_objects.create(
            case=case, level="red", score=9, answers="[]", screened_by=mediator
        )
        MandatoryReport.all_objects.create(
            case=case, grounds=TEXTS["mediation_mandatoryreport", "grounds"], opened_by=mediator
        )
        Recusal.all_objects.create(
            case=case,
            member=lawyer,
            requested_by=applicant,
            reason=TEXTS["mediation_recusal", "reason"],
            decision_note=TEXTS["mediation_recusal", "decision_note"],
            recorded_by=mediator,
        )
        JointSessionOverride.all_objects.create(
            case=case,
            screening=screening,
            reason=TEXTS["mediation_jointsessionoverride", "reason"],
            granted_by=w.users["town_admin"],
        )
        PoliceReferral.all_objects.create(
            case=case,
            referred_at=timezone.now(),
            station="瓜沥派出所",
            note=TEXTS["mediation_policereferral", "note"],
            referred_by=mediator,
        )
    return case


def _raw():
    with connection.cursor() as cursor:
        values = {}
        for table, column in TEXTS:
            cursor.execute(f"SELECT {column} FROM {table}")  # noqa: S608 - fixed names above
            values[table, column] = cursor.fetchone()[0]
        return values


def test_the_columns_hold_ciphertext_and_the_models_read_the_text(world):
    _make(world)
    raw = _raw()
    for key, text in TEXTS.items():
        assert raw[key] != text, key
        assert text not in raw[key], key
        assert crypto.decrypt(raw[key]) == text, key
    with scopes_disabled():
        assert MandatoryReport.all_objects.get().grounds == TEXTS["mediation_mandatoryreport", "grounds"]
        recusal = Recusal.all_objects.get()
        assert recusal.reason == TEXTS["mediation_recusal", "reason"]
        assert recusal.decision_note == TEXTS["mediation_recusal", "decision_note"]
        assert JointSessionOverride.all_objects.get().reason == TEXTS["mediation_jointsessionoverride", "reason"]
        assert PoliceReferral.all_objects.get().note == TEXTS["mediation_policereferral", "note"]


def test_pages_show_them_as_before(world, client_for):
    case = _make(world)
    client = client_for(world.users["mediator"])
    safety = client.get(f"/stations/studios/cases/{case.pk}/safety/").content.decode()
    assert TEXTS["mediation_mandatoryreport", "grounds"] in safety
    assert "joint-override" in safety  # the override is shown (its reason is kept in the audit row, as before)
    sessions = client.get(f"/stations/studios/cases/{case.pk}/sessions/").content.decode()
    assert TEXTS["mediation_recusal", "reason"] in sessions
    api = client.get(f"/api/cases/{case.pk}/safety").json()
    assert api["mandatory_reports"][0]["grounds"] == TEXTS["mediation_mandatoryreport", "grounds"]
    assert api["police_referrals"][0]["note"] == TEXTS["mediation_policereferral", "note"]
    assert api["override"]["reason"] == TEXTS["mediation_jointsessionoverride", "reason"]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)


@pytest.mark.django_db(transaction=True)
def test_migration_encrypts_stored_values_and_decrypts_them_on_the_way_back():
    with scopes_disabled():
        reference.load()
        station_reference.load()  # earlier transactional tests may have flushed the reference tables
        world = build_world()
    _make(world)
    try:
        _migrate([("mediation", "0007_safety")])
        assert _raw() == TEXTS  # back: plaintext in the columns
        _migrate([("mediation", "0008_encrypted_reasons")])
        raw = _raw()
        assert {key: crypto.decrypt(value) for key, value in raw.items()} == TEXTS
        assert all(raw[key] != text for key, text in TEXTS.items())
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
