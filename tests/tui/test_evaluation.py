"""The evaluation form: exactly the ratings entered are stored, nothing is stored when invalid."""

from __future__ import annotations

from datetime import date

from core import events as ev
from core.store import Store
from tui.screens.evaluation import EvaluationDiscardScreen, EvaluationScreen
from tui.widgets.evaluation_rating import EvaluationRating
from tui.widgets.fields import DateField


async def open_form(pilot, plan_id: str = "P1") -> EvaluationScreen:
    pilot.app.push_screen(EvaluationScreen(plan_id))
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, EvaluationScreen)
    return screen


async def focus(pilot, widget) -> None:
    """Focus `widget` before the keys that follow: `focus()` only queues the change, and on a
    loaded machine keys pressed at once could still reach the field focused before."""
    widget.focus()
    await pilot.pause()
    assert widget.has_focus


async def rate(pilot, screen: EvaluationScreen, competency: str, level: int, comment: str = ""):
    """Pick level number `level` of the scale (1 = the first) and type a comment."""
    await focus(pilot, screen.query_one(f"#level-{competency}"))
    await pilot.press(str(level), "tab")
    if comment:
        await pilot.press(*comment)


def message(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


def last_event(store: Store) -> ev.Event:
    store.refresh()
    return list(store.records())[-1][0].event


async def test_exactly_the_ratings_entered_are_stored(open_store: Store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot)
        assert len(screen.ratings) == 10 + 8  # every A and B competency of the plan
        a1 = screen.query_one("#rating-A1", EvaluationRating)
        assert "E1 (16/10/2026): developing — Telefoon gaat goed" in a1.message
        await pilot.press("ctrl+a", "ctrl+k", *"20/11", "tab")
        assert "Friday 20/11/2026" in message(screen.query_one("#eval-date"), ".field--message")
        await rate(pilot, screen, "A2", 3, "Goed [bold]x[/]")
        await rate(pilot, screen, "B3", 2)
        await focus(pilot, screen.query_one("#eval-remark-input"))
        await pilot.press(*"Tweede")
        seq = open_store.state.seq
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, EvaluationScreen)
        assert open_store.state.seq == seq + 1
        event = last_event(open_store)
        assert isinstance(event, ev.EvaluationRecorded)
        assert event.evaluation == "E2"
        assert event.on == date(2026, 11, 20)
        assert event.participants == ["An Claes", "Jan Peeters"]
        assert event.ratings == [
            ev.Rating("A2", "verworven", "Goed [bold]x[/]"),
            ev.Rating("B3", "in-ontwikkeling", ""),
        ]
        assert event.remark == "Tweede"
        assert any("Evaluation E2 of P1 saved (2 ratings)" in m for m in app.messages)


async def test_invalid_input_is_shown_next_to_the_field_and_nothing_is_written(
    open_store: Store, make_app
):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot)
        seq = open_store.state.seq
        await pilot.press("ctrl+s")  # nothing rated
        await pilot.pause()
        assert "Rate at least one competency." in message(screen, "#eval-problem")
        # A comment without a level would be lost: refused next to it.
        await focus(pilot, screen.query_one("#comment-A4"))
        await pilot.press(*"zonder niveau", "ctrl+s")
        await pilot.pause()
        a4 = screen.query_one("#rating-A4", EvaluationRating)
        assert "Choose a level for this comment" in a4.message
        await pilot.press("ctrl+a", "ctrl+k")
        await rate(pilot, screen, "A4", 1)
        # A date before the plan's start, and no participants.
        await focus(pilot, screen.query_one("#eval-date-input"))
        await pilot.press("ctrl+a", "ctrl+k", *"1/9")
        await focus(pilot, screen.query_one("#eval-participants-input"))
        await pilot.press("ctrl+a", "ctrl+k", ",", "ctrl+s")
        await pilot.pause()
        date_field = screen.query_one("#eval-date", DateField)
        assert "is before the plan's start (07/09/2026)" in message(date_field, ".field--message")
        participants = screen.query_one("#eval-participants")
        assert "Name at least one participant." in message(participants, ".field--message")
        assert isinstance(app.screen, EvaluationScreen)
        assert open_store.state.seq == seq


async def test_escape_asks_before_throwing_typed_input_away(open_store: Store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot)
        await pilot.press("escape")  # nothing typed: closes at once
        await pilot.pause()
        assert not isinstance(app.screen, EvaluationScreen)
        screen = await open_form(pilot)
        await rate(pilot, screen, "A1", 4, "ok")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, EvaluationDiscardScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen
        rating = screen.query_one("#rating-A1", EvaluationRating).rating
        assert rating == ev.Rating("A1", "ruim-verworven", "ok")
        seq = open_store.state.seq
        await pilot.press("escape", "y")
        await pilot.pause()
        assert not isinstance(app.screen, (EvaluationScreen, EvaluationDiscardScreen))
        assert open_store.state.seq == seq


async def test_a_closed_plan_says_why_and_keeps_the_form(open_store: Store, make_app):
    app = make_app(open_store, lang="nl")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, "P3")
        assert "Dit plan is afgesloten" in message(screen, "#eval-context")
        seq = open_store.state.seq
        await focus(pilot, screen.query_one("#eval-date-input"))
        await pilot.press("ctrl+a", "ctrl+k", *"20/7/2026")
        await rate(pilot, screen, "B1", 3)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert open_store.state.seq == seq
        assert any("Plan P3 is afgesloten" in m for m in app.messages)


async def test_enter_moves_on_digits_pick_and_ctrl_r_jumps_to_the_remark(
    open_store: Store, make_app
):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot)
        await pilot.press("enter", "enter")  # date, participants: on to A1's level
        assert app.focused is screen.query_one("#level-A1")
        await pilot.press("3", "enter")  # the digit picks, enter goes on to its comment
        assert screen.query_one("#rating-A1", EvaluationRating).level == "verworven"
        assert app.focused is screen.query_one("#comment-A1")
        await pilot.press(*"vlot", "enter")  # and enter in the comment to the next level
        assert app.focused is screen.query_one("#level-A2")
        # Text typed on a level is the start of its comment, not lost nor a level change.
        await pilot.press("2", *"Goed")
        a2 = screen.query_one("#rating-A2", EvaluationRating)
        assert a2.level == "in-ontwikkeling" and a2.comment.value == "Goed"
        assert app.focused is a2.comment
        await pilot.press("ctrl+r", *"Kort")
        assert app.focused is screen.query_one("#eval-remark-input")
        await pilot.press("ctrl+s")
        await pilot.pause()
        event = last_event(open_store)
        assert isinstance(event, ev.EvaluationRecorded)
        assert event.ratings == [
            ev.Rating("A1", "verworven", "vlot"),
            ev.Rating("A2", "in-ontwikkeling", "Goed"),
        ]
        assert event.remark == "Kort"
