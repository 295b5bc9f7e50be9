import io
import json

import pytest
from openpyxl import load_workbook

from yizhan.mediation.tests.network import build_studio_network
from yizhan.stations.tests.network import count_queries, grow_network


@pytest.fixture
def net(world):
    return build_studio_network(world)


def test_coverage_page_and_export(net, world, client_for):
    client = client_for(world.users["town_admin"])
    response = client.get("/stations/coverage/?region=330109113")
    html = response.content.decode()
    assert response.status_code == 200
    assert "驿站覆盖情况：瓜沥镇" in html
    assert "已建成运行驿站" in html
    assert 'id="coverage-data"' in html
    assert "vendor/echarts/echarts.min.js" in html
    assert "<script>" not in html
    start = html.index('id="coverage-data" type="application/json">') + len(
        'id="coverage-data" type="application/json">'
    )
    chart = json.loads(html[start : html.index("</script>", start)])
    assert chart["categories"] == ["瓜沥镇"]
    assert chart["series"][0]["data"] == [1]
    export = client.get("/stations/coverage/export.xlsx?region=330109113")
    assert export.status_code == 200
    workbook = load_workbook(io.BytesIO(export.content))
    summary, villages = workbook.worksheets
    assert summary.cell(2, 1).value == "瓜沥镇"
    assert summary.cell(2, 2).value == 3
    assert summary.cell(2, 3).value == 1
    assert [row[2] for row in villages.iter_rows(min_row=2, values_only=True)] == ["隆园社区", "友谊村", "东灵社区"]


def test_coverage_plan_form(net, world, client_for):
    client = client_for(world.users["town_admin"])
    response = client.post(
        "/stations/coverage/plan/", {"village": "330109113002", "station_target": "2027-06-30", "note": "选址"}
    )
    assert response.status_code == 302
    html = client.get("/stations/coverage/?region=330109113").content.decode()
    assert "2027-06-30" in html
    response = client.post("/stations/coverage/plan/", {"village": "330109113002", "station_target": "not a date"})
    assert response.status_code == 302  # message, nothing changed


@pytest.mark.parametrize("n", [10, 200])
def test_coverage_query_count_does_not_grow(net, world, client_for, n):
    grow_network(world, n)
    client = client_for(world.users["town_admin"])
    client.get("/accounts/home/")  # session warm-up
    # 14 since the rollups (issue 12): the breadcrumb's ancestors and the town's rolled-up figures
    assert count_queries(client, "/stations/coverage/?region=330109113") == 14


def test_nul_characters_in_the_coverage_query_are_refused(net, world, client_for):
    response = client_for(world.users["town_admin"]).get("/stations/coverage/?region=3301%0009113")
    assert response.status_code == 400
    assert "空字符" in response.content.decode()
