"""The dashboard's first frame is the whole dashboard and comes first: its footer keys are
built with the screen, once, and what it does not show (the catalog) is read after it."""

from __future__ import annotations

import pytest
from textual.widgets._footer import FooterKey
from tui_support import TODAY

from catalog import Catalog, CatalogError
from tui.app import LeerpadApp
from tui.screens.dashboard import DashboardScreen
from tui.widgets.plan_table import PlanTable


def frames_of(app: LeerpadApp, frames: list[str]) -> None:
    """Note the screen of each frame the app hands to the terminal, as it is handed over."""
    hand_over = app._display

    def display(screen: object, update: object) -> None:
        if update is not None:
            frames.append(type(screen).__name__)
        hand_over(screen, update)

    app._display = display  # type: ignore[method-assign]


async def test_the_first_frame_has_the_footer_keys_built_once(
    open_store, make_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[str] = []
    build = FooterKey.__init__

    def counted(self: FooterKey, key: str, *args: object, **kwargs: object) -> None:
        built.append(key)
        build(self, key, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(FooterKey, "__init__", counted)
    app = make_app(open_store)
    keys_in_first_frame: list[list[str]] = []
    hand_over = app._display

    def display(screen: object, update: object) -> None:
        if update is not None and isinstance(screen, DashboardScreen) and not keys_in_first_frame:
            keys_in_first_frame.append([k.key for k in screen.query(FooterKey)])
        hand_over(screen, update)

    app._display = display
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        shown = [k.key for k in screen.query(FooterKey)]
        assert "n" in shown and "q" in shown
        assert keys_in_first_frame == [shown]
        assert sorted(built) == sorted(shown)
        assert screen.focused is screen.query_one(PlanTable)


async def test_the_catalog_is_read_after_the_first_frame_and_its_problems_told(
    open_store, catalog: Catalog
) -> None:
    frames: list[str] = []
    read_after: list[list[str]] = []

    def load() -> Catalog:
        read_after.append(list(frames))
        problem = CatalogError("extra/broken.toml", "$.id: expected a string", field="$.id")
        return Catalog(catalog.profiles(), [problem])

    app = LeerpadApp(open_store, load, today=lambda: TODAY, watch_log=False, lang="en")
    frames_of(app, frames)
    told: list[str] = []
    app.notify = lambda message, **kwargs: told.append(message)  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert len(read_after) == 1 and "DashboardScreen" in read_after[0]
        assert told == ["extra/broken.toml: $.id: expected a string"]
        assert app.catalog.profiles() == catalog.profiles()  # read once, kept
    assert len(read_after) == 1


async def test_the_plan_screen_code_is_read_after_the_first_frame(
    open_store, make_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tui.app

    frames: list[str] = []
    imported: list[tuple[str, list[str]]] = []
    monkeypatch.setattr(
        tui.app, "import_module", lambda name: imported.append((name, list(frames)))
    )
    app = make_app(open_store)
    frames_of(app, frames)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause(tui.app.PREPARE_SECONDS * 2)
        # Once, before any key, and not before the dashboard was on its way.
        assert [name for name, _ in imported] == [tui.app.PLAN_SCREEN_MODULE]
        assert "DashboardScreen" in imported[0][1]
    __import__(tui.app.PLAN_SCREEN_MODULE)  # the name names the screen's module
