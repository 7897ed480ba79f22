"""What can be sent: notice templates and staff segments, declared by the apps that own them.

notices sits low in the layers (it serves applications, campaigns, …), so it cannot know their
templates or who is in their segments: each higher app fills these registries in its
`AppConfig.ready()`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from madoguchi.notices.rendering import placeholders
from madoguchi.notices.types import Segment, TemplateSpec

_templates: dict[str, TemplateSpec] = {}
_segments: dict[str, Segment] = {}


def template_register(
    code: str,
    *,
    subject: Any,
    body: Any,
    variables: Sequence[str],
    samples: Mapping[str, str] | None = None,
) -> TemplateSpec:
    """Declare a template: `subject` and `body` are gettext_lazy msgids with `{variable}`
    placeholders naming `variables` only (checked here, so a typo fails at start-up)."""
    allowed = tuple(variables)
    for text in (str(subject), str(body)):
        unknown = placeholders(text) - set(allowed)
        if unknown:
            raise ValueError(f"template {code}: unknown variables {sorted(unknown)}")
    spec = TemplateSpec(
        code=code, subject=subject, body=body, variables=allowed, samples=dict(samples or {})
    )
    _templates[code] = spec
    return spec


def template_get(code: str) -> TemplateSpec:
    try:
        return _templates[code]
    except KeyError:
        raise LookupError(f"no notice template {code!r} is registered") from None


def template_list() -> list[TemplateSpec]:
    return [_templates[code] for code in sorted(_templates)]


def segment_register(
    code: str,
    label: Any,
    resolver: Callable[..., Iterable[int]],
    *,
    choices: Callable[[str], list[tuple[str, str]]] | None = None,
    choice_label: Any = "",
) -> Segment:
    """Declare a segment: `resolver(municipality_id)` yields the resident ids of that
    municipality (or `resolver(municipality_id, choice)` when `choices` is given). A resolver
    must never yield residents of another municipality; the send checks it again anyway."""
    segment = Segment(
        code=code, label=label, resolver=resolver, choices=choices, choice_label=choice_label
    )
    _segments[code] = segment
    return segment


def segment_get(code: str) -> Segment | None:
    return _segments.get(code)


def segment_list() -> list[Segment]:
    return [_segments[code] for code in sorted(_segments)]
