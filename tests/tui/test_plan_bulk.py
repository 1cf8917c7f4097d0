"""Planning and completing many actions at once from the plan tree (p on a row, v marks, d)."""

from __future__ import annotations

from datetime import date

from test_plan_flows import open_plan
from tui_support import TODAY

from core import events as ev
from core.store import Store
from tui.screens.date_form import DateForm
from tui.screens.plan import PlanScreen
from tui.widgets.banner import Banner
from tui.widgets.fields import DateField
from tui.widgets.plan_tree import PlanTree


def new_events(store: Store, after: int) -> list[ev.Event]:
    store.refresh()
    return [rec.event for rec, _ in store.records() if rec.seq > after]


def form_text(app) -> str:
    return " ".join(str(s.render()) for s in app.screen.query("Static"))


async def test_p_on_a_row_plans_every_open_action_under_it(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(pilot, node="A1.2")
        seq = open_store.state.seq
        await pilot.press("p")
        assert isinstance(app.screen, DateForm)
        text = form_text(app)
        assert "4 actions: A1.2.1, A1.2.2, A1.2.3, A1.2.4" in text
        await pilot.press(*"4/12", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        events = new_events(open_store, seq)
        assert [(e.action, e.due) for e in events] == [
            (f"A1.2.{i}", date(2026, 12, 4)) for i in (1, 2, 3, 4)
        ]
        assert "4 actions planned for 04/12/2026." in app.messages


async def test_a_date_after_the_plans_end_warns_in_the_form(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(pilot, node="A1.2.2")
        await pilot.press("p", *"1/3/2027")
        await pilot.pause()
        message = str(app.screen.query_one(DateField).query_one(".field--message").render())
        assert "after the plan's end (24/01/2027)" in message
        await pilot.press("enter")
        await pilot.pause()
        assert open_store.state.plan("P1").action("A1.2.2").due == date(2027, 3, 1)


async def test_marked_actions_are_completed_with_one_d(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_plan(pilot, node="A1.2.1")
        seq = open_store.state.seq
        # v marks and moves down: A1.2.1 and A1.2.2 marked, A1.2.3 skipped, A1.1.4 marked.
        await pilot.press("v", "v")
        screen.query_one(PlanTree).select("A1.1.4")
        await pilot.pause()
        await pilot.press("v")
        await pilot.pause()
        assert screen.marked == ["A1.1.4", "A1.2.1", "A1.2.2"]
        assert "3 marked" in str(screen.query_one(Banner).render())
        tree = screen.query_one(PlanTree)
        assert str(tree.get_node_at_line(tree.cursor_line - 1).label).startswith("» ! A1.1.4")
        await pilot.press("d")
        assert isinstance(app.screen, DateForm)
        assert "3 actions: A1.1.4, A1.2.1, A1.2.2" in form_text(app)
        await pilot.press("enter")
        await pilot.pause()
        events = new_events(open_store, seq)
        assert [(type(e), e.action, e.on) for e in events] == [
            (ev.ActionCompleted, a, TODAY) for a in ("A1.1.4", "A1.2.1", "A1.2.2")
        ]
        assert screen.marked == []
        assert "3 marked" not in str(screen.query_one(Banner).render())


async def test_escape_clears_the_marks_before_leaving(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_plan(pilot, node="A1.2.1")
        await pilot.press("v")
        # A done action cannot be marked.
        screen.query_one(PlanTree).select("A1.1.1")
        await pilot.pause()
        await pilot.press("v")
        assert screen.marked == ["A1.2.1"]
        assert any("only open actions can be marked" in m for m in app.messages)
        await pilot.press("escape")
        assert screen.marked == [] and app.screen is screen
        await pilot.press("escape")
        assert app.screen is not screen


async def test_closing_as_completed_with_open_work_asks_for_a_reason(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(pilot, "P2")
        seq = open_store.state.seq
        await pilot.press("C")
        assert "3 overdue: closing as completed needs a reason" in form_text(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "give a reason to close it as completed" in form_text(app)
        assert open_store.state.seq == seq
        app.screen.query_one("#reason-input").value = "Vast werk gevonden"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        closed = open_store.state.plan("P2").closed
        assert (closed.outcome, closed.reason) == ("completed", "Vast werk gevonden")
        # A closed plan's tree says nothing is overdue any more.
        labels = [str(n.label) for n in app.screen.query_one(PlanTree)._by_id.values()]
        assert not any("overdue" in label or " ! " in label for label in labels)
        assert any("planned 06/11" in label for label in labels)
