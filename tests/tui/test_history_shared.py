"""The app keeps one history index: the plan screen's per-node history folds only its own
plan's records from it, and the history screen reads the same index."""

from __future__ import annotations

from core import commands
from core.store import Store
from tui import app as app_module
from tui.screens.history import HistoryScreen
from tui.screens.plan import PlanScreen
from tui.widgets.detail import DetailPane


def detail_text(screen: PlanScreen) -> str:
    return str(screen.query_one(DetailPane).query_one("#detail-text").render())


async def test_the_plan_screen_folds_only_its_plan_from_the_shared_index(
    open_store: Store, make_app, monkeypatch
):
    # Read the log in the background, as for a long one.
    monkeypatch.setattr(app_module, "SYNC_HISTORY", 0)
    full = open_store.history()
    p1 = [e for e in full if e.plan == "P1"]
    assert 0 < len(p1) < len(full)
    app = make_app(open_store)
    async with app.run_test(size=(120, 36)) as pilot:
        app.push_screen(PlanScreen("P1"))
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PlanScreen)
        index = app.history_index
        assert index.count == len(full)
        assert f"History ({len(p1)})" in detail_text(screen)
        # Only P1's records were folded to show it, not the whole log.
        assert 0 < index.folded <= len(p1)

        app.run_command(lambda s: commands.add_note(s, "P1", "P1", text="erbij"))
        await pilot.pause()
        assert f"History ({len(p1) + 1})" in detail_text(screen)
        assert index.count == len(full) + 1

        app.push_screen(HistoryScreen("P1"))
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        history = app.screen
        assert isinstance(history, HistoryScreen)
        assert history.index is index
        assert [e.seq for e in history.table.rows] == [e.seq for e in p1] + [len(full) + 1]
