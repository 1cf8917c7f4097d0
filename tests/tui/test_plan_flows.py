"""The plan screen's keys, each checked on what the store holds afterwards."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

from tui_support import TODAY

from core import commands
from core import events as ev
from core.store import Store
from tui.screens.date_form import DateForm
from tui.screens.plan import PlanScreen
from tui.screens.text_form import TextForm
from tui.widgets.detail import DetailPane
from tui.widgets.fields import DateField
from tui.widgets.find_bar import FindBar
from tui.widgets.plan_tree import PlanTree


def last_event(store: Store) -> ev.Event:
    store.refresh()
    rec = list(store.records())[-1][0]
    return rec.event


async def open_plan(pilot, plan_id: str = "P1", node: str | None = None) -> PlanScreen:
    app = pilot.app
    app.push_screen(PlanScreen(plan_id))
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, PlanScreen)
    if node is not None:
        screen.query_one(PlanTree).select(node)
        # The pane follows the cursor through a message chain that may take more than one
        # pass of the message loop on a busy machine.
        for _ in range(50):
            await pilot.pause()
            if screen._shown_node == node:
                break
        assert screen.selected == node
    return screen


def detail_text(screen: PlanScreen) -> str:
    return str(screen.query_one(DetailPane).query_one("#detail-text").render())


async def test_plan_an_action_with_a_typed_date(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(pilot, node="A1.2.2")
        seq = open_store.state.seq
        await pilot.press("p")
        assert isinstance(app.screen, DateForm)
        await pilot.press(*"1/12")
        await pilot.pause()
        understood = str(app.screen.query_one(DateField).query_one(".field--message").render())
        assert "Tuesday 01/12/2026" in understood
        assert open_store.state.seq == seq  # nothing written while typing
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        event = last_event(open_store)
        assert isinstance(event, ev.ActionPlanned)
        assert (event.action, event.due) == ("A1.2.2", date(2026, 12, 1))
        assert "planned 01/12" in str(app.screen.query_one(PlanTree).cursor_node.label)


async def test_mark_done_defaults_to_today(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(pilot, node="A1.1.4")
        await pilot.press("d", "enter")
        await pilot.pause()
        event = last_event(open_store)
        assert isinstance(event, ev.ActionCompleted)
        assert (event.action, event.on) == ("A1.1.4", TODAY)
        assert open_store.state.plan("P1").action("A1.1.4").done_on == TODAY


async def test_a_future_completion_date_is_refused_in_the_form(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(pilot, node="A1.1.4")
        seq = open_store.state.seq
        await pilot.press("d", *"+2d", "enter")  # typing replaces "today"
        await pilot.pause()
        assert isinstance(app.screen, DateForm)  # still open, with the reason
        message = str(app.screen.query_one(DateField).query_one(".field--message").render())
        assert "in the future" in message
        await pilot.press("escape")
        await pilot.pause()
        assert open_store.state.seq == seq


async def test_reopen_asks_for_a_reason(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(pilot, node="A1.1.1")
        await pilot.press("r")
        assert isinstance(app.screen, TextForm)
        await pilot.press("enter")  # empty: refused in the form
        await pilot.pause()
        assert isinstance(app.screen, TextForm)
        await pilot.press(*"Nog eens oefenen", "enter")
        await pilot.pause()
        event = last_event(open_store)
        assert isinstance(event, ev.ActionReopened)
        assert (event.action, event.reason) == ("A1.1.1", "Nog eens oefenen")


async def test_a_key_that_does_not_apply_says_why(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(pilot, node="A1.1.4")
        seq = open_store.state.seq
        await pilot.press("r")  # A1.1.4 is not done
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        assert any("A1.1.4 is not done" in m for m in app.messages)
        app.screen.query_one(PlanTree).select("A1")
        await pilot.press("d")
        assert any("Select a training action first" in m for m in app.messages)
        assert open_store.state.seq == seq


async def test_drop_and_restore(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_plan(pilot, node="A1.2.2")
        await pilot.press("x", *"Geen CRM", "enter")
        await pilot.pause()
        event = last_event(open_store)
        assert isinstance(event, ev.ActionDropped)
        assert (event.action, event.reason) == ("A1.2.2", "Geen CRM")
        assert "n/a" in str(screen.query_one(PlanTree).cursor_node.label)
        await pilot.press("x")  # restores at once
        await pilot.pause()
        event = last_event(open_store)
        assert isinstance(event, ev.ActionRestored)
        assert open_store.state.plan("P1").action("A1.2.2").dropped is None


async def test_add_an_own_action_under_a_row(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_plan(pilot, node="A1.3")
        await pilot.press("a")
        assert isinstance(app.screen, TextForm)
        await pilot.press(*"Rollenspel klachten", "enter", *"met de mentor", "ctrl+s")
        await pilot.pause()
        event = last_event(open_store)
        assert isinstance(event, ev.ActionAdded)
        assert (event.row, event.action) == ("A1.3", "A1.3.3")
        assert event.text == "Rollenspel klachten\nmet de mentor"
        assert screen.selected == "A1.3.3"  # the cursor goes to the new action


async def test_note_on_the_selected_node(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_plan(pilot, node="A1.1.4")
        await pilot.press("m", *"Oefent [b]veel[/b]", "ctrl+s")
        await pilot.pause()
        event = last_event(open_store)
        assert isinstance(event, ev.NoteAdded)
        assert (event.target, event.text) == ("A1.1.4", "Oefent [b]veel[/b]")
        assert "Oefent [b]veel[/b]" in detail_text(screen)


async def test_edit_details_writes_only_what_changed(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(pilot, node="P1")
        await pilot.press("i")
        await pilot.pause()
        company = app.screen.query_one("#company-input")
        company.value = "Bakkerij Peeters en zonen"
        await pilot.press("ctrl+s")
        await pilot.pause()
        event = last_event(open_store)
        assert isinstance(event, ev.PlanDetailsEdited)
        assert event.company == "Bakkerij Peeters en zonen"
        assert event.trainee is None and event.start is None and event.weeks is None


async def test_cursor_and_expansion_survive_a_refresh(open_store, make_app, store_path):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_plan(pilot, node="A1.1.1")  # opens A1.1
        tree = screen.query_one(PlanTree)
        tree.select("A1.2.1")
        await pilot.pause()
        line = tree.cursor_line
        expanded = {n.data for n in tree._by_id.values() if n.is_expanded}
        # Someone else adds an own action to the open row above the cursor.
        with Store.open(store_path) as other:
            other.actor = "jan"
            other.execute(lambda s: commands.add_action(s, "P1", "A1.1", text="Extra oefening"))
        app.catch_up()
        await pilot.pause()
        assert screen.selected == "A1.2.1"
        assert tree.cursor_line == line + 1  # one line more above it
        assert {n.data for n in tree._by_id.values() if n.is_expanded} == expanded
        assert "A1.1.6" in tree._by_id
        assert "jan added own action A1.1.6" in app.change_notices.text


async def test_export_writes_the_plan_document(open_store, make_app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app(open_store, lang="nl")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(pilot, node="P1")
        await pilot.press("o")
        await pilot.pause()
        path_input = app.screen.query_one("#path-input")
        assert path_input.value == "opleidingsplan-P1-jan-peeters.docx"
        path_input.value = "plan.md"
        app.screen.query_one("#fmt").value = "md"
        await pilot.press("ctrl+s")
        target = tmp_path / "plan.md"
        for _ in range(50):
            if any("geschreven" in m for m in app.messages):
                break
            await pilot.pause(0.1)
        assert target.exists()
        assert "Jan Peeters" in target.read_text(encoding="utf-8")
        assert any(str(target) in m for m in app.messages)


async def test_find_jumps_to_a_node_by_id_or_text(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_plan(pilot)
        await pilot.press("slash", *"a1.2")
        await pilot.pause()
        bar = screen.query_one(FindBar)  # mounted on the first slash
        assert screen.selected == "A1.2"  # opened on the way
        assert bar.status == "A1.2 · 1 of 5 · ↓↑ enter esc"
        await pilot.press("down")
        assert screen.selected == "A1.2.1"
        await pilot.press("up", "up")  # wraps round to the last match
        assert screen.selected == "A1.2.4"
        await pilot.press("ctrl+a", "ctrl+k", *"klantenfiches")  # words from the own action
        await pilot.pause()
        assert screen.selected == "A1.2.4"
        await pilot.press("enter")  # stay there
        assert not bar.active
        assert screen.query_one(PlanTree).has_focus
        assert screen.selected == "A1.2.4"
        await pilot.press("left", "left")  # and the tree keys work again
        assert screen.selected == "A1.2"
        assert app.messages == []  # the status line said it all, no notices


async def test_find_escape_goes_back_to_where_the_search_began(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_plan(pilot)
        tree = screen.query_one(PlanTree)
        await pilot.press("down", "down")
        before = tree.remember()
        start = screen.selected
        await pilot.press("slash", *"a3.2", "down", "down")
        await pilot.pause()
        assert screen.selected.startswith("A3.2") and tree.remember() != before
        await pilot.press(*"xyz")  # no match: the tree is as it was, the line says so
        await pilot.pause()
        assert screen.query_one(FindBar).status == "nothing matches “a3.2xyz”"
        assert tree.remember() == before
        await pilot.press("backspace", "backspace", "backspace")
        assert screen.selected.startswith("A3.2")
        await pilot.press("escape")
        assert isinstance(app.screen, PlanScreen)  # escape closed the find line only
        assert screen.selected == start and tree.remember() == before
        assert tree.has_focus
        assert app.messages == []


async def test_keys_that_open_the_other_screens_pass_the_plan_and_subject(open_store, make_app):
    from tui.screens.evaluation import EvaluationScreen
    from tui.screens.history import HistoryScreen
    from tui.screens.signoff import SignOffScreen

    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_plan(pilot, node="E1")
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SignOffScreen)
        assert (app.screen.plan_id, app.screen.subject) == ("P1", "E1")
        app.pop_screen()
        screen.query_one(PlanTree).select("A1.1.1")
        await pilot.press("s")
        await pilot.pause()
        assert app.screen.subject == "plan"
        app.pop_screen()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EvaluationScreen)
        app.pop_screen()
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen) and app.screen.plan_id == "P1"


async def test_close_and_reopen_the_plan(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_plan(pilot)
        await pilot.press("C")
        await pilot.pause()
        assert app.screen is not screen  # the close form
        await pilot.press("tab", "tab", *"Werk gevonden", "ctrl+s")
        await pilot.pause()
        event = last_event(open_store)
        assert isinstance(event, ev.PlanClosed)
        assert (event.outcome, event.on, event.reason) == ("completed", TODAY, "Werk gevonden")
        assert app.screen is screen
        seq = open_store.state.seq
        await pilot.press("d")  # a closed plan takes no changes; the key says why
        await pilot.pause()
        assert open_store.state.seq == seq
        await pilot.press("C", *"Toch verder", "enter")
        await pilot.pause()
        event = last_event(open_store)
        assert isinstance(event, ev.PlanReopened) and event.reason == "Toch verder"
        assert open_store.state.plan("P1").closed is None


def footer_keys(screen) -> dict[str, bool]:
    """What the footer shows: key -> can act (False: dimmed)."""
    return {
        key: active.enabled for key, active in screen.active_bindings.items() if active.binding.show
    }


async def test_footer_at_80_columns_keeps_back_and_dims_what_cannot_act(open_store, make_app):
    for lang in ("en", "nl"):
        app = make_app(open_store, lang=lang)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_plan(pilot)
            shown = footer_keys(screen)
            assert {"e", "s", "o", "C", "escape"} <= set(shown)  # on the plan itself
            screen.query_one(PlanTree).select("A1.1.1")  # done
            await pilot.pause()
            shown = footer_keys(screen)
            assert {"p", "d", "r", "x", "escape"} <= set(shown)
            assert shown["d"] is False and shown["r"] is True  # done: d dimmed, not hidden
            await pilot.press("d")  # and pressing it says why
            assert app.messages and "A1.1.1" in app.messages[-1]
            # Everything shown fits on the line beside the palette's hint.
            from textual.widgets import Footer

            keys = list(screen.query_one(Footer).query("FooterKey"))
            assert len(keys) == len(shown) + 1  # and the palette's
            assert all(k.region.width > 0 and k.region.right <= 80 for k in keys)
            right = sorted(keys, key=lambda k: k.region.x)
            assert all(a.region.right <= b.region.x for a, b in pairwise(right))


async def test_the_footer_is_rebuilt_only_when_its_keys_change(open_store, make_app):
    from textual.widgets import Footer

    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_plan(pilot, node="A1.1.1")  # done
        footer = screen.query_one(Footer)

        async def footer_d():
            # Rebuilt when asked to (as on every focus move), or not.
            footer.call_next(footer.recompose)
            await pilot.pause()
            (key,) = [k for k in footer.query("FooterKey") if k.key == "d"]
            return key

        before = await footer_d()
        assert before.has_class("-disabled")
        assert await footer_d() is before  # the same keys to show: kept
        screen.query_one(PlanTree).select("A1.2.2")  # open: d can act
        await pilot.pause()
        after = await footer_d()
        assert after is not before and not after.has_class("-disabled")


async def test_export_walks_the_plan_on_the_ui_thread_and_writes_in_a_worker(
    open_store, make_app, tmp_path, monkeypatch
):
    import threading

    import tui.screens.export_form as export_form

    threads: dict[str, int] = {}
    render, write = export_form.render_plan, export_form.write_atomic

    def rendered(*args, **kwargs):
        threads["render"] = threading.get_ident()
        return render(*args, **kwargs)

    def written(*args, **kwargs):
        threads["write"] = threading.get_ident()
        return write(*args, **kwargs)

    monkeypatch.setattr(export_form, "render_plan", rendered)
    monkeypatch.setattr(export_form, "write_atomic", written)
    monkeypatch.chdir(tmp_path)
    app = make_app(open_store, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(pilot, node="P1")
        await pilot.press("o")
        await pilot.pause()
        app.screen.query_one("#path-input").value = "plan.md"
        app.screen.query_one("#fmt").value = "md"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert (tmp_path / "plan.md").exists()
    # The state is only changed on the UI thread, so only that thread may walk it.
    assert threads["render"] == threading.main_thread().ident
    assert threads["write"] != threads["render"]
