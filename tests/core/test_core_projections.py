"""The folds: action status, the form's derived row dates, progress, the dashboard summary."""

from __future__ import annotations

from datetime import date

import msgspec
import pytest

from core import commands as c
from core import events as ev
from core.projections import (
    BEHIND_MARGIN,
    STATUS_SYMBOL,
    ActionState,
    Counts,
    PlanState,
    RowState,
    Status,
    acquired,
    counts,
    expected_percent,
    latest_ratings,
    signoff_current,
    summaries,
    summarize,
    week_of,
)
from core.store import Store

TODAY = date(2026, 11, 28)
START = date(2026, 10, 5)


def run(store: Store, *decides: object) -> PlanState:
    for decide in decides:
        store.execute(decide)  # type: ignore[arg-type]
    plan = store.state.plan("P1")
    assert plan is not None
    return plan


def planned(action: str, due: date) -> object:
    return lambda s: c.plan_action(s, "P1", action, due=due)


def done(action: str, on: date) -> object:
    return lambda s: c.complete_action(s, "P1", action, on=on, today=TODAY)


def dropped(action: str) -> object:
    return lambda s: c.drop_action(s, "P1", action, reason="n.v.t.")


@pytest.mark.parametrize(
    ("action", "status"),
    [
        (ActionState("A1.1.1", "x"), Status.OPEN),
        (ActionState("A1.1.1", "x", due=TODAY), Status.PLANNED),  # due today is not late yet
        (ActionState("A1.1.1", "x", due=date(2026, 11, 27)), Status.OVERDUE),
        (ActionState("A1.1.1", "x", due=date(2026, 11, 1), done_on=TODAY), Status.DONE),
        (ActionState("A1.1.1", "x", done_on=TODAY, dropped="n.v.t."), Status.NA),
        (ActionState("A1.1.1", "x", due=date(2026, 1, 1), dropped="n.v.t."), Status.NA),
    ],
)
def test_action_status(action: ActionState, status: Status) -> None:
    assert action.status(TODAY) is status
    assert STATUS_SYMBOL[status]


def test_every_status_has_its_own_symbol() -> None:
    assert set(STATUS_SYMBOL) == set(Status)
    assert len(set(STATUS_SYMBOL.values())) == len(Status)


def test_row_dates_are_derived_like_the_form(plan_store: Store) -> None:
    plan = run(plan_store)
    row = plan.nodes["A2.1"]
    assert isinstance(row, RowState)
    assert row.due is None and row.done_on is None
    run(plan_store, planned("A2.1.1", date(2026, 11, 10)), planned("A2.1.2", date(2026, 12, 4)))
    assert row.due == date(2026, 12, 4)  # the latest planned date
    run(plan_store, done("A2.1.1", date(2026, 11, 9)), done("A2.1.2", date(2026, 11, 20)))
    assert row.done_on is None  # A2.1.3 is still open
    run(plan_store, dropped("A2.1.3"))
    assert row.done_on == date(2026, 11, 20)  # the last completion
    plan = run(plan_store, planned("A1.2.1", date(2026, 12, 1)), dropped("A1.2.1"))
    single = plan.nodes["A1.2"]
    assert isinstance(single, RowState)
    assert single.due is None  # a dropped action's date does not count
    assert single.done_on is None  # nothing applicable, so nothing done


def test_counts_and_percent(plan_store: Store) -> None:
    plan = run(plan_store)
    assert counts(plan.actions()) == Counts(0, 6)
    plan = run(plan_store, done("A1.1.1", TODAY), done("A2.1.1", TODAY), dropped("A2.1.3"))
    total = counts(plan.actions())
    assert (total.done, total.total) == (2, 5)
    assert total.percent == pytest.approx(40.0)
    a1 = counts(plan.competencies[0].actions())
    assert (a1.done, a1.total, a1.percent) == (1, 3, pytest.approx(100 / 3))
    assert counts([]).percent == 0.0


def test_expected_percent_and_week(plan_store: Store) -> None:
    plan = run(plan_store)  # 12 weeks from 2026-10-05
    assert expected_percent(plan, date(2026, 10, 1)) == 0.0
    assert expected_percent(plan, START) == 0.0
    assert expected_percent(plan, date(2026, 11, 16)) == pytest.approx(50.0)  # day 42 of 84
    assert expected_percent(plan, TODAY) == pytest.approx(100 * 54 / 84)
    assert expected_percent(plan, date(2027, 3, 1)) == 100.0
    assert week_of(plan, date(2026, 10, 4)) == 0
    assert week_of(plan, START) == 1
    assert week_of(plan, date(2026, 10, 12)) == 2
    assert week_of(plan, TODAY) == 8
    assert week_of(plan, date(2027, 3, 1)) == 12


def test_summary_behind_overdue_and_next_due(plan_store: Store) -> None:
    plan = run(
        plan_store,
        planned("A1.1.1", date(2026, 11, 20)),  # overdue
        planned("A1.1.2", date(2026, 12, 3)),
        planned("A1.2.1", date(2026, 11, 30)),  # the next one due
        planned("A2.1.1", date(2026, 11, 1)),
        done("A2.1.1", date(2026, 11, 2)),  # done: neither overdue nor next
    )
    s = summarize(plan, TODAY)
    assert (s.id, s.trainee, s.company, s.occupation) == (
        "P1",
        "An Peeters",
        "Bakkerij Jansen",
        "proefberoep",
    )
    assert (s.done, s.total, s.week, s.weeks) == (1, 6, 8, 12)
    assert s.percent == pytest.approx(100 / 6)
    assert s.expected == pytest.approx(100 * 54 / 84)
    assert s.behind  # 16.7% against 64.3%
    assert s.overdue == 1
    assert s.next_due == date(2026, 11, 30)
    assert s.closed is None
    assert s.last_seq == plan_store.state.seq
    assert summaries(plan_store.state, TODAY) == [s]


def test_behind_is_more_than_the_margin_under_the_timeline(plan_store: Store) -> None:
    plan = run(plan_store, dropped("A2.1.2"), dropped("A2.1.3"), dropped("A1.2.1"))
    # 3 applicable actions; 2026-11-02 is day 28 of 84: expected 33.3%.
    day = date(2026, 11, 2)
    assert expected_percent(plan, day) == pytest.approx(100 / 3)
    assert summarize(plan, day).behind  # 0% done
    run(plan_store, done("A1.1.1", date(2026, 10, 10)))
    assert not summarize(plan, day).behind  # 33.3% done: on the timeline
    # Just inside and just past the margin (percent 33.3 vs expected - 10):
    inside = date(2026, 11, 2 + 8)  # expected 42.9%: 9.5 points under
    assert expected_percent(plan, inside) - 100 / 3 < BEHIND_MARGIN
    assert not summarize(plan, inside).behind
    past = date(2026, 11, 2 + 9)  # expected 44.0%: 10.7 points under
    assert expected_percent(plan, past) - 100 / 3 > BEHIND_MARGIN
    assert summarize(plan, past).behind


def test_closed_plan_summary(plan_store: Store) -> None:
    plan = run(
        plan_store,
        planned("A1.1.1", date(2026, 11, 1)),
        lambda s: c.close_plan(s, "P1", outcome="stopped", on=TODAY, today=TODAY),
    )
    s = summarize(plan, TODAY)
    assert s.closed == "stopped"
    assert s.overdue == 0 and s.next_due is None and not s.behind


def evaluation(on: date, ratings: list[ev.Rating]) -> object:
    return lambda s: c.record_evaluation(
        s, "P1", on=on, today=TODAY, participants=["Jan"], ratings=ratings
    )


def test_acquired_follows_each_competencys_most_recent_rating(plan_store: Store) -> None:
    plan = run(plan_store)
    assert acquired(plan) == {}
    plan = run(
        plan_store,
        evaluation(
            date(2026, 11, 20),
            [ev.Rating("A1", "ruim-verworven"), ev.Rating("A2", "in-ontwikkeling")],
        ),
        # Recorded later, but about an earlier meeting: it does not override.
        evaluation(date(2026, 11, 1), [ev.Rating("A1", "nog-niet-verworven")]),
    )
    assert acquired(plan) == {"A1": True, "A2": False}
    plan = run(
        plan_store,
        evaluation(
            date(2026, 11, 20), [ev.Rating("A2", "verworven"), ev.Rating("B1", "verworven")]
        ),
    )
    # Same day: the later record wins; A1, which it did not rate, keeps its rating of the 20th.
    assert acquired(plan) == {"A1": True, "A2": True, "B1": True}
    assert {c: (e.seq, r.level) for c, (e, r) in latest_ratings(plan).items()} == {
        "A1": (plan.evaluations[0].seq, "ruim-verworven"),
        "A2": (plan.evaluations[2].seq, "verworven"),
        "B1": (plan.evaluations[2].seq, "verworven"),
    }


def test_signoff_currency(plan_store: Store) -> None:
    plan = run(plan_store, lambda s: c.sign_off(s, "P1", role="mentor"))
    signoff = plan.signoffs[-1]
    assert signoff.covers_seq == 1
    assert signoff_current(plan, signoff)
    plan = run(plan_store, lambda s: c.sign_off(s, "P1", role="trainee"))
    assert signoff_current(plan, signoff)  # another sign-off changes nothing
    plan = run(plan_store, lambda s: c.add_note(s, "P1", "A1", text="Nieuw"))
    assert not signoff_current(plan, signoff)
    assert plan.version == plan_store.state.seq
    assert plan.version_hash == plan_store.state.hash


def test_plan_state_tracks_who_touched_what(plan_store: Store) -> None:
    plan_store.actor = "jan"
    plan = run(plan_store, done("A1.1.1", TODAY))
    action = plan.action("A1.1.1")
    assert action is not None and action.last is not None
    assert (action.last.seq, action.last.actor) == (2, "jan")
    assert plan.last.seq == 2 and plan.created.seq == 1
    assert plan.row_of("A1.1.1") is plan.nodes["A1.1"]
    assert plan.node("a1.1.1") is action


def test_evaluation_node_and_hash(plan_store: Store) -> None:
    plan = run(plan_store, evaluation(date(2026, 11, 20), [ev.Rating("A1", "verworven")]))
    e1 = plan.evaluation("e1")
    assert e1 is not None and e1.seq == 2
    assert e1.hash == plan_store.state.hash
    assert plan.level("verworven") is not None and plan.level("goed") is None


def test_notes_per_target(plan_store: Store) -> None:
    plan = run(
        plan_store,
        lambda s: c.add_note(s, "P1", "A1", text="een"),
        lambda s: c.add_note(s, "P1", "A1.1.1", text="twee"),
        lambda s: c.add_note(s, "P1", "A1", text="drie"),
    )
    assert [n.text for n in plan.notes_on("A1")] == ["een", "drie"]
    assert [n.seq for n in plan.notes_on("A1.1.1")] == [3]


def test_plans_share_the_catalogs_lists_and_stay_apart(plan_store: Store, tiny_profile) -> None:  # type: ignore[no-untyped-def]
    """A replay keeps one copy of what every plan of an occupation repeats (skills, scale,
    dates, the ratings' ids and levels): changing one plan must leave the other as it was."""
    due = date(2026, 11, 2)
    run(
        plan_store,
        lambda s: c.create_plan(s, tiny_profile, trainee="Bert", start=START, weeks=12),
        lambda s: c.plan_action(s, "P2", "A1.1.1", due=date(2026, 11, 2)),
    )
    p1, p2 = plan_store.state.plan("P1"), plan_store.state.plan("P2")
    assert p1 is not None and p2 is not None
    row1, row2 = p1.nodes["A1.1"], p2.nodes["A1.1"]
    assert isinstance(row1, RowState) and isinstance(row2, RowState)
    assert row1.skills is row2.skills and p1.scale is p2.scale
    before = msgspec.to_builtins(p2)
    run(
        plan_store,
        planned("A1.1.1", due),
        lambda s: c.add_action(s, "P1", "A1.1", text="Eigen actie"),
        lambda s: c.add_action(s, "P1", "A1", text="Eigen rij"),
        evaluation(date(2026, 11, 20), ratings := [ev.Rating("A1", "verworven", "Goed")]),
        evaluation(date(2026, 11, 21), ratings2 := [ev.Rating("A2", "verworven")]),
        lambda s: c.sign_off(s, "P1", role="mentor"),
    )
    assert msgspec.to_builtins(p2) == before
    a1, a2 = p1.action("A1.1.1"), p2.action("A1.1.1")
    assert a1 is not None and a2 is not None
    assert a1.due == due and a1.due is a2.due
    assert [a.text for a in row1.actions] == [*(a.text for a in row2.actions), "Eigen actie"]
    assert p1.node("A1.3") is not None and p2.node("A1.3") is None
    assert [e.ratings for e in p1.evaluations] == [ratings, ratings2]
    signoff = p1.signoffs[-1]
    assert (signoff.covers_seq, signoff.covers_hash) == (p1.version, p1.version_hash)
    assert not signoff.mismatch
    # A replay of the same records gives the same plans.
    reopened = Store.open(plan_store.path, create=False)
    try:
        assert reopened.state.plans == plan_store.state.plans
    finally:
        reopened.close()
