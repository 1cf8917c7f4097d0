"""The schedule proposal (P on the plan screen): a planned date for every open action without
one, beside the plan's tree; `+`/`-` move a proposed date by a week before accepting."""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer

from core import planview
from core.i18n import fmt_date, register, t
from core.planning import Proposed
from core.projections import PlanState, plan_end
from tui.widgets.banner import TitleBar
from tui.widgets.plan_tree import PlanTree
from tui.widgets.text import one_line


class ScheduleScreen(Screen[dict[str, date] | None]):
    """Dismisses with the new dates to write (action id -> date), or None when cancelled."""

    DEFAULT_CSS = """
    ScheduleScreen > Horizontal { height: 1fr; }
    ScheduleScreen PlanTree { width: 40%; border-right: vkey $panel-lighten-2; }
    ScheduleScreen DataTable { width: 1fr; }
    """

    BINDINGS: ClassVar = [
        Binding("plus,equals_sign", "later", "ui.key.schedule_later", id="schedule_later"),
        Binding("minus", "earlier", "ui.key.schedule_earlier", id="schedule_earlier"),
        Binding("ctrl+s,a", "accept", "ui.key.schedule_accept", id="schedule_accept"),
        Binding("escape", "cancel", "ui.key.schedule_cancel", id="schedule_cancel"),
    ]

    def __init__(self, plan: PlanState, proposal: list[Proposed], today: date) -> None:
        super().__init__()
        self.plan = plan
        self.today = today
        self.proposal = proposal
        self.dates = {p.action: p.due for p in proposal if not p.kept}
        self._order = [p.action for p in proposal]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal():
            yield PlanTree()
            yield DataTable(cursor_type="row", zebra_stripes=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(PlanTree).show_plan(planview.build(self.plan, self.today))
        table: DataTable[str | Text] = self.query_one(DataTable)
        table.add_column(t("ui.schedule.col.action"), key="action", width=8)
        table.add_column(t("ui.schedule.col.due"), key="due", width=12)
        table.add_column(t("ui.schedule.col.text"), key="text")
        for item in self.proposal:
            table.add_row(
                item.action,
                self._due_text(item.action),
                Text(one_line(item.text), no_wrap=True, overflow="ellipsis"),
                key=item.action,
            )
        self.query_one(TitleBar).title = Content.assemble(
            ("leerpad", "bold"),
            " · ",
            t(
                "ui.schedule.title",
                plan=self.plan.id,
                count=len(self.dates),
                end=fmt_date(plan_end(self.plan)),
            ),
        )
        table.focus()

    def _due_text(self, action_id: str) -> Text:
        if action_id in self.dates:
            return Text(f"◔ {fmt_date(self.dates[action_id])}", style="bold")
        item = next(p for p in self.proposal if p.action == action_id)
        return Text(f"= {fmt_date(item.due)}", style="dim")

    @property
    def current(self) -> str | None:
        table = self.query_one(DataTable)
        if not self._order or table.cursor_row < 0:
            return None
        return self._order[table.cursor_row]

    @on(DataTable.RowHighlighted)
    def _follow(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self.query_one(PlanTree).select(event.row_key.value)

    def _move(self, weeks: int) -> None:
        action_id = self.current
        if action_id is None or action_id not in self.dates:
            self.notify(t("ui.schedule.kept_note"), markup=False, timeout=3)
            return
        moved = self.dates[action_id] + timedelta(weeks=weeks)
        moved = min(max(moved, self.plan.start), plan_end(self.plan))
        self.dates[action_id] = moved
        self.query_one(DataTable).update_cell(action_id, "due", self._due_text(action_id))

    def action_later(self) -> None:
        self._move(1)

    def action_earlier(self) -> None:
        self._move(-1)

    def action_accept(self) -> None:
        self.dismiss(dict(self.dates))

    def action_cancel(self) -> None:
        self.dismiss(None)


register(
    {
        "ui.key.schedule_later": ("+1 week", "+1 week"),
        "ui.key.schedule_earlier": ("-1 week", "-1 week"),
        "ui.key.schedule_accept": ("Accept", "Aanvaarden"),
        "ui.key.schedule_cancel": ("Cancel", "Annuleer"),
        "ui.schedule.title": (
            "Schedule {plan}: {count} new (◔), = kept; ends {end}",
            "Planning {plan}: {count} nieuw (◔), = blijft; einde {end}",
        ),
        "ui.schedule.col.action": ("Action", "Actie"),
        "ui.schedule.col.due": ("Planned", "Gepland"),
        "ui.schedule.col.text": ("Training action", "Opleidingsactie"),
        "ui.schedule.kept_note": (
            "Already planned: change it with p on the plan screen.",
            "Al gepland: wijzig het met p op het planscherm.",
        ),
    }
)
