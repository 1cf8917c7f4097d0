"""The Textual application: a thin composition root around one open store.

Screens read `app.store.state` and `app.today()`, send intents through
`app.run_command`, and follow `app.seq` (the last record folded) to re-render
when anything changes, whether the change was theirs or another user's.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from datetime import date

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive
from textual.worker import get_current_worker

from catalog import Catalog
from core import i18n
from core.commands import Rejected
from core.events import Record
from core.history import entry_for
from core.store import Decide, ReadOnly, Store, StoreError

POLL_SECONDS = 0.4


class LeerpadApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "leerpad"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        Binding("question_mark", "help", i18n.t("key.help"), id="help"),
    ]

    seq: reactive[int] = reactive(0, init=False)
    """The seq of the last record folded into the store's state; screens watch it."""

    def __init__(
        self,
        store: Store,
        catalog: Catalog,
        *,
        today: Callable[[], date] = date.today,
        watch_log: bool = True,
    ) -> None:
        super().__init__()
        self.store = store
        self.catalog = catalog
        self.today = today
        self.watch_log = watch_log
        self.seq = store.state.seq

    def on_mount(self) -> None:
        from tui.screens.dashboard import DashboardScreen

        if hasattr(signal, "SIGXFSZ") and os.getpid() == os.getpgrp():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        self.push_screen(DashboardScreen())
        for notice in self.store.notices:
            self.notify(notice, severity="warning", timeout=10)
        if self.watch_log:
            self.follow_log()

    # --- writing -------------------------------------------------------------------------

    def run_command(self, decide: Decide) -> Record | None:
        """Execute a command; on refusal tell the user why and return None."""
        try:
            record = self.store.execute(decide)
        except Rejected as exc:
            self.notify(exc.message(), title=i18n.t("ui.rejected"), severity="error", timeout=8)
            return None
        except (ReadOnly, StoreError) as exc:
            self.notify(str(exc), title=i18n.t("ui.store_problem"), severity="error", timeout=10)
            return None
        self.seq = self.store.state.seq
        return record

    # --- following other writers -------------------------------------------------------------

    @work(thread=True, exclusive=True, group="follow-log")
    def follow_log(self) -> None:
        """Watch the log's size; when another process appends, fold it on the UI thread."""
        worker = get_current_worker()
        path = self.store.log.path
        while not worker.is_cancelled:
            try:
                size = os.stat(path).st_size
            except OSError:
                size = -1
            if size > self.store.end:
                self.call_from_thread(self._catch_up)
            time.sleep(POLL_SECONDS)

    def _catch_up(self) -> None:
        before = self.store.state.seq
        records = self.store.refresh()
        if records:
            self._notify_changes(records, before)
            self.seq = self.store.state.seq

    def _notify_changes(self, records: list[Record], before: int) -> None:
        mine = self.store.actor
        others = [r for r in records if r.actor != mine]
        if not others:
            return
        if len(others) > 3:
            self.notify(i18n.t("ui.changes_by_others", count=len(others)), timeout=5)
            return
        for record in others:
            # Only the description is used, which does not need the state before.
            entry = entry_for(self.store.state, record)
            self.notify(f"{record.actor} {entry.describe()}", timeout=5)

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        self.push_screen(HelpScreen())


i18n.register(
    {
        "key.help": ("Help", "Help"),
        "ui.rejected": ("Not done", "Niet uitgevoerd"),
        "ui.store_problem": ("Store problem", "Probleem met de opslag"),
        "ui.changes_by_others": (
            "{count} changes by others arrived.",
            "{count} wijzigingen van anderen zijn binnengekomen.",
        ),
    }
)
