"""asn1crypto prepares each ASN.1 class the first time one is built (``_setup``: reverse maps of
OIDs and names, field maps of sequences) and marks it done in a module-level dict. Two threads
building the same class for the first time can see a half-filled map: one fills
``_reverse_map`` while the other already reads it, and gets a KeyError. Signatures verified in
several threads at once (two devices confirming a benefit, a storm of the same submission) hit
it in a fresh process.

So every class is prepared in one thread before threads use it:
- ``prepare_all`` builds one value of every loaded class, the way asn1crypto's own first use
  does (its ``__init__`` normalises the tagging, runs ``_setup`` and marks the class); the app
  runs it at start for asn1crypto's modules (about 0.1 s);
- ``pyhanko_ready`` imports pyhanko's validation modules (which bring ASN.1 classes of their
  own) and prepares them, once, under a lock, before the first full validation: pyhanko is
  imported only when a signature is first validated, so commands that never verify do not pay
  its 0.8 s import."""

from __future__ import annotations

import importlib
import threading
from typing import Any

# The asn1crypto modules pyhanko and our own signing code use.
MODULES = ("algos", "cms", "core", "crl", "csr", "keys", "ocsp", "pdf", "pkcs12", "tsp", "x509")
# What signatures.verification imports of pyhanko for its full validation.
PYHANKO_MODULES = (
    "pyhanko.sign.validation.generic_cms",
    "pyhanko.sign.validation.settings",
    "pyhanko_certvalidator",
)

_lock = threading.Lock()
_pyhanko_prepared = False


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
    """Set up every loaded asn1crypto value class not yet set up; the number prepared."""
    for name in MODULES:
        try:
            importlib.import_module(f"asn1crypto.{name}")
        except ImportError:  # pragma: no cover - a module a future asn1crypto drops
            continue
    core = importlib.import_module("asn1crypto.core")
    done = core._SETUP_CLASSES
    prepared = 0
    for cls in _subclasses(core.Asn1Value):
        if cls in done:
            continue
        try:
            cls()  # asn1crypto's own first-use path: tagging normalised, _setup, marked
        except Exception:  # noqa: S112 - an abstract class (no alternatives) is never built
            continue
        prepared += int(cls in done)
    return prepared


def pyhanko_ready() -> None:
    """Import pyhanko's validation modules and prepare their ASN.1 classes, once per process;
    threads arriving meanwhile wait for the first to finish."""
    global _pyhanko_prepared
    if _pyhanko_prepared:
        return
    with _lock:
        if _pyhanko_prepared:
            return
        for name in PYHANKO_MODULES:
            importlib.import_module(name)
        prepare_all()
        _pyhanko_prepared = True
