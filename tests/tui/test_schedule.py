"""The schedule proposal (P on the plan screen): moving a date, accepting, cancelling."""

from __future__ import annotations

from datetime import date, timedelta

from test_plan_flows import open_plan

from core import planning
from tui.screens.plan import PlanScreen
from tui.screens.schedule import ScheduleScreen


async def test_accepting_writes_every_new_date_with_the_moved_one(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(pilot, "P2")
        plan = open_store.state.plan("P2")
        proposal = planning.propose_schedule(plan, app.today())
        new = [p for p in proposal if not p.kept]
        seq = open_store.state.seq
        await pilot.press("P")
        screen = app.screen
        assert isinstance(screen, ScheduleScreen)
        # The first rows of P2 are kept (A1.1.1, A1.1.2 were planned); go to the first new one.
        first_new = next(i for i, p in enumerate(proposal) if not p.kept)
        await pilot.press(*["down"] * first_new, "plus", "plus", "minus")
        assert screen.current == new[0].action
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        open_store.refresh()
        assert open_store.state.seq == seq + len(new)
        after = open_store.state.plan("P2")
        assert after.action(new[0].action).due == new[0].due + timedelta(weeks=1)
        assert all(after.action(p.action).due == p.due for p in new[1:])
        # Nothing left to propose now.
        await pilot.press("P")
        assert isinstance(app.screen, PlanScreen)
        assert any("already has a planned date" in m for m in app.messages)


async def test_kept_dates_do_not_move_and_cancel_writes_nothing(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(pilot, "P2")
        seq = open_store.state.seq
        await pilot.press("P")
        screen = app.screen
        assert screen.current == "A1.1.1"  # planned for 06/11: kept
        await pilot.press("plus")
        assert "A1.1.1" not in screen.dates
        assert any("Already planned" in m for m in app.messages)
        await pilot.press("escape")
        assert open_store.state.seq == seq


async def test_a_closed_plan_has_nothing_to_schedule(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(pilot, "P3")
        await pilot.press("P")
        assert isinstance(app.screen, PlanScreen)
        assert any("Plan P3 is closed" in m for m in app.messages)
        assert open_store.state.plan("P3").action("A1.2.1").due is None
        assert date(2026, 6, 1) == open_store.state.plan("P3").start
