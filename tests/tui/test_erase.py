"""Erasing a plan from the UI (E): the confirmation, its refusals, an erasure by someone else."""

from __future__ import annotations

import asyncio

from test_live import leerpad, wait_for
from textual.widgets import Static

from core import access
from core.erasure import erase
from core.history_index import HistoryIndex
from core.store import Store
from tui.screens.dashboard import DashboardScreen
from tui.screens.erase_form import EraseForm
from tui.screens.history import HistoryScreen
from tui.screens.plan import PlanScreen
from tui.screens.text_form import TextForm
from tui.widgets.banner import Banner, TitleBar
from tui.widgets.detail import DetailPane
from tui.widgets.history_table import HistoryTable
from tui.widgets.plan_table import PlanTable
from tui.widgets.plan_tree import PlanTree

ERASED = "erased on 25/11/2026 by an"
"""The open store's clock writes the erasure on 25/11/2026; the actor is an."""


async def open_plan(pilot, plan: str) -> PlanScreen:
    pilot.app.push_screen(PlanScreen(plan))
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, PlanScreen)
    return screen


def shown(screen: PlanScreen) -> str:
    """What the plan screen shows of the plan: title, banner, tree labels and detail pane."""
    parts = [str(screen.query_one(TitleBar).render()), str(screen.query_one(Banner).render())]
    tree = screen.query_one(PlanTree)
    parts += [str(node.label) for node in tree._by_id.values()]
    parts.append(str(screen.query_one(DetailPane).query_one("#detail-text").render()))
    return "\n".join(parts)


def history_text(screen: HistoryScreen) -> str:
    table = screen.query_one(HistoryTable)
    table.cursor = 0
    lines = []
    for row in range(len(table.rows)):
        entry = table.rows[row]
        lines.append(f"{entry.seq} {entry.actor} {entry.describe()} {entry.after} {entry.detail}")
    return "\n".join(lines)


async def test_a_closed_plan_is_erased_after_its_reason_and_shows_as_erased(open_store, make_app):
    before = len(open_store.history())
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_plan(pilot, "P3")
        await pilot.press("E")
        form = app.screen
        assert isinstance(form, EraseForm)
        # The confirmation names the plan and its trainee and says it cannot be undone.
        title = str(form.query_one("#form-title", Static).render())
        assert "P3" in title and "Tom Vos" in title
        assert "cannot be undone" in str(form.query_one("#erase-warning", Static).render())
        assert not form.query("#confirm")  # closed: no extra confirmation
        await pilot.press(*"retention period ended", "enter")
        assert app.screen is screen
        plan = open_store.state.plan("P3")
        assert plan.erased is not None and plan.erased.reason == "retention period ended"
        assert plan.erased.actor == "an"
        text = shown(screen)
        assert ERASED in text and "Tom Vos" not in text and "Klaar" not in text
        assert "[erased]" in text
    # Every change is still in the history, with its actor and time.
    history = open_store.history()
    assert len(history) == before + 1
    assert [e.actor for e in history if e.plan == "P3"][:2] == ["an", "an"]
    assert history[-1].kind == "plan.erased" and history[-1].actor == "an"


async def test_escape_cancels_and_an_empty_reason_is_refused(open_store, make_app):
    seq = open_store.state.seq
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(pilot, "P3")
        await pilot.press("E", "escape")
        assert isinstance(app.screen, PlanScreen)
        await pilot.press("E", "enter")
        form = app.screen
        assert isinstance(form, EraseForm)
        assert form.query_one("#reason").has_class("-invalid")
        await pilot.press("ctrl+s")
        assert app.screen is form
    assert open_store.state.seq == seq and open_store.state.plan("P3").erased is None


async def test_an_open_plan_needs_its_id_typed_again(open_store, make_app):
    seq = open_store.state.seq
    app = make_app(open_store, lang="nl")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_plan(pilot, "P1")
        await pilot.press("E", *"verzoek van de cursist", "enter")
        form = app.screen
        assert isinstance(form, EraseForm) and form.query("#confirm")
        await pilot.press("enter")  # nothing typed: refused
        assert app.screen is form and form.query_one("#confirm").has_class("-invalid")
        await pilot.press(*"P2", "ctrl+s")  # another plan's id: refused
        assert app.screen is form
        assert open_store.state.seq == seq
        await pilot.press("backspace", "backspace", *"p1", "enter")
        assert app.screen is screen
        plan = open_store.state.plan("P1")
        assert plan.erased is not None and plan.closed is None
        text = shown(screen)
        assert "gewist op 25/11/2026 door an" in text and "[gewist]" in text
        assert "Jan Peeters" not in text and "Gaat vlot" not in text
        assert "✗ gewist op" in text and "op schema" not in text and "achter" not in text


async def test_only_an_administrator_may_erase_when_roles_are_on(open_store, make_app):
    yes = {"user_exists": lambda _: True}
    open_store.execute(lambda s: access.grant(s, "an", "admin", **yes))
    open_store.execute(lambda s: access.grant(s, "els", "mentor", all_plans=True, **yes))
    open_store.actor = "els"
    seq = open_store.state.seq
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(pilot, "P3")
        await pilot.press("E")
        assert isinstance(app.screen, PlanScreen)  # no form: the refusal comes first
        assert any("els may not erase a plan" in m for m in app.messages), app.messages
        assert open_store.state.seq == seq
        open_store.actor = "an"
        await pilot.press("E", *"bewaartermijn", "enter")
        assert open_store.state.plan("P3").erased is not None


async def test_the_dashboard_erases_the_plan_under_the_cursor(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.screen.query_one(PlanTable)
        await pilot.press("down")  # sorted by trainee: Jan Peeters, Sara El Amrani, Tom Vos
        assert table.current_plan == "P2"
        await pilot.press("E", *"request", "enter", *"P2", "enter")
        assert isinstance(app.screen, DashboardScreen)
        assert open_store.state.plan("P2").erased is not None
        rows = [" ".join(table.cells(plan)) for plan in table.row_ids]
        # Who erased it comes first: at 80 columns the trainee's column still shows it.
        erased = [row for row in rows if row.startswith("[erased] by an, ")]
        assert len(erased) == 1 and "✗ erased" in erased[0]
        assert not any("Sara El Amrani" in row for row in rows)
        await pilot.press("slash", *"by an")
        assert table.row_ids == ["P2"]


async def test_an_erasure_elsewhere_closes_the_form_and_shows_the_plan_erased(
    open_store, make_app, store_path
):
    app = make_app(open_store, watch_log=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_plan(pilot, "P1")
        await pilot.press("h")  # the history computes (and keeps) P1's entries, with texts
        # The log is read in a thread; wait for it, not for a time.
        assert await wait_for(pilot, lambda: "Gaat vlot" in history_text(app.screen))
        await pilot.press("escape", "m", *"half a note")
        assert isinstance(app.screen, TextForm)
        process = leerpad(store_path, "plan", "erase", "P1", "--reason", "request", "--force")
        _, err = await asyncio.to_thread(process.communicate)
        assert process.returncode == 0, err.decode()
        assert await wait_for(pilot, lambda: open_store.state.plan("P1").erased is not None)
        assert await wait_for(pilot, lambda: app.screen is screen)
        await pilot.pause()
        text = shown(screen)
        assert "erased on" in text and "Jan Peeters" not in text and "Gaat vlot" not in text
        assert app.history_index.forgotten == 1  # what it computed of P1 before is dropped
        await pilot.press("h")
        assert isinstance(app.screen, HistoryScreen)
        assert await wait_for(pilot, lambda: "[erased]" in history_text(app.screen))
        history = history_text(app.screen)
        assert "Gaat vlot" not in history and "Jan Peeters" not in history
        assert "[erased]" in history and "erased the plan's personal data" in history
    # Nothing of the half-written note was saved.
    assert not any(n.text == "half a note" for n in open_store.state.plan("P1").notes)


def test_the_erasing_command_is_the_cores(open_store):
    """The screen's check and the core agree: an erased plan cannot be erased again."""
    from tui.screens.erase_form import needs_force, refusal

    assert needs_force(open_store.state, "P1") and not needs_force(open_store.state, "P3")
    assert refusal(open_store, "P3") is None
    erase(open_store, "P3", reason="x")
    assert "was erased" in (refusal(open_store, "P3") or "")
    assert refusal(open_store, "P9") is not None
    with Store.open(open_store.path) as other:
        assert other.state.plan("P3").erased is not None


def test_history_entries_computed_before_an_erasure_are_dropped(open_store):
    index = HistoryIndex(open_store)
    list(index.read(open_store.state.seq))
    note = next(s for s in index.seqs_of_plan("P1") if index.kind_of(s) == "note.added")
    assert "Gaat vlot" in index.entry(note).detail
    erase(open_store, "P1", reason="x", force=True)
    index.forget_plan("P1")
    assert index.entry(note).detail == "[erased]"


async def test_a_plan_reopened_while_the_form_is_open_is_not_erased_without_asking(
    open_store, make_app
):
    """The form asked no confirmation for a closed plan; reopened meanwhile, saving says how to
    confirm in the app (not the CLI's --force) and writes nothing."""
    from core.commands import reopen_plan

    seq = open_store.state.seq
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(pilot, "P3")
        await pilot.press("E", *"retention")
        form = app.screen
        assert isinstance(form, EraseForm) and not form.query("#confirm")
        with Store.open(open_store.path) as other:
            other.execute(lambda s: reopen_plan(s, "P3", reason="one more week"))
        open_store.refresh()
        await pilot.press("enter")
        assert app.screen is form
        problem = str(form.query_one("#form-problem", Static).render())
        assert "reopened" in problem and "--force" not in problem
    assert open_store.state.plan("P3").erased is None
    assert open_store.state.seq == seq + 1  # only the reopening


async def test_an_entry_open_in_full_closes_when_its_plan_is_erased_elsewhere(
    open_store, make_app, store_path
):
    from tui.screens.history_detail import HistoryDetailScreen

    app = make_app(open_store, watch_log=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("h")
        history = app.screen
        assert isinstance(history, HistoryScreen)
        assert await wait_for(pilot, lambda: "Gaat vlot" in history_text(history))
        table = history.query_one(HistoryTable)
        rows = [table.rows[i] for i in range(len(table.rows))]
        table.cursor = next(i for i, e in enumerate(rows) if "Gaat vlot" in f"{e.after} {e.detail}")
        await pilot.press("enter")
        assert isinstance(app.screen, HistoryDetailScreen)
        process = leerpad(store_path, "plan", "erase", "P1", "--reason", "request", "--force")
        _, err = await asyncio.to_thread(process.communicate)
        assert process.returncode == 0, err.decode()
        assert await wait_for(pilot, lambda: app.screen is history)
        assert "Gaat vlot" not in history_text(history)
