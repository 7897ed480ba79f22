"""The municipality and national dashboards and the public open-data pages in headless
Chromium at 1280 and 360 px: axe clean, no horizontal scrolling, charts drawn without
JavaScript (the pages carry no script). Screenshots go to test-results/kpis/ (not committed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from madoguchi.core.testing import axe_violations, format_violations
from madoguchi.forms.services import form_adopt_preset, form_publish
from madoguchi.kpis.models import CounterCount
from madoguchi.reception.testing import staff_login

from .conftest import CHIYODA, this_month

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path(settings.BASE_DIR) / "test-results" / "kpis"
WIDTHS = (1280, 360)


def _signed_in(browser, live_server, username: str, width: int):
    client = Client()
    staff_login(client, username)
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ja-JP")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context


def _check(context, url: str, name: str, width: int) -> str:
    page = context.new_page()
    csp: list[str] = []
    page.on("console", lambda msg: csp.append(msg.text) if "Content Security" in msg.text else None)
    page.goto(url)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    # The page has no script at all: what a browser without JavaScript shows is this.
    assert page.evaluate("document.scripts.length") == 0
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name
    # Each chart is drawn (bars with a size) without script.
    assert page.locator("svg.kpi-chart").count() >= 2
    assert page.locator("svg.kpi-chart rect").first.bounding_box()["height"] > 0
    assert csp == []
    html = str(page.content())
    page.close()
    return html


@pytest.fixture
def figures(chiyoda_figures, demo):
    municipal_form = form_adopt_preset(
        municipality_code=CHIYODA, procedure_code="disaster-certificate", actor=None
    )
    form_publish(municipal_form=municipal_form, actor=None)
    CounterCount.objects.create(
        municipality_code=CHIYODA,
        procedure_code="disaster-certificate",
        month=this_month(),
        count=1000,
    )
    return chiyoda_figures


@pytest.mark.parametrize("width", WIDTHS)
def test_municipality_dashboard(browser, live_server, figures, width):
    context = _signed_in(browser, live_server, "chiyoda-admin", width)
    html = _check(context, f"{live_server.url}/staff/kpis/", "municipality", width)
    assert "81.2%" in html  # 4,321 online over 4,321 + 1,000
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_national_dashboard(browser, live_server, figures, width):
    context = _signed_in(browser, live_server, "national-admin", width)
    html = _check(context, f"{live_server.url}/staff/kpis/adoption/", "national", width)
    assert "北海道" in html and "沖縄県" in html
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_public_adoption_page(browser, live_server, figures, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ja-JP")
    _check(context, f"{live_server.url}/opendata/adoption/", "public-adoption", width)
    page = context.new_page()
    page.goto(f"{live_server.url}/opendata/")
    page.screenshot(path=str(SHOTS / f"opendata-{width}.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()


def test_counter_upload_with_errors_at_360(browser, live_server, figures, tmp_path):
    context = _signed_in(browser, live_server, "chiyoda-worker", 360)
    page = context.new_page()
    page.goto(f"{live_server.url}/staff/kpis/counter/")
    month = f"{this_month():%Y-%m}"
    bad = tmp_path / "counts.csv"
    bad.write_text(
        "municipality_code,procedure_code,month,count\n"
        f"{CHIYODA},disaster-certificate,{month},12\n"
        f"141003,disaster-certificate,{month},3\n"
        f"{CHIYODA},disaster-certificate,2026-13,x\n",
        encoding="utf-8-sig",
    )
    page.get_by_label("CSV ファイル").set_input_files(str(bad))
    page.get_by_role("button", name="確認して登録する").click()
    page.get_by_role("heading", name="ファイルに誤りがあります").wait_for()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "counter-errors-360.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.get_by_text("3行目").count() >= 1
    page.get_by_role("button", name="1 行だけを保存する").click()
    page.get_by_text("1 行を保存しました。").wait_for()
    assert CounterCount.objects.get(month=this_month()).count == 12
    context.close()
