"""ctrl+e in a text field: the text goes to $EDITOR and what it saved comes back."""

from __future__ import annotations

import stat

import pytest

from core import events as ev
from core.store import Store
from tui.editor import editor_command
from tui.screens.plan import PlanScreen
from tui.screens.text_form import TextForm
from tui.widgets.fields import TextAreaField
from tui.widgets.plan_tree import PlanTree

NOTE = "Eerste lijn van een lange notitie.\nTweede lijn, met “aanhalingstekens” en é."


def editor_script(tmp_path, body: str) -> str:
    """An editor: a shell script that does `body` with the file it is given as $1."""
    script = tmp_path / "editor.sh"
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


@pytest.fixture
def editor(tmp_path, monkeypatch):
    """$EDITOR keeps what it was given in seen.txt and writes NOTE."""
    note = tmp_path / "note.txt"
    note.write_text(NOTE + "\n", encoding="utf-8")
    seen = tmp_path / "seen.txt"
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", editor_script(tmp_path, f'cp "$1" {seen}; cp {note} "$1"'))
    return seen


async def open_note_form(pilot) -> TextForm:
    app = pilot.app
    app.push_screen(PlanScreen("P1"))
    await pilot.pause()
    app.screen.query_one(PlanTree).select("A1.1.4")
    await pilot.press("m")
    form = app.screen
    assert isinstance(form, TextForm)
    return form


async def test_ctrl_e_writes_a_note_in_the_editor(open_store: Store, make_app, editor):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_note_form(pilot)
        await pilot.press(*"Begin")
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert editor.read_text(encoding="utf-8") == "Begin"  # the editor got the text so far
        assert form.query_one(TextAreaField).value == NOTE
        await pilot.press("ctrl+s")
        await pilot.pause()
        event = [r for r, _ in open_store.records()][-1].event
        assert isinstance(event, ev.NoteAdded) and event.text == NOTE


async def test_a_one_line_field_joins_the_editor_lines(open_store: Store, make_app, editor):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(PlanScreen("P1"))
        await pilot.pause()
        await pilot.press("e", "ctrl+r", "ctrl+e")  # the evaluation's remark
        await pilot.pause()
        remark = app.screen.query_one("#eval-remark-input")
        assert remark.value == NOTE.replace("\n", " ")


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ("exit 3", "stopped with code 3"),
        ("printf '\\377\\376' > \"$1\"", "not UTF-8"),
    ],
)
async def test_a_failing_editor_changes_nothing(
    open_store: Store, make_app, tmp_path, monkeypatch, body, said
):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", editor_script(tmp_path, body))
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_note_form(pilot)
        await pilot.press(*"Begin", "ctrl+e")
        await pilot.pause()
        assert form.query_one(TextAreaField).value == "Begin"
        assert any(said in m and "unchanged" in m for m in app.messages), app.messages


async def test_an_editor_that_is_not_there_is_named(open_store: Store, make_app, monkeypatch):
    monkeypatch.setenv("VISUAL", "/nonexistent/editor --wait")
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_note_form(pilot)
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert form.query_one(TextAreaField).value == ""
        assert any("/nonexistent/editor could not be started" in m for m in app.messages)


def test_the_editor_comes_from_visual_then_editor_then_vi():
    assert editor_command({"VISUAL": "code --wait", "EDITOR": "nano"}) == ["code", "--wait"]
    assert editor_command({"EDITOR": "nano"}) == ["nano"]
    assert editor_command({}) == ["vi"]
