#!/usr/bin/env python3
"""Apply for a 罹災証明書 (disaster certificate) in 千代田区 through Madoguchi's public API.

What a third-party portal does, end to end, with nothing but HTTP and the openssl command line:
search the procedure, fetch its form, fill it for the demo resident 𠮷田 太郎 (yoshida-taro),
compute the canonical signing payload itself (docs/signing.md), sign it with `openssl cms -sign`,
submit answers + signature in one request (with an Idempotency-Key): 202 with an arrival number
(到達番号); then wait for the outcome and print the receipt number. Two ways to wait:

- poll (default): read the status URL as Retry-After says, with If-None-Match (304 while
  nothing changed), until a worker received or refused it;
- webhook (`--webhook-port PORT`, 0 = any free port): register a callback URL for the key
  (`PUT /api/v1/webhook`, the secret comes back once), listen on it, check each POST's
  X-Madoguchi-Signature (HMAC-SHA256 of "<timestamp>.<body>") and timestamp window, and take
  the event of our arrival number. The server must reach this address (here: the same machine).

    export MADOGUCHI_API_KEY=$(.venv/bin/python manage.py api_demo_key)
    .venv/bin/python examples/apply.py http://127.0.0.1:8000
    .venv/bin/python examples/apply.py http://127.0.0.1:8000 --webhook-port 0

The signing certificate and key come from `manage.py pki_export_card yoshida-taro --out DIR`;
pass DIR with --card-dir (or MADOGUCHI_CARD_DIR), or let this script run that command from the
repository next to it.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import hashlib
import hmac
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
MUNICIPALITY = "131016"  # 千代田区
PROCEDURE = "disaster-certificate"
PHOTO = b"\xff\xd8\xff\xe0 example photo of the damaged roof"


class ApiError(Exception):
    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        try:
            problem = response.json()
        except ValueError:
            problem = {"title_en": response.text[:200]}
        lines = [f"HTTP {response.status_code}: {problem.get('title_en') or problem.get('title')}"]
        if problem.get("detail_en"):
            lines.append(f"  {problem['detail_en']}")
        for error in problem.get("errors", []):
            lines.append(f"  {error.get('field')}: {error.get('message_en')} ({error.get('code')})")
        super().__init__("\n".join(lines))


def call(client: httpx.Client, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
    response = client.request(method, url, **kwargs)
    if response.status_code >= 400:
        raise ApiError(response)
    body: dict[str, Any] = response.json()
    return body


def canonical_json(value: Any) -> bytes:
    """RFC 8785 (JCS). The rfc8785 package when installed; otherwise sorted compact JSON, which
    is the same for these answers (no floats, keys inside the Basic Multilingual Plane)."""
    try:
        import rfc8785

        encoded: bytes = rfc8785.dumps(value)
        return encoded
    except ImportError:
        return json.dumps(
            value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
        ).encode("utf-8")


def signing_payload(
    *, form: dict[str, Any], answers: dict[str, Any], signed_at: datetime.datetime
) -> bytes:
    """The bytes the resident signs (docs/signing.md, format madoguchi-signing-payload/1)."""
    attachments = sorted(
        (
            {"name": value["name"], "sha256": value["sha256"]}
            for value in answers.values()
            if isinstance(value, dict) and "sha256" in value
        ),
        key=lambda item: (item["name"].encode("utf-8"), item["sha256"]),
    )
    return canonical_json(
        {
            "format": "madoguchi-signing-payload/1",
            "procedure_code": form["procedure_code"],
            "municipality_code": form["municipality_code"],
            "form_version_hash": form["content_hash"],
            "answers": answers,
            "attachments": attachments,
            "signed_at": signed_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
    )


def answers_for_taro() -> dict[str, Any]:
    """The form filled for the demo resident, in the normalised form the platform stores
    (postal codes without hyphen, phone digits only, the address's local government code):
    the signature covers exactly these values."""
    address = {
        "postal_code": "1020083",
        "address": "東京都千代田区麹町二丁目1番1号",
        "municipality_code": MUNICIPALITY,
    }
    taro = {"family": "𠮷田", "given": "太郎"}
    return {
        "applicant.name": taro,
        "applicant.name_kana": {"family": "ヨシダ", "given": "タロウ"},
        "applicant.birth_date": "1985-04-12",
        "applicant.address": address,
        "applicant.phone": "0312345678",
        "applicant.email": "taro.yoshida@example.com",
        "disaster.applicant_relation": "householder",
        "disaster.location": address,
        "disaster.date": (datetime.date.today() - datetime.timedelta(days=3)).isoformat(),
        "disaster.cause": "storm",
        "disaster.building_use": "dwelling",
        "disaster.damage_level": "half",
        "disaster.flood_depth": 1,
        "disaster.damage_description": "台風により屋根瓦が落ち、天井から雨漏りしている。",
        "disaster.occupancy": "owned",
        "household.members": [{"member.name": taro, "member.relationship": "本人"}],
        "certificate.copies": 1,
        "certificate.purpose": ["insurance"],
        "certificate.delivery": "mail",
        "attachments.photos": {
            "name": "roof.jpg",
            "content_type": "image/jpeg",
            "size": len(PHOTO),
            "sha256": hashlib.sha256(PHOTO).hexdigest(),
        },
        "declaration.truth": True,
    }


def card_files(card_dir: str | None) -> Path:
    if card_dir:
        return Path(card_dir)
    out = Path(tempfile.mkdtemp(prefix="madoguchi-card-"))
    subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "pki_export_card", "yoshida-taro", "--out", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return out


def openssl_sign(payload: bytes, card: Path) -> bytes:
    """A detached CMS signature (SHA-256, RSA PKCS#1 v1.5) made by the openssl command line."""
    with tempfile.TemporaryDirectory() as work:
        source, target = Path(work) / "payload.bin", Path(work) / "signature.der"
        source.write_bytes(payload)
        openssl = shutil.which("openssl")
        if openssl is None:
            raise SystemExit("the openssl command line is needed to sign")
        subprocess.run(  # noqa: S603 - fixed arguments
            [
                openssl,
                "cms",
                "-sign",
                "-binary",
                "-md",
                "sha256",
                "-in",
                str(source),
                "-signer",
                str(card / "signer.pem"),
                "-inkey",
                str(card / "signer.key"),
                "-certfile",
                str(card / "chain.pem"),
                "-outform",
                "DER",
                "-out",
                str(target),
            ],
            check=True,
            capture_output=True,
        )
        return target.read_bytes()


# A webhook is accepted only if its timestamp is this close to our clock (docs/api.md).
REPLAY_WINDOW_SECONDS = 300


class WebhookReceiver:
    """The portal's callback endpoint: verifies each delivery and hands its event over."""

    def __init__(self, port: int) -> None:
        self.secret = ""
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.seen: set[str] = set()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status = receiver.accept(
                    body,
                    self.headers.get("X-Madoguchi-Timestamp", ""),
                    self.headers.get("X-Madoguchi-Signature", ""),
                    self.headers.get("X-Madoguchi-Delivery", ""),
                )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/madoguchi-webhook"

    def accept(self, body: bytes, timestamp: str, signature: str, delivery: str) -> int:
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > REPLAY_WINDOW_SECONDS:
            return 400  # too old or from the future: maybe a replay
        expected = hmac.new(self.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
        if not hmac.compare_digest(signature, "sha256=" + expected.hexdigest()):
            return 401
        if delivery not in self.seen:  # delivery is at least once: the id is idempotent
            self.seen.add(delivery)
            self.events.put(json.loads(body))
        return 204

    def wait_for(self, arrival_number: str, timeout: float) -> dict[str, Any] | None:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                event = self.events.get(timeout=left)
            except queue.Empty:
                return None
            if event["data"]["arrival_number"] == arrival_number:
                return event
        return None

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def poll(api: httpx.Client, arrived: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Read the status URL as Retry-After says, with If-None-Match so that an unchanged status
    costs a 304, until a worker received or refused the arrival (or the time is up)."""
    deadline = time.monotonic() + timeout
    status_url = arrived["status_url"].removeprefix("/api/v1/")
    etag = ""
    status = arrived
    while status["state"] == "arrived" and time.monotonic() < deadline:
        response = api.get(status_url, headers={"If-None-Match": etag} if etag else {})
        if response.status_code >= 400:
            raise ApiError(response)
        if response.status_code == 200:
            status = response.json()
            etag = response.headers.get("ETag", "")
        if status["state"] == "arrived":
            time.sleep(float(response.headers.get("Retry-After", "1")))
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url", help="e.g. http://127.0.0.1:8000")
    parser.add_argument("--card-dir", default=os.environ.get("MADOGUCHI_CARD_DIR"))
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait")
    parser.add_argument(
        "--webhook-port",
        type=int,
        default=None,
        help="wait for the webhook on this local port (0: any free one) instead of polling",
    )
    args = parser.parse_args(argv)
    key = os.environ.get("MADOGUCHI_API_KEY")
    if not key:
        print("Set MADOGUCHI_API_KEY (manage.py api_demo_key prints one).", file=sys.stderr)
        return 2
    api = httpx.Client(
        base_url=args.base_url.rstrip("/") + "/api/v1/",
        headers={"Authorization": f"Bearer {key}", "Accept": "application/json"},
        timeout=30,
    )
    receiver = WebhookReceiver(args.webhook_port) if args.webhook_port is not None else None
    try:
        if receiver is not None:
            registered = call(api, "PUT", "webhook", json={"url": receiver.url})
            receiver.secret = registered["secret"]  # shown once: keep it in your secrets store
            print(f"webhook registered: {registered['url']}")
        hits = call(
            api, "GET", "procedures", params={"q": "罹災証明書", "municipality": MUNICIPALITY}
        )
        hit = next(h for h in hits if h["procedure"]["code"] == PROCEDURE)
        form_version_id = hit["offering"]["form_version_id"]
        print(f"procedure: {hit['procedure']['name']}  form version: {form_version_id}")
        form = call(api, "GET", f"forms/{form_version_id}")

        answers = answers_for_taro()
        signed_at = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
        payload = signing_payload(form=form, answers=answers, signed_at=signed_at)
        signature = openssl_sign(payload, card_files(args.card_dir))
        print(f"signed {len(payload)} bytes (sha256 {hashlib.sha256(payload).hexdigest()[:16]}…)")

        body = {
            "form_version_id": form_version_id,
            "answers": answers,
            "files": {"attachments.photos": {"content_base64": base64.b64encode(PHOTO).decode()}},
            "signed_at": signed_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "signature": base64.b64encode(signature).decode(),
        }
        idempotency_key = str(uuid.uuid4())
        started = time.perf_counter()
        arrived = call(
            api, "POST", "applications", json=body, headers={"Idempotency-Key": idempotency_key}
        )
        elapsed = (time.perf_counter() - started) * 1000
        print(f"arrived in {elapsed:.0f} ms: arrival number {arrived['arrival_display']}")
        # A retry (say, after a timeout) with the same key returns the same arrival.
        retry = call(
            api, "POST", "applications", json=body, headers={"Idempotency-Key": idempotency_key}
        )
        assert retry["arrival_number"] == arrived["arrival_number"]

        # A worker examines the arrival (受付). Wait for its outcome: pushed to our webhook, or
        # read from the status URL.
        if receiver is not None:
            event = receiver.wait_for(arrived["arrival_number"], args.timeout)
            if event is None:
                print("no webhook event in time; reading the status URL", file=sys.stderr)
            else:
                print(f"webhook: {event['topic']} for {event['data']['arrival_display']}")
        status = poll(api, arrived, args.timeout)
        if status["state"] != "received":
            problem = status.get("problem") or {}
            print(f"not accepted ({status['state']}): {problem.get('title_en')}", file=sys.stderr)
            for error in problem.get("errors", []):
                print(f"  {error.get('field')}: {error.get('message_en')}", file=sys.stderr)
            return 1
        received = status["application"]
        print(f"status: {received['status']} ({received['status_label']})")
        print(f"receipt number: {received['receipt_display']}")
        return 0 if received["receipt_number"] else 1
    except ApiError as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        api.close()
        if receiver is not None:
            receiver.close()


if __name__ == "__main__":
    sys.exit(main())
