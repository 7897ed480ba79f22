"""A real HTTP holder for tests (the contract of docs/linkage.md#http-holder-contract): a
threaded local server that checks the hub's JWS, answers from a dict keyed by its own codes,
and signs with its own key. `mode` makes it misbehave: "slow", "error", "tamper"."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from . import jose

HUB = "hub"


class HolderServer:
    def __init__(self, *, code: str, hub_public_jwk: dict[str, Any]) -> None:
        self.code = code
        self.hub_public_jwk = hub_public_jwk
        self.public_jwk, self.private_jwk = jose.key_generate()
        self.records: dict[str, dict[str, Any]] = {}
        self.mode = ""
        self.received: list[str] = []
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/exchange"

    def answer(self, body: str) -> tuple[int, str]:
        self.received.append(body)
        try:
            claims = jose.verify(
                token=body, public_jwk=self.hub_public_jwk, issuer=HUB, audience=self.code
            )
        except jose.BadSignature:
            return 401, ""
        if self.mode == "slow":
            time.sleep(2)
        if self.mode == "error":
            return 503, ""
        record = self.records.get(str(claims["sub"]))
        reply: dict[str, Any] = {"aud": HUB, "sub": claims["sub"], "in_reply_to": claims["jti"]}
        if record is None:
            reply["status"] = "unknown_person"
        else:
            reply["status"] = "ok"
            reply["values"] = {k: v for k, v in record.items() if k in claims["items"]}
        token = jose.sign(claims=reply, private_jwk=self.private_jwk, issuer=self.code)
        if self.mode == "tamper":
            header, payload, signature = token.split(".")
            data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            data["values"] = {k: 0 for k in data.get("values", {})}
            forged = base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
            token = f"{header}.{forged}.{signature}"
        return 200, token

    @contextmanager
    def running(self) -> Iterator[HolderServer]:
        holder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                status, text = holder.answer(self.rfile.read(length).decode())
                data = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", jose.MEDIA_TYPE)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()
