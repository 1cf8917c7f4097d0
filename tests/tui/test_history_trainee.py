"""A trainee (roles on) sees only their own plan in the history: rows, counts, the filter's
choices, time travel and notices of other people's changes."""

from __future__ import annotations

from core import access, commands
from core.store import Store
from core.verify import Problem, Report
from tui.screens.dashboard import DashboardScreen
from tui.screens.history import HistoryScreen
from tui.screens.plan import PlanScreen
from tui.widgets.history_table import HistoryTable


def make_trainee(store: Store, login: str = "piet", plan: str = "P2") -> None:
    """An admin, and `login` trainee of `plan`; the store then reads as `login`."""
    store.actor = "an"
    store.execute(lambda s: access.grant(s, "an", "admin", user_exists=lambda _: True))
    store.execute(
        lambda s: access.grant(s, "an", "consultant", all_plans=True, user_exists=lambda _: True)
    )
    store.execute(
        lambda s: access.grant(s, login, "trainee", plans=[plan], user_exists=lambda _: True)
    )
    store.actor = login


async def open_from_dashboard(pilot) -> HistoryScreen:
    await pilot.pause()
    assert isinstance(pilot.app.screen, DashboardScreen)
    await pilot.press("h")
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, HistoryScreen)
    return screen


async def test_h_on_the_dashboard_shows_only_the_trainees_plan(open_store: Store, make_app):
    make_trainee(open_store)
    own = [
        n for n in range(1, open_store.state.seq + 1) if open_store.history()[n - 1].plan == "P2"
    ]
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_from_dashboard(pilot)
        table = screen.query_one(HistoryTable)
        assert [e.seq for e in table.rows] == own
        assert {e.plan for e in table.rows} == {"P2"}
        title = str(screen.query_one("#hist-title").render())
        assert "History of your plan" in title and "all plans" not in title
        assert f"{len(own)} of {len(own)} changes" in title
        drawn = "\n".join(table.render_line(y).text for y in range(table.size.height))
        assert "Jan Peeters" not in drawn and "Tom Vos" not in drawn


async def test_time_travel_cannot_open_another_plan(open_store: Store, make_app):
    make_trainee(open_store)
    other = next(e.seq for e in open_store.history() if e.plan == "P1")
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_from_dashboard(pilot)
        screen.action_as_of(other)
        await pilot.pause()
        assert not isinstance(app.screen, PlanScreen)
        await pilot.press("t")  # the row under the cursor: the trainee's own plan
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen) and app.screen.plan_id == "P2"


async def test_the_filter_offers_only_the_trainees_plan(open_store: Store, make_app):
    make_trainee(open_store)
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_from_dashboard(pilot)
        seen = {}
        screen.app.push_screen = lambda s, *a, **k: seen.setdefault("screen", s)  # type: ignore[method-assign]
        screen.action_filter()
        choices = seen["screen"].choices
        assert [plan for plan, _ in choices.plans] == ["P2"]
        assert set(choices.actors) <= {"an", "els"}
        assert "piet" not in choices.actors


async def test_a_trainee_hears_only_of_changes_to_their_own_plan(
    open_store: Store, store_path, make_app
):
    make_trainee(open_store)
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        with Store.open(store_path) as other:
            other.actor = "an"
            other.execute(lambda s: commands.add_note(s, "P1", "P1", text="Geheim voor P1."))
            other.execute(lambda s: commands.add_note(s, "P2", "P2", text="Voor Piet."))
        app.catch_up()
        await pilot.pause()
        told = [n.message for n in app._notifications]
        assert told == ["an added a note to P2 (P2)"]  # one notice, of their own plan only


async def test_the_verify_line_says_nothing_of_other_plans(open_store: Store, make_app):
    make_trainee(open_store)
    total = open_store.state.seq
    own = sum(1 for e in open_store.history() if e.plan == "P2")
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_from_dashboard(pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        line = str(screen.query_one("#hist-verify").render())
        assert f"log intact, the {own} changes to your plan included" in line
        assert str(total) not in line and "hash" not in line
        damaged = Report(path=open_store.path, problem=Problem(7, 4242, "chain", "changed"))
        screen.verify_result = damaged
        line = str(screen._verify_text())
        assert "log damaged" in line and "4242" not in line and "7" not in line
    open_store.actor = "an"  # a consultant reads the whole log's figures
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_from_dashboard(pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert f"log intact: {total} records" in str(screen.query_one("#hist-verify").render())
