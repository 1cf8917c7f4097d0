"""The audit history as a line-API table: only the rows in view are ever rendered.

Rows are seqs (4 bytes each) over a `HistoryIndex`; an entry is computed only
when a row is drawn or looked at. New records are appended (and filtered) one
by one, so a live store never causes a rebuild. Below `WIDE` columns an entry
takes two lines: what happened, then before → after and the reason under it; the
entry under the cursor shows its whole change, on as many lines as it needs.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar, overload

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
from core.history_index import HistoryIndex
from core.i18n import fmt_time, register, t
from core.identity import full_name
from tui.commands import localize_bindings
from tui.widgets.history_filter import HistoryFilter
from tui.widgets.text import change_text, one_line

TIME_WIDTH = 16
WIDE = 140
"""From this width an entry fits on one line; narrower, its change goes on a second line."""
CURSOR_LINES = 6
"""At most this many lines for the change of the entry under the cursor."""
SYNC_SCAN = 100_000
"""Up to this many records a text filter is applied at once; beyond, in the background."""
ARROW = " → "


@lru_cache(maxsize=256)
def who(login: str) -> str:
    """The login, with the full name from the password database when there is one."""
    name = full_name(login) if login else ""
    return f"{login} ({name})" if name and name != login else login


def entry_change(entry: HistoryEntry) -> str:
    """before → after (or the one that is set), then the reason, note or remark it carried."""
    values = [change_text(entry.kind, v) for v in (entry.before, entry.after) if v]
    change = ARROW.join(values)
    if entry.detail:
        quoted = f"“{entry.detail}”"
        return f"{change} · {quoted}" if change else quoted
    return change


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    width: int
    right: bool = False


def haystack(entry: HistoryEntry) -> str:
    """What a text filter searches in an entry (casefolded)."""
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
    return " ".join(parts).casefold()


class EntryView(Sequence[HistoryEntry]):
    """Entries by position over seqs (None: every record read), computed when looked at."""

    def __init__(self, seqs: array[int] | None = None) -> None:
        self.index: HistoryIndex | None = None
        self.seqs = seqs
        self.count = 0
        """Records read (the length of a view of every record)."""

    def __len__(self) -> int:
        return self.count if self.seqs is None else len(self.seqs)

    def seq(self, position: int) -> int:
        return position + 1 if self.seqs is None else self.seqs[position]

    @overload
    def __getitem__(self, position: int) -> HistoryEntry: ...
    @overload
    def __getitem__(self, position: slice) -> list[HistoryEntry]: ...
    def __getitem__(self, position: int | slice) -> HistoryEntry | list[HistoryEntry]:
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        size = len(self)
        if position < 0:
            position += size
        if not 0 <= position < size or self.index is None:
            raise IndexError(position)
        return self.index.entry(self.seq(position))

    def __iter__(self) -> Iterator[HistoryEntry]:
        for position in range(len(self)):
            yield self[position]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, list):
            return list(self) == other
        return self is other

    __hash__ = None  # type: ignore[assignment]


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
        self.index: HistoryIndex | None = None
        self.entries = EntryView()
        """Every entry read, in log order (computed when looked at)."""
        self.rows = EntryView(array("I"))
        """The entries the filter lets through, in log order."""
        self.filter = HistoryFilter()
        self.base_plan = ""
        self.readable: frozenset[str] | None = None
        """The plans the reader may see (core.access.visible_plans); None: every plan."""
        self.rebuilds = 0
        """How often the shown rows were recomputed from all entries (filter changes only)."""
        self.scan = 0
        """Numbers the filter changes; a background scan for an older one is ignored."""
        self.empty_text = ""
        self._cache: LRUCache[tuple[int, int, bool, int], Strip] = LRUCache(512)
        self._unfolded: tuple[int, int, list[str]] | None = None
        """(seq, width, lines): the wrapped change of the entry under the cursor."""

    # --- data -----------------------------------------------------------------------------

    def attach(self, index: HistoryIndex) -> None:
        """Show the records of `index` (as far as `extend_to` says they are read)."""
        self.index = self.entries.index = self.rows.index = index

    def _plan_wanted(self) -> str | None:
        """The one plan shown ("" any), or None when the base plan and the filter disagree."""
        base, chosen = self.base_plan, self.filter.plan
        if base and chosen and base != chosen:
            return None
        return base or chosen

    def _passes(self, entry: HistoryEntry) -> bool:
        if self.base_plan and entry.plan != self.base_plan:
            return False
        if self.readable is not None and entry.plan not in self.readable:
            return False
        return self.filter.matches(entry, haystack)

    def _select(self, start: int, upto: int) -> array[int]:
        """Rows among records start..upto that need no entry to decide (no text filter)."""
        plan = self._plan_wanted()
        if self.index is None or plan is None or upto < start:
            return array("I")
        f = self.filter
        return self.index.select(
            upto, plan=plan, actor=f.actor, kind=f.kind, start=start, within=self.readable
        )

    def extend_to(self, count: int) -> int:
        """Records up to seq `count` are read: show those that pass; returns how many."""
        following = not self.rows or self.cursor >= len(self.rows) - 1
        before, start = len(self.rows), self.entries.count + 1
        self.entries.count = count
        found = self._select(start, count)
        if self.filter.text.strip() and self.index is not None:
            found = array("I", (s for s in found if self._passes(self.index.entry(s))))
        self.rows.seqs.extend(found)
        added = len(self.rows) - before
        if added:
            if following:
                # First, so that sizing up looks at the newest entry, not the oldest.
                self.cursor = len(self.rows) - 1
            self._resize()
            if not following and before:
                # Only the last row was drawn as "the end": its neighbours are new.
                self.refresh()
        return added

    def set_filter(self, new: HistoryFilter, *, base_plan: str | None = None) -> bool:
        """Show only what `new` lets through; the cursor stays on its entry when it can.

        Returns False when the text must be searched in a long history: the rows
        then start empty and `add_matches` streams the matches in (`matches()` finds them).
        """
        current = self.current
        self.filter = new
        if base_plan is not None:
            self.base_plan = base_plan
        self.scan += 1
        self.rebuilds += 1
        count = self.entries.count
        quick = not new.text.strip() or count <= SYNC_SCAN
        if not new.text.strip():
            self.rows.seqs[:] = self._select(1, count)
        else:
            self.rows.seqs[:] = array("I")
            if quick:
                for found in self.matches(count):
                    self.rows.seqs.extend(found)
                self.rows.seqs[:] = array("I", sorted(self.rows.seqs))
        self._cache.clear()
        self._resize()
        self.cursor = self._index_near(current.seq) if current else len(self.rows) - 1
        return quick

    def matches(
        self, upto: int, cancelled: Callable[[], bool] = lambda: False
    ) -> Iterator[list[int]]:
        """The rows among records 1..upto under a text filter, a plan at a time, in batches."""
        plan = self._plan_wanted()
        if self.index is None or plan is None:
            return iter(())
        return self.index.matching(
            upto,
            self._passes,
            plan=plan,
            within=self.readable,
            cancelled=cancelled,
        )

    def add_matches(self, scan: int, found: list[int]) -> None:
        """Merge matches of a background text search (for filter change `scan`)."""
        if scan != self.scan or not found:
            return
        current = self.current
        following = current is None or self.cursor >= len(self.rows) - 1
        self.rows.seqs[:] = array("I", sorted([*self.rows.seqs, *found]))
        self._cache.clear()
        self._resize()
        if following or current is None:
            self.cursor = len(self.rows) - 1
        else:
            self.cursor = self._index_near(current.seq)

    def _index_near(self, seq: int) -> int:
        """The row of `seq`, or of the last entry before it."""
        return max(0, bisect.bisect_right(self.rows.seqs, seq) - 1)

    @property
    def current(self) -> HistoryEntry | None:
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor]
        return None

    def entry(self, seq: int) -> HistoryEntry | None:
        """The entry of record `seq`, or None when it has not been read."""
        if self.index is None or not 1 <= seq <= self.entries.count:
            return None
        return self.index.entry(seq)

    def go_to(self, seq: int) -> None:
        """Put the cursor on the row of `seq` (or the nearest before it)."""
        self.cursor = self._index_near(seq)

    # --- geometry ---------------------------------------------------------------------------

    @property
    def row_height(self) -> int:
        """Lines an entry takes at the current width."""
        return 1 if self.size.width >= WIDE else 2

    def _resize(self) -> None:
        # The header, and room to scroll so that the top line is always an entry's first.
        height = self.row_height
        lines = len(self.rows) * height + len(self._extra_lines()) + height
        self.virtual_size = Size(self.size.width, lines)

    def _change_width(self, width: int) -> int:
        """Cells for the change on a line of its own (under the time column onwards)."""
        return max(1, width - self._indent(width) - 1)

    def _indent(self, width: int) -> int:
        return self.columns(width)[0].width + 2

    def _cursor_change(self) -> list[str]:
        """The change of the entry under the cursor, wrapped to the width (every line)."""
        current, width = self.current, self.scrollable_content_region.width
        if current is None:
            return []
        cached = self._unfolded
        if cached is not None and cached[:2] == (current.seq, width):
            return cached[2]
        change = one_line(entry_change(current))
        room = self._change_width(width)
        lines = [line.plain.rstrip() for line in Text(change).wrap(self.app.console, room)]
        if len(lines) > CURSOR_LINES:
            # _fit cuts what does not fit with an ellipsis: the last line always ends in one.
            last = _fit(lines[CURSOR_LINES - 1] + " …", room).rstrip()
            lines = [*lines[: CURSOR_LINES - 1], last]
        self._unfolded = (current.seq, width, lines)
        return lines

    def _extra_lines(self) -> list[str]:
        """The lines the entry under the cursor takes beyond the others' (its change, unfolded)."""
        lines = self._cursor_change()
        if self.row_height == 1:
            # Wide: the change column is cut; unfold it under the row when it did not fit.
            column = self.columns(self.scrollable_content_region.width)[-1]
            return lines if lines and cell_len(" ".join(lines)) > column.width else []
        return lines[1:]

    def _locate(self, line: int) -> tuple[int, int]:
        """(row, line within the row) of a line of the table's body."""
        height, cursor = self.row_height, self.cursor
        extra = len(self._extra_lines())
        end = (cursor + 1) * height
        if line < end:
            return divmod(line, height)
        if line < end + extra:
            return cursor, height + line - end
        return divmod(line - extra, height)

    def on_resize(self, event: events.Resize) -> None:
        self._cache.clear()
        self._resize()
        self._scroll_to_cursor()

    @property
    def _page(self) -> int:
        """Entries in view."""
        return max(1, (self.scrollable_content_region.height - 1) // self.row_height)

    def columns(self, width: int) -> list[Column]:
        """The first line's columns; narrower than WIDE the change has a line of its own."""
        last = self.entries.count or 1
        seq_w = max(3, len(str(last)))
        who_w = 10 if width < 100 else 14
        fixed = [Column("seq", seq_w, True), Column("time", TIME_WIDTH), Column("who", who_w)]
        if self.show_plan:
            fixed.append(Column("plan", 4))
        gaps = len(fixed) + 1
        rest = max(10, width - sum(c.width for c in fixed) - gaps)
        if width < WIDE:
            return [*fixed, Column("what", rest)]
        what = max(6, rest * 2 // 5)
        return [*fixed, Column("what", what), Column("change", max(4, rest - what))]

    # --- cursor -----------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        if self.rows:
            clamped = max(0, min(new, len(self.rows) - 1))
            if clamped != new:
                self.cursor = clamped
                return
        self._resize()
        self._scroll_to_cursor()
        # A cursor set together with new rows is scrolled to once the new size is laid out.
        self.call_after_refresh(self._scroll_to_cursor)
        self.refresh()
        current = self.current
        self.post_message(self.Highlighted(current.seq if current else None))

    def redraw(self) -> None:
        """Draw every row again from its entry (entries computed before an erasure are gone)."""
        self._cache.clear()
        self._unfolded = None
        self.refresh()

    def _scroll_to_cursor(self) -> None:
        height = self.row_height
        top = round(self.scroll_y)
        first = self.cursor * height
        lines = max(height, self.scrollable_content_region.height - 1)
        last = min(first + height + len(self._extra_lines()), first + lines) - 1
        if first < top:
            self.scroll_to(y=first, animate=False, immediate=True, force=True)
        elif last >= top + lines:
            y = last - lines + 1
            self.scroll_to(y=y + (-y) % height, animate=False, immediate=True, force=True)

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
            index = self._locate(round(self.scroll_y) + event.y - 1)[0]
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
        index, part = self._locate(round(self.scroll_y) + y - 1)
        if index >= len(self.rows):
            if not self.rows and y == 1 and self.empty_text:
                style = base + self.get_component_rich_style("history-table--empty")
                return self._strip(Text(" " + self.empty_text, style=style), width, style)
            return Strip.blank(width, base)
        is_cursor = index == self.cursor
        key = (index, part, is_cursor, width)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        style = base
        if is_cursor:
            style = base + self.get_component_rich_style("history-table--cursor")
        if part == 0:
            strip = self._row(self.rows[index], width, style)
        elif is_cursor:
            strip = self._change_line(self._unfolded_line(part), width, style)
        else:
            change = _fit(one_line(entry_change(self.rows[index])), self._change_width(width))
            strip = self._change_line(change, width, style)
        self._cache[key] = strip
        return strip

    def _unfolded_line(self, part: int) -> str:
        """Line `part` of the cursor's entry beyond its first: its change, line by line."""
        lines = self._cursor_change()
        return lines[part - 1] if part - 1 < len(lines) else ""

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
            "change": one_line(entry_change(entry)),
        }
        return self._cells(cells, width, style)

    def _change_line(self, change: str, width: int, style: Style) -> Strip:
        """A line of an entry's change, from under the time column to the edge."""
        text = Text(" " * self._indent(width), style=style, no_wrap=True, end="")
        text.append(change, style="dim")
        return self._strip(text, width, style)

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
        "ui.histtab.col.change": ("Before → after · reason", "Voor → na · reden"),
    }
)
