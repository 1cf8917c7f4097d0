"""Snapshots of the catalog browser, in English and Dutch, at two sizes."""

from __future__ import annotations

import pytest
from more_support import open_demo

from tui.screens.catalog_browser import CatalogScreen

SIZES = [(80, 24), (120, 36)]
LANGS = ["en", "nl"]


async def show_row(pilot) -> None:
    pilot.app.push_screen(CatalogScreen())
    await pilot.pause()
    # Open A. job competencies and A1; the cursor on row A1.1 shows its skills and actions.
    await pilot.press("down", "enter", "down", "enter", "down")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", LANGS)
def test_catalog(snap_compare, make_app, tmp_path_factory, monkeypatch, lang, size):
    store = open_demo(tmp_path_factory, monkeypatch)
    try:
        app = make_app(store, lang=lang)
        assert snap_compare(app, terminal_size=size, run_before=show_row)
    finally:
        store.close()
