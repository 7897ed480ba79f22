import pytest

from madoguchi.accounts.models import User
from madoguchi.accounts.services import DEMO_PASSWORD
from madoguchi.reception.testing import staff_device, totp_code

pytestmark = pytest.mark.django_db


def test_home_page_is_japanese_and_links_everything(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ja">' in html
    assert 'href="#main"' in html and "本文へ移動" in html
    for href in ("/search/municipalities/", "/staff/", "/api/v1/docs/"):
        assert f'href="{href}"' in html
    assert "自治体の手続をオンラインで" in html


def test_security_headers_and_a_csp_without_inline_script(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_pages_have_no_inline_script_or_style(client, master):
    for url in ("/", "/search/municipalities/?q=ちよだ", "/staff/login/"):
        html = client.get(url).content.decode()
        assert "<script>" not in html and "<script " not in html.replace("<script src=", "")
        assert "style=" not in html and "<style" not in html


def test_municipality_search_by_kana_and_postal_code(client, master):
    html = client.get("/search/municipalities/", {"q": "ちよだ"}).content.decode()
    assert "東京都千代田区" in html and "群馬県邑楽郡千代田町" in html
    assert "2件見つかりました" in html
    html = client.get("/search/municipalities/", {"postal_code": "100-0013"}).content.decode()
    assert "東京都千代田区" in html and "1件見つかりました" in html


def test_municipality_search_errors_are_tied_to_the_field(client, master):
    response = client.get("/search/municipalities/", {"postal_code": "12ab", "q": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "入力内容に誤りがあります" in html
    assert 'href="#id_postal_code"' in html  # error summary links to the field
    assert 'aria-describedby="id_postal_code_help id_postal_code_error"' in html
    assert 'aria-invalid="true"' in html
    assert "「12ab」は郵便番号の形式ではありません" in html
    assert 'value="12ab"' in html  # what was typed is kept
    assert "<title>エラー: " in html


def test_empty_search_asks_for_input_at_the_first_field(client, master):
    html = client.get("/search/municipalities/", {"postal_code": "", "q": ""}).content.decode()
    assert "郵便番号または市区町村名を入力してください。" in html
    assert 'id="id_postal_code_error"' in html


def test_staff_console_requires_login_and_shows_roles(client, demo):
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")
    response = client.post(
        "/staff/login/?next=/staff/",
        {"username": "chiyoda-editor", "password": DEMO_PASSWORD, "next": "/staff/"},
    )
    assert response.status_code == 302
    # The password alone does not open staff pages: the TOTP step comes next.
    assert response["Location"].startswith("/staff/login/code/")
    assert client.get("/staff/")["Location"].startswith("/staff/login/code/")
    device = staff_device(User.objects.get(username="chiyoda-editor"))
    response = client.post("/staff/login/code/", {"token": totp_code(device), "next": "/staff/"})
    assert response.status_code == 302 and response["Location"] == "/staff/"
    html = client.get("/staff/").content.decode()
    assert "東京都千代田区" in html and "様式編集者" in html
    assert "横浜市" not in html


def test_wrong_staff_password_shows_a_japanese_error(client, demo):
    html = client.post(
        "/staff/login/", {"username": "chiyoda-editor", "password": "nope"}
    ).content.decode()
    assert "正しいユーザー名とパスワードを入力してください" in html


def test_unknown_page_is_a_japanese_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()


def test_healthz_reports_the_database(client):
    assert client.get("/healthz").json()["status"] == "ok"


def test_control_characters_are_not_echoed_back(client, master):
    html = client.get("/search/municipalities/", {"postal_code": "1\x00"}).content.decode()
    assert "「1」は郵便番号の形式ではありません" in html
    error = html.split('id="id_postal_code_error"', 1)[1].split("</p>", 1)[0]
    assert "\x00" not in error
