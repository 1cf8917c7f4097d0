"""The Textual application: a thin composition root around one open store.

Screens read `app.store.state` and `app.today()`, send intents through `app.run_command`
(written in a thread: another writer's lock, the fsync), and follow `app.seq` (the last record
folded) to re-render when anything changes, whether the change was theirs or another user's.
The state is only ever changed on the UI thread: screens iterate it while rendering.
"""

from __future__ import annotations

import contextlib
import time
from collections import deque
from collections.abc import Callable, Iterable
from datetime import date
from importlib import import_module
from typing import Any, ClassVar

from textual import work
from textual.app import SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen
from textual.worker import get_current_worker

from catalog import Catalog
from core import access, i18n
from core.commands import Rejected
from core.events import PlanErased, Record
from core.history import HistoryEntry, entry_for
from core.history_index import HistoryIndex
from core.store import Decide, ReadOnly, Store, StoreError
from tui.commands import ScreenCommands, localize_bindings
from tui.key_order import KeyOrder
from tui.notices import ChangeNotices

POLL_SECONDS = 0.25
"""How often the log's size is checked for appends by other processes."""

SYNC_HISTORY = 5000
"""Up to this many records the history is read at once; beyond, in a thread."""

HISTORY_BATCH = 5_000
"""Heads read back at a time (and the lock held meanwhile) while the history is first read."""
HISTORY_SHOW_SECONDS = 0.3
"""While the log is first read, `history_seq` reports progress at most this often."""


PLAN_SCREEN_MODULE = "tui.screens.plan"
"""Imported `PREPARE_SECONDS` after the first frame was shown (see `_after_first_frame`)."""

PREPARE_SECONDS = 0.2


class LeerpadApp(KeyOrder):
    # The first screen's and the plan screen's styles are read with the app's: a screen
    # bringing a file not read yet makes Textual parse every source again and restyle
    # every widget of every screen, before that screen's first frame.
    CSS_PATH: ClassVar = ["app.tcss", "screens/dashboard.tcss", "screens/plan.tcss"]
    TITLE = "leerpad"
    COMMANDS: ClassVar = {ScreenCommands}
    """One provider: the screen's own commands first, then the app-wide ones."""

    BINDINGS: ClassVar = [
        Binding("question_mark", "help", "ui.key.help", id="help", tooltip="ui.key.help.tip"),
        Binding("f1", "help", "ui.key.help", id="help_f1", show=False, priority=True),
        Binding(
            "ctrl+p",
            "command_palette",
            "ui.key.palette",
            id="palette",
            show=False,
            priority=True,
            tooltip="ui.key.palette.tip",
        ),
        Binding("ctrl+q", "quit", "ui.key.quit_app", id="quit_app", show=False, priority=True),
    ]

    seq: reactive[int] = reactive(0, init=False)
    """The seq of the last record folded into the store's state; screens watch it."""

    history_seq: reactive[int] = reactive(0, init=False, always_update=True)
    """How far `history_index` has been read; watched by what shows history. Set only when
    that changes, and once more when the first read ends (`history_loading` turns False)."""

    def __init__(
        self,
        store: Store,
        catalog: Catalog | Callable[[], Catalog],
        *,
        today: Callable[[], date] = date.today,
        watch_log: bool = True,
        lang: str | None = None,
    ) -> None:
        if lang is not None:
            i18n.set_language(lang)
        super().__init__()
        self.store = store
        self._catalog = catalog
        self.today = today
        self.watch_log = watch_log
        # Over SSH every frame costs; nothing in this app needs to move.
        self.animation_level = "none"
        self.set_reactive(LeerpadApp.seq, store.state.seq)
        self._history_index: HistoryIndex | None = None
        self._history_started = False
        self.history_loading = False
        """The log is being indexed for the first time, in a thread."""
        self.change_notices = ChangeNotices(self)
        self._pending: deque[tuple[list[Decide], Callable[[list[Record]], object] | None]] = deque()
        """Commands asked for while another was being written, in order."""
        self._command_worker: object | None = None
        self._first_frame_shown = False
        self._touched: dict[str, int] = {}
        """Per plan, the seq of the last record folded here that named it (see changed_plans)."""
        localize_bindings(self)

    @property
    def catalog(self) -> Catalog:
        """The occupation profiles; given as a loader, read on first use (after the first
        frame at the latest: the dashboard shows none of it)."""
        if not isinstance(self._catalog, Catalog):
            self._catalog = self._catalog()
        return self._catalog

    @catalog.setter
    def catalog(self, catalog: Catalog) -> None:
        self._catalog = catalog

    @property
    def lang(self) -> str:
        return i18n.language()

    @property
    def read_only(self) -> str | None:
        """Why the store cannot be changed, or None when it can."""
        return self.store.read_only

    def on_mount(self) -> None:
        from tui.screens.dashboard import DashboardScreen

        self.push_screen(DashboardScreen())
        for notice in self.store.notices:
            self.notify(notice, severity="warning", timeout=10, markup=False)
        if self.watch_log:
            self.follow_log()

    def _display(self, screen: Screen[Any], renderable: Any) -> None:
        super()._display(screen, renderable)
        if renderable is not None and not self._first_frame_shown:
            # As soon as the first frame is on its way to the terminal; a message, so a
            # caller waiting for the app's queue to empty (as tests do) waits for it too.
            self._first_frame_shown = True
            self.call_next(self._after_first_frame)

    def _after_first_frame(self) -> None:
        """What the dashboard's first frame need not wait for: reading the catalog (to tell
        its problems), and the check of the log behind the read model (hashing every byte
        it stands in for, in a thread that would compete with the frame for the CPU)."""
        for error in self.catalog.errors:
            self.notify(
                str(error),
                title=i18n.t("ui.catalog_problem"),
                severity="warning",
                timeout=10,
                markup=False,
            )
        self.check_covered()
        # The screen a user opens next, nearly always: its code is read while they look at
        # the dashboard, not when its first frame is due; a moment later, so the dashboard's
        # own second layout (Textual's resize after the first frame) is not delayed by it.
        self.set_timer(PREPARE_SECONDS, lambda: import_module(PLAN_SCREEN_MODULE))

    @work(thread=True, exclusive=True, group="check-covered")
    def check_covered(self) -> None:
        """Check the records the read model stood in for (reading only the log); damage
        makes the store read-only, on the UI thread, as an open without it would."""
        if self.store.covered_damaged():
            with contextlib.suppress(RuntimeError):  # the app is shutting down
                self.call_from_thread(self._covered_damaged)

    def _covered_damaged(self) -> None:
        if not self.command_running:  # else the command checks it first, under the lock
            self.store.check_covered()
        self._touched[""] = self.store.state.seq  # anything may have changed: redraw all
        self.seq = self.store.state.seq
        if self.read_only:  # a command running checks it itself, and says so when refused
            self.notify(self.read_only, severity="error", timeout=30, markup=False)

    # --- screens -------------------------------------------------------------------------

    def push_screen(self, screen: Any, *args: Any, **kwargs: Any) -> Any:
        """Every screen's key descriptions are rendered in the current language."""
        if isinstance(screen, Screen):
            localize_bindings(screen)
        if isinstance(screen, ModalScreen):
            self.change_notices.form_opened()
        return super().push_screen(screen, *args, **kwargs)

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
        else:
            self.push_screen(HelpScreen(self.screen))

    def action_help_quit(self) -> None:
        """ctrl+c is copy in Textual; say how to quit instead of doing nothing."""
        self.notify(i18n.t("ui.how_to_quit"), markup=False)

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(
                CommandPalette(id="--command-palette", placeholder=i18n.t("ui.palette.placeholder"))
            )

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        t = i18n.t
        yield SystemCommand(t("ui.cmd.help"), t("ui.cmd.help.tip"), self.action_help)
        yield SystemCommand(t("ui.cmd.theme"), t("ui.cmd.theme.tip"), self.action_change_theme)
        yield SystemCommand(t("ui.cmd.quit"), t("ui.cmd.quit.tip"), self.action_quit)
        yield SystemCommand(
            t("ui.cmd.screenshot"),
            t("ui.cmd.screenshot.tip"),
            lambda: self.set_timer(0.1, self.deliver_screenshot),
        )

    # --- writing -------------------------------------------------------------------------

    def run_command(
        self, decide: Decide, *, then: Callable[[Record], object] | None = None
    ) -> bool:
        """Execute a command once no other writer holds the log; `then(record)` runs on
        the UI thread once it is written. A refusal is told to the user. False when it
        could not even be started."""
        return self.run_commands(
            [decide], then=(lambda records: then(records[0])) if then is not None else None
        )

    def run_commands(
        self, decides: list[Decide], *, then: Callable[[list[Record]], object] | None = None
    ) -> bool:
        """Execute commands one after another, stopping at the first refusal (told to
        the user); `then(records written)` runs on the UI thread when any were.

        Commands run in the order given, after those still pending: waiting for
        another writer's lock happens in a thread and never holds up the screen.
        """
        if self.read_only:
            self.notify(
                i18n.t("ui.read_only_key", reason=self.read_only),
                severity="warning",
                markup=False,
            )
            return False
        self._pending.append((list(decides), then))
        if not self.command_running:
            self._next_command()
        return True

    @property
    def command_running(self) -> bool:
        """A command is being written (forms wait for it rather than save twice)."""
        return self._command_worker is not None

    async def wait_for_commands(self) -> None:
        """Until every command asked for is written or refused, and its outcome shown."""
        while self._command_worker is not None:
            await self.workers.wait_for_complete([self._command_worker])  # type: ignore[list-item]

    def _next_command(self) -> None:
        self._command_worker = None
        if self._pending:
            decides, then = self._pending.popleft()
            self._command_worker = self._execute(decides, then)

    @work(thread=True, group="commands", exit_on_error=True)
    def _execute(
        self, decides: list[Decide], then: Callable[[list[Record]], object] | None
    ) -> None:
        # The store's state is what every screen iterates while rendering, so it is changed
        # on the UI thread alone: the store runs its catch-up, the decision and the fold of
        # the record there (`on_state`). Waiting for another writer's lock, the write and
        # its fsync (or the database's round trip) happen here.
        written: list[Record] = []
        caught: list[Record] = []
        problem: tuple[str, str] | None = None
        try:
            before = self.call_from_thread(lambda: self.store.state.seq)
            for decide in decides:
                try:
                    # A database's lock is tried now and then meanwhile, not waited for
                    # on the connection the UI thread may read from.
                    with self.store.waiting_to_write():
                        problem = self._execute_one(decide, written, caught)
                except StoreError as exc:
                    problem = (str(exc), "ui.store_problem")
                if problem is not None:
                    break
            self.call_from_thread(self._executed, before, written, caught, problem, then)
        except RuntimeError:
            return  # the app is shutting down

    def _execute_one(
        self, decide: Decide, written: list[Record], caught: list[Record]
    ) -> tuple[str, str] | None:
        """In the command thread: append one command's record; the refusal, if any."""
        try:
            written.append(
                self.store.execute(decide, caught_up=caught, on_state=self.call_from_thread)
            )
        except Rejected as exc:
            return (exc.message(), "ui.rejected")
        except (ReadOnly, StoreError) as exc:
            return (str(exc), "ui.store_problem")
        return None

    def _executed(
        self,
        before: int,
        written: list[Record],
        caught: list[Record],
        problem: tuple[str, str] | None,
        then: Callable[[list[Record]], object] | None,
    ) -> None:
        """Back on the UI thread: tell what others did, re-render, then what was asked."""
        try:
            if caught:
                self._notify_records(caught)
            self._note_changes([*caught, *written], before)
            self.seq = self.store.state.seq
            if problem is not None:
                message, title = problem
                self.notify(
                    message, title=i18n.t(title), severity="error", timeout=10, markup=False
                )
            if written and then is not None:
                then(written)
        finally:
            self._next_command()

    def changed_plans(self, since: int) -> set[str]:
        """The plans named by the records folded after seq `since` ("" for a record of
        no plan, such as an access grant, or one this version cannot read)."""
        return {plan for plan, seq in self._touched.items() if seq > since}

    def _note_changes(self, records: list[Record], before: int) -> None:
        """Remember which plans the records folded after seq `before` named."""
        for record in records:
            self._touched[record.event.plan] = record.seq
            if type(record.event) is PlanErased and self._history_index is not None:
                self._history_index.forget_plan(record.event.plan)
        if len(records) != self.store.state.seq - before:
            # Some records were not handed over (unknown types): say "anything may have changed".
            self._touched[""] = self.store.state.seq

    # --- following other writers ---------------------------------------------------------

    @work(thread=True, exclusive=True, group="follow-log")
    def follow_log(self) -> None:
        """Wait for other processes to append (a notification or a poll, as the store's
        backend does it); when they have, fold it on the UI thread."""
        worker = get_current_worker()
        while not worker.is_cancelled:
            if self.store.wait(POLL_SECONDS) and not worker.is_cancelled:
                # Only the waiting happens here: folding changes the state screens iterate
                # while rendering. Reading just the new records is quick, and never waits
                # for another writer (a doubtful tail is left for the next look).
                try:
                    self.call_from_thread(self._others_may_have_appended)
                except RuntimeError:
                    return  # the app is shutting down
                time.sleep(POLL_SECONDS)

    def _others_may_have_appended(self) -> None:
        # A command being written catches up itself, and tells what it found.
        if not self.command_running:
            self.catch_up()

    def catch_up(self) -> None:
        """Fold what other processes appended, tell the user what changed, re-render."""
        before = self.store.state.seq
        self._others_appended(before, self.store.refresh())

    def _others_appended(self, before: int, records: list[Record]) -> None:
        if records:
            self._notify_records(records)
        self._note_changes(records, before)
        if self.store.state.seq != self.seq:
            self.seq = self.store.state.seq

    def _notify_records(self, records: list[Record]) -> None:
        # Records read back were written by another process: another user, or the same
        # user in another terminal or a cron job; either way worth a word, about what
        # this user may read (a trainee hears only of their own plan).
        state, actor = self.store.state, self.store.actor
        others = [r for r in records if access.can_read(state, actor, getattr(r.event, "plan", ""))]
        changes = []
        for record in others:
            # The description needs only the record, so the state after it will do.
            entry = entry_for(self.store.state, record)
            changes.append((record.actor, entry.plan, entry.describe()))
        self.change_notices.tell(changes)

    def pop_screen(self) -> Any:
        """A form closing: what others changed meanwhile is told now (see ChangeNotices)."""
        done = super().pop_screen()
        self.call_later(self.change_notices.screen_changed)
        return done

    # --- reading -------------------------------------------------------------------------

    @property
    def history_index(self) -> HistoryIndex:
        """The one index of the store's log every screen shares (built empty; see `history`)."""
        if self._history_index is None:
            self._history_index = HistoryIndex(self.store)
        return self._history_index

    @property
    def history_is_far(self) -> bool:
        """Whether asking for the history now would start reading the log in a thread."""
        return not self._history_started and self.store.state.seq > SYNC_HISTORY

    def history(self, *, background: bool = False) -> HistoryIndex | None:
        """The history index read up to the store's end, or None while it is first read.

        The first read runs in a thread when the log is long (or `background` asks for
        it); after that only what arrives is indexed, so a large store stays responsive.
        """
        index = self.history_index
        if self.history_loading:
            return None
        if not self._history_started:
            self._history_started = True
            if background or self.store.state.seq > SYNC_HISTORY:
                self.history_loading = True
                self._load_history(self.store.state.seq)
                return None
        self._read_history()
        return index

    def plan_history(self, plan: str, upto: int) -> list[HistoryEntry] | None:
        """`plan`'s history up to seq `upto`, or None while the log is first read.

        Before that read is done (or begun), from where the read model places the plan's
        records: a plan's screen waits for no more than its own records. Without places
        (no read model, a database, a lie found) this starts or waits for that read.
        """
        if (self.history_loading or self.history_is_far) and self.store.places(plan) is not None:
            index = self.history_index
            index.reach(self.store.state.seq)
            found = index.placed_entries(plan, upto)
            if found is not None:
                return found
        index = self.history()
        return None if index is None else list(index.plan_entries(plan, upto))

    def _read_history(self, *, announce: bool = False) -> None:
        """Index what was appended since the last read."""
        index = self.history_index
        before = index.count
        for _ in index.read(self.store.state.seq, batch=HISTORY_BATCH):
            pass
        if announce or index.count != before:
            self.history_seq = index.count

    @work(thread=True, exclusive=True, group="history")
    def _load_history(self, upto: int) -> None:
        worker = get_current_worker()
        index = self.history_index
        shown = 0.0  # the first count at once: it shows the newest records
        try:
            for count in index.read(upto, batch=HISTORY_BATCH):
                if worker.is_cancelled:
                    return
                if time.monotonic() - shown >= HISTORY_SHOW_SECONDS:
                    self.call_from_thread(self._history_progress, count)
                    shown = time.monotonic()
            if not worker.is_cancelled:
                self.call_from_thread(self._history_loaded)
        except RuntimeError:
            return  # the app is shutting down

    def _history_progress(self, count: int) -> None:
        if self.history_loading:
            self.history_seq = count

    def _history_loaded(self) -> None:
        self.history_loading = False
        # Catch up with what arrived during the read; always announce the end of it.
        self._read_history(announce=True)


i18n.register(
    {
        "ui.key.help": ("Help", "Help"),
        "ui.key.help.tip": ("The whole keyboard map", "Alle toetsen op een rij"),
        "ui.key.palette": ("actions", "acties"),
        "ui.key.palette.tip": (
            "Search every action of this screen",
            "Zoek elke actie van dit scherm",
        ),
        "ui.key.quit_app": ("Quit leerpad", "leerpad afsluiten"),
        "ui.rejected": ("Not done", "Niet uitgevoerd"),
        "ui.how_to_quit": (
            "Press ctrl+q to quit (or q on the dashboard).",
            "Druk op ctrl+q om af te sluiten (of q in het overzicht).",
        ),
        "ui.store_problem": ("Store problem", "Probleem met de opslag"),
        "ui.catalog_problem": ("Catalog file skipped", "Catalogusbestand overgeslagen"),
        "ui.cmd.help": ("Help: keyboard map", "Help: alle toetsen"),
        "ui.cmd.help.tip": ("Every key of every screen", "Elke toets van elk scherm"),
        "ui.cmd.theme": ("Theme", "Thema"),
        "ui.cmd.theme.tip": ("Change the colours", "Kies andere kleuren"),
        "ui.cmd.quit": ("Quit", "Afsluiten"),
        "ui.cmd.quit.tip": ("Close leerpad", "leerpad sluiten"),
        "ui.cmd.screenshot": ("Screenshot", "Schermafdruk"),
        "ui.cmd.screenshot.tip": (
            "Save an SVG picture of the screen",
            "Bewaar een SVG-afbeelding van het scherm",
        ),
    }
)
