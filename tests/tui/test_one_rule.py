""" "Overdue" and a competency's rating read the same on every surface: the tree, the form
table, the detail pane, plan show (text and JSON), plan list, the agenda, the exports and the
report. Core decides both once (projections.has_deadlines, projections.latest_ratings)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from rich.text import Text
from test_plan_flows import open_plan
from textual.widgets import DataTable
from tui_support import TODAY

from cli.main import main
from core import commands
from core import events as ev
from core.export import render_plan, render_report
from core.planview import build
from core.projections import summarize
from core.store import Store
from tui.screens.evaluation import EvaluationScreen
from tui.widgets.detail import describe
from tui.widgets.plan_tree import PlanTree

OVERDUE = "A1.1.4"
"""Planned for 9 October 2026 and not done: overdue on TODAY while P1 is open."""


@pytest.fixture(params=[False, True], ids=["open", "closed"])
def closed(request: pytest.FixtureRequest, open_store: Store) -> bool:
    if request.param:
        open_store.execute(
            lambda s: commands.close_plan(s, "P1", outcome="stopped", on=TODAY, today=TODAY)
        )
    return bool(request.param)


def _cli(store: Store, capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    capsys.readouterr()
    assert main(["--store", str(store.path), *argv], today=TODAY) == 0
    return capsys.readouterr().out


def test_plan_show_list_and_agenda(
    open_store: Store, closed: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    text = _cli(open_store, capsys, "plan", "show", "P1")
    assert (f"{OVERDUE}" in text) and ("overdue" in text) is not closed
    data = json.loads(_cli(open_store, capsys, "plan", "show", "P1", "--json"))
    statuses = {
        a["id"]: a["status"]
        for comp in data["competencies"]
        for row in comp["rows"]
        for a in row["actions"]
    }
    assert statuses[OVERDUE] == ("planned" if closed else "overdue")
    assert (data["summary"]["overdue"] > 0) is not closed
    listed = json.loads(_cli(open_store, capsys, "plan", "list", "--overdue", "--json"))
    assert ("P1" in [p["id"] for p in listed]) is not closed
    agenda = json.loads(_cli(open_store, capsys, "agenda", "--json"))
    assert ("P1" in {item["plan"] for item in agenda}) is not closed


def test_exports_and_the_detail_pane(open_store: Store, closed: bool) -> None:
    data = json.loads(render_plan(open_store.state, "P1", "json", lang="en", today=TODAY))
    assert ('"status": "overdue"' in json.dumps(data)) is not closed
    assert (data["plan"]["progress"]["overdue"] > 0) is not closed
    markdown = render_plan(open_store.state, "P1", "md", lang="en", today=TODAY).decode()
    assert ("overdue" in markdown) is not closed
    plan = open_store.state.plans["P1"]
    assert (summarize(plan, TODAY).overdue > 0) is not closed  # the dashboard's counts
    view = build(plan, TODAY)
    assert ("overdue" in str(describe(view, OVERDUE, []))) is not closed
    assert ("overdue" in str(describe(view, "A1.1", []))) is not closed


async def test_the_tree_and_the_form_table(open_store: Store, closed: bool, make_app) -> None:
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_plan(pilot, node=OVERDUE)
        tree = screen.query_one(PlanTree)
        assert ("overdue" in str(tree.cursor_node.label)) is not closed
        row = str(tree.cursor_node.parent.label)
        assert row.startswith("A1.1 ") and (" ! " in row) is not closed
        await pilot.press("f")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        cells = [str(c) if isinstance(c, Text) else c for c in table.get_row(OVERDUE)]
        assert cells[1].startswith("! " if not closed else "◔ ")
        assert cells[2].startswith("! ") is not closed


# --- a competency's rating ------------------------------------------------------------------

E2_ON = date(2026, 11, 20)


@pytest.fixture
def rated(open_store: Store) -> Store:
    """P1's E1 (16/10/2026) rated A1 and B1; E2 rates A1 only, then the plan is closed."""
    open_store.execute(
        lambda s: commands.record_evaluation(
            s,
            "P1",
            on=E2_ON,
            today=TODAY,
            participants=["An Claes"],
            ratings=[ev.Rating("A1", "verworven", "Zelfstandig")],
        )
    )
    open_store.execute(
        lambda s: commands.close_plan(s, "P1", outcome="stopped", on=TODAY, today=TODAY)
    )
    return open_store


def test_every_surface_takes_the_most_recent_rating_of_each_competency(
    rated: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    view = build(rated.state.plans["P1"], TODAY)
    a1, b1 = view.node("A1"), view.node("B1")
    assert a1.latest.evaluation == "E2" and b1.latest.evaluation == "E1"  # type: ignore[union-attr]
    text = _cli(rated, capsys, "plan", "show", "P1")
    assert "latest rating: acquired (E2 of 20/11/2026)" in text
    assert "latest rating: acquired (E1 of 16/10/2026)" in text  # B1, which E2 skipped
    data = json.loads(_cli(rated, capsys, "plan", "show", "P1", "--json"))
    assert data["acquired"] == {"A1": True, "B1": True}
    exported = json.loads(render_plan(rated.state, "P1", "json", lang="en", today=TODAY))
    assert exported["plan"]["acquired"] == {"A1": True, "B1": True}
    report = render_report(rated.state, "P1", "md", lang="en", today=TODAY).decode()
    (b1_line,) = [line for line in report.splitlines() if line.startswith("| **B1**")]
    assert "acquired (evaluation E1 of 16/10/2026)" in b1_line and "| yes |" in b1_line
    (a1_line,) = [line for line in report.splitlines() if line.startswith("| **A1**")]
    assert "| acquired | yes |" in a1_line
    previous = EvaluationScreen._previous_levels(rated.state.plans["P1"])
    assert previous["A1"].startswith("E2 (20/11/2026)")
    assert previous["B1"].startswith("E1 (16/10/2026)")


async def test_the_tree_shows_the_rating_the_view_has(rated: Store, make_app) -> None:
    app = make_app(rated)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_plan(pilot, node="B1")
        assert str(screen.query_one(PlanTree).cursor_node.label).endswith("· acquired")
