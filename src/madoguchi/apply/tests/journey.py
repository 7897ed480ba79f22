"""Page-by-page POST data that fills 罹災証明書の発行申請 (for the client tests)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from madoguchi.applications.models import Application

# The smallest valid JPEG header is enough for the type check (bytes are not decoded).
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 200

PAGES: dict[str, dict[str, str]] = {
    # The browser posts the prefilled values back as they stand in the inputs.
    "applicant": {
        "applicant.name.family": "𠮷田",
        "applicant.name.given": "太郎",
        "applicant.name_kana.family": "ヨシダ",
        "applicant.name_kana.given": "タロウ",
        "applicant.birth_date.era": "showa",
        "applicant.birth_date.year": "60",
        "applicant.birth_date.month": "4",
        "applicant.birth_date.day": "12",
        "applicant.address.postal_code": "102-0083",
        "applicant.address.address": "東京都千代田区麹町二丁目1番1号",
        "applicant.phone": "03-1234-5678",
        "applicant.email": "taro.yoshida@example.com",
        "disaster.applicant_relation": "householder",
    },
    "disaster": {
        "disaster.location.postal_code": "102-0083",
        "disaster.location.address": "東京都千代田区麹町二丁目1番1号",
        "disaster.date.era": "reiwa",
        "disaster.date.year": "7",
        "disaster.date.month": "1",
        "disaster.date.day": "15",
        "disaster.cause": "storm",
        "disaster.building_use": "dwelling",
        "disaster.damage_level": "half",
        "disaster.flood_depth": "30",
        "disaster.damage_description": "台風により屋根瓦が落ち、天井から雨漏りしている。",
        "disaster.occupancy": "owned",
    },
    "household": {"household.members.count": "0"},
    "certificate": {
        "certificate.copies": "2",
        "certificate.purpose": "insurance",
        "certificate.delivery": "mail",
    },
    "attachments": {},
    "confirm": {"declaration.truth": "yes"},
}


def photo(name: str = "roof.jpg", data: bytes = JPEG, content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def page_url(application: Application, page_id: str) -> str:
    return f"/apply/{application.public_id}/{page_id}/"


def fill_all(client: Client, application: Application) -> None:
    """Post every page with valid answers (the applicant's name etc. come from the prefill)."""
    for page_id, data in PAGES.items():
        payload: dict[str, object] = {**data, "_action": "next"}
        if page_id == "attachments":
            payload["attachments.photos"] = photo()
        response = client.post(page_url(application, page_id), payload)
        assert response.status_code == 302, (page_id, response.content.decode()[-3000:])
