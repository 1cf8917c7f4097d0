"""Snapshots of every screen and form of the main UI, in Dutch and English.

Every scene at 80x24; the screens (and one form, to show the dialog over a wide
screen) also at 120x36. A form is the same dialog at any size.

The store is `leerpad demo`'s, built for a fixed today with fixed ids and actor
(see conftest); it is opened by a relative path so its location does not show up.
Review snapshot_report.html before running with --snapshot-update.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from tui_support import Clock

from core.store import Store
from tui.screens.plan import PlanScreen
from tui.widgets.plan_tree import PlanTree

LANGS = ["en", "nl"]
WIDE = ("dashboard", "plan_action", "plan_overview", "help", "form_new_plan")


@pytest.fixture
def snap_store(demo_path, monkeypatch):
    monkeypatch.chdir(demo_path.parent)
    store = Store.open(demo_path.name, clock=Clock())
    store.actor = "an"
    yield store
    store.close()


def at(
    node: str, *keys: str, plan: str = "P2", as_of: int | None = None
) -> Callable[..., Awaitable[None]]:
    """Open a plan of the demo (as it is, or as of a change) with `node` selected, press `keys`."""

    async def run_before(pilot) -> None:
        pilot.app.push_screen(PlanScreen(plan, as_of=as_of))
        await pilot.pause()
        pilot.app.screen.query_one(PlanTree).select(node)
        await pilot.pause()
        if keys:
            await pilot.press(*keys)
            await pilot.pause()

    return run_before


SCENES: dict[str, tuple[Callable[..., Awaitable[None]] | None, tuple[str, ...]]] = {
    "dashboard": (None, ()),
    "dashboard_filter": (None, ("slash", "b", "e")),
    "plan_action": (at("A3.2.3"), ()),
    "plan_overview": (at("P2"), ()),
    "plan_evaluation": (at("E1"), ()),
    "form_new_plan": (None, ("n",)),
    "form_edit_details": (at("P2", "i"), ()),
    "form_done": (at("A3.2.3", "d"), ()),
    "form_plan_date": (at("A4.2.4", "p", "1", "slash", "1", "2", plan="P3"), ()),
    "form_reason": (at("A1.1.2", "r"), ()),
    "form_note": (at("A3.2.3", "m"), ()),
    "form_close_plan": (at("P2", "C"), ()),
    "help": (at("A3.2.3", "question_mark"), ()),
    "plan_as_of": (at("A3.2.3", as_of=200), ()),
    "read_only": (at("A3.2.3", "d"), ()),
}
READ_ONLY = "you have no permission to write demo/events.log."


CASES = [(scene, (80, 24)) for scene in SCENES] + [(scene, (120, 36)) for scene in WIDE]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("scene", "size"), CASES, ids=lambda v: f"{v[0]}x{v[1]}" if isinstance(v, tuple) else v
)
def test_screen(snap_compare, snap_store, make_app, scene, lang, size):
    run_before, press = SCENES[scene]
    if scene == "read_only":
        snap_store.read_only = READ_ONLY
    app = make_app(snap_store, lang=lang)
    assert snap_compare(app, press=press, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("lang", LANGS)
def test_empty_dashboard(snap_compare, tmp_path, monkeypatch, make_app, lang):
    monkeypatch.chdir(tmp_path)
    with Store.open("empty", clock=Clock()) as store:
        assert snap_compare(make_app(store, lang=lang), terminal_size=(80, 24))
