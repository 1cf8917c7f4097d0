"""Whether a sign-off is still current reads the same in plan show (text and JSON), the
detail pane and the exports: projections.signoff_status decides it, the plan view carries it."""

from __future__ import annotations

import json

import pytest
from test_plan_flows import detail_text, open_plan
from tui_support import TODAY

from cli.main import main
from core import commands
from core import events as ev
from core.export import render_plan
from core.planview import build
from core.store import Store
from tui.widgets.detail import describe
from tui.widgets.plan_tree import PlanTree

# P1's sign-offs after the changes below, in the order they were made.
EXPECTED = ["outdated", "current", "mismatch"]


@pytest.fixture
def signed(open_store: Store) -> Store:
    """P1: its plan sign-off (made by the test store), then the mentor signs E1, then the plan
    changes, then a consultant's sign-off of E1 written by another tool names a wrong hash."""
    open_store.execute(lambda s: commands.sign_off(s, "P1", role="mentor", subject="E1"))
    open_store.execute(lambda s: commands.add_note(s, "P1", "A1.1.1", text="Later."))
    evaluation = open_store.state.plans["P1"].evaluation("E1")
    assert evaluation is not None
    open_store.execute(
        lambda s: ev.SignedOff(
            plan="P1",
            role="consultant",
            subject="E1",
            covers_seq=evaluation.seq,
            covers_hash="1" * 64,
        )
    )
    plan = open_store.state.plans["P1"]
    assert [s.subject for s in plan.signoffs] == ["plan", "E1", "E1"]
    return open_store


def _status(line: str, words: dict[str, str]) -> str:
    (found,) = [status for status, word in words.items() if word in line]
    return found


def test_plan_show_text(signed: Store, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["--store", str(signed.path), "plan", "show", "P1"], today=TODAY) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if " signed " in line]
    words = {"current": "still current", "outdated": "changed since", "mismatch": "DOES NOT"}
    assert [_status(line, words) for line in lines] == EXPECTED


def test_plan_show_json(signed: Store, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["--store", str(signed.path), "plan", "show", "P1", "--json"], today=TODAY) == 0
    signoffs = json.loads(capsys.readouterr().out)["signoffs"]
    assert [s["current"] for s in signoffs] == [s == "current" for s in EXPECTED]


def test_json_export(signed: Store) -> None:
    data = json.loads(render_plan(signed.state, "P1", "json", lang="en", today=TODAY))
    signoffs = data["plan"]["signoffs"]
    assert [s["current"] for s in signoffs] == [s == "current" for s in EXPECTED]


def test_markdown_export(signed: Store) -> None:
    text = render_plan(signed.state, "P1", "md", lang="en", today=TODAY).decode()
    section = text.split("## 5. Sign-offs")[1]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    words = {"current": "| yes |", "outdated": "plan changed after", "mismatch": "does not match"}
    assert [_status(row, words) for row in rows[1:]] == EXPECTED


def test_detail_pane(signed: Store) -> None:
    view = build(signed.state.plans["P1"], TODAY)
    words = {"current": "still current", "outdated": "changed since", "mismatch": "does not match"}
    plan_lines = [line for line in str(describe(view, "P1", [])).splitlines() if "✔ " in line]
    evaluation = str(describe(view, "E1", []))
    evaluation_lines = [line for line in evaluation.splitlines() if "✔ " in line]
    assert [_status(line, words) for line in plan_lines + evaluation_lines] == EXPECTED


async def test_the_tree_ticks_only_the_roles_whose_sign_off_holds(signed: Store, make_app) -> None:
    app = make_app(signed)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_plan(pilot, node="E1")
        label = str(screen.query_one(PlanTree).cursor_node.label)
        assert "✔ mentor" in label and "consultant" not in label
        assert "does not match" in detail_text(screen)


async def test_the_pane_follows_a_change_made_on_the_screen(open_store: Store, make_app) -> None:
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_plan(pilot, node="P1")
        assert "still current" in detail_text(screen)
        await pilot.press("m", *"Later", "ctrl+s")
        await pilot.pause()
        shown = detail_text(screen)
        assert "changed since" in shown and "Later" in shown
