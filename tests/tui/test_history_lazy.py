"""The history of a large store is indexed, not materialised: only the entries looked at
are computed (from their own plan's records), and they equal the full history's."""

from __future__ import annotations

import random
from datetime import date

from more_support import ChainedRecords
from tui_support import PROFILE, Clock

from core import commands
from core import events as ev
from core.history_index import HistoryIndex
from core.store import Store
from tui.screens import history as history_screen
from tui.widgets import history_table
from tui.widgets.history_filter import HistoryFilter
from tui.widgets.history_table import HistoryTable

PLANS = 400
CHANGES = 60_000


def spread_over_plans(path, catalog) -> None:
    """PLANS new plans, then CHANGES notes and (re)planned dates spread over all of them,
    written in one go (each record chained to the one before, as the log requires)."""
    profile = catalog.get(PROFILE)
    records = ChainedRecords(path)
    state = records.state
    for i in range(PLANS):
        records.write(
            commands.create_plan(
                state, profile, trainee=f"Cursist {i}", start=date(2026, 9, 7), weeks=20
            ),
            "an",
        )
    plans = [p for p in state.plans if p not in ("P1", "P2", "P3")]
    for i in range(CHANGES):
        plan = plans[i % len(plans)]
        action = f"A1.1.{1 + (i // len(plans)) % 4}"
        if i % 2:
            event: ev.Event = ev.NoteAdded(plan=plan, target=action, text=f"verslag {i}")
        else:
            event = ev.ActionPlanned(plan=plan, action=action, due=date(2026, 12, 1 + i % 28))
        records.write(event, ("an", "els", "jan")[i % 3])
    records.flush()


def test_entries_on_demand_equal_the_full_history(open_store: Store):
    index = HistoryIndex(open_store)
    assert list(index.read(open_store.state.seq))[-1] == open_store.state.seq
    assert index.problem is None
    full = open_store.history()
    assert [index.entry(e.seq) for e in reversed(full)] == list(reversed(full))
    kinds = {e.kind for e in full}
    assert sorted(index.kinds.names) == sorted(kinds)
    els = [e.seq for e in full if e.actor == "els"]
    assert list(index.select(len(full), actor="els")) == els


async def test_a_large_history_shows_the_newest_without_computing_the_rest(
    store_path, make_app, catalog, monkeypatch
):
    spread_over_plans(store_path, catalog)
    # A text filter on this history runs in the background, streaming matches in.
    monkeypatch.setattr(history_table, "SYNC_SCAN", 1_000)
    monkeypatch.setattr(history_screen, "AUTO_VERIFY", 1_000)
    with Store.open(store_path, clock=Clock()) as store:
        store.actor = "an"
        total = store.state.seq
        assert total > CHANGES + PLANS
        app = make_app(store)
        async with app.run_test(size=(100, 30)) as pilot:
            app.push_screen(history_screen.HistoryScreen())
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            screen = app.screen
            table = screen.query_one(HistoryTable)
            index = screen.index
            assert len(table.entries) == len(table.rows) == total
            assert table.current is not None and table.current.seq == total
            assert f"verslag {CHANGES - 1}" in "\n".join(
                table.render_line(y).text for y in range(table.size.height)
            )
            # Drawn again from nothing, the window folds only the records of its own plans.
            index.folded = 0
            index._cache.clear()
            table._cache.clear()
            table.refresh()
            await pilot.pause()
            per_plan = CHANGES // PLANS + 1
            assert 0 < index.folded <= table.size.height * per_plan < total // 10
            assert len(index._cache) <= index.folded
            assert type(table.rows.seqs).__name__ == "array"
            # Verifying 60k records waits for v on a history this long.
            assert "Press v to verify" in str(screen.query_one("#hist-verify").render())
            await pilot.press("v")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert "log intact" in str(screen.query_one("#hist-verify").render())

            # Entries computed anywhere equal the full history's ("before" values included).
            full = store.history()
            for seq in random.Random(5).sample(range(1, total + 1), 200):
                assert table.entry(seq) == full[seq - 1]
            assert any(e.kind == "action.planned" and e.before not in ("", "-") for e in full)

            # A kind and person filter needs no entries; a text one streams in.
            table.set_filter(HistoryFilter(actor="els", kind="note.added"))
            expected = [e.seq for e in full if e.actor == "els" and e.kind == "note.added"]
            assert list(table.rows.seqs) == expected
            folded, cached = index.folded, len(index._cache)
            await pilot.press("x", "slash", *"verslag 5999", "enter")
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            texts = [f"verslag {i}" for i in range(1, CHANGES, 2)]
            assert [e.detail for e in table.rows] == [t for t in texts if "verslag 5999" in t]
            assert index.folded > folded  # searched every plan...
            # ...keeping only what was drawn of what it computed.
            assert len(index._cache) <= cached + table.size.height * per_plan
            assert not screen.searching
            # A new change that matches is appended; nothing is rebuilt.
            rebuilds, rows = table.rebuilds, table.rows
            app.run_command(lambda s: commands.add_note(s, "P1", "P1", text="verslag 59990 bis"))
            await pilot.pause()
            assert table.rows is rows and table.rebuilds == rebuilds
            assert rows[-1].detail == "verslag 59990 bis"
            assert len(table.entries) == total + 1
            assert table.current is rows[-1]
            # The unfiltered view is back at once.
            await pilot.press("x")
            await pilot.pause()
            assert len(table.rows) == total + 1


async def test_t_and_details_still_work_on_entries_computed_on_demand(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(history_screen.HistoryScreen("P1"))
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one(HistoryTable)
        assert {e.plan for e in table.rows} == {"P1"}
        first = table.rows[0]
        table.go_to(first.seq)
        assert table.current is first
        assert table.entry(10**6) is None
