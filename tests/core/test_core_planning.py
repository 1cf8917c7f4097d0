"""Planning in bulk, the schedule proposal, the agenda and the rules around plan dates."""

from __future__ import annotations

from datetime import date

import pytest
from test_core_commands import START, TODAY, done, ok, refused

from catalog.schema import Profile
from core import commands as c
from core import planning
from core.commands import Rejected
from core.store import Store


def test_actions_to_plan_lists_the_open_actions_under_a_node(plan_store: Store) -> None:
    ok(plan_store, done("P1", "A1.1.1"))
    ok(plan_store, lambda s: c.drop_action(s, "P1", "A2.1.2", reason="Geen facturen"))
    due = date(2026, 12, 4)
    state = plan_store.state
    assert planning.actions_to_plan(state, "P1", "A1", due) == ["A1.1.2", "A1.2.1"]
    assert planning.actions_to_plan(state, "P1", "a2.1", due) == ["A2.1.1", "A2.1.3"]
    assert planning.actions_to_plan(state, "P1", "P1", due) == [
        "A1.1.2",
        "A1.2.1",
        "A2.1.1",
        "A2.1.3",
    ]
    ok(plan_store, lambda s: c.plan_action(s, "P1", "A1.2.1", due=due))
    # Already on that date: nothing to change for it.
    assert planning.actions_to_plan(plan_store.state, "P1", "A1", due) == ["A1.1.2"]


@pytest.mark.parametrize(
    ("node", "due", "key"),
    [
        ("B1", date(2026, 12, 4), "err.plan_under"),
        ("A9", date(2026, 12, 4), "err.unknown_node"),
        ("A1", date(2026, 9, 1), "err.before_start"),
    ],
)
def test_actions_to_plan_refusals(plan_store: Store, node: str, due: date, key: str) -> None:
    with pytest.raises(Rejected) as caught:
        planning.actions_to_plan(plan_store.state, "P1", node, due)
    assert caught.value.key == key


def test_nothing_left_to_plan_is_said(plan_store: Store) -> None:
    ok(plan_store, done("P1", "A1.2.1"))
    with pytest.raises(Rejected) as caught:
        planning.actions_to_plan(plan_store.state, "P1", "A1.2", date(2026, 12, 4))
    assert caught.value.key == "err.nothing_to_plan"


def test_schedule_spreads_unplanned_actions_over_the_remaining_weeks(plan_store: Store) -> None:
    ok(plan_store, lambda s: c.plan_action(s, "P1", "A1.2.1", due=date(2026, 12, 1)))
    ok(plan_store, done("P1", "A2.1.1"))
    plan = plan_store.state.plan("P1")
    proposal = planning.propose_schedule(plan, TODAY)
    # Ends 27/12/2026; from Saturday 28/11 that is five weeks for four new dates.
    assert [(p.action, p.due, p.kept) for p in proposal] == [
        ("A1.1.1", date(2026, 12, 2), False),
        ("A1.1.2", date(2026, 12, 9), False),
        ("A1.2.1", date(2026, 12, 1), True),
        ("A2.1.2", date(2026, 12, 16), False),
        ("A2.1.3", date(2026, 12, 23), False),
    ]
    assert max(p.due for p in proposal) <= date(2026, 12, 27)
    # From a later week: squeezed into what remains, never past the end.
    late = planning.propose_schedule(plan, TODAY, date(2026, 12, 24))
    assert {p.due for p in late if not p.kept} == {date(2026, 12, 27)}


def test_schedule_refuses_after_the_end_and_on_a_closed_plan(plan_store: Store) -> None:
    plan = plan_store.state.plan("P1")
    with pytest.raises(Rejected) as caught:
        planning.propose_schedule(plan, date(2027, 1, 4))
    assert caught.value.key == "err.schedule_over"
    ok(plan_store, lambda s: c.close_plan(s, "P1", outcome="stopped", on=TODAY, today=TODAY))
    with pytest.raises(Rejected) as caught:
        planning.propose_schedule(plan_store.state.plan("P1"), TODAY)
    assert caught.value.key == "err.plan_closed"


def test_agenda_lists_overdue_and_soon_due_actions_by_date(
    plan_store: Store, tiny_profile: Profile
) -> None:
    ok(plan_store, lambda s: c.plan_action(s, "P1", "A1.1.1", due=date(2026, 11, 20)))
    ok(plan_store, lambda s: c.plan_action(s, "P1", "A1.1.2", due=date(2026, 12, 5)))
    ok(plan_store, lambda s: c.plan_action(s, "P1", "A1.2.1", due=date(2026, 12, 27)))
    ok(plan_store, lambda s: c.create_plan(s, tiny_profile, trainee="Bo", start=START))
    ok(plan_store, lambda s: c.plan_action(s, "P2", "A2.1.1", due=date(2026, 12, 5)))
    ok(plan_store, lambda s: c.plan_action(s, "P2", "A2.1.2", due=date(2026, 12, 1)))
    ok(plan_store, done("P2", "A2.1.2"))
    items = planning.agenda(plan_store.state, plan_store.actor, TODAY)
    assert [(i.due, i.plan, i.action, i.overdue) for i in items] == [
        (date(2026, 11, 20), "P1", "A1.1.1", True),
        (date(2026, 12, 5), "P1", "A1.1.2", False),
        (date(2026, 12, 5), "P2", "A2.1.1", False),
    ]
    assert len(planning.agenda(plan_store.state, plan_store.actor, TODAY, days=30)) == 4
    # Mine: the plans I created (single-team mode); another login follows none of them.
    assert len(planning.agenda(plan_store.state, plan_store.actor, TODAY, mine=True)) == 3
    assert planning.agenda(plan_store.state, "someone-else", TODAY, mine=True) == []
    ok(plan_store, lambda s: c.close_plan(s, "P2", outcome="stopped", on=TODAY, today=TODAY))
    assert {i.plan for i in planning.agenda(plan_store.state, plan_store.actor, TODAY)} == {"P1"}


def test_a_plan_cannot_start_before_2000(store: Store, plan_store: Store, tiny_profile) -> None:
    refused(
        store,
        lambda s: c.create_plan(s, tiny_profile, trainee="An", start=date(1999, 12, 31)),
        "err.start_too_early",
    )
    refused(
        plan_store,
        lambda s: c.edit_plan(s, "P1", start=date(1926, 10, 5)),
        "err.start_too_early",
    )


def test_closing_as_completed_with_open_work_needs_a_reason(plan_store: Store) -> None:
    ok(plan_store, lambda s: c.plan_action(s, "P1", "A1.1.1", due=date(2026, 11, 1)))
    error = refused(
        plan_store,
        lambda s: c.close_plan(s, "P1", outcome="completed", on=TODAY, today=TODAY),
        "err.close_needs_reason",
        open=6,
        overdue=1,
    )
    assert "6 open actions (1 overdue)" in error.message("en")
    event = ok(
        plan_store,
        lambda s: c.close_plan(
            s, "P1", outcome="completed", on=TODAY, today=TODAY, reason="Vroeger klaar"
        ),
    )
    assert event.reason == "Vroeger klaar"
