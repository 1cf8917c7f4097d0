"""The progress picture as plain text: done % as bars against expected % as dots, week by week.

Plain characters rather than a plotting widget: symbols (█ • ▲) carry the meaning, so
the picture reads the same in 16 colours, without colour and over SSH, and the
ASCII fallback of core.safe covers every one of them.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.i18n import register, t
from core.progress import CompetencyProgress, WeekPoint
from tui.widgets.text import one_line, progress_bar

AXIS = 5
"""Cells left of the plot: '100 ┤'."""

DONE = "█"
EXPECTED = "•"
TODAY = "▲"


EIGHTHS = " ▁▂▃▄▅▆▇█"
"""A bar's top cell in eighths, so a few percent still shows."""


def _bar_cell(percent: float, row: int, height: int) -> str:
    """What a done bar shows in `row` (1 at the bottom): a full, partial or empty cell."""
    fill = max(0.0, min(1.0, max(0.0, min(100.0, percent)) * height / 100 - (row - 1)))
    return EIGHTHS[round(fill * 8)]


def _level(percent: float, height: int) -> int:
    """The number of rows (0..height) a percentage fills."""
    return round(max(0.0, min(100.0, percent)) * height / 100)


def chart(points: Sequence[WeekPoint], week: int, *, width: int, height: int) -> list[str]:
    """The lines of the picture: `height` rows of plot, the axis, week numbers, the today mark.

    `week` is the current plan week (0 before the start); each week gets the same
    number of columns, as many as fit in `width` (at most three).
    """
    if not points:
        return []
    step = max(1, min(3, (width - AXIS - 1) // len(points)))
    bar = max(1, step - 1)
    lines = []
    for row in range(height, 0, -1):
        label = {height: "100", (height + 1) // 2: " 50"}.get(row, "   ")
        cells = []
        for point in points:
            filled = _bar_cell(point.done, row, height) if point.done is not None else " "
            mark = max(1, _level(point.expected, height)) == row
            cell = EXPECTED if mark else filled
            cells.append((cell * bar if not mark else cell.center(bar)) + " " * (step - bar))
        tick = "┤" if label.strip() else "│"
        lines.append(f"{label} {tick}" + "".join(cells).rstrip())
    lines.append("  0 └" + "─" * (step * len(points)))
    numbers = [" "] * (step * len(points) + 1)
    for point in points:
        if point.week == 1 or point.week % 5 == 0 or point.week == len(points):
            text = str(point.week)
            at = (point.week - 1) * step
            if all(c == " " for c in numbers[max(0, at - 1) : at + len(text) + 1]):
                numbers[at : at + len(text)] = text
    lines.append(" " * AXIS + "".join(numbers).rstrip())
    if 1 <= week <= len(points):
        at = AXIS + (week - 1) * step
        note = f"{TODAY} {t('ui.progress.today', week=week)}"
        # The word goes after the mark where it fits, else before it.
        lines.append(
            " " * at + note
            if at + len(note) <= width
            else " " * max(0, at - len(note) + 2) + note[2:] + " " + TODAY
        )
    return lines


def legend() -> str:
    return t("ui.progress.legend", done=DONE, expected=EXPECTED)


def competency_bars(items: Sequence[CompetencyProgress], *, width: int) -> list[str]:
    """One line per competency: id, bar, done/total, percent and as much title as fits."""
    lines = []
    id_width = max((len(i.id) for i in items), default=2)
    for item in items:
        c = item.counts
        head = (
            f"{item.id:<{id_width}} {progress_bar(c.percent, 12)} "
            f"{c.done:>2}/{c.total:<2} {c.percent:3.0f}% "
        )
        room = width - len(head)
        title = one_line(item.title)
        if len(title) > room:
            title = title[: max(0, room - 1)] + "…" if room > 1 else ""
        lines.append(head + title)
    return lines


register(
    {
        "ui.progress.today": ("today, week {week}", "vandaag, week {week}"),
        "ui.progress.legend": (
            "{done} done %   {expected} expected %",
            "{done} afgewerkt %   {expected} verwacht %",
        ),
    }
)
