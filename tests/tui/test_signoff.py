"""The sign-off form signs exactly the version it shows; the sign-off lines say when it aged."""

from __future__ import annotations

from tui_support import TODAY

from core import commands
from core import events as ev
from core.i18n import set_language
from core.planview import build
from core.store import Store
from tui.screens.signoff import RoleButton, SignOffScreen
from tui.widgets.detail import describe


async def open_form(pilot, plan_id: str = "P1", subject: str = "plan") -> SignOffScreen:
    pilot.app.push_screen(SignOffScreen(plan_id, subject))
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, SignOffScreen)
    return screen


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


def last_event(store: Store) -> ev.Event:
    store.refresh()
    return list(store.records())[-1][0].event


async def test_sign_off_the_plan_as_consultant(open_store: Store, make_app):
    plan = open_store.state.plan("P1")
    version, version_hash = plan.version, plan.version_hash
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot)
        assert f"You sign: plan P1 as of change {version}, hash {version_hash[:8]}…" in text(
            screen, "#sign-what"
        )
        # The mentor signed this very version already: that choice is closed, and says why.
        mentor = screen.query_one("#role-mentor", RoleButton)
        assert mentor.disabled and "already signed this version (an," in str(mentor.label)
        seq = open_store.state.seq
        await pilot.press("ctrl+s")  # no role chosen yet
        await pilot.pause()
        assert "Choose a role." in text(screen, "#sign-role-error")
        assert open_store.state.seq == seq
        await pilot.press("enter")  # the first role that can be chosen: consultant
        screen.query_one("#sign-remark").focus()
        await pilot.press(*"Ok [b]", "ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, SignOffScreen)
        event = last_event(open_store)
        assert isinstance(event, ev.SignedOff)
        assert (event.role, event.subject, event.remark) == ("consultant", "plan", "Ok [b]")
        assert (event.covers_seq, event.covers_hash) == (version, version_hash)


async def test_a_change_while_signing_is_shown_and_never_signed_unseen(
    open_store: Store, store_path, make_app
):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot)
        shown = open_store.state.plan("P1").version
        await pilot.press("down", "enter")  # trainee
        # Someone else completes an action; this app has not looked at the log yet.
        with Store.open(store_path) as other:
            other.actor = "els"
            other.execute(
                lambda s: commands.complete_action(s, "P1", "A1.1.4", on=TODAY, today=TODAY)
            )
        seq = open_store.state.seq
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SignOffScreen)  # refused, the form stays
        assert any("The plan changed while you were signing" in m for m in app.messages)
        assert open_store.state.seq == seq + 1  # the other change, and no sign-off
        new = open_store.state.plan("P1").version
        assert new != shown
        assert f"as of change {new}," in text(screen, "#sign-what")
        await pilot.press("ctrl+s")  # now it is the version on screen
        await pilot.pause()
        event = last_event(open_store)
        assert isinstance(event, ev.SignedOff)
        assert (event.role, event.covers_seq) == ("trainee", new)


async def test_sign_off_an_evaluation_in_dutch(open_store: Store, make_app):
    app = make_app(open_store, lang="nl")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, "P1", "E1")
        assert "Je tekent af: evaluatie E1 van plan P1 (16/10/2026)" in text(screen, "#sign-what")
        assert str(screen.query_one("#role-mentor", RoleButton).label) == "begeleider"
        await pilot.press("enter", "ctrl+s")
        await pilot.pause()
        event = last_event(open_store)
        assert isinstance(event, ev.SignedOff)
        assert (event.role, event.subject) == ("mentor", "E1")


def test_the_detail_pane_says_whether_a_signoff_is_still_current(open_store: Store, today):
    plan = open_store.state.plan("P1")
    assert "still current" in str(describe(build(plan, today), plan.id, []))
    open_store.execute(lambda s: commands.add_note(s, "P1", "A1.1.1", text="later"))
    plan = open_store.state.plan("P1")
    set_language("nl")
    try:
        assert "sindsdien gewijzigd" in str(describe(build(plan, today), plan.id, []))
    finally:
        set_language("en")
    assert "Nobody has signed off yet" in str(
        describe(build(open_store.state.plan("P2"), today), "P2", [])
    )
