"""The fonts every PDF the platform renders with WeasyPrint embeds (the resident's copy, the
やりとり履歴, the 接種証明書): Noto Sans JP as complete TrueType files, not the unicode-range split
woff2 of the web pages — WeasyPrint renders wrong glyphs from the split files, and the complete
files hold 𠮷, 髙 and the ideographic variation sequences names need."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from madoguchi.core.env import env_str

_FONT_DIR = "node_modules/@expo-google-fonts/noto-sans-jp"
FONT_FAMILY = "Madoguchi Noto Sans JP"


def font_files() -> dict[int, Path]:
    """Noto Sans JP by CSS font weight (`APPLY_PDF_FONT_DIR` moves the directory)."""
    base = Path(
        getattr(
            settings,
            "APPLY_PDF_FONT_DIR",
            env_str("APPLY_PDF_FONT_DIR", str(Path(settings.BASE_DIR) / _FONT_DIR)),
        )
    )
    return {
        400: base / "400Regular" / "NotoSansJP_400Regular.ttf",
        700: base / "700Bold" / "NotoSansJP_700Bold.ttf",
    }


def font_face_css() -> str:
    """@font-face rules for the stylesheet of a PDF; a missing font file is an error, never a
    PDF in a fallback font with boxes for kanji."""
    rules = []
    for weight, path in font_files().items():
        if not path.exists():
            raise FileNotFoundError(f"PDF font missing: {path} (run `npm ci`)")
        rules.append(
            f"@font-face {{ font-family: '{FONT_FAMILY}'; "
            f"src: url('{path.resolve().as_uri()}') format('truetype'); "
            f"font-weight: {weight}; font-style: normal; }}"
        )
    return "\n".join(rules)
