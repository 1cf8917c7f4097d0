"""Week-by-week progress and progress per competency, computed without any UI."""

from __future__ import annotations

from datetime import date

import pytest
from test_core_commands import TODAY, done, ok

from core import commands as c
from core import progress
from core.planview import build
from core.projections import summarize
from core.store import Store


def test_weekly_done_and_expected_from_the_start_to_the_end(plan_store: Store) -> None:
    ok(plan_store, done("P1", "A1.1.1", on=date(2026, 10, 7)))
    ok(plan_store, done("P1", "A1.1.2", on=date(2026, 10, 20)))
    ok(plan_store, lambda s: c.drop_action(s, "P1", "A2.1.3", reason="Geen facturen"))
    plan = plan_store.state.plan("P1")
    points = progress.weekly(build(plan, TODAY))
    assert [p.week for p in points] == list(range(1, 13))
    assert points[0].end == date(2026, 10, 11) and points[-1].end == date(2026, 12, 27)
    # Dropped actions do not count: 1 of 5 by the end of week 1, 2 of 5 from week 3.
    assert [p.done for p in points[:3]] == [20.0, 20.0, 40.0]
    assert [round(p.expected, 2) for p in points[:3]] == [8.33, 16.67, 25.0]
    # The current week (8) is judged on today, as the plan's summary is.
    summary = summarize(plan, TODAY)
    assert points[7].done == summary.percent == 40.0
    assert points[7].expected == pytest.approx(summary.expected)
    # Weeks that have not begun have no done figure yet; their expectation runs on to 100.
    assert [p.done for p in points[8:]] == [None] * 4
    assert [p.expected for p in points[8:]] == pytest.approx([75.0, 250 / 3, 275 / 3, 100.0])


def test_before_the_start_no_week_has_a_done_figure(plan_store: Store) -> None:
    plan = plan_store.state.plan("P1")
    points = progress.weekly(build(plan, date(2026, 10, 1)))
    assert len(points) == 12 and all(p.done is None for p in points)


def test_a_plan_with_every_action_dropped_reads_zero_not_an_error(plan_store: Store) -> None:
    for action in ("A1.1.1", "A1.1.2", "A1.2.1", "A2.1.1", "A2.1.2", "A2.1.3"):
        ok(plan_store, lambda s, a=action: c.drop_action(s, "P1", a, reason="-"))
    points = progress.weekly(build(plan_store.state.plan("P1"), TODAY))
    assert points[0].done == 0.0


def test_progress_per_competency_in_the_forms_order(plan_store: Store) -> None:
    ok(plan_store, done("P1", "A2.1.1"))
    ok(plan_store, lambda s: c.drop_action(s, "P1", "A2.1.3", reason="-"))
    found = progress.by_competency(build(plan_store.state.plan("P1"), TODAY))
    assert [(p.id, p.counts.done, p.counts.total) for p in found] == [("A1", 0, 3), ("A2", 1, 2)]
    assert found[1].counts.percent == 50.0
