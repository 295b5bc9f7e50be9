"""The 人民调解协议书 PDF: its text, read back with pypdf, carries every item People's Mediation Law art. 29 requires,
in Chinese; mobile numbers are never printed; an incomplete agreement is refused naming what is missing."""

import re

import pytest

from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.mediation.documents import agreement_pdf
from yizhan.mediation.models import Agreement, CaseParty
from yizhan.mediation.tests.network import build_studio_network
from yizhan.mediation.tests.outcomes import CONTENT, make_agreement_case
from yizhan.tests.pdf import pdf_pages, pdf_text


@pytest.fixture
def net(world):
    return build_studio_network(world)


def _flat(text: str) -> str:
    """The PDF's text without the line breaks and spaces the layout puts in."""
    return re.sub(r"\s+", "", text)


def _download(client, case, revision=1):
    return client.get(f"/stations/studios/cases/{case.pk}/agreement/{revision}/pdf/")


def test_the_pdf_carries_every_item_art_29_requires(world, net, client_for):
    case, agreement = make_agreement_case(world)
    response = _download(client_for(world.users["mediator"]), case)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    text = _flat(pdf_text(response.content))
    due = agreement.perform_by
    required = {
        "title": "人民调解协议书",
        "case number": _flat(case.number),
        "committee": "东灵社区婚姻家庭纠纷调解工作室",
        "parties' details heading": "当事人基本情况",
        "applicant": "申请人",
        "applicant's name": "李秀英",
        "respondent's name": "王强",
        "gender": "女",
        "age": "34岁",
        "address": "瓜沥镇友谊村",
        "relation": "前夫",
        "facts heading": "纠纷的主要事实",
        "facts": _flat(CONTENT["facts"]),
        "matters heading": "争议事项",
        "matters": _flat(CONTENT["matters"]),
        "responsibility heading": "各方当事人的责任",
        "responsibilities": _flat(CONTENT["responsibilities"]),
        "terms heading": "协议内容",
        "terms": _flat(CONTENT["terms"]),
        "performance heading": "履行方式和期限",
        "performance": _flat(CONTENT["performance"]),
        "performed by": f"{due.year}年{due.month}月{due.day}日前履行完毕",
        "signature or fingerprint": "（签名或按指印）",
        "mediator's signature": "人民调解员",
        "committee's seal": "人民调解委员会印章",
        "date": "日期：",
        "copies": "本协议一式3份，当事人各执一份，人民调解委员会留存一份",
        "effect": "之日起生效",
        "judicial confirmation": "三十日内共同向人民法院申请司法确认",
    }
    missing = {name: item for name, item in required.items() if item not in text}
    assert not missing, missing
    assert text.count("（签名或按指印）") == 2  # a place for each party
    assert "13912345678" not in text  # mobiles are never printed
    assert "139****5678" not in text
    assert pdf_pages(response.content) >= 1


def test_huge_text_and_emoji_flow_onto_more_pages(world, net):
    case, agreement = make_agreement_case(world)
    with scopes_disabled():
        Agreement.all_objects.filter(pk=agreement.pk).update(terms="双方同意😀按期支付。" * 450)
        agreement = Agreement.all_objects.select_related("case", "case__studio").get(pk=agreement.pk)
        parties = list(CaseParty.all_objects.filter(case=case).order_by("role", "pk"))
    with scope_for(world.users["mediator"]):
        content = agreement_pdf(agreement, parties, lead_name="张调解")
    assert pdf_pages(content) >= 3
    text = _flat(pdf_text(content))
    assert "双方同意" in text
    assert "人民调解员张调解（签名）" in text


def test_an_incomplete_agreement_gives_no_pdf_and_names_what_is_missing(world, net, client_for):
    case, _agreement = make_agreement_case(world, complete=False)
    response = _download(client_for(world.users["mediator"]), case)
    assert response.status_code == 400
    html = response.content.decode()
    for item in ("争议事项", "各方当事人的责任", "履行方式", "履行期限", "份数", "李秀英的基本情况（年龄）"):
        assert item in html, item
    api = client_for(world.users["mediator"]).get(f"/api/cases/{case.pk}/agreement/1/pdf")
    assert api.status_code == 400
    assert "争议事项" in api.json()["errors"]["__all__"][0]


def test_the_pdf_is_for_those_who_see_the_case(world, net, client_for):
    case, _agreement = make_agreement_case(world, advisor_on=False)
    assert _download(client_for(world.users["town_admin"]), case).status_code == 200
    assert _download(client_for(world.users["advisor"]), case).status_code == 404
    assert _download(client_for(world.users["other_town_admin"]), case).status_code == 404
    assert _download(client_for(world.users["mediator"]), case, revision=9).status_code == 404
