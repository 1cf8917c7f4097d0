"""Snapshots of the sign-off form, in English and Dutch, at two sizes."""

from __future__ import annotations

import pytest
from more_support import open_demo

from tui.screens.signoff import SignOffScreen

SIZES = [(80, 24), (120, 36)]
LANGS = ["en", "nl"]


async def show_form(pilot) -> None:
    # The trainee signed E1 of P2 already: that role is shown as done.
    pilot.app.push_screen(SignOffScreen("P2", "E1"))
    await pilot.pause()
    await pilot.press("enter")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", LANGS)
def test_signoff(snap_compare, make_app, tmp_path_factory, monkeypatch, lang, size):
    store = open_demo(tmp_path_factory, monkeypatch)
    try:
        app = make_app(store, lang=lang)
        assert snap_compare(app, terminal_size=size, run_before=show_form)
    finally:
        store.close()
