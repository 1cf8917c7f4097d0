"""The history reads the log from the newest record back: the newest rows need only
their own plans' records, the oldest are read on demand, and what others append while
the screen is open arrives as the newest row."""

from __future__ import annotations

from datetime import date, timedelta

from more_support import ChainedRecords
from tui_support import PROFILE, Clock

from core import commands, history_index
from core import events as ev
from core.erasure import erase
from core.history_index import HistoryIndex
from core.store import Store
from tui import app as app_module
from tui.screens.history import HistoryScreen
from tui.widgets.history_table import HistoryTable

PLANS = 6
NOTES = 30


def plans_one_after_another(path, catalog) -> list[int]:
    """PLANS new plans, each followed by NOTES notes on it and a planned action (written in
    one go, chained); returns the seq each new plan was created at."""
    profile = catalog.get(PROFILE)
    records = ChainedRecords(path, timedelta(minutes=1))
    created: list[int] = []
    for i in range(PLANS):
        event = commands.create_plan(
            records.state, profile, trainee=f"Cursist {i}", start=date(2026, 9, 7), weeks=20
        )
        created.append(records.write(event, "an"))
        for n in range(NOTES):
            records.write(ev.NoteAdded(plan=event.plan, target=event.plan, text=f"week {n}"), "els")
        # Its entry (before -> after) needs the plan's records from its creation.
        action = event.structure.job[0].rows[0].actions[0].id
        records.write(ev.ActionPlanned(plan=event.plan, action=action, due=date(2026, 9, 14)), "an")
    records.flush()
    return created


def test_the_newest_entry_reads_back_only_to_its_plans_start(store_path, catalog, monkeypatch):
    created = plans_one_after_another(store_path, catalog)
    monkeypatch.setattr(history_index, "COVER_BATCH", 5)
    with Store.open(store_path) as store:
        total = store.state.seq
        full = store.history()
        index = HistoryIndex(store)
        reading = index.read(total, batch=7)
        assert next(reading) == total == index.count
        assert index.unread == total  # the newest is known, no head read yet
        # The last page: the newest entry folds its own plan, read back to its creation.
        assert full[-1].kind == "action.planned"
        assert index.entry(total) == full[-1]
        assert created[-2] < index.low <= created[-1]
        assert index.entry(created[-1]) == full[created[-1] - 1]
        # The first page: the oldest entry reads back to the start.
        assert index.entry(1) == full[0]
        assert index.unread == 0
        assert list(reading)[-1] == total
        assert [index.entry(e.seq) for e in full] == full
        assert list(index.select(total, actor="els")) == [e.seq for e in full if e.actor == "els"]
        assert list(index.seqs_of_plan("P1")) == [e.seq for e in full if e.plan == "P1"]


def test_heads_read_back_from_any_byte_equal_the_records(store_path, catalog):
    plans_one_after_another(store_path, catalog)
    with Store.open(store_path) as store:
        source = store.backend.history_source()
        low = source.start(store.state.seq) + 1
        found: list[tuple[int, str, str, str]] = []
        while low > 1:
            # One record's worth of bytes: a new plan's record is larger, so more is read.
            low, heads = source.older(low, 1)
            found[0:0] = heads
        expected = [
            (r.seq, getattr(r.event, "plan", ""), r.actor, ev.event_tag(r.event))
            for r, _ in store.records()
        ]
        assert found == expected
        assert source.newer(store.state.seq, store.state.seq) == []


async def test_home_end_and_a_change_by_someone_else(store_path, catalog, make_app, monkeypatch):
    plans_one_after_another(store_path, catalog)
    monkeypatch.setattr(app_module, "SYNC_HISTORY", 0)  # read in the background
    with Store.open(store_path, clock=Clock()) as store:
        store.actor = "an"
        full = store.history()
        total = len(full)
        app = make_app(store)
        async with app.run_test(size=(100, 30)) as pilot:
            app.push_screen(HistoryScreen())
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            table = app.screen.query_one(HistoryTable)
            assert len(table.rows) == total
            assert table.current == full[-1]
            await pilot.press("home")
            assert table.current == full[0]
            await pilot.press("pagedown")
            assert table.current == full[table._page]
            await pilot.press("end")
            assert table.current == full[-1]
            # Another member adds a note: it becomes the newest row, under the cursor.
            with Store.open(store_path, clock=Clock()) as other:
                other.actor = "jan"
                other.execute(lambda s: commands.add_note(s, "P1", "P1", text="van Jan"))
            app.catch_up()
            await pilot.pause()
            assert len(table.rows) == total + 1
            assert table.current is not None
            assert (table.current.seq, table.current.actor) == (total + 1, "jan")
            assert table.current.detail == "van Jan"
            await pilot.press("home")
            assert table.current == full[0]


def test_an_erased_plans_texts_stay_unreadable_read_back(store_path, catalog):
    plans_one_after_another(store_path, catalog)
    with Store.open(store_path) as store:
        note = store.execute(lambda s: commands.add_note(s, "P1", "P1", text="Geheim verslag"))
        erase(store, "P1", reason="bewaartermijn", force=True)
    with Store.open(store_path) as store:
        index = HistoryIndex(store)
        reading = index.read(store.state.seq)
        next(reading)
        assert index.entry(note.seq).detail == "[erased]"
        assert index.entry(store.state.seq).kind == "plan.erased"
        assert dict(index.entry(1).params)["trainee"] == "[erased]"
        assert "Geheim" not in repr([index.entry(s) for s in index.seqs_of_plan("P1")])
