"""The dashboard under other users' changes: only the plans named by new records are redrawn."""

from __future__ import annotations

from collections import Counter
from datetime import date

from tui_support import PROFILE, TODAY

from core import commands
from core.projections import summaries
from core.store import Store
from tui.widgets import plan_table
from tui.widgets.plan_table import PlanTable, sort_summaries


def rows(table: PlanTable) -> list[str]:
    return table.row_ids


def count_drawn(monkeypatch) -> Counter[str]:
    """Count, per plan, the rows drawn from now on (a row drawn computes its cells)."""
    drawn: Counter[str] = Counter()
    original = plan_table.row_text

    def counted(summary):
        drawn[summary.id] += 1
        return original(summary)

    monkeypatch.setattr(plan_table, "row_text", counted)
    return drawn


def by_other(store_path, decide) -> None:
    """Another user's process appends one record."""
    with Store.open(store_path) as other:
        other.actor = "els"
        other.execute(decide)


async def test_a_new_record_redraws_only_its_plan(open_store, store_path, make_app, monkeypatch):
    app = make_app(open_store)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(PlanTable)
        assert rows(table) == ["P1", "P2", "P3"]
        await pilot.press("down")  # the cursor on P2
        # The rows the cursor left and reached are drawn anew whenever the screen next
        # refreshes (on a loaded machine, after this point): draw them now, so that only
        # the change below is counted.
        table.render_line(1), table.render_line(2)
        drawn = count_drawn(monkeypatch)

        by_other(store_path, lambda s: commands.edit_plan(s, "P2", company="Haven Antwerpen"))
        app.catch_up()
        await pilot.pause()
        assert drawn == Counter({"P2": 1})  # the other rows come from what was drawn
        assert "Haven Antwerpen" in table.cells("P2")

        # The sort column changed: the row moves, the row that kept its place is not redrawn.
        drawn.clear()
        by_other(store_path, lambda s: commands.edit_plan(s, "P2", trainee="Aaron Aerts"))
        app.catch_up()
        await pilot.pause()
        assert rows(table) == ["P2", "P1", "P3"]
        assert table.current_plan == "P2"
        assert drawn == Counter({"P2": 1, "P1": 1})

        # A new plan is one new row, in its place.
        drawn.clear()
        profile = app.catalog.get(PROFILE)
        by_other(
            store_path,
            lambda s: commands.create_plan(
                s, profile, trainee="Lies Maes", start=date(2026, 11, 2), weeks=10
            ),
        )
        app.catch_up()
        await pilot.pause()
        expected = sort_summaries(summaries(open_store.state, TODAY), "trainee")
        assert rows(table) == [s.id for s in expected] == ["P2", "P1", "P4", "P3"]
        assert drawn == Counter({"P4": 1, "P3": 1})  # P3 moved down a row
        assert "4 plans" in str(app.screen.query_one("TitleBar").render())


async def test_changes_under_a_filter_and_a_sort_match_a_full_redraw(
    open_store, store_path, make_app
):
    app = make_app(open_store)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("slash", *"noord", "enter")
        await pilot.pause()
        screen = app.screen
        table = screen.query_one(PlanTable)
        assert rows(table) == ["P2"]
        # P1 starts to match, P2 stops: one row comes, one goes.
        by_other(store_path, lambda s: commands.edit_plan(s, "P1", company="Noord Bakkers"))
        by_other(store_path, lambda s: commands.edit_plan(s, "P2", company="Zuid"))
        app.catch_up()
        await pilot.pause()
        assert rows(table) == ["P1"]
        await pilot.press("escape")
        screen._sort_by("progress", reverse=True)
        await pilot.pause()
        # Completing actions moves P2 up the progress order.
        for action in ("A1.1.1", "A1.1.2", "A1.1.3"):
            by_other(
                store_path,
                lambda s, a=action: commands.complete_action(s, "P2", a, on=TODAY, today=TODAY),
            )
        app.catch_up()
        await pilot.pause()
        everything = summaries(open_store.state, TODAY)
        assert rows(table) == [s.id for s in sort_summaries(everything, "progress", True)]


async def test_only_changed_plans_are_reported(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        seq = open_store.state.seq
        app.run_command(lambda s: commands.add_note(s, "P1", "P1", text="Goed bezig"))
        await app.wait_for_commands()
        assert app.changed_plans(seq) == {"P1"}
        assert app.changed_plans(open_store.state.seq) == set()
