"""The history of a large store: read once in the background, filtered and extended in place."""

from __future__ import annotations

from more_support import append_many
from tui_support import TODAY, Clock

from core import commands
from core.store import Store
from tui import app as app_module
from tui.widgets.history_filter import HistoryFilter
from tui.widgets.history_table import HistoryTable

COUNT = 6_000
"""Past what the app reads at once (SYNC_HISTORY), so it is read in the background."""


async def test_a_large_history_opens_filters_and_grows_without_rebuilds(
    store_path, make_app, monkeypatch
):
    # Several batches, each reported: the read of a far longer log, in small.
    monkeypatch.setattr(app_module, "HISTORY_BATCH", 1_000)
    monkeypatch.setattr(app_module, "HISTORY_SHOW_SECONDS", 0)
    append_many(store_path, COUNT)
    with Store.open(store_path, clock=Clock()) as store:
        store.actor = "an"
        total = store.state.seq
        assert total > COUNT > app_module.SYNC_HISTORY
        app = make_app(store)
        async with app.run_test(size=(80, 24)) as pilot:
            from tui.screens.history import HistoryScreen

            app.push_screen(HistoryScreen())
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, HistoryScreen)
            table = screen.query_one(HistoryTable)
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert len(table.entries) == len(table.rows) == total
            assert table.current is not None and table.current.seq == total
            assert f"{total:,} of {total:,} changes" in str(
                screen.query_one("#hist-title").render()
            )
            assert len(table.children) == 0  # a line-API view: no widget per row
            # Filter by text through the form, then by person and kind.
            await pilot.press("slash", *"opvolging 4999", "enter")
            await pilot.pause()
            notes = [f"opvolging {i}" for i in range(1, COUNT, 2)]
            assert [e.detail for e in table.rows] == [n for n in notes if "opvolging 4999" in n]
            table.set_filter(HistoryFilter(actor="els", kind="note.added"))
            # Every sixth generated record, and els's one note in the small store.
            expected = sum(1 for i in range(COUNT) if i % 3 == 1 and i % 2) + 1
            assert len(table.rows) == expected
            assert table.rebuilds == 2
            # A new change is appended to what is shown; nothing is rebuilt.
            rows = table.rows
            store.actor = "els"
            app.run_command(lambda s: commands.add_note(s, "P1", "P1", text="nieuw"))
            app.run_command(
                lambda s: commands.complete_action(s, "P1", "A1.1.4", on=TODAY, today=TODAY)
            )
            await pilot.pause()
            assert table.rows is rows and len(rows) == expected + 1
            assert rows[-1].detail == "nieuw"
            assert len(table.entries) == total + 2
            assert table.rebuilds == 2
