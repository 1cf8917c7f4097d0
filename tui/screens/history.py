"""The audit history: every change of the store (or of one plan), filterable, with details.

The app's log index (a few bytes a record, read from the newest back in a thread) is
shared with the plan screen; rows are computed only when drawn, each from its own plan's
records, and after that only the records that arrive are indexed and appended, so the
newest changes of a store of a million show within a second and it stays small.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static
from textual.worker import get_current_worker

from core import access
from core.history_index import HistoryIndex
from core.i18n import language, register, t
from core.projections import plan_digests
from core.verify import Report
from tui.screens.history_detail import HistoryDetailScreen
from tui.screens.history_filter import FilterChoices, HistoryFilterScreen, kind_label
from tui.widgets.footer import Footer
from tui.widgets.history_filter import HistoryFilter
from tui.widgets.history_table import HistoryTable
from tui.widgets.text import literal_text

REVERIFY_SECONDS = 2.0
AUTO_VERIFY = 100_000
"""Up to this many records the log is verified (in the background) when the history
opens and after changes; beyond, verifying (which reads and folds all of it) waits for v."""


def fmt_count(n: int) -> str:
    """Thousands grouped the way the language writes them (1,234 / 1.234)."""
    grouped = f"{n:,}"
    return grouped.replace(",", ".") if language() == "nl" else grouped


class HistoryScreen(Screen[None]):
    """The history of the whole store, or of plan `plan_id`."""

    CSS_PATH = "history.tcss"

    BINDINGS: ClassVar = [
        Binding(
            "slash",
            "filter",
            "ui.hist.key.filter",
            id="history.filter",
            tooltip="ui.hist.key.filter.tip",
        ),
        Binding("x", "clear_filter", "ui.hist.key.clear", id="history.clear_filter"),
        Binding(
            "t", "as_of", "ui.hist.key.as_of", id="history.as_of", tooltip="ui.hist.key.as_of.tip"
        ),
        Binding(
            "v",
            "verify",
            "ui.hist.key.verify",
            id="history.verify",
            tooltip="ui.hist.key.verify.tip",
        ),
        Binding("escape", "back", "ui.hist.key.back", id="history.back"),
    ]

    def __init__(self, plan_id: str | None = None) -> None:
        super().__init__()
        self.plan_id = plan_id.upper() if plan_id else None
        self.reading = True
        self.verify_result: Report | str | None = None
        self.auto_verify = True
        self.verifying = False
        self.asked_verify = False
        """v was pressed: say what the check found when it ends, not only in the status line."""
        self.searching = False
        """A text filter is being applied in the background."""
        self._reverify: Timer | None = None
        self.closing = False
        """Set on the way out: results of background reads that arrive later are dropped."""

    def compose(self) -> ComposeResult:
        yield Static(id="hist-title")
        yield Static(id="hist-verify")
        yield Static(id="hist-filter")
        yield HistoryTable(show_plan=self.plan_id is None, id="hist-table")
        yield Footer()

    @property
    def table(self) -> HistoryTable:
        return self.query_one(HistoryTable)

    def on_mount(self) -> None:
        # The app's index, shared with the plan screen: the log is read once per app.
        self.index: HistoryIndex = self.app.history_index
        self._forgotten = self.index.forgotten
        table = self.table
        table.attach(self.index)
        table.base_plan = self.plan_id or ""
        table.readable = self._visible()
        table.empty_text = t("ui.hist.loading")
        table.focus()
        self._show_status()
        self.watch(self.app, "history_seq", self._history_read, init=False)
        self.watch(self.app, "seq", self._on_seq, init=False)
        if self.app.history(background=True) is not None:
            # Already read (by an earlier visit or the plan screen): show it once laid out.
            self.call_after_refresh(self._loaded)

    # --- reading the log ---------------------------------------------------------------

    def _history_read(self, count: int) -> None:
        """The app's index grew: while first read, show progress; then append rows."""
        if self.closing:
            return
        if self.app.history_loading:
            self._add(count)
        elif self.reading:
            self._loaded()
        else:
            self.table.extend_to(count)
            self._show_status()
            self.refresh_bindings()

    def _add(self, count: int) -> None:
        self.table.extend_to(count)
        self._show_status()

    def _loaded(self) -> None:
        if self.closing or not self.reading:
            return
        self.reading = False
        count = self.index.count
        self.table.extend_to(count)
        self.table.empty_text = t("ui.hist.none")
        self.auto_verify = count <= AUTO_VERIFY
        self._catch_up()
        if self.auto_verify:
            self._start_verify()

    def _visible(self) -> frozenset[str] | None:
        """The plans this user may read (a trainee: their own), None for every plan."""
        store = self.app.store
        plans = access.visible_plans(store.state, store.actor)
        return None if plans is None else frozenset(plans)

    def _on_seq(self, _seq: int) -> None:
        if self.index.forgotten != self._forgotten:
            # A plan was erased: rows drawn from its earlier entries still show its texts.
            self._forgotten = self.index.forgotten
            self.table.redraw()
        visible = self._visible()
        if visible != self.table.readable:
            # A role changed: show what it lets this user read now.
            self.table.readable = visible
            self.table.set_filter(self.table.filter)
        if not self.reading:
            self._catch_up()
            if not self.auto_verify:
                self.verify_result = None  # no longer covers the whole log: v checks again
                self._show_status()
                return
            # Check the log again once the changes settle (a full check reads every byte).
            if self._reverify is not None:
                self._reverify.stop()
            self._reverify = self.set_timer(REVERIFY_SECONDS, self._start_verify)

    def _catch_up(self) -> None:
        """Append the entries of records that arrived since the last read (no rebuild)."""
        self.app.history()
        self.table.extend_to(self.index.count)
        self._show_status()
        self.refresh_bindings()

    # --- status lines ---------------------------------------------------------------------

    def _show_status(self) -> None:
        table = self.table
        store = self.app.store
        if self.plan_id:
            plan = store.state.plan(self.plan_id)
            title = t("ui.hist.title_plan", plan=self.plan_id)
            if plan is not None:
                title += f" — {plan.trainee}"
        elif table.readable is not None:
            title = t("ui.hist.title_own")
        else:
            title = t("ui.hist.title")
        total = len(table.entries)
        if table.readable is not None:
            total = len(self.index.select(total, within=table.readable))
        shown = t("ui.hist.count", shown=fmt_count(len(table.rows)), total=fmt_count(total))
        line = literal_text(title, "bold")
        line.append(f"   {shown}")
        self.query_one("#hist-title", Static).update(line)
        verify = self.query_one("#hist-verify", Static)
        verify.update(self._verify_text())
        result = self.verify_result
        verify.set_class(isinstance(result, str) or bool(result and result.problem), "-damaged")
        self.query_one("#hist-filter", Static).update(self._filter_text(table.filter))

    def _verify_text(self) -> Text:
        if self.reading:
            read = self.index.count - self.index.unread
            return Text(t("ui.hist.reading", count=fmt_count(read)))
        result = self.verify_result
        if result is None:
            if not self.auto_verify and not self.verifying:
                return Text(t("ui.hist.verify_hint"))
            return Text(t("ui.hist.verifying"))
        if isinstance(result, str):
            return literal_text("? " + t("ui.hist.verify_failed", error=result))
        readable = self.table.readable
        if readable is not None:
            # A trainee learns that the log holds, not how much others wrote (core.access).
            if result.problem is not None:
                return Text("✘ " + t("ui.hist.damaged_own"))
            own = self.index.select(min(result.records, self.index.count), within=readable)
            return Text("✔ " + t("ui.hist.intact_own", count=fmt_count(len(own))))
        if result.problem is None:
            text = "✔ " + t(
                "ui.hist.intact", count=fmt_count(result.records), hash=result.last_hash[:12]
            )
            if result.torn is not None:
                text += " " + t("ui.hist.torn", offset=result.torn.offset)
            return Text(text)
        problem = result.problem
        return literal_text(
            "✘ "
            + t("ui.hist.damaged", seq=problem.seq, offset=problem.offset, what=problem.message)
        )

    def _filter_text(self, current: HistoryFilter) -> Text:
        if not current.active:
            return Text(t("ui.hist.no_filter"), style="italic")
        text = Text(t("ui.hist.searching" if self.searching else "ui.hist.filter") + " ")
        chips: list[tuple[str, str]] = []
        if current.plan:
            chips.append((t("ui.hist.chip.plan"), current.plan))
        if current.actor:
            chips.append((t("ui.hist.chip.person"), current.actor))
        if current.kind:
            chips.append((t("ui.hist.chip.kind"), kind_label(current.kind)))
        if current.text.strip():
            chips.append((t("ui.hist.chip.text"), f"“{current.text.strip()}”"))
        for i, (label, value) in enumerate(chips):
            if i:
                text.append(" · ")
            text.append(f"{label}: ", style="bold")
            text.append_text(literal_text(value))
        text.append("   " + t("ui.hist.clear_hint"))
        return text

    # --- actions ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Grey out what does not apply now; clearing is only offered while a filter is on."""
        if action == "clear_filter":
            return self.table.filter.active
        if action == "as_of":
            current = self.table.current
            return True if current is not None and current.plan else None
        if action == "verify":
            return None if self.reading else True
        return True

    def action_filter(self) -> None:
        table = self.table
        state, visible = self.app.store.state, table.readable
        self.index.cover(1)  # the people and kinds that occur: every head
        if visible is None:
            actors = set(self.index.actors.names)
        else:
            seqs = self.index.select(self.index.count, within=visible)
            actors = {self.index.actor_of(seq) for seq in seqs}
        choices = FilterChoices(
            plans=[
                (p.id, p.trainee)
                for p in sorted(plan_digests(state), key=_plan_order)
                if visible is None or p.id in visible
            ],
            actors=sorted(actors),
            kinds=sorted(k for k in self.index.kinds.names if not k.startswith("?")),
            fixed_plan=self.plan_id,
        )

        def apply(result: HistoryFilter | None) -> None:
            if result is not None:
                self.searching = not table.set_filter(result)
                if self.searching:
                    self._search(table.scan, len(table.entries))
                self._show_status()
                self.refresh_bindings()

        self.app.push_screen(HistoryFilterScreen(table.filter, choices), apply)

    @work(thread=True, exclusive=True, group="history-search")
    def _search(self, scan: int, upto: int) -> None:
        """Apply a text filter to a long history, streaming the matches into the table."""
        worker = get_current_worker()
        table = self.table

        def stale() -> bool:
            return worker.is_cancelled or table.scan != scan

        for found in table.matches(upto, stale):
            if stale():
                return
            self.app.call_from_thread(self._found, scan, found, False)
        if not stale():
            self.app.call_from_thread(self._found, scan, [], True)

    def _found(self, scan: int, found: list[int], done: bool) -> None:
        if self.closing or scan != self.table.scan:
            return
        self.table.add_matches(scan, found)
        self.searching = not done
        self._show_status()

    def action_clear_filter(self) -> None:
        self.searching = False
        self.table.set_filter(HistoryFilter())
        self._show_status()
        self.refresh_bindings()

    def action_as_of(self, seq: int | None = None) -> None:
        entry = self.table.entry(seq) if seq is not None else self.table.current
        store = self.app.store
        if entry is None or not entry.plan:
            return
        if not access.can_read(store.state, store.actor, entry.plan):
            return
        from tui.screens.plan import PlanScreen

        self.app.push_screen(PlanScreen(entry.plan, as_of=entry.seq))

    def action_verify(self) -> None:
        self.asked_verify = True
        self._start_verify()

    def _start_verify(self) -> None:
        self.verify_result = None
        self.verifying = True
        self._run_verify()
        self._show_status()

    @work(thread=True, exclusive=True, group="history-verify")
    def _run_verify(self) -> None:
        try:
            result: Report | str = self.app.store.verify()
        except Exception as exc:  # a failing check must not take the history down with it
            result = f"{type(exc).__name__}: {exc}"
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._verified, result)

    def _verified(self, result: Report | str) -> None:
        if self.closing:
            return
        self.verify_result = result
        self.verifying = False
        self._show_status()
        if self.asked_verify:
            self.asked_verify = False
            intact = isinstance(result, Report) and result.problem is None
            self.notify(
                self._verify_text().plain,
                title=t("ui.hist.verified"),
                severity="information" if intact else "error",
                timeout=8,
                markup=False,
            )

    def action_back(self) -> None:
        self.closing = True
        self.workers.cancel_node(self)
        self.dismiss()

    def on_unmount(self) -> None:
        self.closing = True

    @on(HistoryTable.Selected)
    def _open_detail(self, event: HistoryTable.Selected) -> None:
        entry = self.table.entry(event.seq)
        if entry is None:
            return
        plan = self.app.store.state.plan(entry.plan) if entry.plan else None

        def done(seq: int | None) -> None:
            if seq is not None:
                self.action_as_of(seq)

        self.app.push_screen(HistoryDetailScreen(entry, plan_known=plan is not None), done)

    @on(HistoryTable.Highlighted)
    def _moved(self, _event: HistoryTable.Highlighted) -> None:
        self.refresh_bindings()


def _plan_order(plan: object) -> tuple[int, str]:
    plan_id: str = plan.id  # type: ignore[attr-defined]
    return (int(plan_id[1:]) if plan_id[1:].isdigit() else 0, plan_id)


register(
    {
        "ui.hist.key.filter": ("Filter", "Filteren"),
        "ui.hist.key.filter.tip": (
            "Only the changes of one plan, person or kind, or with some words",
            "Enkel de wijzigingen van één plan, persoon of soort, of met bepaalde woorden",
        ),
        "ui.hist.key.clear": ("Clear filter", "Filter wissen"),
        "ui.hist.key.as_of.tip": (
            "The plan, read-only, as it was right after the selected change",
            "Het plan, alleen-lezen, zoals het was net na de gekozen wijziging",
        ),
        "ui.hist.key.verify.tip": (
            "Check every record of the log and its hash chain again",
            "Elk record van het logboek en de hashketen opnieuw controleren",
        ),
        "ui.hist.key.as_of": ("Plan as it was", "Plan toen"),
        "ui.hist.key.verify": ("Verify", "Controleer"),
        "ui.hist.key.back": ("Back", "Terug"),
        "ui.hist.title": ("History of all plans", "Geschiedenis van alle plannen"),
        "ui.hist.title_own": ("History of your plan", "Geschiedenis van je plan"),
        "ui.hist.title_plan": ("History of plan {plan}", "Geschiedenis van plan {plan}"),
        "ui.hist.count": ("{shown} of {total} changes", "{shown} van {total} wijzigingen"),
        "ui.hist.loading": ("Reading the log…", "Het logboek wordt gelezen…"),
        "ui.hist.none": (
            "No changes to show (press / to change the filter).",
            "Geen wijzigingen om te tonen (druk / om de filter te wijzigen).",
        ),
        "ui.hist.reading": (
            "Reading the log… {count} records so far",
            "Het logboek wordt gelezen… {count} records tot nu toe",
        ),
        "ui.hist.verifying": ("Verifying the log…", "Het logboek wordt gecontroleerd…"),
        "ui.hist.verified": ("Log verified", "Logboek gecontroleerd"),
        "ui.hist.verify_hint": (
            "Press v to verify the log (reads every record again).",
            "Druk v om het logboek te controleren (leest elk record opnieuw).",
        ),
        "ui.hist.searching": ("Searching… filter:", "Zoeken… filter:"),
        "ui.hist.intact": (
            "log intact: {count} records, last hash {hash}…",
            "logboek intact: {count} records, laatste hash {hash}…",
        ),
        "ui.hist.intact_own": (
            "log intact, the {count} changes to your plan included",
            "logboek intact, de {count} wijzigingen aan je plan inbegrepen",
        ),
        "ui.hist.damaged_own": (
            "log damaged: a mentor or consultant sees where with 'leerpad verify'",
            "logboek beschadigd: een begeleider of consulent ziet waar met 'leerpad verify'",
        ),
        "ui.hist.damaged": (
            "log damaged at record {seq} (byte {offset}): {what}",
            "logboek beschadigd bij record {seq} (byte {offset}): {what}",
        ),
        "ui.hist.verify_failed": (
            "the log could not be verified ({error})",
            "het logboek kon niet gecontroleerd worden ({error})",
        ),
        "ui.hist.torn": (
            "(an incomplete record follows at byte {offset})",
            "(er volgt een onvolledig record op byte {offset})",
        ),
        "ui.hist.no_filter": (
            "All changes (press / to filter)",
            "Alle wijzigingen (druk / om te filteren)",
        ),
        "ui.hist.filter": ("Filter:", "Filter:"),
        "ui.hist.chip.plan": ("plan", "plan"),
        "ui.hist.chip.person": ("person", "persoon"),
        "ui.hist.chip.kind": ("kind", "soort"),
        "ui.hist.chip.text": ("text", "tekst"),
        "ui.hist.clear_hint": ("(x clears)", "(x wist)"),
    }
)
