"""The history screen: every change listed, filtered by keys, opened in detail, time travel."""

from __future__ import annotations

from tui_support import TODAY

from core import commands
from core.store import Store
from tui.screens.history import HistoryScreen
from tui.screens.history_detail import HistoryDetailScreen
from tui.screens.history_filter import HistoryFilterScreen
from tui.screens.plan import PlanScreen
from tui.widgets.history_filter import HistoryFilter
from tui.widgets.history_table import HistoryTable

MARKUP_NOTE = "Let op: [bold red]x[/] en \x1b[31mrood\x1b[0m"


async def open_history(pilot, plan_id: str | None = None) -> HistoryScreen:
    app = pilot.app
    app.push_screen(HistoryScreen(plan_id))
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, HistoryScreen)
    return screen


def line(screen: HistoryScreen, selector: str) -> str:
    return str(screen.query_one(selector).render())


def shown_text(table: HistoryTable) -> str:
    """What the table draws right now, line by line."""
    return "\n".join(table.render_line(y).text for y in range(table.size.height))


async def test_every_change_is_listed_newest_under_the_cursor(open_store: Store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(pilot)
        table = screen.query_one(HistoryTable)
        total = open_store.state.seq
        assert [e.seq for e in table.rows] == list(range(1, total + 1))
        assert table.current is not None and table.current.seq == total
        assert f"{total} of {total} changes" in line(screen, "#hist-title")
        assert f"log intact: {total} records, last hash {open_store.state.hash[:12]}" in line(
            screen, "#hist-verify"
        )
        # Only the rows in view are drawn; the last one is on screen.
        assert len(table.children) == 0
        assert "closed the plan" in shown_text(table)


async def test_filter_by_person_and_text_with_the_keyboard(open_store: Store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(pilot)
        table = screen.query_one(HistoryTable)
        await pilot.press("slash")
        assert isinstance(app.screen, HistoryFilterScreen)
        # The text field has the focus; the person select is two fields up.
        await pilot.press("shift+tab", "shift+tab", "enter", "down", "down", "enter")
        await pilot.press("tab", "tab", *"A1.1", "enter")
        await pilot.pause()
        assert app.screen is screen
        assert table.filter == HistoryFilter(actor="els", text="A1.1")
        expected = [
            e.seq
            for e in open_store.history()
            if e.actor == "els" and "a1.1" in f"{e.target} {e.describe()}".casefold()
        ]
        assert expected and [e.seq for e in table.rows] == expected
        assert f"{len(expected)} of {open_store.state.seq} changes" in line(screen, "#hist-title")
        assert "person: els" in line(screen, "#hist-filter")
        await pilot.press("x")  # clears the filter
        await pilot.pause()
        assert len(table.rows) == open_store.state.seq
        assert not table.filter.active
        await pilot.press("slash", *"zq", "enter")
        await pilot.pause()
        assert table.rows == []
        assert "No changes to show" in shown_text(table)
        await pilot.press("enter", "t")  # nothing selected: nothing happens
        assert app.screen is screen


async def test_filter_by_kind_and_plan(open_store: Store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(pilot)
        table = screen.query_one(HistoryTable)
        await pilot.press("slash")
        form = app.screen
        form.query_one("#histf-plan").value = "P2"
        form.query_one("#histf-kind").value = "action.planned"
        await pilot.press("ctrl+s")
        await pilot.pause()
        kinds = {(e.plan, e.kind) for e in table.rows}
        assert kinds == {("P2", "action.planned")}
        assert len(table.rows) == 3


async def test_detail_shows_user_text_literally_and_time_travels(open_store: Store, make_app):
    open_store.execute(lambda s: commands.add_note(s, "P1", "A1.1.3", text=MARKUP_NOTE))
    seq = open_store.state.seq
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(pilot)
        table = screen.query_one(HistoryTable)
        assert table.current is not None and table.current.seq == seq
        assert "Let op: [bold red]" in shown_text(table)
        assert "\x1b" not in shown_text(table)
        await pilot.press("enter")
        detail = app.screen
        assert isinstance(detail, HistoryDetailScreen)
        text = "\n".join(str(w.render()) for w in detail.query("#histd-body Static"))
        assert "Let op: [bold red]x[/] en \\x1b[31mrood\\x1b[0m" in text
        assert "\x1b" not in text
        assert "added a note to A1.1.3" in text
        await pilot.press("t")
        await pilot.pause()
        plan = app.screen
        assert isinstance(plan, PlanScreen)
        assert (plan.plan_id, plan.as_of) == ("P1", seq)


async def test_t_shows_the_plan_as_it_was_after_the_selected_change(open_store: Store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(pilot)
        table = screen.query_one(HistoryTable)
        completed = next(e for e in table.rows if e.kind == "action.completed")
        table.go_to(completed.seq)
        await pilot.press("t")
        await pilot.pause()
        plan = app.screen
        assert isinstance(plan, PlanScreen)
        assert (plan.plan_id, plan.as_of) == (completed.plan, completed.seq)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert table.current is not None and table.current.seq == completed.seq


async def test_history_of_one_plan(open_store: Store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(pilot, "P3")
        table = screen.query_one(HistoryTable)
        assert [e.plan for e in table.rows] == ["P3"] * 3
        assert "History of plan P3 — Tom Vos" in line(screen, "#hist-title")
        assert [c.key for c in table.columns(80)][:4] == ["seq", "time", "who", "what"]
        await pilot.press("slash")
        assert not app.screen.query("#histf-plan")  # the plan is fixed here


async def test_new_records_are_appended_without_a_rebuild(open_store: Store, store_path, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(pilot)
        table = screen.query_one(HistoryTable)
        entries, rows = table.entries, table.rows
        before = len(rows)
        # One change made here, one by another process that the app then catches up on.
        app.run_command(
            lambda s: commands.complete_action(s, "P1", "A1.1.4", on=TODAY, today=TODAY)
        )
        await app.wait_for_commands()
        with Store.open(store_path) as other:
            other.actor = "els"
            other.execute(lambda s: commands.add_note(s, "P2", "P2", text="Bel de mentor"))
        app.catch_up()
        await pilot.pause()
        assert table.entries is entries and table.rows is rows
        assert table.rebuilds == 0
        assert [e.kind for e in rows[before:]] == ["action.completed", "note.added"]
        assert rows[-1].actor == "els" and rows[-1].detail == "Bel de mentor"
        assert table.current is rows[-1]  # the cursor followed the end
        # A change that the filter hides is read but not shown.
        table.set_filter(HistoryFilter(plan="P1"))
        shown = len(table.rows)
        app.run_command(lambda s: commands.add_note(s, "P2", "P2", text="Nog een"))
        await pilot.pause()
        assert len(table.rows) == shown and len(table.entries) == open_store.state.seq
        assert table.rebuilds == 1


async def test_a_damaged_log_is_named_in_the_header(store_path, make_app):
    log = store_path / "events.log"
    data = bytearray(log.read_bytes())
    data[-5] ^= 0xFF  # flip a byte inside the last record
    log.write_bytes(bytes(data))
    with Store.open(store_path) as store:
        app = make_app(store)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_history(pilot)
            verdict = line(screen, "#hist-verify")
            last = len(list(store.records())) + 1
            assert f"log damaged at record {last}" in verdict
            assert "checksum" in verdict
            # The whole verdict is shown, wrapped under the title, never cut at 80 columns.
            shown = screen.query_one("#hist-verify")
            assert shown.size.height >= 2 and shown.has_class("-damaged")
            assert verdict.rstrip().endswith("writing)")
            app.messages.clear()
            await pilot.press("v")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert any(f"log damaged at record {last}" in m for m in app.messages)


async def test_v_verifies_again_and_says_what_it_found(open_store: Store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(pilot)
        app.messages.clear()  # what the automatic check found is not announced
        await pilot.press("v")
        await app.workers.wait_for_complete()
        await pilot.pause()
        total = open_store.state.seq
        assert app.messages == [
            f"✔ log intact: {total} records, last hash {open_store.state.hash[:12]}…"
        ]
        assert "log intact" in line(screen, "#hist-verify")
        assert not screen.query_one("#hist-verify").has_class("-damaged")


async def test_dutch(open_store: Store, make_app):
    app = make_app(open_store, lang="nl")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(pilot)
        total = open_store.state.seq
        assert f"{total} van {total} wijzigingen" in line(screen, "#hist-title")
        assert "logboek intact" in line(screen, "#hist-verify")
        assert "plan afgesloten" in shown_text(screen.query_one(HistoryTable))


LONG_REASON = (
    "The customer service desk moved to another building and the trainee cannot "
    "follow the order flow there until January, so this waits for the next plan."
)


async def test_narrow_rows_show_the_whole_change_and_the_reason(open_store: Store, make_app):
    open_store.execute(lambda s: commands.drop_action(s, "P2", "A1.1.1", reason=LONG_REASON))
    open_store.execute(lambda s: commands.plan_action(s, "P2", "A1.1.2", due=TODAY))
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(pilot)
        table = screen.query_one(HistoryTable)
        assert table.row_height == 2
        drawn = shown_text(table)
        # Under each entry, on a line of its own: before → after, then the reason (cut).
        assert "re-planned A1.1.2" in drawn and "06/11/2026 → 25/11/2026" in drawn
        assert "planned 06/11/2026 → n/a · “The customer service desk" in drawn
        assert LONG_REASON[-20:] not in drawn
        await pilot.press("up")  # the cursor's entry unfolds: the whole reason, wrapped
        drawn = " ".join(shown_text(table).split())
        assert f"planned 06/11/2026 → n/a · “{LONG_REASON}”" in drawn
        assert table.current is not None and table.current.target == "A1.1.1"
        await pilot.press("down")
        assert LONG_REASON[-20:] not in " ".join(shown_text(table).split())


async def test_wide_rows_keep_one_line_an_entry(open_store: Store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(160, 30)) as pilot:
        screen = await open_history(pilot)
        table = screen.query_one(HistoryTable)
        assert table.row_height == 1
        assert [c.key for c in table.columns(160)][-2:] == ["what", "change"]
        lines = shown_text(table).splitlines()
        closed = next(line for line in lines if "closed the plan" in line)
        assert "open → completed 24/07/2026 · “Klaar”" in closed


async def test_the_cursor_stays_in_view_over_two_line_rows(open_store: Store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(pilot)
        table = screen.query_one(HistoryTable)
        await pilot.press("home")
        assert table.current is not None and table.current.seq == 1
        assert round(table.scroll_y) == 0
        for _ in range(len(table.rows) - 1):
            await pilot.press("down")
            top = round(table.scroll_y)
            # The top line is always an entry's first, and the cursor's entry is in view.
            assert top % 2 == 0
            first = table.cursor * 2
            assert top <= first < top + table.scrollable_content_region.height - 1
