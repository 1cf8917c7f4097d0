"""The dashboard: the table of plans, filter, sort, opening a plan, the empty store."""

from __future__ import annotations

from tui_support import TODAY

from core.projections import summaries
from tui.screens.dashboard import DashboardScreen
from tui.screens.plan import PlanScreen
from tui.widgets.plan_table import PlanTable, fit_columns, sort_summaries


def rows(app) -> list[str]:
    table = app.screen.query_one(PlanTable)
    return table.row_ids


async def test_lists_every_plan_sorted_by_trainee(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert rows(app) == ["P1", "P2", "P3"]  # Jan, Sara, Tom
        table = app.screen.query_one(PlanTable)
        cells = table.cells("P2")
        assert "Sara El Amrani" in cells
        assert any(c.startswith("▼ behind") for c in cells)
        assert "! 3" in cells


async def test_filter_narrows_and_escape_clears(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash", *"noord")
        await pilot.pause()
        assert rows(app) == ["P2"]
        await pilot.press("enter")  # back to the table, filter kept
        assert rows(app) == ["P2"]
        await pilot.press("escape")
        await pilot.pause()
        assert rows(app) == ["P1", "P2", "P3"]


async def test_filter_without_match_says_so(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash", *"zzz")
        await pilot.pause()
        assert not app.screen.query_one(PlanTable).display
        assert "zzz" in str(app.screen.query_one("#empty").render())


async def test_sort_cycles_columns_and_reverses(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        await pilot.press("s")  # trainee -> company
        assert screen.sort_key == "company"
        assert rows(app) == ["P1", "P2", "P3"]  # Bakkerij, Logistiek, Vos
        await pilot.press("S")
        assert rows(app) == ["P3", "P2", "P1"]
        for _ in range(3):  # company -> occupation -> week -> progress
            await pilot.press("s")
        assert screen.sort_key == "progress"
        order = [s.id for s in sort_summaries(summaries(open_store.state, TODAY), "progress")]
        assert rows(app) == order


async def test_cursor_stays_on_the_plan_when_the_order_changes(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down")  # P2
        await pilot.press("S")  # reversed: P3, P2, P1
        table = app.screen.query_one(PlanTable)
        assert table.current_plan == "P2"
        await pilot.press("S")
        assert table.current_plan == "P2"


async def test_enter_opens_the_plan(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        assert app.screen.plan_id == "P2"
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)


async def test_empty_store_says_what_to_do(empty_store, make_app):
    app = make_app(empty_store, lang="nl")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = str(app.screen.query_one("#empty").render())
        assert "Druk op n" in text
        assert "leerpad demo" in text
        assert not app.screen.query_one(PlanTable).display


def test_columns_fit_the_width():
    for width in (80, 100, 120, 200):
        assert sum(w + 2 for _, w in fit_columns(width)) <= width
    assert next(k for k, _ in fit_columns(80)) == "trainee"
    assert "occupation" in [k for k, _ in fit_columns(120)]


async def test_sort_only_cycles_through_the_columns_on_screen(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")  # company and occupation do not fit at 80 columns
        assert app.screen.sort_key == "week"
