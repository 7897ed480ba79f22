#!/usr/bin/env python3
"""A private service reads a resident's own information through Madoguchi's 自己情報取得API.

What a registered private service (民間サービス) does, end to end, with nothing but HTTP: make a
PKCE pair (S256), send the resident to the consent URL with one scope per data category, take
the authorization code from the redirect, exchange it (with the client secret and the PKCE
verifier) for an access token, fetch `GET /api/v1/self/<category>`, then stop the link and show
that the next fetch is refused (401 problem+json). docs/self-info.md explains the flow.

    .venv/bin/python manage.py selfinfo_client_create --name まどぐち家計簿 \\
        --operator 株式会社サンプル --purpose "家計簿に前年の所得を記入するため" \\
        --redirect-uri http://127.0.0.1/self-info-example/callback --category tax
    export MADOGUCHI_SELFINFO_CLIENT_ID=… MADOGUCHI_SELFINFO_CLIENT_SECRET=…
    .venv/bin/python examples/self_info.py http://127.0.0.1:8000            # prints the URL
    .venv/bin/python examples/self_info.py http://127.0.0.1:8000 --auto     # CI: no browser

Without a client id this script registers one by running `manage.py selfinfo_client_create`
from the repository next to it (development only).

Interactive: open the printed URL, sign in as a demo resident (PIN 1234), consent; the browser
then lands on the redirect URI (nothing listens there): paste that address here. The script
revokes its own token (RFC 7009) at the end.

`--auto` plays the resident too, the way CI can: it signs in through the development IdP as a
demo resident, consents on the consent page, and at the end ends the link in My page
(「連携中のサービス」 → 「連携を解除する」) as the resident would.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import html
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import httpx

ROOT = Path(__file__).resolve().parents[1]
REDIRECT_URI = "http://127.0.0.1/self-info-example/callback"
DEMO_PIN = "1234"


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def register_client(category: str) -> tuple[str, str]:
    """A demo service registered with the repository's manage.py (development only)."""
    output = subprocess.run(  # noqa: S603
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "selfinfo_client_create",
            "--name",
            "まどぐち家計簿（サンプル）",
            "--operator",
            "サンプル株式会社",
            "--purpose",
            "家計簿アプリに前年の所得と住民税の課税状況を記入するため",
            "--redirect-uri",
            REDIRECT_URI,
            "--category",
            category,
            "--json",
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    data = json.loads(output.strip().splitlines()[-1])
    return str(data["client_id"]), str(data["client_secret"])


def hidden_inputs(page: str) -> dict[str, str]:
    return {
        name: html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page)
    }


def follow(client: httpx.Client, response: httpx.Response) -> httpx.Response:
    """Follow redirects on the platform, stopping at the service's own redirect URI."""
    for _ in range(10):
        if not response.is_redirect:
            return response
        location = urljoin(str(response.url), response.headers["location"])
        if location.startswith(REDIRECT_URI):
            return response
        response = client.get(location)
    raise SystemExit("too many redirects")


def play_resident(client: httpx.Client, url: str, resident: str) -> tuple[str, str]:
    """Sign in through the development IdP as a demo resident and consent; return the address
    the platform sends the browser to (the redirect URI with the code) and the service's name
    as the consent page shows it."""
    page = follow(client, client.get(url))
    if "/idp/login/" in str(page.url):
        options = re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>', page.text)
        subject = next((v for v, label in options if resident in label.replace("\u3000", " ")), "")
        if not subject:
            raise SystemExit(f"no demo resident named {resident!r} at the IdP")
        fields = hidden_inputs(page.text) | {"resident": subject, "pin": DEMO_PIN}
        page = follow(client, client.post(str(page.url), data=fields))
    if page.status_code != 200 or 'name="allow"' not in page.text:
        raise SystemExit(f"no consent page (HTTP {page.status_code} at {page.url})")
    heading = re.search(r"<h1>(.*?)</h1>", page.text, re.S)
    asker = re.search(r'class="selfinfo-asker".*?<dd>(.*?)</dd>', page.text, re.S)
    print(f"consent page: {html.unescape(heading.group(1).strip()) if heading else '?'}")
    answer = client.post(str(page.url), data=hidden_inputs(page.text) | {"allow": "1"})
    if not answer.is_redirect:
        raise SystemExit(f"consent not accepted (HTTP {answer.status_code})")
    return str(answer.headers["location"]), html.unescape(asker.group(1)) if asker else ""


def end_link_in_my_page(client: httpx.Client, base: str, service_name: str) -> None:
    """The resident ends the link: My page → 連携中のサービス → 連携を解除する."""
    page = client.get(f"{base}/apply/mypage/services/")
    forms = re.findall(
        r'<h2 id="consent-(\d+)">([^<]*)</h2>.*?<form method="post" action="([^"]+)">\s*'
        r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)">',
        page.text,
        re.S,
    )
    for _id, name, action, token in forms:
        if html.unescape(name) == service_name:
            client.post(urljoin(base + "/", action), data={"csrfmiddlewaretoken": token})
            print(f"the resident ended the link with {service_name} in My page")
            return
    raise SystemExit(f"{service_name} is not listed in My page")


def problem_text(response: httpx.Response) -> str:
    try:
        problem: dict[str, Any] = response.json()
    except ValueError:
        return response.text[:200]
    return f"{problem.get('title_en') or problem.get('title')}: {problem.get('detail_en', '')}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("base_url", nargs="?", default="http://127.0.0.1:8000")
    parser.add_argument("--category", default="tax", choices=["resident", "tax", "child_allowance"])
    parser.add_argument("--client-id", default=os.environ.get("MADOGUCHI_SELFINFO_CLIENT_ID"))
    parser.add_argument(
        "--client-secret", default=os.environ.get("MADOGUCHI_SELFINFO_CLIENT_SECRET", "")
    )
    parser.add_argument("--auto", action="store_true", help="play the resident too (CI)")
    parser.add_argument("--resident", default="𠮷田 太郎", help="demo resident for --auto")
    args = parser.parse_args(argv)
    base = args.base_url.rstrip("/")
    client_id, client_secret = args.client_id, args.client_secret
    if not client_id:
        client_id, client_secret = register_client(args.category)
        print(f"registered a demo service: client_id {client_id}")

    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(16)
    scope = f"selfinfo:{args.category}"
    url = f"{base}/self-info/o/authorize/?" + urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": scope,
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    print(f"consent URL: {url}")
    with httpx.Client(timeout=30) as browser, httpx.Client(timeout=30) as service:
        service_name = ""
        if args.auto:
            landed, service_name = play_resident(browser, url, args.resident)
        else:
            landed = input("After consenting, paste the address the browser landed on: ")
        query = parse_qs(urlsplit(landed).query)
        if query.get("state") != [state]:
            print(f"refused: the state does not match ({landed})", file=sys.stderr)
            return 1
        if "code" not in query:
            print(f"no consent: {query.get('error', ['?'])[0]}", file=sys.stderr)
            return 1
        auth = (client_id, client_secret) if client_secret else None
        tokens = service.post(
            f"{base}/self-info/o/token/",
            data={
                "grant_type": "authorization_code",
                "code": query["code"][0],
                "redirect_uri": REDIRECT_URI,
                "code_verifier": verifier,
                **({} if client_secret else {"client_id": client_id}),
            },
            auth=auth,
        )
        if tokens.status_code != 200:
            print(f"token refused: HTTP {tokens.status_code} {tokens.text}", file=sys.stderr)
            return 1
        access_token = tokens.json()["access_token"]
        print(f"access token for {tokens.json()['scope']}, {tokens.json()['expires_in']} s")

        api = f"{base}/api/v1/self/{args.category}"
        headers = {"Authorization": f"Bearer {access_token}"}
        fetched = service.get(api, headers=headers)
        if fetched.status_code != 200:
            print(f"fetch refused: HTTP {fetched.status_code} {problem_text(fetched)}")
            return 1
        data = fetched.json()
        print(f"{data['category_label']} from {data['holder']} (exchange {data['exchange_id']}):")
        for item in data["items"]:
            print(
                f"  {item['code']} {item['label']}: {json.dumps(item['value'], ensure_ascii=False)}"
            )

        if args.auto:
            end_link_in_my_page(browser, base, service_name)
        else:
            service.post(
                f"{base}/self-info/o/revoke_token/",
                data={"token": access_token, "token_type_hint": "access_token"},
                auth=auth,
            )
            print("the service revoked its token (RFC 7009)")
        again = service.get(api, headers=headers)
        print(f"after revocation: HTTP {again.status_code} {problem_text(again)}")
        return 0 if again.status_code == 401 else 1


if __name__ == "__main__":
    sys.exit(main())
