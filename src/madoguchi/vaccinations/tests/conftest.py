from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from madoguchi.accounts.models import Household, Membership, Resident
from madoguchi.signatures.testing import demo_resident
from madoguchi.vaccinations import services
from madoguchi.vaccinations.models import Clinic, Voucher

CHIYODA = "131016"
YOKOHAMA = "141003"
HEADER = "市区町村コード,接種券番号,接種日,ワクチン,ロット番号,接種回数,医療機関コード"
SITE = services.DEMO_CLINIC_CODE


@pytest.fixture
def vacc(pki) -> None:
    """Demo data: the demo clinic (chiyoda-clinic), vouchers and a few records."""
    services.demo_data_load()


@pytest.fixture
def clinic(vacc) -> Clinic:
    return Clinic.objects.get(code=SITE)


@pytest.fixture
def yokohama_clinic(vacc) -> Clinic:
    user = get_user_model().objects.create_user(username="yokohama-clinic", password="x" * 20)
    Membership.objects.create(user=user, municipality_id=YOKOHAMA, role="clinic")
    return services.clinic_upsert(code="1410199999", name="横浜テスト医院", users=[user])


def voucher(key: str) -> str:
    return Voucher.objects.get(resident=demo_resident(key)).number


def csv_file(lines: list[str], *, encoding: str = "utf-8", name: str = "doses.csv"):
    text = "\r\n".join([HEADER, *lines]) + "\r\n"
    data = text.encode("utf-8-sig" if encoding == "utf-8-sig" else encoding)
    return SimpleUploadedFile(name, data, content_type="text/csv")


def row(key: str, dose: int, day: str, product: str = "comirnaty", lot: str = "AB1234") -> str:
    return f"{CHIYODA},{voucher(key)},{day},{product},{lot},{dose},{SITE}"


@pytest.fixture
def yokohama_resident(pki) -> Resident:
    """Someone living in 横浜市 with the same 基本4情報 as 佐藤 次郎 once had (a move-out)."""
    sato = demo_resident("sato-jiro")
    household = Household.objects.create(municipality_id=YOKOHAMA, code="Y0001")
    return Resident.objects.create(
        municipality_id=YOKOHAMA,
        household=household,
        is_householder=True,
        relationship="世帯主",
        family_name=sato.family_name,
        given_name=sato.given_name,
        family_name_kana=sato.family_name_kana,
        given_name_kana=sato.given_name_kana,
        birth_date=sato.birth_date,
        gender=sato.gender,
        postal_code="2310017",
        address="神奈川県横浜市中区港町1丁目1番地",
    )


def days_ago(n: int) -> str:
    from django.utils import timezone

    return (timezone.localdate() - datetime.timedelta(days=n)).isoformat()
