"""保存期間 on the staff form page: a form editor sets the municipality's own period (audited);
bad input is refused at the field; empty goes back to the standard period (docs/retention.md)."""

from __future__ import annotations

import pytest

from madoguchi.audit.models import AuditEvent
from madoguchi.catalog.selectors import retention_years_for

from .conftest import CHIYODA

pytestmark = pytest.mark.django_db
BASE = f"/staff/forms/{CHIYODA}/disaster-certificate/"
URL = f"{BASE}retention/"


def years() -> int:
    return retention_years_for(municipality_code=CHIYODA, procedure_code="disaster-certificate")


def test_editor_sets_and_clears_the_municipalitys_own_period(editor_client, disaster_form, catalog):
    page = editor_client.get(BASE).content.decode()
    assert "標準の保存期間（5年）" in page
    response = editor_client.post(URL, {"retention-years": "10"})
    assert response.status_code == 302 and response["Location"] == BASE
    assert years() == 10
    event = AuditEvent.objects.get(action="offering.retention_changed")
    assert event.data == {"procedure_code": "disaster-certificate", "from": None, "to": 10}

    refused = editor_client.post(URL, {"retention-years": "0"})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "保存期間は1年から100年の間で入力してください。" in html
    assert 'href="#id_retention-years"' in html  # the error summary links to the field
    assert years() == 10

    editor_client.post(URL, {"retention-years": ""})
    assert years() == 5
