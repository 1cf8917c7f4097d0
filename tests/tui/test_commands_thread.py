"""Commands wait for other writers, write and fsync in a thread: the screen answers while
another holds the log or the disk is slow, and what others appended meanwhile comes back from
the store without reading the log again."""

from __future__ import annotations

import asyncio
import os
import threading

from test_plan_flows import open_plan

from core import commands, filestore
from core.store import Store
from tui.widgets.plan_tree import PlanTree


def fold_threads(monkeypatch, store: Store) -> list[int]:
    """The thread of every record folded into `store`'s state from now on."""
    threads: list[int] = []
    apply = filestore.apply

    def recorded(state, record, digest):
        if state is store.state:
            threads.append(threading.get_ident())
        return apply(state, record, digest)

    monkeypatch.setattr(filestore, "apply", recorded)
    return threads


async def test_the_screen_answers_while_a_command_waits_for_another_writer(
    open_store, store_path, make_app, monkeypatch
):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_plan(pilot, node="A1.2.1")
        with Store.open(store_path) as other:
            other.actor = "els"
            theirs = other.execute(lambda s: commands.add_note(s, "P2", "P2", text="Bel An"))
            # Reading the log from the start again is what the thread must no longer need.
            monkeypatch.setattr(
                open_store, "records", lambda *a: (_ for _ in ()).throw(AssertionError("re-read"))
            )
            seq = open_store.state.seq
            other.backend.log.lock()
            try:
                app.run_command(lambda s: commands.add_note(s, "P1", "A1.2.1", text="Mijn notitie"))
                assert app.command_running
                # The key is handled while the command waits for the lock.
                await pilot.press_without_waiting("down")
                assert screen.query_one(PlanTree).current == "A1.2.2"
                assert app.command_running and open_store.state.seq == seq
            finally:
                other.backend.log.unlock()
            await app.wait_for_commands()
        assert not app.command_running
        assert [n.text for n in open_store.state.plan("P1").notes_on("A1.2.1")] == ["Mijn notitie"]
        assert open_store.state.seq == theirs.seq + 1 == app.seq
        # Their note came back with the command and was told about.
        told = [n.message for n in app._notifications]
        assert any("els" in m and "P2" in m for m in told)
        assert app.changed_plans(seq) == {"P1", "P2"}


async def test_commands_asked_for_at_once_are_written_in_order(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        seq = open_store.state.seq
        done: list[int] = []
        for text in ("een", "twee", "drie"):
            app.run_command(
                lambda s, x=text: commands.add_note(s, "P1", "P1", text=x),
                then=lambda record: done.append(record.seq),
            )
        await app.wait_for_commands()
        assert done == [seq + 1, seq + 2, seq + 3]
        assert [n.text for n in open_store.state.plan("P1").notes_on("P1")][-3:] == [
            "een",
            "twee",
            "drie",
        ]


async def test_a_refusal_stops_a_batch_and_says_why(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        seq = open_store.state.seq
        written: list[int] = []
        app.run_commands(
            [
                lambda s: commands.add_note(s, "P1", "P1", text="een"),
                lambda s: commands.add_note(s, "P1", "P1", text=""),
                lambda s: commands.add_note(s, "P1", "P1", text="nooit"),
            ],
            then=lambda records: written.extend(r.seq for r in records),
        )
        await app.wait_for_commands()
        assert written == [seq + 1] and open_store.state.seq == seq + 1
        assert app.messages[-1].startswith("The ") and "may not be empty." in app.messages[-1]


async def test_the_state_screens_read_is_changed_on_the_ui_thread_only(
    open_store, store_path, make_app, monkeypatch
):
    # Screens iterate the state's plans and nodes while rendering: a fold in another
    # thread could change a dict under them ("changed size during iteration").
    app = make_app(open_store, watch_log=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        ui = threading.get_ident()
        threads = fold_threads(monkeypatch, open_store)
        with Store.open(store_path) as other:
            other.actor = "els"
            # Found by the command, on its way to append.
            other.execute(lambda s: commands.add_note(s, "P2", "P2", text="een"))
            other.backend.log.lock()
            try:
                app.run_command(lambda s: commands.add_note(s, "P1", "P1", text="twee"))
                assert app.command_running
            finally:
                other.backend.log.unlock()
            await app.wait_for_commands()
            # Found by the log watcher.
            theirs = other.execute(lambda s: commands.add_note(s, "P2", "P2", text="drie"))
            for _ in range(50):
                if app.seq == theirs.seq:
                    break
                await pilot.pause(0.1)
        assert app.seq == open_store.state.seq == theirs.seq
        assert len(threads) == 3
        assert set(threads) == {ui}


async def test_the_screen_answers_while_the_record_is_fsynced(open_store, make_app, monkeypatch):
    syncing, release = threading.Event(), threading.Event()
    fsync = os.fsync
    synced_on: list[int] = []

    def slow_sync(fd: int) -> None:
        if fd == open_store.log.fd and not syncing.is_set():
            synced_on.append(threading.get_ident())
            syncing.set()
            # Bounded: where the fsync held up the UI thread, the test fails, not hangs.
            release.wait(5)
        fsync(fd)

    app = make_app(open_store, watch_log=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_plan(pilot, node="A1.2.1")
        seq = open_store.state.seq
        folds = fold_threads(monkeypatch, open_store)
        monkeypatch.setattr(os, "fsync", slow_sync)
        try:
            app.run_command(lambda s: commands.add_note(s, "P1", "A1.2.1", text="Mijn notitie"))
            while not syncing.is_set():
                await asyncio.sleep(0.01)
            # The record is written and its fsync waits: not folded, the command still running.
            assert app.command_running and open_store.state.seq == seq == app.seq
            assert open_store.in_flight is not None
            # A key is handled meanwhile.
            await pilot.press_without_waiting("down")
            assert screen.query_one(PlanTree).current == "A1.2.2"
            # Looking for what others appended (the log grew) leaves the record to the command.
            app.catch_up()
            assert open_store.state.seq == seq and folds == []
        finally:
            release.set()
        await app.wait_for_commands()
        ui = threading.get_ident()
        assert synced_on and synced_on[0] != ui
        # Folded once, on the UI thread, and told about as nobody else's change.
        assert folds == [ui] and open_store.state.seq == seq + 1 == app.seq
        assert [n.text for n in open_store.state.plan("P1").notes_on("A1.2.1")] == ["Mijn notitie"]
        await pilot.pause()
        app.catch_up()
        assert open_store.state.seq == seq + 1 and app.messages == []
