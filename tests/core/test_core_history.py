"""The audit history: one entry per record, with what it changed from and to; time travel."""

from __future__ import annotations

from datetime import date

from core import commands as c
from core import events as ev
from core.history import NEEDS_NO_STATE, entry_alone
from core.projections import summarize
from core.store import Store

TODAY = date(2026, 11, 28)


def every_kind(plan_store: Store) -> None:
    """A change of every kind to plan P1, by jan."""
    plan_store.actor = "jan"
    steps = [
        lambda s: c.plan_action(s, "P1", "A1.1.1", due=date(2026, 11, 20)),
        lambda s: c.plan_action(s, "P1", "A1.1.1", due=date(2026, 11, 27)),
        lambda s: c.complete_action(s, "P1", "A1.1.1", on=date(2026, 11, 26), today=TODAY),
        lambda s: c.reopen_action(s, "P1", "A1.1.1", reason="Toch niet af"),
        lambda s: c.drop_action(s, "P1", "A1.2.1", reason="Geen telefoon"),
        lambda s: c.restore_action(s, "P1", "A1.2.1"),
        lambda s: c.add_action(s, "P1", "A2.1", text="Eigen actie"),
        lambda s: c.add_note(s, "P1", "A2", text="Loopt goed"),
        lambda s: c.edit_plan(s, "P1", weeks=14, company="Bakkerij Peeters"),
        lambda s: c.record_evaluation(
            s,
            "P1",
            on=TODAY,
            today=TODAY,
            participants=["Jan"],
            ratings=[ev.Rating("A1", "verworven")],
            remark="Tussentijds",
        ),
        lambda s: c.sign_off(s, "P1", role="mentor"),
        lambda s: c.close_plan(s, "P1", outcome="completed", on=TODAY, today=TODAY, reason="Klaar"),
        lambda s: c.reopen_plan(s, "P1", reason="Verlengd"),
    ]
    for step in steps:
        plan_store.execute(step)


def test_entries_say_before_and_after(plan_store: Store) -> None:
    every_kind(plan_store)
    entries = plan_store.history()
    assert [e.seq for e in entries] == list(range(1, 15))
    assert all(e.plan == "P1" for e in entries)
    rows = [(e.kind, e.target, e.before, e.after, e.detail) for e in entries]
    assert rows[0][:2] == ("plan.created", "P1")
    assert rows[0][3] == "An Peeters, 05/10/2026, 12 weeks"
    assert rows[1:] == [
        ("action.planned", "A1.1.1", "-", "20/11/2026", ""),
        ("action.planned", "A1.1.1", "20/11/2026", "27/11/2026", ""),
        ("action.completed", "A1.1.1", "planned 27/11/2026", "done 26/11/2026", ""),
        ("action.reopened", "A1.1.1", "done 26/11/2026", "planned 27/11/2026", "Toch niet af"),
        ("action.dropped", "A1.2.1", "open", "n/a", "Geen telefoon"),
        ("action.restored", "A1.2.1", "n/a", "open", ""),
        ("action.added", "A2.1.4", "", "Eigen actie", ""),
        ("note.added", "A2", "", "", "Loopt goed"),
        (
            "plan.edited",
            "P1",
            "company: Bakkerij Jansen; weeks: 12",
            "company: Bakkerij Peeters; weeks: 14",
            "",
        ),
        ("evaluation.recorded", "E1", "", "A1: verworven", "Tussentijds"),
        ("plan.signed", "P1", "", "version 11", ""),
        ("plan.closed", "P1", "open", "completed 28/11/2026", "Klaar"),
        ("plan.reopened", "P1", "completed", "open", "Verlengd"),
    ]
    assert {e.actor for e in entries[1:]} == {"jan"}
    described = [e.describe("en") for e in entries]
    assert described[1] == "planned A1.1.1"
    assert described[2] == "re-planned A1.1.1"
    assert described[3] == "completed A1.1.1"
    assert entries[3].describe("nl") == "A1.1.1 afgewerkt"
    assert "consultant" not in described[11] and "mentor" in described[11]
    assert "begeleider" in entries[11].describe("nl")
    assert "completed" in described[12] and "afgerond" in entries[12].describe("nl")


def test_an_entry_of_a_kind_that_needs_no_state_comes_from_its_record_alone(
    plan_store: Store,
) -> None:
    every_kind(plan_store)
    plan_store.execute(lambda s: c.add_note(s, "P1", "P1", text="Na heropenen"))
    entries = plan_store.history()
    alone = [entry_alone(record) for record, _ in plan_store.records()]
    kinds = {e.kind for e in entries}
    assert kinds & NEEDS_NO_STATE == kinds - {
        "action.planned",
        "action.completed",
        "action.reopened",
        "action.dropped",
        "action.restored",
        "plan.edited",
        "plan.reopened",
    }
    for entry, found in zip(entries, alone, strict=True):
        if entry.kind in NEEDS_NO_STATE:
            assert found == entry
        elif entry.before not in ("", "-"):
            assert found != entry  # the others do read the state before them


def test_history_upto(plan_store: Store) -> None:
    plan_store.execute(lambda s: c.add_note(s, "P1", "P1", text="een"))
    plan_store.execute(lambda s: c.add_note(s, "P1", "P1", text="twee"))
    assert [e.detail for e in plan_store.history(2)] == ["", "een"]


def test_state_at_travels_through_time(plan_store: Store) -> None:
    """The plan as it was after each record equals what the live store showed at that moment."""
    snapshots = {1: summarize(plan_store.state.plans["P1"], TODAY)}
    steps = [
        lambda s: c.plan_action(s, "P1", "A1.1.1", due=date(2026, 11, 20)),
        lambda s: c.complete_action(s, "P1", "A1.1.2", on=date(2026, 11, 1), today=TODAY),
        lambda s: c.drop_action(s, "P1", "A2.1.3", reason="x"),
        lambda s: c.complete_action(s, "P1", "A1.1.1", on=date(2026, 11, 21), today=TODAY),
        lambda s: c.reopen_action(s, "P1", "A1.1.2", reason="y"),
    ]
    for step in steps:
        record = plan_store.execute(step)
        snapshots[record.seq] = summarize(plan_store.state.plans["P1"], TODAY)
    for seq, expected in snapshots.items():
        then = plan_store.state_at(seq)
        assert then.seq == seq
        assert summarize(then.plans["P1"], TODAY) == expected
    assert plan_store.state_at(3).plans["P1"].action("A1.1.2").done_on == date(2026, 11, 1)
    assert plan_store.state_at(6).plans["P1"].action("A1.1.2").done_on is None
    assert plan_store.state_at(0).plans == {}
    assert plan_store.state_at(99) == plan_store.state
