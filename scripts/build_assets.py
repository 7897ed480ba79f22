"""Copy the npm front-end assets the pages use into build/static/vendor (not committed).

- Digital Agency design tokens (CSS custom properties).
- Noto Sans JP, regular and bold, as woff2 split by unicode-range: a page downloads only the
  slices holding the characters it shows. The woff fallbacks are dropped from the CSS (every
  browser we support reads woff2), so the manifest storage finds every file the CSS names.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODULES = ROOT / "node_modules"
OUT = ROOT / "build" / "static" / "vendor"
WEIGHTS = ("400", "700")
_WOFF_FALLBACK = re.compile(r",\s*url\([^)]*\.woff\)\s*format\('woff'\)")


def main() -> int:
    tokens = MODULES / "@digital-go-jp" / "design-tokens" / "dist" / "tokens.css"
    fonts = MODULES / "@fontsource" / "noto-sans-jp"
    if not tokens.exists() or not fonts.exists():
        print("node_modules is missing: run `npm ci` first", file=sys.stderr)
        return 1
    if OUT.exists():
        shutil.rmtree(OUT)
    (OUT / "design-tokens").mkdir(parents=True)
    shutil.copy2(tokens, OUT / "design-tokens" / "tokens.css")
    font_out = OUT / "noto-sans-jp"
    (font_out / "files").mkdir(parents=True)
    copied = 0
    for weight in WEIGHTS:
        css = (fonts / f"{weight}.css").read_text(encoding="utf-8")
        (font_out / f"{weight}.css").write_text(_WOFF_FALLBACK.sub("", css), encoding="utf-8")
        for file in (fonts / "files").glob(f"noto-sans-jp-*-{weight}-normal.woff2"):
            shutil.copy2(file, font_out / "files" / file.name)
            copied += 1
    print(f"assets: design tokens, Noto Sans JP {'/'.join(WEIGHTS)} ({copied} woff2 slices)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
