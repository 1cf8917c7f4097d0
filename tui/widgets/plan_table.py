"""The dashboard's table of plans: one row per plan, columns that fit the terminal's width.

The screen hands it summaries, a filter and a sort order; the table keeps the
cursor on the same plan across every refresh and says which plan to open.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import events, on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from core.erasure import erased_text
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


def row_text(summary: PlanSummary) -> dict[str, tuple[str, str]]:
    """Every column's text (and component class) for one plan."""
    state, state_class = state_label(summary)
    overdue = f"! {summary.overdue}" if summary.overdue else "0"
    percent = summary.percent
    expected = None if summary.closed else summary.expected
    return {
        "id": (summary.id, ""),
        # An erased plan's name is gone: the row says when and by whom instead.
        "trainee": (erased_text(summary) or summary.trainee, ""),
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


class PlanTable(DataTable[Text]):
    """Plans as rows; posts `Open` and `SortBy` with plan ids and column keys."""

    BINDINGS: ClassVar = [
        Binding("enter", "select_cursor", "ui.key.open", tooltip="ui.key.open.tip", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "plan-table--behind",
        "plan-table--on-track",
        "plan-table--closed",
        "plan-table--overdue",
    }

    DEFAULT_CSS = """
    PlanTable { height: 1fr; }
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
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        localize_bindings(self)
        self._summaries: list[PlanSummary] = []
        self._sort = ("trainee", False)
        self._shown_columns: list[tuple[str, int]] = []

    def show(self, summaries: Sequence[PlanSummary], *, sort: str, reverse: bool) -> None:
        """Show these plans in this order, keeping the cursor on the same plan."""
        self._summaries = sort_summaries(summaries, sort, reverse)
        self._sort = (sort, reverse)
        self._render_rows()

    def update_plans(self, changes: Mapping[str, PlanSummary | None]) -> None:
        """Redraw only the rows of these plans (None: no longer shown), in place.

        Other rows keep their cells; the order is recomputed only when a changed
        plan's sort key moved or a row came or went, and the cursor stays on its plan.
        """
        if not self._shown_columns:
            self.show(
                [*self._summaries, *filter(None, changes.values())],
                sort=self._sort[0],
                reverse=self._sort[1],
            )
            return
        keep = self.current_plan
        by_id = {s.id: s for s in self._summaries}
        rank = _rank_key(self._sort[0])
        moved = False
        with self.app.batch_update():
            for plan_id, summary in changes.items():
                old = by_id.pop(plan_id, None)
                if summary is None:
                    if old is not None:
                        self.remove_row(plan_id)
                    continue
                by_id[plan_id] = summary
                cells = row_text(summary)
                if old is None:
                    self.add_row(
                        *(self._cell(cells[key], width) for key, width in self._shown_columns),
                        key=plan_id,
                    )
                    moved = True
                    continue
                was = row_text(old)
                for key, width in self._shown_columns:
                    if cells[key] != was[key]:
                        self.update_cell(plan_id, key, self._cell(cells[key], width))
                moved = moved or rank(old) != rank(summary)
            if moved:
                self._summaries = sort_summaries(list(by_id.values()), *self._sort)
                self._reorder()
            else:
                self._summaries = [by_id[s.id] for s in self._summaries if s.id in by_id]
            if keep is not None and keep in by_id:
                self.move_cursor(row=self.get_row_index(keep), animate=False)

    def _reorder(self) -> None:
        """Put the rows in the order of `_summaries` without rebuilding them.

        DataTable.sort hands its key only cells, so each row is known by its
        first cell (a distinct object per row).
        """
        if not self._summaries:
            return
        first = self._shown_columns[0][0]
        position = {id(self.get_cell(s.id, first)): i for i, s in enumerate(self._summaries)}
        self.sort(first, key=lambda cell: position[id(cell)])

    @property
    def shown_columns(self) -> list[str]:
        """The keys of the columns the terminal's width leaves room for, in order."""
        return [key for key, _ in self._shown_columns] or list(COLUMN_KEYS)

    @property
    def current_plan(self) -> str | None:
        if not self.row_count or self.cursor_row < 0:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        return key.value

    def _render_rows(self) -> None:
        keep = self.current_plan
        columns = fit_columns(self.size.width or self.app.size.width)
        with self.app.batch_update():
            if columns != self._shown_columns:
                self.clear(columns=True)
                sort, reverse = self._sort
                for key, width in columns:
                    label = t(f"ui.dash.col.{key}")
                    if key == sort:
                        label = f"{label} {'▼' if reverse else '▲'}"
                    self.add_column(Text(label, no_wrap=True), width=width, key=key)
                self._shown_columns = columns
            else:
                self._relabel_headers()
                self.clear()
            for summary in self._summaries:
                cells = row_text(summary)
                self.add_row(
                    *(self._cell(cells[key], width) for key, width in columns),
                    key=summary.id,
                )
            if keep is not None and keep in {s.id for s in self._summaries}:
                self.move_cursor(row=self.get_row_index(keep), animate=False)

    def _relabel_headers(self) -> None:
        sort, reverse = self._sort
        for key, column in self.columns.items():
            label = t(f"ui.dash.col.{key.value}")
            if key.value == sort:
                label = f"{label} {'▼' if reverse else '▲'}"
            column.label = Text(label, no_wrap=True)

    def _cell(self, cell: tuple[str, str], width: int) -> Text:
        text, component = cell
        style = self.get_component_rich_style(component, partial=True) if component else ""
        rendered = Text(visible(text), style=style, no_wrap=True, end="")
        rendered.truncate(width, overflow="ellipsis")
        return rendered

    def on_resize(self, event: events.Resize) -> None:
        if fit_columns(event.size.width) != self._shown_columns and self._summaries:
            self._render_rows()

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.Open(event.row_key.value))

    @on(DataTable.HeaderSelected)
    def _sort_by(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        if event.column_key.value is not None:
            self.post_message(self.SortBy(event.column_key.value))


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
    }
)
