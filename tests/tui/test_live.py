"""Other writers: a second process appends while the app runs; a refusal caused by someone else."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from tui_support import TODAY

from core import commands
from core.store import Store
from tui.screens.date_form import DateForm
from tui.screens.plan import PlanScreen
from tui.widgets.detail import DetailPane
from tui.widgets.plan_table import PlanTable
from tui.widgets.plan_tree import PlanTree

ROOT = Path(__file__).resolve().parents[2]


def leerpad(store: Path, *args: str) -> subprocess.Popen:
    """The real command line, in another process, as another user's session would be."""
    env = {
        **os.environ,
        "LEERPAD_STORE": str(store),
        "LEERPAD_TODAY": TODAY.isoformat(),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from cli.main import run; sys.argv[0] = 'leerpad'; run()",
            "--lang",
            "en",
            *args,
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


async def wait_for(pilot, condition, seconds: float = 5.0) -> bool:
    """Let the app run (no key pressed) until `condition()` holds or time runs out."""
    for _ in range(int(seconds / 0.1)):
        if condition():
            return True
        await pilot.pause(0.1)
    return condition()


async def test_another_process_appends_and_the_plan_screen_follows(
    open_store, make_app, store_path
):
    app = make_app(open_store, watch_log=True)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(PlanScreen("P1"))
        await pilot.pause()
        screen = app.screen
        tree = screen.query_one(PlanTree)
        tree.select("A1.1.4")
        await pilot.pause()
        line = tree.cursor_line
        process = leerpad(store_path, "action", "done", "P1", "A1.1.4")
        _, err = await asyncio.to_thread(process.communicate)
        assert process.returncode == 0, err.decode()
        assert await wait_for(pilot, lambda: "done 25/11" in str(tree.cursor_node.label))
        # The screen followed on its own: the cursor and the detail pane are on the same action.
        assert screen.selected == "A1.1.4" and tree.cursor_line == line
        detail = str(screen.query_one(DetailPane).query_one("#detail-text").render())
        assert "done 25/11/2026" in detail
        assert "completed A1.1.4 (P1)" in app.change_notices.text
        assert open_store.state.plan("P1").action("A1.1.4").done_on == TODAY


async def test_the_dashboard_follows_a_new_plan(open_store, make_app, store_path):
    app = make_app(open_store, watch_log=True)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.screen.query_one(PlanTable)
        assert table.row_count == 3
        process = leerpad(
            store_path,
            "plan",
            "new",
            "--trainee",
            "Noor Jacobs",
            "--start",
            "2026-11-02",
            "--occupation",
            "commercieel-medewerker-binnendienst",
        )
        _, err = await asyncio.to_thread(process.communicate)
        assert process.returncode == 0, err.decode()
        assert await wait_for(pilot, lambda: table.row_count == 4)
        assert table.current_plan == "P1"  # the cursor did not move


async def test_a_refusal_caused_by_someone_else_says_who(open_store, make_app, store_path):
    app = make_app(open_store)  # no watcher: the other change lands while the form is open
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(PlanScreen("P1"))
        await pilot.pause()
        app.screen.query_one(PlanTree).select("A1.1.4")
        await pilot.press("d")
        assert isinstance(app.screen, DateForm)
        with Store.open(store_path) as other:
            other.actor = "jan"
            other.execute(
                lambda s: commands.complete_action(s, "P1", "A1.1.4", on=TODAY, today=TODAY)
            )
        await pilot.press("enter")
        await pilot.pause()
        assert any("already done" in m and "jan" in m for m in app.messages), app.messages
        # Nothing of ours was written; jan's change is now on screen.
        records = [r for r, _ in open_store.records()]
        assert [r.actor for r in records[-1:]] == ["jan"]
        assert "done 25/11" in str(app.screen.query_one(PlanTree).cursor_node.label)


def shown_notices(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_a_burst_of_changes_is_one_notice_and_waits_for_the_open_form(
    open_store, make_app, store_path
):
    from tui.screens.text_form import TextForm

    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(PlanScreen("P2"))
        await pilot.pause()
        with Store.open(store_path) as other:
            other.actor = "jan"
            for action in ("A1.1.1", "A1.1.2", "A2.1.1"):
                other.execute(
                    lambda s, a=action: commands.complete_action(s, "P2", a, on=TODAY, today=TODAY)
                )
            other.actor = "els"
            other.execute(lambda s: commands.add_note(s, "P1", "P1", text="Gesprek gepland"))
        app.catch_up()
        await pilot.pause()
        expected = "3 changes by jan in P2\nels added a note to P1 (P1)"
        assert shown_notices(app) == [expected]
        # More of jan's changes while that notice is up: it is replaced, not stacked.
        app.screen.query_one(PlanTree).select("A1.1.3")
        await pilot.press("m")  # a form is open: nothing may cover its fields
        assert isinstance(app.screen, TextForm)
        with Store.open(store_path) as other:
            other.actor = "jan"
            other.execute(lambda s: commands.plan_action(s, "P2", "A1.1.3", due=TODAY))
        app.catch_up()
        await pilot.pause()
        assert shown_notices(app) == []  # nothing over the form's fields
        assert app.change_notices.held
        await pilot.press("escape")  # the form closes: one notice with everything
        await pilot.pause()
        await pilot.pause()
        assert shown_notices(app) == ["4 changes by jan in P2\nels added a note to P1 (P1)"]
