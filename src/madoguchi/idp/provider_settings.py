"""django-oauth-toolkit settings for the development OpenID Connect provider.

Imported by config/settings.py; owned by the idp app.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def oauth2_provider_settings(*, var_dir: Path) -> dict[str, Any]:
    return {"OIDC_ENABLED": True, "PKCE_REQUIRED": True}
