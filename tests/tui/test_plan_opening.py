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


def detail_text(screen: PlanScreen) -> str:
    return str(screen.query_one(DetailPane).query_one("#detail-text").render())


async def test_a_long_log_is_read_only_after_the_first_frame(
    open_store: Store, make_app, monkeypatch
):
    monkeypatch.setattr(app_module, "SYNC_HISTORY", 0)  # as for a long log
    app = make_app(open_store)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        seen = record_order(app, monkeypatch)
        app.push_screen(PlanScreen("P1"))
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert seen.index("frame") < seen.index("history")
        assert "History (" in detail_text(app.screen)


async def test_a_short_log_is_in_the_first_frame(open_store: Store, make_app, monkeypatch):
    app = make_app(open_store)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        seen = record_order(app, monkeypatch)
        app.push_screen(PlanScreen("P1"))
        await pilot.pause()
        assert seen.index("history") < seen.index("frame")
        assert "History (" in detail_text(app.screen)
