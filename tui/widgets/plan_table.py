"""The dashboard's table of plans: one row per plan, columns that fit the terminal's width.

The screen hands it summaries, a filter and a sort order; the table keeps the
cursor on the same plan across every refresh and says which plan to open.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import FIFOCache
from textual.geometry import Region, Size, Spacing
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from core.i18n import fmt_date, register, t
from core.projections import PlanSummary
from tui.commands import localize_bindings
from tui.widgets.text import progress_bar, visible

GAP = 2
"""Cell padding on both sides of each column."""


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    width: int | None
    """Fixed width, or None for a text column sharing what is left."""
    order: Callable[[PlanSummary], Any]


COLUMNS: tuple[Column, ...] = (
    Column("id", 4, lambda s: (len(s.id), s.id)),
    Column("trainee", None, lambda s: s.trainee.casefold()),
    Column("company", None, lambda s: s.company.casefold()),
    Column("occupation", None, lambda s: s.title.casefold()),
    Column("week", 5, lambda s: (s.week, s.weeks)),
    Column("progress", 11, lambda s: s.percent),
    Column("state", 11, lambda s: (s.closed is not None, not s.behind, s.closed or "")),
    Column("overdue", 7, lambda s: s.overdue),
    Column("next", 10, lambda s: (s.next_due is None, s.next_due)),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)
_BY_KEY = {c.key: c for c in COLUMNS}


def sort_summaries(
    summaries: Sequence[PlanSummary], key: str, reverse: bool = False
) -> list[PlanSummary]:
    order = _BY_KEY[key].order
    # Ties keep a stable, meaningful order: by trainee, then plan id.
    ordered = sorted(summaries, key=lambda s: (s.trainee.casefold(), len(s.id), s.id))
    return sorted(ordered, key=order, reverse=reverse)


def _rank_key(key: str) -> Callable[[PlanSummary], Any]:
    """The whole sort key of a row (column value, then the tie-breakers of `sort_summaries`)."""
    order = _BY_KEY[key].order
    return lambda s: (order(s), s.trainee.casefold(), len(s.id), s.id)


def state_label(summary: PlanSummary) -> tuple[str, str]:
    """The plan's state as symbol + word, and the component class that colours it."""
    if summary.erased is not None:
        return f"✗ {t('ui.label.erased')}", "plan-table--closed"
    if summary.closed:
        return f"■ {t(f'outcome.{summary.closed}')}", "plan-table--closed"
    if summary.behind:
        return f"▼ {t('ui.label.behind')}", "plan-table--behind"
    return f"✔ {t('ui.label.on_track')}", "plan-table--on-track"


def erased_cell(summary: PlanSummary) -> str | None:
    """'[erased] by ann, 29/11/2026' for an erased plan's trainee cell, else None."""
    erased = summary.erased
    if erased is None:
        return None
    return t("ui.table.erased", actor=erased.actor, on=fmt_date(erased.time.date()))


def row_text(summary: PlanSummary) -> dict[str, tuple[str, str]]:
    """Every column's text (and component class) for one plan."""
    state, state_class = state_label(summary)
    overdue = f"! {summary.overdue}" if summary.overdue else "0"
    percent = summary.percent
    expected = None if summary.closed else summary.expected
    return {
        "id": (summary.id, ""),
        # An erased plan's name is gone: the row says by whom and when instead (in
        # that order: a narrow column keeps the actor and cuts the date).
        "trainee": (erased_cell(summary) or summary.trainee, ""),
        "company": (summary.company or "-", ""),
        "occupation": (summary.title, ""),
        "week": (f"{summary.week}/{summary.weeks}", ""),
        "progress": (f"{progress_bar(summary.percent, 6, expected=expected)} {percent:3.0f}%", ""),
        "state": (state, state_class),
        "overdue": (overdue, "plan-table--overdue" if summary.overdue else ""),
        "next": (fmt_date(summary.next_due), ""),
    }


def matches(summary: PlanSummary, query: str) -> bool:
    """Every word of the query appears in what the row shows (case-insensitive)."""
    haystack = " ".join(text for text, _ in row_text(summary).values()).casefold()
    return all(word in haystack for word in query.casefold().split())


def fit_columns(width: int) -> list[tuple[str, int]]:
    """The columns (key, width) to show in `width` terminal cells."""
    fixed = [c for c in COLUMNS if c.width is not None and c.key != "id"]
    room = width - sum(c.width + GAP for c in fixed if c.width) - 2  # 2: a scrollbar
    widths: dict[str, int] = {}
    for key in ("trainee", "company", "occupation", "id"):
        if key == "id" and "occupation" not in widths:
            break  # the plan id is the first thing to go; the plan screen shows it
        if room - sum(w + GAP for w in widths.values()) < _MIN[key] + GAP:
            break
        widths[key] = _MIN[key]
    widths.setdefault("trainee", max(4, room - GAP))
    spare = room - sum(w + GAP for w in widths.values())
    # Hand out what is left one cell at a time, so every text column grows alike.
    growing = [k for k in ("trainee", "company", "occupation") if k in widths]
    while spare > 0 and growing:
        for key in list(growing):
            if spare <= 0:
                break
            if widths[key] >= _MAX[key]:
                growing.remove(key)
                continue
            widths[key] += 1
            spare -= 1
    return [
        (c.key, widths.get(c.key, c.width or 0)) for c in COLUMNS if c.key in widths or c in fixed
    ]


_MIN = {"trainee": 16, "company": 12, "occupation": 12, "id": 4}
_MAX = {"trainee": 28, "company": 24, "occupation": 60, "id": 4}


class PlanTable(ScrollView, can_focus=True):
    """Plans as rows; posts `Open` and `SortBy` with plan ids and column keys.

    Drawn on Textual's line API: a row is rendered only when it comes into view
    (and kept until it changes), so showing or updating 3,000 plans costs about
    what 30 do. It looks and behaves as the DataTable it replaced (row cursor,
    header that sorts on click, hover, same component classes and styles).
    """

    BINDINGS: ClassVar = [
        Binding("enter", "select_cursor", "ui.key.open", tooltip="ui.key.open.tip", show=False),
        Binding("up", "cursor(-1)", show=False),
        Binding("down", "cursor(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("ctrl+home", "first", show=False),
        Binding("ctrl+end", "last", show=False),
        Binding("home", "scroll_x_to(0)", show=False),
        Binding("end", "scroll_x_to(-1)", show=False),
        Binding("left", "scroll_left", show=False),
        Binding("right", "scroll_right", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "datatable--cursor",
        "datatable--header",
        "datatable--hover",
        "plan-table--behind",
        "plan-table--on-track",
        "plan-table--closed",
        "plan-table--overdue",
    }

    # The styles DataTable gives these component classes (row cursor, no zebra stripes).
    DEFAULT_CSS = """
    PlanTable {
        height: 1fr;
        background: $surface;
        color: $foreground;
        &:focus {
            background-tint: $foreground 5%;
            & > .datatable--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .datatable--header { background-tint: $foreground 5%; }
        }
        & > .datatable--header { text-style: bold; background: $panel; color: $foreground; }
        &:ansi > .datatable--header { background: ansi_bright_blue; color: ansi_default; }
        & > .datatable--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .datatable--hover { background: $block-hover-background; }
    }
    PlanTable > .plan-table--behind { color: $warning; text-style: bold; }
    PlanTable > .plan-table--on-track { color: $success; }
    PlanTable > .plan-table--closed { color: $text-muted; }
    PlanTable > .plan-table--overdue { color: $error; text-style: bold; }
    """

    @dataclass
    class Open(Message):
        plan_id: str

    @dataclass
    class SortBy(Message):
        column: str

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        localize_bindings(self)
        self._summaries: list[PlanSummary] = []
        self._position: dict[str, int] = {}
        """Plan id -> row, for the rows in `_summaries`."""
        self._sort = ("trainee", False)
        self._shown_columns: list[tuple[str, int]] = []
        self.cursor_row = 0
        self._hover_row = -1
        """The row under the mouse, shown only while the mouse is what moves (as DataTable)."""
        self._strips: FIFOCache[str, tuple[tuple[object, ...], Strip]] = FIFOCache(1024)
        """Each plan's row as last drawn, with what it was drawn from."""

    # --- what the screen hands over ------------------------------------------------------

    def show(self, summaries: Sequence[PlanSummary], *, sort: str, reverse: bool) -> None:
        """Show these plans in this order, keeping the cursor on the same plan."""
        keep = self.current_plan
        self._summaries = sort_summaries(summaries, sort, reverse)
        self._sort = (sort, reverse)
        self._layout(self.size.width or self.app.size.width)
        self._reindex(keep, clamp=False)

    def update_plans(self, changes: Mapping[str, PlanSummary | None]) -> None:
        """Redraw only the rows of these plans (None: no longer shown), in place.

        Other rows keep what they drew; the order is recomputed only when a changed
        plan's sort key moved or a row came or went, and the cursor stays on its plan.
        """
        keep = self.current_plan
        by_id = {s.id: s for s in self._summaries}
        rank = _rank_key(self._sort[0])
        moved = False
        for plan_id, summary in changes.items():
            old = by_id.pop(plan_id, None)
            if summary is None:
                moved = moved or old is not None
                continue
            by_id[plan_id] = summary
            moved = moved or old is None or rank(old) != rank(summary)
        if moved:
            self._summaries = sort_summaries(list(by_id.values()), *self._sort)
            self._reindex(keep, clamp=True)
            return
        self._summaries = [by_id[s.id] for s in self._summaries]
        for plan_id in changes:
            if plan_id in self._position:
                self._refresh_row(self._position[plan_id])

    def _reindex(self, keep: str | None, *, clamp: bool) -> None:
        """After the rows changed: positions, size, the cursor on `keep` (or the first row,
        or where it was when `clamp`), everything redrawn."""
        self._position = {s.id: i for i, s in enumerate(self._summaries)}
        self._resize()
        row = self._position.get(keep, self.cursor_row if clamp else 0) if keep else 0
        self.cursor_row = max(0, min(row, self.row_count - 1))
        self.refresh()
        self._scroll_to_cursor()

    def _layout(self, width: int) -> None:
        columns = fit_columns(width)
        if columns != self._shown_columns:
            self._shown_columns = columns
            self._strips.clear()

    def _resize(self) -> None:
        width = sum(w + GAP for _, w in self._shown_columns)
        self.virtual_size = Size(width, len(self._summaries) + 1)

    @property
    def shown_columns(self) -> list[str]:
        """The keys of the columns the terminal's width leaves room for, in order."""
        return [key for key, _ in self._shown_columns] or list(COLUMN_KEYS)

    @property
    def row_count(self) -> int:
        return len(self._summaries)

    @property
    def row_ids(self) -> list[str]:
        """The plans shown, top to bottom."""
        return [s.id for s in self._summaries]

    @property
    def current_plan(self) -> str | None:
        if not self._summaries:
            return None
        return self._summaries[min(self.cursor_row, len(self._summaries) - 1)].id

    def labels(self) -> list[str]:
        """The column headers as shown (the sorted column with its arrow)."""
        return [self._label(key) for key, _ in self._shown_columns]

    def cells(self, plan_id: str) -> list[str]:
        """A plan's cells as shown (cut to their columns)."""
        cells = row_text(self._summaries[self._position[plan_id]])
        return [self._cell(cells[key], width).plain for key, width in self._shown_columns]

    def _label(self, key: str, width: int | None = None) -> str:
        """The column's header; the sort arrow stays in view when `width` is too narrow
        for both, the name is cut instead."""
        sort, reverse = self._sort
        label = t(f"ui.dash.col.{key}")
        if key != sort:
            return label
        if width is not None and len(label) + 2 > width:
            label = label[: max(0, width - 2)]
        return f"{label} {'▼' if reverse else '▲'}"

    # --- the cursor and the keys ---------------------------------------------------------

    def move_cursor(self, row: int) -> None:
        row = max(0, min(row, self.row_count - 1))
        if row != self.cursor_row:
            self._refresh_row(self.cursor_row)
            self.cursor_row = row
            self._refresh_row(row)
        self._scroll_to_cursor()

    def _scroll_to_cursor(self) -> None:
        if not self._summaries:
            return
        region = Region(int(self.scroll_x), self.cursor_row + 1, self.size.width, 1)
        self.scroll_to_region(region, animate=False, spacing=Spacing(1, 0, 0, 0), force=True)

    def _page_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def action_cursor(self, step: int) -> None:
        self._hide_hover()
        self.move_cursor(self.cursor_row + step)

    def action_page(self, step: int) -> None:
        """A page on (as DataTable: the view scrolls a page, the cursor follows)."""
        self._hide_hover()
        height = self._page_height()
        self.scroll_relative(y=height * step, animate=False, force=True)
        row = self.cursor_row + step * height
        row = max(0, min(row, self.row_count - 1))
        self._refresh_row(self.cursor_row)
        self.cursor_row = row
        self._refresh_row(row)

    def action_first(self) -> None:
        self._hide_hover()
        self.move_cursor(0)

    def action_last(self) -> None:
        self._hide_hover()
        self.move_cursor(self.row_count - 1)

    def action_scroll_x_to(self, x: int) -> None:
        self._hide_hover()
        self.scroll_x = self.max_scroll_x if x < 0 else x

    def action_select_cursor(self) -> None:
        self._hide_hover()
        plan_id = self.current_plan
        if plan_id is not None:
            self.post_message(self.Open(plan_id))

    def on_click(self, event: events.Click) -> None:
        meta = event.style.meta
        if "row" not in meta or "column" not in meta:
            return
        self._show_hover(meta["row"])
        row, column = meta["row"], meta["column"]
        if row == -1:  # a header: sort by that column
            if 0 <= column < len(self._shown_columns):
                self.post_message(self.SortBy(self._shown_columns[column][0]))
            return
        event.stop()
        if row == self.cursor_row:
            self.action_select_cursor()
        else:
            self.move_cursor(row)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        meta = event.style.meta
        self._show_hover(meta.get("row", -1))

    def on_leave(self, _: events.Leave) -> None:
        self._hide_hover()

    def _show_hover(self, row: int) -> None:
        if row != self._hover_row:
            self._refresh_row(self._hover_row)
            self._hover_row = row
            self._refresh_row(row)

    def _hide_hover(self) -> None:
        self._show_hover(-1)

    # --- drawing -------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        before = self._shown_columns
        self._layout(event.size.width)
        if self._shown_columns != before:
            self._resize()
            self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def on_focus(self) -> None:
        self._strips.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._strips.clear()
        self.refresh()

    def _refresh_row(self, row: int) -> None:
        if 0 <= row < self.row_count:
            self.refresh_line(row + 1)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        scroll_x, scroll_y = self.scroll_offset
        if y == 0:
            strip = self._header(base)
        else:
            row = scroll_y + y - 1
            if row >= len(self._summaries):
                return Strip.blank(width, base)
            strip = self._row(row, base)
        return strip.crop(scroll_x, scroll_x + width).adjust_cell_length(width, base).simplify()

    def _header(self, base: Style) -> Strip:
        style = self.get_component_styles("datatable--header").rich_style
        segments: list[Segment] = []
        for column, (key, width) in enumerate(self._shown_columns):
            label = Text(self._label(key, width), no_wrap=True, end="")
            label.truncate(width)
            segments += _cell_segments(label, width, style + _meta(-1, column), Style())
        segments.append(self._extension(-1, style, Style()))
        return Strip(segments)

    def _row(self, row: int, base: Style) -> Strip:
        summary = self._summaries[row]
        cursor = row == self.cursor_row
        hover = row == self._hover_row
        key = (summary, row, cursor, hover, self.size.width, base)
        found = self._strips.get(summary.id)
        if found is not None and found[0] == key:
            return found[1]
        component = Style()
        if hover:
            component += self.get_component_rich_style("datatable--hover")
        if cursor:
            component += self.get_component_rich_style("datatable--cursor")
        # The cursor's colour wins over the cells' own (DataTable: foreground priority "css").
        post = Style.from_color(color=component.color) if cursor or hover else Style()
        cells = row_text(summary)
        segments: list[Segment] = []
        for column, (key_, width) in enumerate(self._shown_columns):
            pre = base + _meta(row, column) + component
            segments += _cell_segments(self._cell(cells[key_], width), width, pre, post)
        segments.append(self._extension(row, base, component))
        strip = Strip(segments)
        self._strips[summary.id] = (key, strip)
        return strip

    def _extension(self, row: int, style: Style, component: Style) -> Segment:
        """What fills the line right of the last column, in the row's style."""
        room = self.size.width - sum(w + GAP for _, w in self._shown_columns)
        meta = Style.from_meta({"row": row, "column": 0, "out_of_bounds": True})
        return Segment(" " * max(0, room), style + component + meta)

    def _cell(self, cell: tuple[str, str], width: int) -> Text:
        text, component = cell
        style = self.get_component_rich_style(component, partial=True) if component else ""
        rendered = Text(visible(text), style=style, no_wrap=True, end="")
        rendered.truncate(width, overflow="ellipsis")
        return rendered


def _meta(row: int, column: int) -> Style:
    return Style.from_meta({"row": row, "column": column})


def _cell_segments(text: Text, width: int, pre: Style, post: Style) -> list[Segment]:
    """A cell as DataTable draws it: one space each side, the text, padded to the width."""
    padding = pre + post
    segments = [Segment(" ", padding)]
    if text.plain:
        own = text.style
        style = pre + own + post if isinstance(own, Style) else padding
        segments.append(Segment(text.plain, style))
    room = width - text.cell_len
    if room > 0:
        segments.append(Segment(" " * room, padding))
    segments.append(Segment(" ", padding))
    return segments


register(
    {
        "ui.key.open": ("Open", "Open"),
        "ui.key.open.tip": ("Open the selected plan", "Open het gekozen plan"),
        "ui.dash.col.id": ("Plan", "Plan"),
        "ui.dash.col.trainee": ("Trainee", "Cursist"),
        "ui.dash.col.company": ("Company", "Bedrijf"),
        "ui.dash.col.occupation": ("Occupation", "Beroep"),
        "ui.dash.col.week": ("Week", "Week"),
        "ui.dash.col.progress": ("Progress", "Voortgang"),
        "ui.dash.col.state": ("On track?", "Op schema?"),
        "ui.dash.col.overdue": ("Overdue", "Te laat"),
        "ui.dash.col.next": ("Next due", "Volgende"),
        "ui.table.erased": ("[erased] by {actor}, {on}", "[gewist] door {actor}, {on}"),
    }
)
