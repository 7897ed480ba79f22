"""Bar charts as data for a server-rendered SVG (kpis/_bar_chart.html): geometry is computed
here, colours come from the DADS tokens through classes in kpis.css. Every chart is drawn with a
title, a description and a table of the same figures beside it, so nothing needs JavaScript and
nothing is only visible as a shape."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 720
LABEL_WIDTH = 300
VALUE_WIDTH = 72
LABEL_CHARS = 20
BAR_HEIGHT = 22
GAP = 8
TOP = 8


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    y: int
    width: float
    text_y: int
    value_x: float


@dataclass(frozen=True)
class BarChart:
    slug: str
    title: str
    description: str
    bars: list[Bar]
    height: int
    label_width: int = LABEL_WIDTH
    bar_x: int = LABEL_WIDTH + 8
    width: int = WIDTH
    label_x: int = LABEL_WIDTH

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
    bar_x = LABEL_WIDTH + 8
    room = WIDTH - bar_x - VALUE_WIDTH
    bars = []
    for index, (label, value, text) in enumerate(rows):
        y = TOP + index * (BAR_HEIGHT + GAP)
        width = (value / top * room) if (value and top) else 0.0
        short = label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"
        bars.append(
            Bar(short, text, y, round(width, 1), y + BAR_HEIGHT - 6, round(bar_x + width + 6, 1))
        )
    height = TOP * 2 + len(rows) * (BAR_HEIGHT + GAP)
    return BarChart(slug, title, description, bars, height)
