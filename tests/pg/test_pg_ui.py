"""The terminal UI on a database store: keys pressed, the database checked afterwards.

Dashboard, plan screen, history and time travel read the store only through the
storage seam, so they work on PostgreSQL as on a log file; a trainee's history
shows only the records row-level security lets them read.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine, Iterator
from datetime import date
from typing import Any

import pytest
from pgserver import PgStore

from catalog import Catalog
from catalog.schema import Profile
from core import access, commands, i18n, pgstore
from core import events as ev
from core.store import Store
from tui.app import LeerpadApp
from tui.screens.history import HistoryScreen
from tui.screens.plan import PlanScreen
from tui.widgets.history_table import HistoryTable
from tui.widgets.plan_tree import PlanTree

START = date(2026, 10, 5)
TODAY = date(2026, 11, 25)


def anyone(_login: str) -> bool:
    return True


@pytest.fixture
def opened() -> Iterator[Callable[[str], Store]]:
    stores: list[Store] = []

    def open_store(url: str) -> Store:
        store = Store.open(url)
        stores.append(store)
        return store

    yield open_store
    for store in stores:
        store.close()


def app_on(store: Store, *, watch_log: bool = False) -> LeerpadApp:
    app = LeerpadApp(store, Catalog.load(), today=lambda: TODAY, watch_log=watch_log, lang="en")
    app.messages = []  # type: ignore[attr-defined]
    shown = app.notify

    def notify(message: str, **kwargs: Any) -> None:
        app.messages.append(message)  # type: ignore[attr-defined]
        shown(message, **kwargs)

    app.notify = notify  # type: ignore[method-assign]
    return app


def run(body: Callable[[], Coroutine[Any, Any, None]]) -> None:
    asyncio.run(body())


async def settle(pilot: Any) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def plan_tree_at(pilot: Any, node: str) -> PlanTree:
    """Plan P1's screen opened, `node` selected: its tree."""
    pilot.app.push_screen(PlanScreen("P1"))
    await pilot.pause()
    tree = pilot.app.screen.query_one(PlanTree)
    tree.select(node)
    await pilot.pause()
    return tree


def test_plan_screen_history_and_time_travel_on_a_database_store(
    pg_store: PgStore, tiny_profile: Profile, opened: Callable[[str], Store]
) -> None:
    jan = opened(pg_store.url("jan"))
    jan.execute(lambda s: commands.create_plan(s, tiny_profile, trainee="Piet", start=START))
    jan.execute(lambda s: commands.plan_action(s, "P1", "A1.1.1", due=date(2026, 11, 20)))
    app = app_on(jan)

    async def body() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("enter")  # the dashboard's only plan
            await pilot.pause()
            plan = app.screen
            assert isinstance(plan, PlanScreen) and plan.plan_id == "P1"
            plan.query_one(PlanTree).select("A1.1.1")
            await pilot.pause()
            await pilot.press("d", "enter")  # done, today
            await pilot.pause()

            # Another member's connection reads it back, stamped by the database.
            els = opened(pg_store.url("els"))
            assert els.state.plan("P1").action("A1.1.1").done_on == TODAY
            last = [rec for rec, _ in els.records()][-1]
            assert isinstance(last.event, ev.ActionCompleted) and last.actor == "jan"

            await pilot.press("h")
            await settle(pilot)
            history = app.screen
            assert isinstance(history, HistoryScreen)
            table = history.query_one(HistoryTable)
            assert [e.seq for e in table.rows] == [1, 2, 3]
            assert table.current is not None and table.current.kind == "action.completed"
            assert table.current.actor == "jan"
            verified = str(history.query_one("#hist-verify").render())
            assert f"log intact: 3 records, last hash {jan.state.hash[:12]}" in verified

            table.go_to(2)  # as it was before the action was done
            await pilot.press("t")
            await pilot.pause()
            past = app.screen
            assert isinstance(past, PlanScreen) and past.as_of == 2
            assert past.state.plan("P1").action("A1.1.1").done_on is None
            assert past.state.plan("P1").action("A1.1.1").due == date(2026, 11, 20)

    run(body)


def test_a_trainee_sees_only_their_plan_in_the_history(
    pg_store: PgStore, tiny_profile: Profile, opened: Callable[[str], Store]
) -> None:
    ann = opened(pg_store.url("ann"))
    for trainee in ("Piet", "Lien"):
        ann.execute(
            lambda s, who=trainee: commands.create_plan(s, tiny_profile, trainee=who, start=START)
        )
    ann.execute(lambda s: access.grant(s, "ann", "admin", user_exists=anyone))
    ann.execute(lambda s: access.grant(s, "jan", "mentor", all_plans=True, user_exists=anyone))
    ann.execute(lambda s: access.grant(s, "piet", "trainee", plans=["P1"], user_exists=anyone))
    jan = opened(pg_store.url("jan"))
    jan.execute(lambda s: commands.add_note(s, "P2", "P2", text="Alleen voor Lien."))
    jan.execute(lambda s: commands.add_note(s, "P1", "P1", text="Goed begonnen."))
    piet = opened(pg_store.url("piet"))
    assert set(piet.state.plans) == {"P1"}
    app = app_on(piet)

    async def body() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("h")
            await settle(pilot)
            history = app.screen
            assert isinstance(history, HistoryScreen)
            table = history.query_one(HistoryTable)
            shown = [(e.seq, e.plan, e.kind) for e in table.rows]
            # P2's records (2, 6) and the grants to ann and jan (3, 4) are not his to read;
            # his own grant (5) he may read, but the history shows a trainee their plan only.
            assert shown == [(1, "P1", "plan.created"), (7, "P1", "note.added")]
            assert app.history_index.hidden == 4
            assert "P2" not in app.history_index.plans.names

    run(body)


def test_another_members_change_appears_in_the_open_ui(
    pg_store: PgStore, tiny_profile: Profile, opened: Callable[[str], Store]
) -> None:
    jan = opened(pg_store.url("jan"))
    jan.execute(lambda s: commands.create_plan(s, tiny_profile, trainee="Piet", start=START))
    app = app_on(jan, watch_log=True)

    async def body() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            tree = await plan_tree_at(pilot, "A1.2.1")
            els = opened(pg_store.url("els"))
            await asyncio.to_thread(
                els.execute,
                lambda s: commands.complete_action(s, "P1", "A1.2.1", on=TODAY, today=TODAY),
            )
            # Nothing is pressed: the app's own follower (LISTEN, or its poll) brings it in.
            deadline = time.monotonic() + 20
            while app.seq < 2 and time.monotonic() < deadline:
                await pilot.pause(0.05)
            await pilot.pause()
            assert jan.state.plan("P1").action("A1.2.1").done_on == TODAY
            assert "done 25/11" in str(tree.cursor_node.label)
            assert "els completed A1.2.1 (P1)" in app.change_notices.text

    run(body)


@pytest.fixture
def other(pg_store: PgStore) -> Iterator[Any]:
    """Another session on the store's database, as its superuser."""
    with pgstore.connect(pg_store.url("lp_admin")) as conn:
        yield conn


def test_a_command_waits_for_the_write_lock_in_its_thread(
    pg_store: PgStore, tiny_profile: Profile, opened: Callable[[str], Store], other: Any
) -> None:
    jan = opened(pg_store.url("jan"))
    jan.execute(lambda s: commands.create_plan(s, tiny_profile, trainee="Piet", start=START))
    app = app_on(jan)

    async def body() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            tree = await plan_tree_at(pilot, "A1.2.1")
            other.execute("SELECT pg_advisory_lock(%s)", (pgstore.WRITE_LOCK,))
            app.run_command(lambda s: commands.add_note(s, "P1", "A1.2.1", text="Mijn notitie"))
            # Were the wait on the UI thread, nothing would answer until it gave up.
            await pilot.press("down")
            assert tree.current != "A1.2.1"
            assert app.command_running and jan.state.seq == 1
            other.execute("SELECT pg_advisory_unlock(%s)", (pgstore.WRITE_LOCK,))
            await app.wait_for_commands()
            assert [n.text for n in jan.state.plan("P1").notes_on("A1.2.1")] == ["Mijn notitie"]
            # The command's thread let go of the lock too.
            assert other.execute(
                "SELECT pg_try_advisory_lock(%s)", (pgstore.WRITE_LOCK,)
            ).fetchone()

    run(body)


def test_a_write_lock_held_too_long_is_told_and_nothing_written(
    pg_store: PgStore, tiny_profile: Profile, opened: Callable[[str], Store], other: Any
) -> None:
    jan = opened(pg_store.url("jan"))
    jan.execute(lambda s: commands.create_plan(s, tiny_profile, trainee="Piet", start=START))
    jan.backend.lock_seconds = 0.2  # type: ignore[attr-defined]
    app = app_on(jan)

    async def body() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            other.execute("SELECT pg_advisory_lock(%s)", (pgstore.WRITE_LOCK,))
            app.run_command(lambda s: commands.add_note(s, "P1", "P1", text="Te laat"))
            await app.wait_for_commands()
            why = i18n.t("pg.lock_wait", seconds="0.2")
            assert app.messages[-1] == i18n.t("store.lock_failed", path=jan.location, why=why)
            assert jan.state.seq == 1
            count = other.execute("SELECT count(*) FROM leerpad.records").fetchone()
            assert count == (1,)

    run(body)
