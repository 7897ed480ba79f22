"""Bar charts as data for a server-rendered SVG (kpis/_chart.html): geometry is computed here,
colours come from the DADS tokens through classes in kpis.css. Every chart is drawn with a
title, a description and a table of the same figures beside it, so nothing needs JavaScript and
nothing is only visible as a shape.

Each bar has its label on the line above it, so the chart is narrow (400 units) and stays
legible on a 360 px phone; wide screens cap its width (kpis.css)."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 400
VALUE_WIDTH = 64
ROW = 46
BAR_HEIGHT = 18
LABEL_CHARS = 27


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    label_y: int
    y: int
    width: float
    value_y: int


@dataclass(frozen=True)
class BarChart:
    slug: str
    title: str
    description: str
    bars: list[Bar]
    height: int
    width: int = WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def title_id(self) -> str:
        return f"chart-{self.slug}-title"

    @property
    def desc_id(self) -> str:
        return f"chart-{self.slug}-desc"


def bar_chart(
    *,
    slug: str,
    title: str,
    description: str,
    rows: list[tuple[str, float | None, str]],
    maximum: float | None = None,
) -> BarChart:
    """Horizontal bars, one per (label, value, value as text) row; a None value draws no bar
    (its text says why, e.g. 「—」)."""
    values = [value for _, value, _ in rows if value is not None]
    top = maximum if maximum is not None else max(values, default=0.0)
    room = WIDTH - VALUE_WIDTH
    bars = []
    for index, (label, value, text) in enumerate(rows):
        base = index * ROW
        width = (value / top * room) if (value and top) else 0.0
        short = label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"
        bars.append(
            Bar(
                label=short,
                value_text=text,
                label_y=base + 16,
                y=base + 22,
                width=round(width, 1),
                value_y=base + 22 + BAR_HEIGHT - 4,
            )
        )
    return BarChart(slug, title, description, bars, len(rows) * ROW + 4)
