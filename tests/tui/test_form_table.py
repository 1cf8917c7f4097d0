"""The form as a table (f on the plan screen): rows as the paper form has them, p and d there."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from test_plan_bulk import form_text, new_events
from test_plan_flows import open_plan
from textual.widgets import DataTable

from core import events as ev
from tui.screens.date_form import DateForm
from tui.screens.form_table import FormTableScreen, column_widths
from tui.screens.plan import PlanScreen
from tui.widgets.plan_tree import PlanTree


def cells(screen: FormTableScreen, key: str) -> list[str]:
    table = screen.query_one(DataTable)
    return [str(c) if isinstance(c, Text) else c for c in table.get_row(key)]


async def open_table(pilot, node: str, plan_id: str = "P1") -> FormTableScreen:
    await open_plan(pilot, plan_id, node=node)
    await pilot.press("f")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, FormTableScreen)
    return screen


async def select(pilot, screen: FormTableScreen, key: str) -> None:
    table = screen.query_one(DataTable)
    table.move_cursor(row=table.get_row_index(key))
    await pilot.pause()
    assert screen.selected == key


def test_the_text_columns_share_what_the_dates_leave():
    skills, actions = column_widths(80)
    assert skills + actions + 2 * 12 + 8 + 2 == 80
    assert skills < actions
    assert column_widths(120)[1] > actions


async def test_f_shows_the_competency_of_the_selection_as_the_form_has_it(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_table(pilot, "A1.2.2")
        table = screen.query_one(DataTable)
        assert [str(c.label) for c in table.columns.values()] == [
            "Underlying knowledge and skills",
            "Training actions",
            "Planned end date",
            "Completed on",
        ]
        plan = open_store.state.plan("P1")
        comp = plan.node("A1")
        keys = [k.value for k in table.rows]
        assert keys == [n for row in comp.rows for n in (row.id, *(a.id for a in row.actions))]
        # A form row: its skills and the dates derived from its actions.
        row = cells(screen, "A1.1")
        assert row[0].startswith("A1.1\n") and plan.node("A1.1").skills[0][:20] in row[0]
        assert row[1] == "3/4 done"
        assert row[2] == "09/10/2026" and row[3] == "–"
        # Its actions, with their own dates and status symbols.
        assert cells(screen, "A1.1.1")[1].startswith("✔ A1.1.1 ")
        assert cells(screen, "A1.1.1")[2:] == ["18/09/2026", "17/09/2026"]
        assert cells(screen, "A1.1.4")[1].startswith("! A1.1.4")
        assert cells(screen, "A1.1.4")[2] == "! 09/10/2026"
        assert cells(screen, "A1.1.5")[3] == "n/a"
        assert "n/a: Geen telefooncentrale" in cells(screen, "A1.1.5")[1]
        # Long text wraps onto more lines instead of being cut.
        assert max(r.height for r in table.rows.values()) > 2


async def test_p_on_an_action_in_the_table_plans_it_with_the_plan_screens_form(
    open_store, make_app
):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_table(pilot, "A1")
        await select(pilot, screen, "A1.2.2")
        seq = open_store.state.seq
        await pilot.press("p")
        assert isinstance(app.screen, DateForm)
        await pilot.press(*"4/12", "enter")
        await pilot.pause()
        assert app.screen is screen
        events = new_events(open_store, seq)
        assert events == [ev.ActionPlanned(plan="P1", action="A1.2.2", due=date(2026, 12, 4))]
        # The table follows the store, with the cursor kept on the action.
        assert cells(screen, "A1.2.2")[2] == "04/12/2026"
        assert screen.selected == "A1.2.2"
        assert cells(screen, "A1.2")[2] == "04/12/2026"


async def test_d_marks_the_action_done_and_p_on_a_row_plans_every_open_one(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_table(pilot, "A1.1.4")
        assert screen.selected == "A1.1.4"
        seq = open_store.state.seq
        await pilot.press("d", "enter")
        await pilot.pause()
        assert new_events(open_store, seq) == [
            ev.ActionCompleted(plan="P1", action="A1.1.4", on=date(2026, 11, 25))
        ]
        assert cells(screen, "A1.1.4")[3] == "25/11/2026"
        await select(pilot, screen, "A1.2")
        seq = open_store.state.seq
        await pilot.press("p")
        assert "4 actions: A1.2.1, A1.2.2, A1.2.3, A1.2.4" in form_text(app)
        await pilot.press(*"4/12", "enter")
        await pilot.pause()
        planned = [e.action for e in new_events(open_store, seq)]
        assert planned == [f"A1.2.{i}" for i in (1, 2, 3, 4)]


async def test_keys_that_cannot_act_say_why_and_write_nothing(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_table(pilot, "A1.1.1")
        seq = open_store.state.seq
        await pilot.press("d")  # already done
        await select(pilot, screen, "A1.1")
        await pilot.press("d")  # a row: d needs an action
        await pilot.pause()
        assert not isinstance(app.screen, DateForm)
        assert open_store.state.seq == seq
        assert app.messages[0].startswith("A1.1.1 is already done: completed on 17/09/2026")
        assert "Select a training action first (like A1.1.1)." in app.messages


async def test_arrows_page_through_competencies_and_escape_selects_the_row_in_the_tree(
    open_store, make_app
):
    app = make_app(open_store, lang="nl")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_table(pilot, "A10")
        assert next(str(c.label) for c in screen.query_one(DataTable).columns.values()) == (
            "Onderliggende kennis en vaardigheden"
        )
        await pilot.press("right")
        await pilot.pause()
        assert screen.competency == "A1"
        await pilot.press("left", "left")
        await pilot.pause()
        assert screen.competency == "A9"
        await select(pilot, screen, "A9.1")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        assert app.screen.query_one(PlanTree).current == "A9.1"
