"""The progress picture (g on the plan screen) and the dashboard's bar with its expected mark."""

from __future__ import annotations

from datetime import date, timedelta

from test_plan_flows import open_plan
from textual.widgets import Static
from tui_support import TODAY

from core import progress
from core.projections import Counts, PlanState
from tui.screens.plan import PlanScreen
from tui.screens.progress import ProgressScreen
from tui.widgets.plan_table import row_text
from tui.widgets.progress_chart import chart, competency_bars
from tui.widgets.text import progress_bar


def points(done: list[float | None], expected: list[float]) -> list[progress.WeekPoint]:
    start = date(2026, 9, 7)
    return [
        progress.WeekPoint(i + 1, start + timedelta(days=7 * i + 6), d, e)
        for i, (d, e) in enumerate(zip(done, expected, strict=True))
    ]


def test_the_chart_draws_done_as_bars_expected_as_dots_and_marks_today():
    lines = chart(
        points([0.0, 50.0, 100.0, None], [25.0, 50.0, 75.0, 100.0]), 3, width=40, height=4
    )
    assert lines[:4] == [
        "100 ┤      ██ •",
        "    │      •",  # the expected dot shows through a bar that passed it
        " 50 ┤   •  ██",
        "    │•  ██ ██",
    ]
    assert lines[4] == "  0 └" + "─" * 12
    assert lines[5] == "     1        4"
    assert lines[6] == "           ▲ today, week 3"


def test_the_chart_fits_long_plans_in_80_columns_and_puts_today_where_it_fits():
    lines = chart(points([10.0] * 26, [50.0] * 26), 26, width=60, height=5)
    assert max(len(line) for line in lines) <= 60
    assert lines[-1].endswith("today, week 26 ▲")
    assert lines[-2].split() == ["1", "5", "10", "15", "20", "25"]


def test_one_bar_per_competency_with_counts_and_a_cut_title():
    items = [
        progress.CompetencyProgress("A1", "Telefoneren " * 10, Counts(3, 4)),
        progress.CompetencyProgress("A10", "Kort", Counts(0, 2)),
    ]
    lines = competency_bars(items, width=50)
    assert lines[0].startswith("A1  █████████░░░  3/4   75% Telefoneren")
    assert lines[0].endswith("…") and len(lines[0]) == 50
    assert lines[1] == "A10 ░░░░░░░░░░░░  0/2    0% Kort"


def test_the_dashboard_bar_marks_where_the_plan_should_be():
    assert progress_bar(20, 6, expected=50) == "█░┃░░░"
    assert progress_bar(100, 6, expected=100) == "█████┃"
    assert progress_bar(50, 6, expected=0) == "███░░░"
    assert progress_bar(50, 6) == "███░░░"


def test_a_closed_plan_has_no_expected_mark_on_the_dashboard(open_store):
    from core.projections import summarize

    state = open_store.state
    closed = summarize(state.plan("P3"), TODAY)
    running = summarize(state.plan("P2"), TODAY)
    assert closed.closed and "┃" not in row_text(closed)["progress"][0]
    assert "┃" in row_text(running)["progress"][0]


def shown(screen: ProgressScreen, name: str) -> str:
    return str(screen.query_one(f"#progress-{name}", Static).render())


async def test_g_shows_the_picture_and_it_follows_a_change(open_store, make_app):
    from core import commands

    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(pilot, "P1")
        await pilot.press("g")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ProgressScreen)
        plan: PlanState = open_store.state.plan("P1")
        summary = shown(screen, "summary")
        assert summary.startswith("Week 12/20 · 3 of 61 done (5 %) · expected 56 %")
        assert "▼ behind" in shown(screen, "summary")
        chart_text = shown(screen, "chart")
        assert "▲ today, week 12" in chart_text
        # 5 % done: a low partial block, under the expected dots.
        assert "▂" in chart_text and "•" in chart_text
        bars = shown(screen, "bars").splitlines()
        assert len(bars) == len(plan.competencies)
        assert bars[0].startswith("A1  ███░░░░░░░░░  3/13  23% Telefonische")
        app.run_command(
            lambda s: commands.complete_action(s, "P1", "A1.1.4", on=TODAY, today=TODAY)
        )
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "4 of 61 done" in shown(screen, "summary")
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)


async def test_the_picture_speaks_dutch(open_store, make_app):
    app = make_app(open_store, lang="nl")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(pilot, "P2")
        await pilot.press("g")
        await pilot.pause()
        assert "verwacht" in shown(app.screen, "summary")
        assert "vandaag, week 8" in shown(app.screen, "chart")
