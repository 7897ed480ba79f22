"""File attachments. The answer is the file's metadata (name, content type, size, SHA-256);
storing the bytes belongs to the application that receives them."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from madoguchi.forms.fieldtypes.base import FieldType, has_control_characters, invalid, register
from madoguchi.forms.types import Item

DEFAULT_CONTENT_TYPES = ["application/pdf", "image/jpeg", "image/png"]
DEFAULT_MAX_SIZE = 10 * 1024 * 1024
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def file_metadata(upload: Any) -> dict[str, Any]:
    """Metadata of an uploaded file (Django UploadedFile), reading it once in chunks."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return {
        "name": str(upload.name),
        "content_type": str(upload.content_type or ""),
        "size": int(upload.size or 0),
        "sha256": digest.hexdigest(),
    }


# The keys of a stored file answer (see file_metadata and FileType.normalise).
FILE_ANSWER_KEYS = frozenset({"name", "sha256", "content_type", "size"})


def file_answers(answers: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(path, metadata) of every file answer, at any depth, in answer order (paths as the
    validator writes them: ``attachments.photos``, ``household.members[0].x``)."""
    for key, value in answers.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        yield from _file_answers_in(value, path)


def _file_answers_in(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping):
        if set(value) >= FILE_ANSWER_KEYS:
            yield path, value
            return
        yield from file_answers(value, path)
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _file_answers_in(inner, f"{path}[{index}]")


def _human_size(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


@register
class FileType(FieldType):
    key = "file"
    template_name = "madoguchi_forms/widgets/file.html"
    input_type = "file"
    allowed_validators = frozenset({"max_size", "content_types"})

    def required_message(self, item: Item) -> str:
        return _("Attach %(label)s.") % {"label": item["label"]}

    def from_post(self, item: Item, name: str, data: Any, files: Any) -> Any:
        upload = files.get(name) if files is not None else None
        return file_metadata(upload) if upload is not None else None

    def _rules(self, item: Item) -> tuple[list[str], int]:
        rules = item.get("validators", {})
        return (
            rules.get("content_types", DEFAULT_CONTENT_TYPES),
            rules.get("max_size", DEFAULT_MAX_SIZE),
        )

    def parse(self, item: Item, raw: Any) -> Any:
        label = item["label"]
        if not isinstance(raw, Mapping):
            raise invalid("type", _("Attach %(label)s.") % {"label": label})
        name, content_type = raw.get("name"), raw.get("content_type")
        size, sha256 = raw.get("size"), raw.get("sha256")
        if (
            not isinstance(name, str)
            or not name
            or len(name) > 255
            or has_control_characters(name)
            or "/" in name
            or "\\" in name
            or not isinstance(content_type, str)
            or not isinstance(size, int)
            or isinstance(size, bool)
            or size < 0
            or not isinstance(sha256, str)
            or not _SHA256.match(sha256)
        ):
            raise invalid(
                "file_metadata",
                _("%(label)s: the file could not be read. Attach it again.") % {"label": label},
            )
        content_types, max_size = self._rules(item)
        if content_type not in content_types:
            raise invalid(
                "file_type",
                _("%(label)s must be one of these kinds of file: %(types)s.")
                % {"label": label, "types": self.type_names(item)},
            )
        if size > max_size:
            raise invalid(
                "file_size",
                _("%(label)s must be %(max)s or smaller.")
                % {"label": label, "max": _human_size(max_size)},
            )
        if size == 0:
            raise invalid("file_empty", _("%(label)s is an empty file.") % {"label": label})
        return {"name": name, "content_type": content_type, "size": size, "sha256": sha256}

    def type_names(self, item: Item) -> str:
        content_types, _size = self._rules(item)
        names = [t.split("/", 1)[1].upper() for t in content_types]
        return pgettext("list separator", ", ").join(names)  # 「PDF、JPEG」, "PDF, JPEG"

    def json_schema(self, item: Item) -> dict[str, Any]:
        content_types, max_size = self._rules(item)
        return {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", "content_type", "size", "sha256"],
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 255},
                "content_type": {"type": "string", "enum": content_types},
                "size": {"type": "integer", "minimum": 1, "maximum": max_size},
                "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            },
        }

    def widget_context(self, item: Item, **kwargs: Any) -> dict[str, Any]:
        context = super().widget_context(item, **kwargs)
        content_types, max_size = self._rules(item)
        context["accept"] = ",".join(content_types)
        context["limits"] = _("Files: %(types)s, up to %(max)s.") % {
            "types": self.type_names(item),
            "max": _human_size(max_size),
        }
        return context

    def display(self, item: Item, value: Any) -> str:
        if not value:
            return ""
        return f"{value['name']}（{_human_size(value['size'])}）"
