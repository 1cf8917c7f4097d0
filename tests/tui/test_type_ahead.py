"""Keys that arrive in one burst (a paste of keystrokes, tmux send-keys, a fast typist over
SSH) are handled in order, each by what has the focus once the keys before it are done."""

from __future__ import annotations

from textual import events

from core.store import Store
from tui.screens.plan import PlanScreen
from tui.screens.plan_form import PlanForm
from tui.widgets.fields import Field


def burst(app, *keys: str) -> None:
    """Hand the keys to the app the way the terminal driver does, all before any is handled."""
    for key in keys:
        char = key if len(key) == 1 else None
        event = events.Key(key, char)
        event.set_sender(app)
        app._driver.send_message(event)


async def typed(app, pilot) -> None:
    """Wait until every key of a burst was handed out and what it started is done: on a
    loaded machine that takes more than a fixed number of pauses."""
    for _ in range(500):
        await pilot.pause()
        if not app._held and (app._flying is None or app._done(app._flying)):
            break
    await pilot.pause()


async def test_tab_in_a_burst_moves_on_before_the_text_after_it(open_store: Store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, PlanForm)
        burst(app, *"abc", "tab", *"def")
        await typed(app, pilot)
        assert form.query_one("#trainee", Field).value == "abc"
        assert form.query_one("#contract", Field).value == "def"


async def test_a_key_that_opens_a_line_gets_the_text_typed_after_it(open_store: Store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")  # P1
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PlanScreen)
        burst(app, "slash", *"a1.2")
        await typed(app, pilot)
        assert screen.selected == "A1.2"


async def test_enter_in_a_burst_moves_on_before_the_next_key(open_store: Store, make_app):
    from tui.screens.evaluation import EvaluationScreen
    from tui.widgets.evaluation_rating import EvaluationRating

    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(EvaluationScreen("P1"))
        await pilot.pause()
        screen = app.screen
        # Date, participants, A1's level 3 and its comment: typed ahead in one go.
        burst(app, "enter", "enter", "3", "enter", *"ok")
        await typed(app, pilot)
        a1 = screen.query_one("#rating-A1", EvaluationRating)
        assert a1.level == "verworven" and a1.comment.value == "ok"
        assert "Jan Peeters" in screen.query_one("#eval-participants-input").value
