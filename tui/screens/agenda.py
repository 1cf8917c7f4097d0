"""The agenda: overdue actions and actions due soon over every plan one may read, by date.

`enter` opens the action in its plan; `m` keeps only the plans one follows.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import DataTable, Static

from core import planning
from core.i18n import fmt_date, fmt_short_date, register, t
from tui.screens.base import LeerpadScreen
from tui.widgets.banner import TitleBar
from tui.widgets.footer import Footer
from tui.widgets.text import one_line


class AgendaScreen(LeerpadScreen):
    DEFAULT_CSS = """
    AgendaScreen DataTable { height: 1fr; }
    AgendaScreen #agenda-empty { height: 1fr; padding: 1 2; }
    """

    BINDINGS: ClassVar = [
        Binding("enter", "open", "ui.key.agenda_open", id="agenda_open"),
        Binding(
            "m", "mine", "ui.key.agenda_mine", id="agenda_mine", tooltip="ui.key.agenda_mine.tip"
        ),
        Binding("escape", "back", "ui.key.agenda_back", id="agenda_back"),
    ]

    def __init__(self, *, days: int = planning.DEFAULT_AGENDA_DAYS) -> None:
        super().__init__()
        self.days = days
        self.mine = False
        self._items: list[planning.AgendaItem] = []

    def compose(self) -> ComposeResult:
        yield TitleBar()
        table: DataTable[str | Text] = DataTable(
            id="agenda",
            cursor_type="row",
            zebra_stripes=False,
            cursor_foreground_priority="renderable",
        )
        yield table
        yield Static(id="agenda-empty")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.follow("seq", self._refresh)
        self._refresh()
        self.query_one(DataTable).focus()

    def _refresh(self) -> None:
        app = self.leerpad
        self._items = planning.agenda(
            app.store.state, app.store.actor, app.today(), days=self.days, mine=self.mine
        )
        table: DataTable[str | Text] = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear(columns=True)
        for key, width in (("date", 15), ("plan", 4), ("trainee", 12), ("action", 8)):
            table.add_column(t(f"ui.agenda.col.{key}"), width=width, key=key)
        table.add_column(t("ui.agenda.col.text"), key="text")
        day = None
        for index, item in enumerate(self._items):
            when = ""
            if item.due != day:
                day = item.due
                when = (
                    f"! {t('status.overdue')} {fmt_short_date(day)}"
                    if item.overdue
                    else f"◔ {fmt_date(day)}"
                )
            table.add_row(
                Text(when, style="bold" if item.overdue else ""),
                item.plan,
                Text(one_line(item.trainee)),
                item.action,
                Text(one_line(item.text), no_wrap=True, overflow="ellipsis"),
                key=str(index),
            )
        if self._items:
            table.move_cursor(row=min(keep, len(self._items) - 1))
        table.display = bool(self._items)
        empty = self.query_one("#agenda-empty", Static)
        empty.update(Content(t("ui.agenda.empty", days=self.days)))
        empty.display = not self._items
        overdue = sum(1 for i in self._items if i.overdue)
        self.query_one(TitleBar).title = Content.assemble(
            ("leerpad", "bold"),
            f" · {t('ui.agenda.title', days=self.days)}",
            f" · {t('ui.agenda.mine')}" if self.mine else "",
            f" · {t('ui.agenda.counts', count=len(self._items), overdue=overdue)}",
        )

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if not self._items or table.cursor_row < 0:
            return
        item = self._items[table.cursor_row]
        from tui.screens.plan import PlanScreen

        self.app.push_screen(PlanScreen(item.plan, select=item.action))

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_mine(self) -> None:
        self.mine = not self.mine
        self._refresh()

    def action_back(self) -> None:
        self.app.pop_screen()


register(
    {
        "ui.key.agenda_open": ("Open in plan", "Open in plan"),
        "ui.key.agenda_back": ("Back", "Terug"),
        "ui.key.agenda_mine": ("Mine / all", "Mijn / alle"),
        "ui.key.agenda_mine.tip": (
            "Only the plans you follow as mentor or consultant, or all you may see",
            "Enkel de plannen die je volgt als mentor of consulent, of alle die je mag zien",
        ),
        "ui.agenda.title": (
            "Agenda: overdue and next {days} days",
            "Agenda: te laat en komende {days} dagen",
        ),
        "ui.agenda.mine": ("my plans", "mijn plannen"),
        "ui.agenda.counts": (
            "{count} actions, {overdue} overdue",
            "{count} acties, {overdue} te laat",
        ),
        "ui.agenda.empty": (
            "Nothing overdue and nothing due in the next {days} days.",
            "Niets te laat en niets gepland in de komende {days} dagen.",
        ),
        "ui.agenda.col.date": ("Due", "Gepland"),
        "ui.agenda.col.plan": ("Plan", "Plan"),
        "ui.agenda.col.trainee": ("Trainee", "Cursist"),
        "ui.agenda.col.action": ("Action", "Actie"),
        "ui.agenda.col.text": ("Training action", "Opleidingsactie"),
    }
)
