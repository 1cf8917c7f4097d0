"""The agenda screen (w on the dashboard): what it lists, `m`, and enter opening the action."""

from __future__ import annotations

from datetime import date

from tui_support import TODAY

from core import commands
from tui.screens.agenda import AgendaScreen
from tui.screens.plan import PlanScreen
from tui.widgets.banner import TitleBar


async def test_agenda_lists_due_actions_and_opens_one_in_its_plan(open_store, make_app):
    # The small store: P2 has three actions overdue since 06/11; add one due soon in P1.
    open_store.execute(lambda s: commands.plan_action(s, "P1", "A2.1.1", due=date(2026, 12, 2)))
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("w")
        screen = app.screen
        assert isinstance(screen, AgendaScreen)
        items = [(i.plan, i.action, i.overdue) for i in screen._items]
        assert ("P2", "A1.1.1", True) in items
        assert items[-1] == ("P1", "A2.1.1", False)
        assert all(i.due <= date(2026, 12, 9) for i in screen._items)
        assert "overdue" in str(screen.query_one(TitleBar).render())
        # Down to the last row, enter: the plan opens on that action.
        for _ in items:
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        plan_screen = app.screen
        assert isinstance(plan_screen, PlanScreen)
        assert (plan_screen.plan_id, plan_screen.selected) == ("P1", "A2.1.1")
        await pilot.press("escape")
        assert app.screen is screen


async def test_mine_keeps_the_plans_one_created(open_store, make_app):
    # P2 was created by els; the app runs as an.
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("w")
        screen = app.screen
        assert {i.plan for i in screen._items} >= {"P2"}
        await pilot.press("m")
        assert "P2" not in {i.plan for i in screen._items}
        assert "my plans" in str(screen.query_one(TitleBar).render())
        # A change arriving while the agenda is shown redraws it.
        app.run_command(lambda s: commands.plan_action(s, "P1", "A2.1.2", due=TODAY))
        await pilot.pause()
        assert ("P1", "A2.1.2") in {(i.plan, i.action) for i in screen._items}
