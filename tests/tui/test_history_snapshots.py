"""Snapshots of the history screen and its detail view, in English and Dutch, at two sizes.

Review tests/tui/snapshot_report.html before running with --snapshot-update.
"""

from __future__ import annotations

import pytest
from more_support import open_demo

from tui.screens.history import HistoryScreen
from tui.widgets.history_table import HistoryTable

SIZES = [(80, 24), (120, 36)]
LANGS = ["en", "nl"]


async def show_history(pilot) -> None:
    pilot.app.push_screen(HistoryScreen())
    await pilot.pause()
    # Reading the log, then verifying it, each run in a thread.
    while any(not worker.is_finished for worker in pilot.app.workers):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def show_note_detail(pilot) -> None:
    await show_history(pilot)
    table = pilot.app.screen.query_one(HistoryTable)
    note = next(e for e in reversed(table.rows) if e.kind == "note.added")
    table.go_to(note.seq)
    await pilot.press("enter")
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", LANGS)
def test_history(snap_compare, make_app, tmp_path_factory, monkeypatch, lang, size):
    store = open_demo(tmp_path_factory, monkeypatch)
    try:
        app = make_app(store, lang=lang)
        assert snap_compare(app, terminal_size=size, run_before=show_history)
    finally:
        store.close()


@pytest.mark.parametrize("lang", LANGS)
def test_history_detail(snap_compare, make_app, tmp_path_factory, monkeypatch, lang):
    store = open_demo(tmp_path_factory, monkeypatch)
    try:
        app = make_app(store, lang=lang)
        assert snap_compare(app, terminal_size=(80, 24), run_before=show_note_detail)
    finally:
        store.close()
