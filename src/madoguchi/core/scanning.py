"""Virus scanning of uploaded bytes through a registry of scanners (docs/scanning.md, ADR 0006).

`ATTACHMENT_SCANNERS` (settings, env) names the scanners every upload must pass, in order:
`clamd` (ClamAV's daemon over its Unix or TCP socket, spoken to by the small INSTREAM client
below) and
`eicar` (development and tests only: knows nothing but the EICAR test file, needs no daemon). A
dotted path to a class is accepted too, and an app may add a name with `scanner_register`.

`scan(stream)` gives one verdict for all of them:
- INFECTED as soon as one scanner finds something (the first finding is reported);
- PENDING when any scanner could not be asked (down, timed out, answered an error) — never
  CLEAN: a file is clean only when every configured scanner said so;
- CLEAN otherwise.

The kernel knows nothing of attachments: `madoguchi.applications` keeps the verdict with the file.
"""

from __future__ import annotations

import enum
import logging
import re
import socket
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class Verdict(enum.StrEnum):
    PENDING = "pending"
    CLEAN = "clean"
    INFECTED = "infected"


@dataclass(frozen=True)
class ScanResult:
    verdict: Verdict
    scanner: str = ""  # the scanner that decided (the finder, or the one that could not answer)
    signature: str = ""  # what was found (e.g. "Eicar-Test-Signature"), for staff and the audit
    detail: str = ""  # why a scan is pending, for the operator's log (no file content)

    @property
    def is_clean(self) -> bool:
        return self.verdict == Verdict.CLEAN


class ScannerUnavailable(Exception):
    """The scanner could not give a verdict (not running, timed out, answered an error)."""


class Scanner(Protocol):
    name: str

    def scan(self, stream: BinaryIO) -> str | None:
        """The name of what was found, None when the stream is clean. Raises
        ScannerUnavailable when it cannot say."""


# clamd's StreamMaxLength counts the whole stream; chunks only bound our memory per send.
CLAMD_CHUNK = 64 * 1024


class ClamdScanner:
    """ClamAV's clamd, sent the bytes with INSTREAM (the file never has to be readable by clamd).

    `CLAMD_ADDRESS`: `unix:///run/clamav/clamd.ctl` (Debian's default socket) or
    `tcp://host:3310`. `CLAMD_TIMEOUT` seconds for one scan.
    """

    name = "clamd"

    def __init__(self, address: str | None = None, timeout: int | None = None) -> None:
        self.address = address or settings.CLAMD_ADDRESS
        self.timeout = int(timeout if timeout is not None else settings.CLAMD_TIMEOUT)

    def _connect(self) -> socket.socket:
        if self.address.startswith("unix://"):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            target: Any = self.address[len("unix://") :]
        else:
            match = re.fullmatch(r"tcp://(?P<host>[^:/]+):(?P<port>\d+)/?", self.address)
            if match is None:
                raise ImproperlyConfigured(
                    f"CLAMD_ADDRESS {self.address!r}: use unix:///path/to/clamd.ctl or "
                    "tcp://host:port"
                )
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            target = (match["host"], int(match["port"]))
        sock.settimeout(self.timeout)
        try:
            sock.connect(target)
        except OSError:
            sock.close()
            raise
        return sock

    def _ask(self, command: bytes, stream: BinaryIO | None = None) -> str:
        """One command of clamd's protocol (clamd(8)): `z` + command + NUL, for INSTREAM the
        bytes as chunks each after its length (4 bytes, network order) and a zero length, then
        the NUL-terminated answer."""
        with self._connect() as sock:
            sock.sendall(b"z" + command + b"\0")
            if stream is not None:
                while chunk := stream.read(CLAMD_CHUNK):
                    sock.sendall(struct.pack("!L", len(chunk)) + chunk)
                sock.sendall(struct.pack("!L", 0))
            answer = b""
            while not answer.endswith(b"\0"):
                part = sock.recv(4096)
                if not part:
                    break
                answer += part
        return answer.rstrip(b"\0").decode("utf-8", "replace").strip()

    def scan(self, stream: BinaryIO) -> str | None:
        try:
            answer = self._ask(b"INSTREAM", stream)
        except OSError as error:
            raise ScannerUnavailable(f"clamd at {self.address}: {error}") from error
        # "stream: OK", "stream: <signature> FOUND", or "<reason> ERROR" (e.g. size limit).
        result = answer.removeprefix("stream:").strip()
        if result == "OK":
            return None
        if result.endswith(" FOUND"):
            return result[: -len(" FOUND")].strip() or "unknown"
        raise ScannerUnavailable(f"clamd at {self.address}: {answer or 'no answer'}")

    def ping(self) -> bool:
        try:
            return self._ask(b"PING") == "PONG"
        except OSError:
            return False


# The 68 characters of the EICAR anti-virus test file (eicar.org): not a virus, but every
# scanner reports it, which is what it is for.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class EicarScanner:
    """Development and tests only: finds the EICAR test string anywhere in the bytes and nothing
    else. Refused in production (settings). Lets the quarantine be tried without a daemon."""

    name = "eicar"

    def scan(self, stream: BinaryIO) -> str | None:
        tail = b""
        while chunk := stream.read(64 * 1024):
            if EICAR in tail + chunk:
                return "Eicar-Test-Signature"
            tail = chunk[-len(EICAR) :]
        return None


_BUILT_IN: dict[str, Callable[[], Scanner]] = {"clamd": ClamdScanner, "eicar": EicarScanner}
_registered: dict[str, Callable[[], Scanner]] = {}
_configured: list[Scanner] | None = None


def scanner_register(name: str, factory: Callable[[], Scanner]) -> None:
    """Let `name` in ATTACHMENT_SCANNERS build a scanner (for an app's AppConfig.ready())."""
    _registered[name] = factory
    _reset()


def scanners() -> list[Scanner]:
    """The configured scanners, built once per process (and again when the setting changes)."""
    global _configured
    if _configured is None:
        names = list(settings.ATTACHMENT_SCANNERS)
        if not names:
            raise ImproperlyConfigured(
                "ATTACHMENT_SCANNERS is empty: uploads would never be found clean."
            )
        built: list[Scanner] = []
        for name in names:
            factory = _registered.get(name) or _BUILT_IN.get(name)
            if factory is None:
                factory = import_string(name)
            built.append(factory())
        _configured = built
    return _configured


def scan(stream: BinaryIO) -> ScanResult:
    """One verdict from every configured scanner (see the module's docstring). The stream is
    read from its start by each scanner and left at its start."""
    pending: ScanResult | None = None
    for scanner in scanners():
        stream.seek(0)
        try:
            found = scanner.scan(stream)
        except ScannerUnavailable as error:
            logger.warning("Upload scan pending: %s", error)
            pending = pending or ScanResult(
                Verdict.PENDING, scanner=scanner.name, detail=str(error)
            )
            continue
        finally:
            stream.seek(0)
        if found:
            return ScanResult(Verdict.INFECTED, scanner=scanner.name, signature=found)
    if pending is not None:
        return pending
    return ScanResult(Verdict.CLEAN, scanner=",".join(s.name for s in scanners()))


def _reset() -> None:
    global _configured
    _configured = None


@receiver(setting_changed)
def _setting_changed(*, setting: str, **_kwargs: Any) -> None:
    if setting in {"ATTACHMENT_SCANNERS", "CLAMD_ADDRESS", "CLAMD_TIMEOUT"}:
        _reset()
