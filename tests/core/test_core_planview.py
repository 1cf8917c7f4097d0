"""The plan view: one walk of a plan's state into the facts every reader shows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core import commands
from core import events as ev
from core.planview import (
    ActionView,
    CompetencyView,
    EvaluationView,
    PersonalView,
    RowView,
    ViewCache,
    build,
    plan_status,
)
from core.projections import Status, action_status, has_deadlines, summarize
from core.store import Store


@pytest.fixture
def worked(plan_store: Store, today: date) -> Store:
    """P1 with a planned, an overdue, a done and a dropped action, notes, two evaluations
    (the later one rates only A1) and sign-offs of the plan and of E2."""
    run = plan_store.execute
    run(lambda s: commands.plan_action(s, "P1", "A1.1.1", due=today - timedelta(days=3)))
    run(lambda s: commands.plan_action(s, "P1", "A1.1.2", due=today + timedelta(days=3)))
    run(lambda s: commands.complete_action(s, "P1", "A1.2.1", on=today, today=today))
    run(lambda s: commands.drop_action(s, "P1", "A2.1.3", reason="Not here"))
    run(lambda s: commands.add_note(s, "P1", "A1.1", text="On the row"))
    run(lambda s: commands.add_note(s, "P1", "P1", text="On the plan"))
    for on, ratings in (
        (
            today - timedelta(days=20),
            [ev.Rating("A1", "nog-niet-verworven"), ev.Rating("B1", "verworven")],
        ),
        (today - timedelta(days=2), [ev.Rating("A1", "verworven", "Good")]),
    ):
        run(
            lambda s, on=on, ratings=ratings: commands.record_evaluation(
                s, "P1", on=on, participants=["Jan"], ratings=ratings, today=today
            )
        )
    run(lambda s: commands.sign_off(s, "P1", role="mentor", subject="E2"))
    run(lambda s: commands.sign_off(s, "P1", role="mentor"))
    return plan_store


def test_statuses_and_derived_dates_are_decided_once(worked: Store, today: date) -> None:
    plan = worked.state.plans["P1"]
    view = build(plan, today)
    statuses = {a.id: a.status for a in view.actions()}
    assert statuses == {a.id: a.status(today) for a in plan.actions()}
    assert statuses["A1.1.1"] is Status.OVERDUE and statuses["A2.1.3"] is Status.NA
    row = view.node("a1.1")
    assert isinstance(row, RowView)
    assert (row.due, row.done_on, row.competency) == (today + timedelta(days=3), None, "A1")
    assert (row.progress.done, row.progress.total) == (0, 2)
    assert view.summary == summarize(plan, today)
    assert view.status == plan_status(view.summary)
    assert view.end == date(2026, 12, 27)


def test_nodes_notes_and_ratings_are_looked_up_not_walked(worked: Store, today: date) -> None:
    view = build(worked.state.plans["P1"], today)
    action = view.node("A1.1.1")
    assert isinstance(action, ActionView) and action.row == "A1.1"
    assert [n.text for n in view.notes_on("A1.1")] == ["On the row"]
    assert [n.text for n in view.notes_on(view.id)] == ["On the plan"]
    assert view.notes_on("A2") == ()
    comp = view.node("A1")
    assert isinstance(comp, CompetencyView)
    # Every rating in order; its rating is the most recent one, E2's.
    assert [(r.evaluation, r.level) for r in comp.ratings] == [
        ("E1", "nog-niet-verworven"),
        ("E2", "verworven"),
    ]
    assert comp.latest is not None and comp.latest.word("nl") == "verworven"
    assert comp.latest.word("en") == "acquired" and comp.latest.acquired
    assert view.latest is not None and view.latest.id == "E2"
    assert view.node("E9") is None


def test_a_competency_the_later_evaluation_skips_keeps_its_earlier_rating(
    worked: Store, today: date
) -> None:
    view = build(worked.state.plans["P1"], today)
    comp, b1 = view.node("A1"), view.node("B1")
    assert isinstance(comp, CompetencyView) and isinstance(b1, PersonalView)
    assert comp.latest is not None and (comp.latest.evaluation, comp.latest.on) == (
        "E2",
        today - timedelta(days=2),
    )
    # E2 rated only A1: B1's rating is still E1's, shown with E1's date, and counts.
    assert b1.latest is not None and (b1.latest.evaluation, b1.latest.level) == ("E1", "verworven")
    assert b1.latest.on == today - timedelta(days=20) and len(b1.ratings) == 1
    assert view.acquired == {"A1": True, "B1": True}
    # A rating recorded later about an earlier meeting does not replace a newer one.
    worked.execute(
        lambda s: commands.record_evaluation(
            s,
            "P1",
            on=today - timedelta(days=30),
            participants=["Jan"],
            ratings=[ev.Rating("B1", "nog-niet-verworven")],
            today=today,
        )
    )
    later = build(worked.state.plans["P1"], today).node("B1")
    assert isinstance(later, PersonalView) and later.latest is not None
    assert later.latest.evaluation == "E1" and [r.evaluation for r in later.ratings] == ["E1", "E3"]


def test_a_closed_or_erased_plan_has_nothing_overdue(worked: Store, today: date) -> None:
    plan = worked.state.plans["P1"]
    open_view = build(plan, today)
    assert open_view.deadlines and open_view.summary.overdue == 1
    assert [a.id for a in open_view.actions() if a.status is Status.OVERDUE] == ["A1.1.1"]
    worked.execute(lambda s: commands.close_plan(s, "P1", outcome="stopped", on=today, today=today))
    closed = build(worked.state.plans["P1"], today)
    assert not closed.deadlines and closed.summary.overdue == 0
    assert closed.summary.next_due is None
    # Still planned, with its date; the row counts nothing overdue.
    assert closed.nodes["A1.1.1"].status is Status.PLANNED  # type: ignore[union-attr]
    row = closed.node("A1.1")
    assert isinstance(row, RowView) and (open_view.node("A1.1").overdue, row.overdue) == (1, 0)  # type: ignore[union-attr]
    assert action_status(plan, plan.actions().__next__(), today) is Status.PLANNED
    # Erased (an open plan may be, by force): no deadlines either.
    assert has_deadlines(closed=False, erased=False)
    assert not has_deadlines(closed=False, erased=True)
    assert not has_deadlines(closed=True, erased=False)


def test_sign_offs_carry_the_status_decided_in_projections(worked: Store, today: date) -> None:
    worked.execute(lambda s: commands.add_note(s, "P1", "A2", text="Later"))
    view = build(worked.state.plans["P1"], today)
    assert [(s.subject, s.status, s.current) for s in view.signoffs] == [
        ("E2", "current", True),
        ("plan", "outdated", False),
    ]
    evaluation = view.node("E2")
    assert isinstance(evaluation, EvaluationView)
    assert [s.role for s in evaluation.signoffs] == ["mentor"]
    assert [s.subject for s in view.plan_signoffs] == ["plan"]


def test_ratings_in_form_order(worked: Store, today: date) -> None:
    view = build(worked.state.plans["P1"], today)
    e1 = view.evaluations[0]
    reversed_ratings = tuple(reversed(e1.ratings))
    assert [r.competency for r in view.in_form_order(reversed_ratings)] == ["A1", "B1"]


def test_the_cache_builds_again_only_after_a_change_or_another_day(
    worked: Store, today: date
) -> None:
    cache = ViewCache()
    plan = worked.state.plans["P1"]
    first = cache.get(plan, today)
    assert cache.get(plan, today) is first
    later = cache.get(plan, today + timedelta(days=1))
    assert later is not first and later.today == today + timedelta(days=1)
    worked.execute(lambda s: commands.add_note(s, "P1", "A1", text="New"))
    changed = cache.get(worked.state.plans["P1"], today + timedelta(days=1))
    assert changed is not later and [n.text for n in changed.notes_on("A1")] == ["New"]
