"""Snapshots of the mentor's bulk screens at 80x24, in English and Dutch: the agenda, the
form planning a whole row, marked actions in the tree, the schedule proposal, the form as a
table (f) and the progress picture (g)."""

from __future__ import annotations

import pytest
from more_support import open_demo
from test_snapshots import at

LANGS = ["en", "nl"]


SCENES = {
    "agenda": (None, ("w",)),
    "plan_row_form": (at("A4.2", "p", "1", "5", "/", "1", "2"), ()),
    "plan_after_end_form": (at("A4.2.1", "p", "1", "/", "1", "/", "2", "0", "2", "8"), ()),
    "marked_actions": (at("A3.2.3", "v", "v"), ()),
    "schedule": (at("A1", "P", "down", "down", "plus", plan="P5"), ()),
    "form_table": (at("A3.2.3", "f"), ()),
    "form_table_row_form": (at("A3.2", "f", "p"), ()),
    "progress": (at("P2", "g"), ()),
    "progress_not_started": (at("P5", "g", plan="P5"), ()),
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("scene", list(SCENES))
def test_mentor_screen(snap_compare, make_app, tmp_path_factory, monkeypatch, scene, lang):
    store = open_demo(tmp_path_factory, monkeypatch)
    try:
        run_before, press = SCENES[scene]
        app = make_app(store, lang=lang)
        assert snap_compare(app, press=press, terminal_size=(80, 24), run_before=run_before)
    finally:
        store.close()
