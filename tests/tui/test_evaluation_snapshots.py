"""Snapshots of the evaluation form, in English and Dutch, at two sizes."""

from __future__ import annotations

import pytest
from more_support import open_demo

from tui.screens.evaluation import EvaluationScreen

SIZES = [(80, 24), (120, 36)]
LANGS = ["en", "nl"]


async def show_form(pilot) -> None:
    # P2 had an evaluation before: its levels show under the competencies.
    pilot.app.push_screen(EvaluationScreen("P2"))
    await pilot.pause()
    await pilot.press("tab", "tab", "3", "tab", *"Zelfstandig")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", LANGS)
def test_evaluation(snap_compare, make_app, tmp_path_factory, monkeypatch, lang, size):
    store = open_demo(tmp_path_factory, monkeypatch)
    try:
        app = make_app(store, lang=lang)
        assert snap_compare(app, terminal_size=size, run_before=show_form)
    finally:
        store.close()
