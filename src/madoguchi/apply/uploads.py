"""Checks on uploaded files before their bytes are kept: the real type (from the file's first
bytes, not the name or the browser's claim) and the size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from madoguchi.forms.fieldtypes.files import DEFAULT_CONTENT_TYPES, DEFAULT_MAX_SIZE
from madoguchi.forms.language import Item

from . import conf

# Magic numbers of the kinds of file forms accept. A file whose bytes match none of these is
# refused even if it is named photo.jpg.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)
_TYPE_NAMES = {"image/jpeg": "JPEG", "image/png": "PNG", "application/pdf": "PDF"}


@dataclass(frozen=True)
class UploadProblem:
    code: str
    message: str


def sniff_content_type(upload: Any) -> str:
    head = b""
    for chunk in upload.chunks(chunk_size=64):
        head = chunk[:16]
        break
    upload.seek(0)
    for magic, content_type in _SIGNATURES:
        if head.startswith(magic):
            return content_type
    return ""


def _size_text(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


def upload_check(*, item: Item, upload: Any) -> UploadProblem | None:
    """None when the file may be kept (and then upload.content_type is the sniffed type)."""
    rules = item.get("validators", {})
    allowed: list[str] = rules.get("content_types", DEFAULT_CONTENT_TYPES)
    max_size = min(int(rules.get("max_size", DEFAULT_MAX_SIZE)), conf.upload_max_bytes())
    label = item["label"]
    size = int(upload.size or 0)
    if size == 0:
        return UploadProblem("file_empty", _("%(label)s: the file is empty.") % {"label": label})
    if size > max_size:
        return UploadProblem(
            "file_size",
            _("%(label)s: the file is %(size)s. Attach a file of %(max)s or smaller.")
            % {"label": label, "size": _size_text(size), "max": _size_text(max_size)},
        )
    sniffed = sniff_content_type(upload)
    if sniffed not in allowed:
        names = "、".join(_TYPE_NAMES.get(t, t.split("/")[-1].upper()) for t in allowed)
        return UploadProblem(
            "file_type",
            _("%(label)s: this kind of file cannot be attached. Attach a %(types)s file.")
            % {"label": label, "types": names},
        )
    upload.content_type = sniffed
    return None
