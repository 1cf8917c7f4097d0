"""Snapshots of erasing at 80x24, in English and Dutch: the confirmation for a plan still open
(its id typed again) and the plan screen of an erased plan."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from tui_support import Clock

from core.erasure import erase
from core.store import Store
from tui.screens.plan import PlanScreen
from tui.widgets.plan_tree import PlanTree

LANGS = ["en", "nl"]


@pytest.fixture
def demo(demo_path, monkeypatch):
    """A fresh copy of the demo, opened by a relative path (no temporary path on screen)."""
    monkeypatch.chdir(demo_path.parent)
    store = Store.open(demo_path.name, clock=Clock(datetime(2026, 11, 29, 10, 0, tzinfo=UTC)))
    store.actor = "an"
    yield store
    store.close()


@pytest.mark.parametrize("lang", LANGS)
def test_the_confirmation_of_an_open_plan(snap_compare, demo, make_app, lang):
    async def run_before(pilot) -> None:
        pilot.app.push_screen(PlanScreen("P2"))
        await pilot.pause()
        await pilot.press("E", *"request of the trainee", "enter")
        await pilot.pause()

    app = make_app(demo, lang=lang)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("lang", LANGS)
def test_an_erased_plan(snap_compare, demo, make_app, lang):
    demo.actor = "ann"
    erase(demo, "P1", reason="retention period ended")
    demo.actor = "an"

    async def run_before(pilot) -> None:
        pilot.app.push_screen(PlanScreen("P1"))
        await pilot.pause()
        pilot.app.screen.query_one(PlanTree).select("E1")
        await pilot.pause()

    app = make_app(demo, lang=lang)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
