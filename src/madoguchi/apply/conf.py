"""Settings of the resident application flow (read from Django settings, then the environment)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from madoguchi.core.env import env_int, env_str

# Complete TrueType files (not the unicode-range split woff2 of the web pages): WeasyPrint
# renders wrong glyphs from the split files, and the complete files hold 𠮷, 髙 and the
# ideographic variation sequences names need.
_FONT_DIR = "node_modules/@expo-google-fonts/noto-sans-jp"


def upload_max_bytes() -> int:
    """A ceiling on any one uploaded file, whatever a form allows (the form's own max_size
    applies below it)."""
    return int(
        getattr(settings, "APPLY_UPLOAD_MAX_BYTES", env_int("APPLY_UPLOAD_MAX_BYTES", 20 << 20))
    )


def pdf_font_files() -> dict[int, Path]:
    """Noto Sans JP by CSS font weight, for the PDF copy."""
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
