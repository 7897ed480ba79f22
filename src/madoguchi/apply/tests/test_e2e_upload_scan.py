"""A resident attaches a file with a virus in headless Chromium at 360 px: refused at the
field with a clear message, axe clean; a clean photo is then accepted (docs/scanning.md)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from madoguchi.applications.models import Application
from madoguchi.apply.tests.journey import JPEG
from madoguchi.apply.tests.test_e2e_journey import check_page, idp_sign_in, live  # noqa: F401
from madoguchi.core.scanning import EICAR

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_infected_photo_is_refused_at_its_field(live, page):  # noqa: F811
    page.goto(f"{live}/procedures/")
    page.goto(f"{live}/apply/start/{_form_pk()}/")
    idp_sign_in(page)
    page.get_by_role("button", name="申請を始める").click()
    draft = Application.objects.get()
    page.goto(f"{live}/apply/{draft.public_id}/attachments/")
    page.locator("#f-attachments-photos").set_input_files(
        files=[{"name": "higai.jpg", "mimeType": "image/jpeg", "buffer": JPEG + EICAR}]
    )
    page.get_by_role("button", name="保存して次へ").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("「higai.jpg」からウイルスが見つかったため")
    expect(page.locator("#f-attachments-photos_error")).to_contain_text("ウイルス")
    check_page(page, "scan-01-infected")
    assert not draft.attachments.exists()

    page.locator("#f-attachments-photos").set_input_files(
        files=[{"name": "higai.jpg", "mimeType": "image/jpeg", "buffer": JPEG}]
    )
    page.get_by_role("button", name="保存して次へ").click()
    expect(page.get_by_role("alert")).to_have_count(0)
    assert draft.attachments.get().scan_status == "clean"


def _form_pk() -> str:
    from madoguchi.forms.models import FormVersion

    return str(FormVersion.objects.get(procedure_code="disaster-certificate").pk)
