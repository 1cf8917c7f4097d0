"""Snapshots of the form as a table (f) and the progress picture (g) at 80x24, in English
and Dutch, on the demo store that is the same byte for byte on every run."""

from __future__ import annotations

import pytest
from more_support import open_demo
from test_snapshots import at

LANGS = ["en", "nl"]


SCENES = {
    "form_table": (at("A3.2.3", "f"), ()),
    "form_table_row_form": (at("A3.2", "f", "p"), ()),
    "progress": (at("P2", "g"), ()),
    "progress_not_started": (at("P5", "g", plan="P5"), ()),
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("scene", list(SCENES))
def test_form_progress_screen(snap_compare, make_app, tmp_path_factory, monkeypatch, scene, lang):
    store = open_demo(tmp_path_factory, monkeypatch)
    try:
        run_before, press = SCENES[scene]
        app = make_app(store, lang=lang)
        assert snap_compare(app, press=press, terminal_size=(80, 24), run_before=run_before)
    finally:
        store.close()
