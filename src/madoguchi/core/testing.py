"""Helpers for the browser tests: accessibility checks with axe-core."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings

AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.1 A and AA, the level JIS X 8341-3:2016 AA corresponds to.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# WCAG 2.2 AA adds, among others, 2.5.8 target size (minimum): 24 × 24 CSS px.
AXE_TAGS_22 = [*AXE_TAGS, "wcag22aa"]


def axe_violations(page: Any, tags: list[str] | None = None) -> list[dict[str, Any]]:
    """Run axe-core in the page (through the DevTools protocol, so the page's CSP, which forbids
    inline script, is not weakened for the test) and return the WCAG 2.1 A/AA violations (or
    those of `tags`, e.g. AXE_TAGS_22)."""
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", tags or AXE_TAGS
    )
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def format_violations(violations: list[dict[str, Any]]) -> str:
    return json.dumps(
        [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"]][:5],
            }
            for v in violations
        ],
        ensure_ascii=False,
        indent=1,
    )


def rendered_fonts(page: Any, selector: str) -> dict[tuple[str, bool], int]:
    """{(font family, is a web font): glyph count} of the fonts Chromium actually drew the text
    of the first node matching `selector` with (DevTools protocol; the computed style only says
    which fonts were asked for). The bundled Noto Sans JP names itself "Noto Sans JP Thin"."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()
    return {(font["familyName"], font["isCustomFont"]): font["glyphCount"] for font in fonts}


def drawn_in_noto_sans_jp(fonts: dict[tuple[str, bool], int]) -> bool:
    """Every glyph came from the bundled web font, none from a system fallback."""
    return bool(fonts) and all(name.startswith("Noto Sans JP") and web for name, web in fonts)


# --- A real ClamAV daemon for the scanning tests (docs/scanning.md) ------------------------------

CLAMD_BINARY = "/usr/sbin/clamd"


class Clamd:
    """clamd on a Unix socket in a folder of its own, with a signature database made here (the
    machine cannot download ClamAV's): one ndb signature matching the EICAR test file. Start it
    once per test session (it loads in about a second); stop() and start() again to test a
    scanner that is down."""

    def __init__(self, folder: Path) -> None:
        from madoguchi.core.scanning import EICAR

        self.folder = folder
        self.socket = folder / "clamd.ctl"
        database = folder / "db"
        database.mkdir(parents=True, exist_ok=True)
        # Body-based signature: name:target type (0 = any file):offset (* = anywhere):hex bytes.
        (database / "madoguchi-test.ndb").write_text(
            f"Madoguchi.Test.EICAR:0:*:{EICAR.hex()}\n", encoding="ascii"
        )
        self.config = folder / "clamd.conf"
        self.config.write_text(
            "\n".join(
                [
                    f"LocalSocket {self.socket}",
                    f"DatabaseDirectory {database}",
                    f"LogFile {folder / 'clamd.log'}",
                    "Foreground yes",
                    "",
                ]
            ),
            encoding="ascii",
        )
        self.process: Any = None

    @property
    def address(self) -> str:
        return f"unix://{self.socket}"

    def start(self, timeout: float = 60) -> None:
        import subprocess
        import time

        from madoguchi.core.scanning import ClamdScanner

        self.process = subprocess.Popen(  # noqa: S603 - our own binary and config
            [CLAMD_BINARY, "-c", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        scanner = ClamdScanner(address=self.address, timeout=5)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"clamd exited: see {self.folder / 'clamd.log'}")
            if self.socket.exists() and scanner.ping():
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("clamd did not answer PING in time")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.process = None
        self.socket.unlink(missing_ok=True)
