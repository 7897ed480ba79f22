"""asn1crypto prepares each ASN.1 class the first time one is built (``_setup``: reverse maps of
OIDs and names, field maps of sequences) and marks it done in a module-level dict. Two threads
building the same class for the first time can see a half-filled map: one fills
``_reverse_map`` while the other already reads it, and gets a KeyError. Two devices confirming
a benefit at the same moment did exactly that once, in the first signature of a process.

``prepare_all`` runs every class's set-up once, in one thread, when the app starts, so threads
of the web server, the arrival workers and the tests only ever read finished maps."""

from __future__ import annotations

import importlib
from typing import Any

# The asn1crypto modules pyhanko and our own signing code use.
MODULES = ("algos", "cms", "core", "crl", "csr", "keys", "ocsp", "pdf", "pkcs12", "tsp", "x509")


def _subclasses(root: Any) -> list[Any]:
    seen: list[Any] = []
    stack = [root]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub not in seen:
                seen.append(sub)
                stack.append(sub)
    return seen


def prepare_all() -> int:
    """Run ``_setup`` of every asn1crypto value class not yet set up; the number prepared."""
    for name in MODULES:
        try:
            importlib.import_module(f"asn1crypto.{name}")
        except ImportError:  # pragma: no cover - a module a future asn1crypto drops
            continue
    core = importlib.import_module("asn1crypto.core")
    done = core._SETUP_CLASSES
    prepared = 0
    for cls in _subclasses(core.Asn1Value):
        if cls in done or not hasattr(cls, "_setup"):
            continue
        try:
            instance = cls.__new__(cls)
            instance._setup()
        except Exception:  # noqa: S112 - a class that needs real contents is set up when built
            continue
        done[cls] = True
        prepared += 1
    return prepared
