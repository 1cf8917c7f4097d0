"""The dashboard: every plan at a glance, filtered and sorted; the place a session starts."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Input, Static

from core import access, commands
from core.events import Record
from core.i18n import register, t
from core.identity import command_name
from core.projections import PlanSummary, plan_digests, summaries, summarize
from tui.screens.base import LeerpadScreen
from tui.screens.erase_rules import refusal as erase_refusal
from tui.widgets.banner import Banner, TitleBar
from tui.widgets.footer import Footer
from tui.widgets.plan_table import COLUMN_KEYS, PlanTable, matches


class DashboardScreen(LeerpadScreen):
    CSS_PATH = "dashboard.tcss"
    AUTO_FOCUS = "#plans"
    """The table, not the first focusable widget (the filter): focusing the filter first,
    then the table, changed the keys shown twice before the first full frame."""

    BINDINGS: ClassVar = [
        Binding("n", "new_plan", "ui.key.new_plan", id="new_plan", tooltip="ui.key.new_plan.tip"),
        Binding("slash", "filter", "ui.key.filter", id="filter", tooltip="ui.key.filter.tip"),
        Binding("s", "sort", "ui.key.sort", id="sort", tooltip="ui.key.sort.tip"),
        Binding("S", "reverse", "ui.key.reverse", id="reverse", show=False),
        Binding("i", "edit_plan", "ui.key.edit_plan", id="edit_plan", show=False),
        Binding(
            "E",
            "erase_plan",
            "ui.key.erase_plan",
            id="dash_erase_plan",
            show=False,
            tooltip="ui.key.erase_plan.tip",
        ),
        Binding("h", "history", "ui.key.history", id="history", tooltip="ui.key.history.tip"),
        Binding("c", "catalog", "ui.key.catalog", id="catalog", tooltip="ui.key.catalog.tip"),
        Binding("w", "agenda", "ui.key.agenda", id="agenda", tooltip="ui.key.agenda.tip"),
        Binding("escape", "clear_filter", "ui.key.clear_filter", id="clear_filter", show=False),
        Binding("q", "app.quit", "ui.key.quit", id="quit"),
    ]
    GUARDED = frozenset({"new_plan", "edit_plan", "erase_plan"})

    def __init__(self) -> None:
        super().__init__()
        self.sort_key = "trainee"
        self.sort_reverse = False
        self._plans: dict[str, PlanSummary] = {}
        """The readable plans' summaries as last drawn, by plan id."""
        self._shown_seq = 0
        self._shown_today: date | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Banner()
        yield Input(id="filter", placeholder=t("ui.dash.filter_placeholder"), compact=True)
        yield PlanTable(id="plans")
        yield Static(id="empty")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.follow("seq", self._store_changed)
        self._refresh()
        self.query_one(PlanTable).focus()

    # --- rendering -----------------------------------------------------------------------

    def _refresh(self) -> None:
        """Recompute every plan's row (on mount, a new filter or sort, a new day)."""
        app = self.leerpad
        state = app.store.state
        self._shown_seq, self._shown_today = state.seq, app.today()
        visible = access.visible_plans(state, app.store.actor)
        self._plans = {
            s.id: s
            for s in summaries(state, self._shown_today)
            if visible is None or s.id in visible
        }
        all_plans = list(self._plans.values())
        query = self.query_one("#filter", Input).value.strip()
        shown = [s for s in all_plans if matches(s, query)] if query else all_plans
        table = self.query_one(PlanTable)
        table.show(shown, sort=self.sort_key, reverse=self.sort_reverse)
        self._show_counts(len(shown))

    def _store_changed(self) -> None:
        """Redraw only the plans named by the records folded since the last redraw.

        A new day changes every plan's week and overdue count, an access record can
        change which plans may be read, and damage found behind the read model takes the
        state back to before it: those redraw everything.
        """
        app = self.leerpad
        state = app.store.state
        changed = app.changed_plans(self._shown_seq)
        if (
            self._shown_today is None
            or state.seq < self._shown_seq
            or "" in changed
            or app.today() != self._shown_today
            or len(changed) > max(8, len(self._plans) // 4)
        ):
            self._refresh()
            return
        self._shown_seq = state.seq
        query = self.query_one("#filter", Input).value.strip()
        visible = access.visible_plans(state, app.store.actor)
        rows: dict[str, PlanSummary | None] = {}
        for plan_id in sorted(changed):
            plan = state.plans.get(plan_id)
            if plan is None or (visible is not None and plan_id not in visible):
                self._plans.pop(plan_id, None)
                rows[plan_id] = None
                continue
            summary = self._plans[plan_id] = summarize(plan, self._shown_today)
            rows[plan_id] = summary if not query or matches(summary, query) else None
        table = self.query_one(PlanTable)
        table.update_plans(rows)
        self._show_counts(table.row_count)

    def _show_counts(self, shown: int) -> None:
        """The table or the reason it is empty, the title's counts, the read-only banner."""
        app = self.leerpad
        query = self.query_one("#filter", Input).value.strip()
        total = len(self._plans)
        table = self.query_one(PlanTable)
        table.display = bool(shown)
        reason = app.read_only
        self.query_one(Banner).message = t("ui.read_only", reason=reason) if reason else ""
        self.query_one(TitleBar).title = Content.assemble(
            ("leerpad", "bold"),
            f" · {t('ui.dash.count', count=total)}",
            f" · {t('ui.dash.shown', count=shown)}" if query else "",
            (f" · {app.store.location}", "dim"),
        )
        empty = self.query_one("#empty", Static)
        if not total:
            hint = t("ui.dash.empty", store=app.store.location, leerpad=command_name())
            empty.update(Content(hint))
        elif not shown:
            empty.update(Content(t("ui.dash.no_match", query=query)))
        empty.display = not shown
        self.refresh_bindings()

    # --- keys ----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        has_plans = bool(self.leerpad.store.state.plans)
        if action in ("sort", "reverse", "filter") and not has_plans:
            return False
        if action in ("edit_plan", "erase_plan") and self.query_one(PlanTable).current_plan is None:
            return None
        return True

    def why_not(self, action: str) -> str | None:
        reason = super().why_not(action)
        plan_id = self.query_one(PlanTable).current_plan
        if action == "erase_plan" and reason is None and plan_id is not None:
            return erase_refusal(self.leerpad.store, plan_id)
        return reason

    def action_new_plan(self) -> None:
        if not self.allowed("new_plan"):
            return
        from tui.screens.plan_form import PlanForm

        app = self.leerpad
        self.app.push_screen(PlanForm(app.catalog, app.today()), self._create_plan)

    def _create_plan(self, result: object) -> None:
        from tui.screens.plan_form import PlanDetails

        if not isinstance(result, PlanDetails):
            return
        app = self.leerpad
        profile = app.catalog.get(result.occupation)

        def created(record: Record) -> None:
            plan_id = record.event.plan
            self.notify(t("ui.dash.created", plan=plan_id, trainee=result.trainee), markup=False)
            self.open_plan(plan_id)

        app.run_command(
            lambda s: commands.create_plan(
                s,
                profile,
                trainee=result.trainee,
                start=result.start,
                weeks=result.weeks,
                contract=result.contract,
                company=result.company,
                contact=result.contact,
            ),
            then=created,
        )

    def action_edit_plan(self) -> None:
        plan_id = self.query_one(PlanTable).current_plan
        if plan_id is not None:
            self.edit_details(plan_id)

    def action_erase_plan(self) -> None:
        plan_id = self.query_one(PlanTable).current_plan
        if plan_id is not None and self.allowed("erase_plan"):
            from tui.screens.erase_form import start_erase

            start_erase(self, plan_id)

    def action_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.cursor_blink = False
        field.add_class("-active")
        field.focus()

    def action_clear_filter(self) -> None:
        field = self.query_one("#filter", Input)
        if field.value or field.has_class("-active"):
            field.value = ""
            field.remove_class("-active")
            self.query_one(PlanTable).focus()
            self._refresh()

    def action_sort(self) -> None:
        # Only through the columns on screen: sorting by a hidden one would look random.
        shown = self.query_one(PlanTable).shown_columns
        index = shown.index(self.sort_key) if self.sort_key in shown else -1
        self._sort_by(shown[(index + 1) % len(shown)], reverse=False)

    def action_reverse(self) -> None:
        self._sort_by(self.sort_key, reverse=not self.sort_reverse)

    def _sort_by(self, column: str, *, reverse: bool) -> None:
        self.sort_key, self.sort_reverse = column, reverse
        self._refresh()
        self.notify(
            t(
                "ui.dash.sorted",
                column=t(f"ui.dash.col.{column}"),
                order=t("ui.dash.descending" if reverse else "ui.dash.ascending"),
            ),
            timeout=2,
            markup=False,
        )

    def action_history(self) -> None:
        from tui.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen())

    def action_agenda(self) -> None:
        from tui.screens.agenda import AgendaScreen

        self.app.push_screen(AgendaScreen())

    def action_catalog(self) -> None:
        from tui.screens.catalog_browser import CatalogScreen

        self.app.push_screen(CatalogScreen())

    def open_plan(self, plan_id: str) -> None:
        from tui.screens.plan import PlanScreen

        self.app.push_screen(PlanScreen(plan_id))

    def palette_commands(self) -> list[tuple[str, str, object]]:
        found: list[tuple[str, str, object]] = []
        # The digests: listing every plan decodes none of them.
        for plan in plan_digests(self.leerpad.store.state):
            found.append(
                (
                    t("ui.dash.cmd.open", plan=plan.id, trainee=plan.trainee),
                    plan.company or plan.title,
                    lambda plan_id=plan.id: self.open_plan(plan_id),
                )
            )
        for column in COLUMN_KEYS:
            name = t(f"ui.dash.col.{column}")
            found.append(
                (
                    t("ui.dash.cmd.sort", column=name),
                    "",
                    lambda column=column: self._sort_by(column, reverse=False),
                )
            )
        return found

    # --- messages ------------------------------------------------------------------------

    @on(PlanTable.Open)
    def _open(self, message: PlanTable.Open) -> None:
        self.open_plan(message.plan_id)

    @on(PlanTable.SortBy)
    def _header(self, message: PlanTable.SortBy) -> None:
        same = message.column == self.sort_key
        self._sort_by(message.column, reverse=same and not self.sort_reverse)

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self._refresh()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        table = self.query_one(PlanTable)
        if table.display:
            table.focus()


register(
    {
        "ui.key.new_plan": ("New", "Nieuw"),
        "ui.key.new_plan.tip": (
            "New plan for a trainee, from an occupation in the catalog",
            "Nieuw plan voor een cursist, vanuit een beroep in de catalogus",
        ),
        "ui.key.filter": ("Filter", "Filter"),
        "ui.key.filter.tip": (
            "Show only plans whose row contains every word typed",
            "Toon enkel plannen waarvan de rij elk getypt woord bevat",
        ),
        "ui.key.clear_filter": ("Clear filter", "Filter wissen"),
        "ui.key.sort": ("Sort", "Sorteer"),
        "ui.key.sort.tip": ("Sort by the next column", "Sorteer op de volgende kolom"),
        "ui.key.reverse": ("Reverse order", "Volgorde omkeren"),
        "ui.key.edit_plan": ("Edit details", "Gegevens wijzigen"),
        "ui.key.history": ("History", "Historiek"),
        "ui.key.history.tip": ("Who changed what, and when", "Wie wijzigde wat, en wanneer"),
        "ui.key.catalog": ("Catalog", "Catalogus"),
        "ui.key.agenda": ("Agenda", "Agenda"),
        "ui.key.agenda.tip": (
            "Overdue actions and actions due soon, over every plan",
            "Acties die te laat zijn of binnenkort klaar moeten, over alle plannen",
        ),
        "ui.key.catalog.tip": ("Browse the occupations", "Blader door de beroepen"),
        "ui.key.quit": ("Quit", "Stop"),
        "ui.dash.filter_placeholder": (
            "Filter: type words from a name, company, occupation or state",
            "Filter: typ woorden uit een naam, bedrijf, beroep of toestand",
        ),
        "ui.dash.count": ("{count} plans", "{count} plannen"),
        "ui.dash.shown": ("{count} shown", "{count} getoond"),
        "ui.dash.empty": (
            "There are no plans in this store yet ({store}).\n\n"
            "Press n to make the first plan: choose an occupation from the catalog and "
            "fill in the trainee.\n"
            "Or, to look around first, quit (q) and run:  {leerpad} demo\n\n"
            "Press ? for every key, ctrl+p to search all actions.",
            "Deze opslag bevat nog geen plannen ({store}).\n\n"
            "Druk op n voor het eerste plan: kies een beroep uit de catalogus en "
            "vul de cursist in.\n"
            "Of, om eerst rond te kijken: sluit af (q) en voer uit:  {leerpad} demo\n\n"
            "Druk op ? voor alle toetsen, ctrl+p om alle acties te zoeken.",
        ),
        "ui.dash.no_match": (
            "No plan matches “{query}”. Press escape to clear the filter.",
            "Geen plan past bij “{query}”. Druk op escape om de filter te wissen.",
        ),
        "ui.dash.created": (
            "Plan {plan} created for {trainee}.",
            "Plan {plan} aangemaakt voor {trainee}.",
        ),
        "ui.dash.sorted": ("Sorted by {column}, {order}.", "Gesorteerd op {column}, {order}."),
        "ui.dash.ascending": ("ascending", "oplopend"),
        "ui.dash.descending": ("descending", "aflopend"),
        "ui.dash.cmd.open": ("Open plan {plan}: {trainee}", "Open plan {plan}: {trainee}"),
        "ui.dash.cmd.sort": ("Sort by {column}", "Sorteer op {column}"),
    }
)
