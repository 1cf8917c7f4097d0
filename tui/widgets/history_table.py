"""The audit history as a line-API table: only the rows in view are ever rendered.

Holds every entry once; a filter keeps a list of the matching ones. New entries
are appended (and filtered) one by one, so a live store never causes a rebuild.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from core.history import HistoryEntry
from core.i18n import fmt_time, register, t
from core.identity import full_name
from tui.commands import localize_bindings
from tui.widgets.history_feed import HistoryFilter
from tui.widgets.text import one_line

TIME_WIDTH = 16
ARROW = " → "


@lru_cache(maxsize=256)
def who(login: str) -> str:
    """The login, with the full name from the password database when there is one."""
    name = full_name(login) if login else ""
    return f"{login} ({name})" if name and name != login else login


def change_text(entry: HistoryEntry) -> str:
    """before → after, or the one that is set; a note's text when neither is."""
    if entry.before and entry.after:
        return f"{entry.before}{ARROW}{entry.after}"
    return entry.after or entry.before or entry.detail


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    width: int
    right: bool = False


class HistoryTable(ScrollView, can_focus=True):
    """Entries in a fixed header table with a cursor; posts Selected on enter."""

    COMPONENT_CLASSES: ClassVar = {
        "history-table--header",
        "history-table--cursor",
        "history-table--empty",
    }

    DEFAULT_CSS = """
    HistoryTable {
        background: $surface;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
        & > .history-table--header {
            text-style: bold;
            background: $panel;
        }
        & > .history-table--cursor {
            background: $boost;
            text-style: bold;
        }
        &:focus > .history-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
        }
        & > .history-table--empty {
            color: $text-muted;
            text-style: italic;
        }
    }
    """

    BINDINGS: ClassVar = [
        Binding("up", "cursor(-1)", "ui.histtab.up", show=False),
        Binding("down", "cursor(1)", "ui.histtab.down", show=False),
        Binding("pageup", "page(-1)", "ui.histtab.pageup", show=False),
        Binding("pagedown", "page(1)", "ui.histtab.pagedown", show=False),
        Binding("home", "first", "ui.histtab.first", show=False),
        Binding("end", "last", "ui.histtab.last", show=False),
        Binding("enter", "select", "ui.histtab.select", id="history.details"),
    ]

    cursor: reactive[int] = reactive(0, init=False, always_update=True)
    """Index of the highlighted row among the rows shown."""

    @dataclass
    class Selected(Message):
        """Enter on a row: the seq of its entry."""

        seq: int

    @dataclass
    class Highlighted(Message):
        """The cursor moved: the seq under it, or None when nothing is shown."""

        seq: int | None

    def __init__(self, *, show_plan: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        localize_bindings(self)
        self.show_plan = show_plan
        self.entries: list[HistoryEntry] = []
        """Every entry read, in log order."""
        self.rows: list[HistoryEntry] = []
        """The entries the filter lets through, in log order."""
        self.filter = HistoryFilter()
        self.base_plan = ""
        self.rebuilds = 0
        """How often the shown rows were recomputed from all entries (filter changes only)."""
        self.empty_text = ""
        self._haystacks: dict[int, str] = {}
        self._cache: LRUCache[tuple[int, bool, int], Strip] = LRUCache(512)

    # --- data -----------------------------------------------------------------------------

    def _passes(self, entry: HistoryEntry) -> bool:
        if self.base_plan and entry.plan != self.base_plan:
            return False
        return self.filter.matches(entry, self._haystack)

    def _haystack(self, entry: HistoryEntry) -> str:
        text = self._haystacks.get(entry.seq)
        if text is None:
            parts = (
                entry.plan,
                who(entry.actor),
                entry.target,
                entry.kind,
                entry.describe(),
                entry.before,
                entry.after,
                entry.detail,
            )
            text = self._haystacks[entry.seq] = " ".join(parts).casefold()
        return text

    def add(self, entries: Iterable[HistoryEntry]) -> int:
        """Append entries read from the log; returns how many of them are shown."""
        following = not self.rows or self.cursor >= len(self.rows) - 1
        before = len(self.rows)
        for entry in entries:
            self.entries.append(entry)
            if self._passes(entry):
                self.rows.append(entry)
        added = len(self.rows) - before
        if added:
            self._resize()
            if following:
                self.cursor = len(self.rows) - 1
            elif before:
                # Only the last row was drawn as "the end": its neighbours are new.
                self.refresh()
        return added

    def set_filter(self, new: HistoryFilter, *, base_plan: str | None = None) -> None:
        """Show only what `new` lets through; the cursor stays on its entry when it can."""
        current = self.current
        self.filter = new
        if base_plan is not None:
            self.base_plan = base_plan
        self.rows = [e for e in self.entries if self._passes(e)]
        self.rebuilds += 1
        self._cache.clear()
        self._resize()
        self.cursor = self._index_near(current.seq) if current else len(self.rows) - 1

    def _index_near(self, seq: int) -> int:
        """The row of `seq`, or of the last entry before it."""
        lo, hi = 0, len(self.rows)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.rows[mid].seq <= seq:
                lo = mid + 1
            else:
                hi = mid
        return max(0, lo - 1) if self.rows else 0

    @property
    def current(self) -> HistoryEntry | None:
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor]
        return None

    def entry(self, seq: int) -> HistoryEntry | None:
        """The entry of record `seq` (entries are read in seq order from 1)."""
        if 1 <= seq <= len(self.entries) and self.entries[seq - 1].seq == seq:
            return self.entries[seq - 1]
        return next((e for e in self.entries if e.seq == seq), None)

    def go_to(self, seq: int) -> None:
        """Put the cursor on the row of `seq` (or the nearest before it)."""
        self.cursor = self._index_near(seq)

    # --- geometry ---------------------------------------------------------------------------

    def _resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)

    def on_resize(self, event: events.Resize) -> None:
        self._cache.clear()
        self._resize()
        self._scroll_to_cursor()

    @property
    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def columns(self, width: int) -> list[Column]:
        last = self.entries[-1].seq if self.entries else 1
        seq_w = max(3, len(str(last)))
        who_w = 10 if width < 100 else 14
        fixed = [Column("seq", seq_w, True), Column("time", TIME_WIDTH), Column("who", who_w)]
        if self.show_plan:
            fixed.append(Column("plan", 4))
        gaps = len(fixed) + 1
        rest = max(10, width - sum(c.width for c in fixed) - gaps)
        what = max(6, rest * 9 // 20)
        return [*fixed, Column("what", what), Column("change", max(4, rest - what))]

    # --- cursor -----------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        if self.rows:
            clamped = max(0, min(new, len(self.rows) - 1))
            if clamped != new:
                self.cursor = clamped
                return
        self._scroll_to_cursor()
        # A cursor set together with new rows is scrolled to once the new size is laid out.
        self.call_after_refresh(self._scroll_to_cursor)
        self.refresh()
        current = self.current
        self.post_message(self.Highlighted(current.seq if current else None))

    def _scroll_to_cursor(self) -> None:
        top = round(self.scroll_y)
        page = self._page
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True, force=True)
        elif self.cursor >= top + page:
            self.scroll_to(y=self.cursor - page + 1, animate=False, immediate=True, force=True)

    def action_cursor(self, step: int) -> None:
        self.cursor = max(0, min(len(self.rows) - 1, self.cursor + step))

    def action_page(self, step: int) -> None:
        self.action_cursor(step * self._page)

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = max(0, len(self.rows) - 1)

    def action_select(self) -> None:
        current = self.current
        if current is not None:
            self.post_message(self.Selected(current.seq))

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1:
            index = round(self.scroll_y) + event.y - 1
            if 0 <= index < len(self.rows):
                self.cursor = index
                if event.chain > 1:
                    self.action_select()

    # --- rendering -------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def on_focus(self) -> None:
        self._cache.clear()

    def on_blur(self) -> None:
        self._cache.clear()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            return self._header(width)
        index = round(self.scroll_y) + y - 1
        if index >= len(self.rows):
            if not self.rows and y == 1 and self.empty_text:
                style = base + self.get_component_rich_style("history-table--empty")
                return self._strip(Text(" " + self.empty_text, style=style), width, style)
            return Strip.blank(width, base)
        is_cursor = index == self.cursor
        key = (index, is_cursor, width)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        style = base
        if is_cursor:
            style = base + self.get_component_rich_style("history-table--cursor")
        strip = self._row(self.rows[index], width, style)
        self._cache[key] = strip
        return strip

    def _header(self, width: int) -> Strip:
        style = self.rich_style + self.get_component_rich_style("history-table--header")
        cells = {c.key: t(f"ui.histtab.col.{c.key}") for c in self.columns(width)}
        return self._cells(cells, width, style)

    def _row(self, entry: HistoryEntry, width: int, style: Style) -> Strip:
        cells = {
            "seq": str(entry.seq),
            "time": fmt_time(entry.time),
            "who": one_line(who(entry.actor)),
            "plan": entry.plan,
            "what": one_line(entry.describe()),
            "change": one_line(change_text(entry)),
        }
        return self._cells(cells, width, style)

    def _cells(self, cells: dict[str, str], width: int, style: Style) -> Strip:
        text = Text(" ", style=style, no_wrap=True, end="")
        for column in self.columns(width):
            value = cells.get(column.key, "")
            text.append(_fit(value, column.width, column.right))
            text.append(" ")
        return self._strip(text, width, style)

    def _strip(self, text: Text, width: int, style: Style) -> Strip:
        segments = [
            Segment(s.text, s.style) for s in text.render(self.app.console) if s.text != "\n"
        ]
        return Strip(segments).adjust_cell_length(width, style)


def _fit(value: str, width: int, right: bool = False) -> str:
    """`value` cut (with an ellipsis) or padded to exactly `width` cells."""
    length = cell_len(value)
    if length > width:
        return set_cell_size(value, width - 1) + "…"
    pad = " " * (width - length)
    return pad + value if right else value + pad


register(
    {
        "ui.histtab.up": ("Up", "Omhoog"),
        "ui.histtab.down": ("Down", "Omlaag"),
        "ui.histtab.pageup": ("Page up", "Pagina omhoog"),
        "ui.histtab.pagedown": ("Page down", "Pagina omlaag"),
        "ui.histtab.first": ("First change", "Eerste wijziging"),
        "ui.histtab.last": ("Last change", "Laatste wijziging"),
        "ui.histtab.select": ("Details", "Details"),
        "ui.histtab.col.seq": ("#", "#"),
        "ui.histtab.col.time": ("Time", "Tijd"),
        "ui.histtab.col.who": ("Who", "Wie"),
        "ui.histtab.col.plan": ("Plan", "Plan"),
        "ui.histtab.col.what": ("What", "Wat"),
        "ui.histtab.col.change": ("Before → after", "Voor → na"),
    }
)
