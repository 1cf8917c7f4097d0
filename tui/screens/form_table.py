"""One competency as the paper form has it: skills | training actions | planned end | completed.

A form row comes first with its derived dates, its actions under it with their own, all
as the plan's view (core/planview.py) has them; `p` and `d` act on the line under the cursor
through the plan screen's own forms, commands and key guards.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import DataTable, Footer

import core.export.model  # noqa: F401 - registers the form's column words
from core.i18n import fmt_date, register, t
from core.planview import CompetencyView, RowView
from core.projections import STATUS_SYMBOL, ActionState, PlanState, Status, StoreState
from tui.screens import plan_rules as rules
from tui.screens.base import LeerpadScreen
from tui.screens.plan_bulk import BulkKeys
from tui.screens.plan_keys import NodeKeys
from tui.widgets.banner import TitleBar
from tui.widgets.text import literal_text, one_line

if TYPE_CHECKING:
    from tui.screens.plan import PlanScreen

DATE_WIDTH = 12
"""'! 06/11/2026': an overdue date keeps its symbol."""

STATUS_WEIGHT = {Status.OVERDUE: "bold", Status.NA: "dim"}
"""Weight, not colour: the symbol and the date columns already say the status."""

SKILLS_SHARE = 0.42
"""Of the room the two text columns share, what the skills column gets."""


def column_widths(width: int) -> tuple[int, int]:
    """The widths of the skills and actions columns for a table `width` cells wide."""
    # Four columns with a cell of padding on each side, two date columns, a scrollbar.
    room = max(20, width - 4 * 2 - 2 * DATE_WIDTH - 2)
    skills = max(10, int(room * SKILLS_SHARE))
    return skills, room - skills


def competency_of(plan: PlanState, node_id: str) -> str:
    """The job competency a node belongs to; the first one for anything else."""
    head = node_id.split(".", 1)[0].upper()
    ids = [c.id for c in plan.competencies]
    return head if head in ids else ids[0]


def _date(value: date | None, status: Status | None = None) -> Text:
    if value is None:
        return Text("–", style="dim")
    shown = fmt_date(value)
    if status is Status.OVERDUE:
        return Text(f"{STATUS_SYMBOL[status]} {shown}", style="bold")
    return Text(shown)


class FormTableScreen(NodeKeys, BulkKeys, LeerpadScreen):
    """Opened from a plan screen (`origin`), whose state, today and version it shows."""

    DEFAULT_CSS = """
    FormTableScreen DataTable { height: 1fr; }
    """

    BINDINGS: ClassVar = [
        Binding(
            "p", "plan_date", "ui.key.plan_date", id="table_plan", tooltip="ui.key.plan_date.tip"
        ),
        Binding("d", "done", "ui.key.done", id="table_done", tooltip="ui.key.done.tip"),
        Binding("left", "other(-1)", "ui.key.form_prev", id="table_prev", show=False),
        Binding("right", "other(1)", "ui.key.form_next", id="table_next", show=False),
        Binding("escape", "back", "ui.key.form_back", id="table_back"),
    ]
    GUARDED = frozenset({"plan_date", "done"})

    def __init__(self, origin: PlanScreen, competency: str, *, select: str | None = None) -> None:
        super().__init__()
        self.origin = origin
        self.plan_id = origin.plan_id
        self.competency = competency
        self._select_first = select
        self.marked: list[str] = []
        self._width = 0

    # --- what the plan screen shares ---------------------------------------------------

    @property
    def state(self) -> StoreState:
        return self.origin.state

    @property
    def plan(self) -> PlanState | None:
        return self.state.plan(self.plan_id)

    def today(self) -> date:
        return self.origin.today()

    @property
    def selected(self) -> str:
        table: DataTable[Text] = self.query_one(DataTable)
        if table.row_count == 0:
            return self.competency
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return key or self.competency

    def _selected_action(self) -> ActionState | None:
        plan = self.plan
        return plan.action(self.selected) if plan else None

    def why_not(self, action: str) -> str | None:
        if action in self.GUARDED and self.origin.as_of is not None:
            return t("ui.plan.as_of_key", seq=self.origin.as_of)
        reason = super().why_not(action)
        plan = self.plan
        if reason is not None or action not in self.GUARDED or plan is None:
            return reason
        return rules.refusal(self.state, plan, self.selected, action, self.today())

    # --- composing and refreshing ------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield DataTable(cursor_type="row", zebra_stripes=False, header_height=2)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        if self.origin.as_of is None:
            self.follow("seq", self._refresh)
        self._refresh()
        self.query_one(DataTable).focus()

    def on_resize(self) -> None:
        if self.size.width != self._width:
            self._refresh()

    def _refresh(self) -> None:
        view = self.origin.view
        if view is None:
            return
        comp = view.node(self.competency)
        table: DataTable[Text] = self.query_one(DataTable)
        keep = self.selected if table.row_count else self._select_first
        self._width = self.size.width
        skills_width, actions_width = column_widths(self._width)
        table.clear(columns=True)
        for key, width in (
            ("skills", skills_width),
            ("actions", actions_width),
            ("due", DATE_WIDTH),
            ("done", DATE_WIDTH),
        ):
            table.add_column(Text(t(f"export.form.{key}"), style="bold"), width=width, key=key)
        rows = comp.rows if isinstance(comp, CompetencyView) else ()
        for row in rows:
            self._add_row(table, row)
        if keep is not None and keep in table.rows:
            table.move_cursor(row=table.get_row_index(keep))
        title = comp.title if isinstance(comp, CompetencyView) else ""
        self.query_one(TitleBar).title = Content.assemble(
            ("leerpad", "bold"),
            f" · {t('ui.tree.plan', plan=view.id)} · {self.competency} ",
            one_line(title),
        )
        self.refresh_bindings()

    def _add_row(self, table: DataTable[Text], row: RowView) -> None:
        skills = Text(f"{row.id}\n", style="bold")
        skills.append(literal_text("\n\n".join(one_line(s) for s in row.skills)))
        if row.own:
            skills.append(f" {t('export.own_row')}", style="dim")
        tally = Text(
            t("ui.form.tally", done=row.progress.done, total=row.progress.total), style="dim"
        )
        table.add_row(skills, tally, _date(row.due), _date(row.done_on), key=row.id, height=None)
        for action in row.actions:
            status = action.status
            weight = STATUS_WEIGHT.get(status, "")
            text = Text(f"{STATUS_SYMBOL[status]} {action.id} ", style=weight)
            text.append(literal_text(one_line(action.text)))
            if action.own:
                text.append(f" {t('export.own_action')}", style="dim")
            if action.dropped is not None:
                text.append(f"\n{t('export.na', reason=one_line(action.dropped))}", style="dim")
            due = _date(action.due, status if status is Status.OVERDUE else None)
            done_text = (
                _date(action.done_on)
                if status is not Status.NA
                else Text(t("status.na"), style="dim")
            )
            table.add_row(Text(""), text, due, done_text, key=action.id, height=None)

    # --- keys --------------------------------------------------------------------------

    @on(DataTable.RowHighlighted)
    def _moved(self) -> None:
        self.refresh_bindings()

    def action_other(self, step: int) -> None:
        """The previous or next job competency, as the form's pages follow each other."""
        plan = self.plan
        if plan is None:
            return
        ids = [c.id for c in plan.competencies]
        self.competency = ids[(ids.index(self.competency) + step) % len(ids)]
        self.query_one(DataTable).clear()
        self._refresh()
        self.query_one(DataTable).move_cursor(row=0)

    def action_back(self) -> None:
        self.dismiss(self.selected)


register(
    {
        "ui.key.form_prev": ("Previous competency", "Vorige competentie"),
        "ui.key.form_next": ("Next competency", "Volgende competentie"),
        "ui.key.form_back": ("Back to the tree", "Terug naar de boom"),
        "ui.form.tally": ("{done}/{total} done", "{done}/{total} afgewerkt"),
    }
)
