"""Documents rendered from an application, for the apps above that need them.

The resident's copy (申請書控え, a PDF) is laid out by the resident journey (`madoguchi.apply`,
which owns its pages and wording) and also handed to staff in the ZIP export
(`madoguchi.reception`). The two apps do not import each other (docs/architecture.md), so apply
registers its renderer here when Django starts and reception asks for the document by name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from madoguchi.applications.models import Application

CopyRenderer = Callable[..., bytes]
_copy_renderer: CopyRenderer | None = None


def copy_renderer_register(renderer: CopyRenderer) -> None:
    """Set the renderer of the resident's copy: `renderer(application=...) -> PDF bytes`."""
    # A registry filled once, by AppConfig.ready(), before any request.
    global _copy_renderer
    _copy_renderer = renderer


def application_copy_pdf(*, application: Application) -> bytes:
    if _copy_renderer is None:
        raise RuntimeError(
            "No renderer for the application copy: madoguchi.apply is not in INSTALLED_APPS."
        )
    return _copy_renderer(application=application)
