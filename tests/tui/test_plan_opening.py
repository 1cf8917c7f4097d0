"""Opening a plan's screen: a log long enough to be read in a thread is asked for only after
the screen's first frame; a short one is in the first frame already."""

from __future__ import annotations

from core.store import Store
from tui import app as app_module
from tui.screens.plan import PlanScreen
from tui.widgets.detail import DetailPane


def record_order(app, monkeypatch) -> list[str]:
    """What happened, in order: the plan screen's frames handed to the terminal, and the
    history asked for."""
    seen: list[str] = []
    display = app._display

    def displayed(screen, update) -> None:
        if update is not None and isinstance(screen, PlanScreen):
            seen.append("frame")
        display(screen, update)

    history = app.history

    def asked(**kwargs):
        seen.append("history")
        return history(**kwargs)

    monkeypatch.setattr(app, "_display", displayed)
    monkeypatch.setattr(app, "history", asked)
    return seen


async def open_in_order(app, pilot, monkeypatch) -> list[str]:
    """Open P1's screen once the dashboard is shown; what happened, in order (`record_order`)."""
    await pilot.pause()
    seen = record_order(app, monkeypatch)
    app.push_screen(PlanScreen("P1"))
    await pilot.pause()
    return seen


def detail_text(screen: PlanScreen) -> str:
    return str(screen.query_one(DetailPane).query_one("#detail-text").render())


async def test_a_long_log_is_read_only_after_the_first_frame(
    open_store: Store, make_app, monkeypatch
):
    monkeypatch.setattr(app_module, "SYNC_HISTORY", 0)  # as for a long log
    app = make_app(open_store)
    async with app.run_test(size=(120, 36)) as pilot:
        seen = await open_in_order(app, pilot, monkeypatch)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert seen.index("frame") < seen.index("history")
        assert "History (" in detail_text(app.screen)


async def test_a_short_log_is_in_the_first_frame(open_store: Store, make_app, monkeypatch):
    app = make_app(open_store)
    async with app.run_test(size=(120, 36)) as pilot:
        seen = await open_in_order(app, pilot, monkeypatch)
        assert seen.index("history") < seen.index("frame")
        assert "History (" in detail_text(app.screen)


async def test_a_plans_history_is_read_where_the_read_model_places_it(
    store_path, open_store: Store, make_app, monkeypatch, tmp_path
):
    """A long log with a read model: the plan's own records are read where it places them,
    and the whole log is not read (nor begun) for the plan's screen."""
    from core import commands, history_index, readmodel

    monkeypatch.setattr(history_index, "COVER_LEAST", 1)  # a few heads at a time: it shows
    monkeypatch.setattr(readmodel, "SAVE_AFTER", 1)
    monkeypatch.setattr("core.readmodel.os.fsync", lambda fd: None)
    cache = tmp_path / "cache"
    Store.open(store_path, cache_dir=cache).close()
    monkeypatch.setattr(readmodel, "SAVE_AFTER", 10**9)  # the records below stay after it
    open_store.execute(lambda s: commands.add_note(s, "P1", "P1", text="Na het model"))
    own = [e for e in open_store.history() if e.plan == "P1"]
    reader = Store.open(store_path, cache_dir=cache)
    try:
        assert (
            isinstance(reader.state.plans, readmodel.StoredPlans)
            and reader.state.plans.head is not None
        )
        monkeypatch.setattr(app_module, "SYNC_HISTORY", 0)  # as for a long log
        app = make_app(reader)
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            app.push_screen(PlanScreen("P1"))
            await pilot.pause()
            await pilot.pause()
            assert f"History ({len(own)})" in detail_text(app.screen)
            assert app.screen._own_history[1] == own
            assert not app.history_loading and app.history_is_far
            assert own[0].seq == 1 and app.history_index.unread  # not read back to it
    finally:
        reader.close()


async def test_the_first_frame_is_the_tree_focused_and_drawn_once(
    open_store: Store, make_app, monkeypatch
):
    """The tree has the focus in the first frame already, and nothing after that frame (its
    first Resize, a focus move) drops the lines it drew; the find bar comes with its key."""
    from tui.widgets.find_bar import FindBar
    from tui.widgets.plan_tree import PlanTree

    app = make_app(open_store)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        seen: list[str] = []
        display = app._display

        def displayed(screen, update) -> None:
            if update is not None and isinstance(screen, PlanScreen) and "frame" not in seen:
                seen.append("frame")
                seen.append(f"focused {type(screen.focused).__name__}")
            display(screen, update)

        clear = PlanTree._clear_line_cache

        def cleared(tree) -> None:
            seen.append("lines dropped")
            clear(tree)

        monkeypatch.setattr(app, "_display", displayed)
        monkeypatch.setattr(PlanTree, "_clear_line_cache", cleared)
        app.push_screen(PlanScreen("P1"))
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert seen[seen.index("frame") :] == ["frame", "focused PlanTree"]
        assert not screen.query(FindBar)
        await pilot.press("slash", *"a1.2")
        await pilot.pause()
        assert screen.query_one(FindBar).input.has_focus
        assert screen.selected == "A1.2"
