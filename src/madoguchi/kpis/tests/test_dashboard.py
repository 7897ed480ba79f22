"""Staff figures: the municipality dashboard (SVG charts with a table, CSV per figure), tenant
isolation, and adoption for the national administrator and prefecture staff."""

import csv
import io

import pytest

from madoguchi.reception.testing import staff_login

from .conftest import CHIYODA, YOKOHAMA

pytestmark = pytest.mark.django_db


def _csv(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_dashboard_shows_the_figures_as_svg_with_a_table(client, chiyoda_figures):
    staff_login(client, "chiyoda-worker")
    response = client.get("/staff/kpis/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "千代田区" in html
    assert "4,321" in html and "97" in html
    # Charts: an image with a title and a description, drawn without script.
    assert html.count('<svg class="kpi-chart"') == 2
    assert 'role="img"' in html and "<title id=" in html and "<desc id=" in html
    assert "<script" not in html and "style=" not in html
    assert "り災証明書" in html or "罹災証明書" in html
    assert "100.0%" in html  # no counter counts yet: everything was online


def test_each_figure_downloads_as_csv(client, chiyoda_figures):
    staff_login(client, "chiyoda-worker")
    rows = _csv(client.get(f"/staff/kpis/figures/procedures.csv?municipality={CHIYODA}"))
    assert rows[0][:4] == ["procedure_code", "received_online", "received_counter", "online_rate"]
    (row,) = rows[1:]
    assert row[:6] == ["disaster-certificate", "4321", "0", "1.0", "4011", "97"]
    assert row[6] == str(2 * 86400)  # median within 2 days
    months = _csv(client.get(f"/staff/kpis/figures/months.csv?municipality={CHIYODA}"))
    assert len(months) == 13 and months[-1][1] == "4321"
    assert client.get("/staff/kpis/figures/nothing.csv").status_code == 404


def test_another_municipality_sees_none_of_it(client, chiyoda_figures):
    staff_login(client, "yokohama-admin")
    own = client.get("/staff/kpis/")
    assert own.status_code == 200
    assert "横浜市" in own.content.decode() and "4,321" not in own.content.decode()
    assert client.get(f"/staff/kpis/?municipality={CHIYODA}").status_code == 404
    assert (
        client.get(f"/staff/kpis/figures/procedures.csv?municipality={CHIYODA}").status_code == 404
    )
    rows = _csv(client.get("/staff/kpis/figures/procedures.csv"))
    assert rows[1:] == []
    assert client.get(f"/staff/kpis/?municipality={YOKOHAMA}").status_code == 200


def test_signed_out_users_go_to_the_sign_in(client):
    response = client.get("/staff/kpis/")
    assert response.status_code == 302 and "/staff/login/" in response["Location"]


def test_national_administrator_sees_every_prefecture(client, catalog, demo):
    staff_login(client, "national-admin")
    response = client.get("/staff/kpis/adoption/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "全国" in html or "都道府県" in html
    rows = _csv(client.get("/staff/kpis/adoption/areas.csv"))
    assert len(rows) == 1 + 47
    assert rows[0] == ["code", "online", "registered", "not_yet", "possible", "share_online"]
    procedures = _csv(client.get("/staff/kpis/adoption/procedures.csv"))
    by_code = {row[0]: row for row in procedures[1:]}
    assert by_code["child-allowance-claim"][4] == "1741"
    assert by_code["vehicle-tax-declaration"][4] == "47"
    # The national administrator has no municipality: the figures start at adoption.
    response = client.get("/staff/kpis/")
    assert response.status_code == 302 and response["Location"] == "/staff/kpis/adoption/"


def test_prefecture_staff_see_their_prefecture_only(client, catalog, demo):
    staff_login(client, "tokyo-worker")
    response = client.get("/staff/kpis/adoption/")
    assert response.status_code == 200
    assert "東京都" in response.content.decode()
    rows = _csv(client.get("/staff/kpis/adoption/areas.csv"))
    assert len(rows) == 1 + 62  # 23 special wards, 26 cities, 5 towns, 8 villages
    assert all(row[0].startswith("13") for row in rows[1:])
    assert client.get("/staff/kpis/adoption/?prefecture=140007").status_code == 404
    # A municipality's staff are not prefecture staff.
    staff_login(client, "chiyoda-worker")
    assert client.get("/staff/kpis/adoption/").status_code == 403
