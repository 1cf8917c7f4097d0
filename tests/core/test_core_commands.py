"""Every command through a real store: what it writes when valid; a refusal writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial

import pytest
from faultkit import log_size

from catalog.schema import Profile
from core import commands as c
from core import events as ev
from core.commands import Rejected
from core.projections import covered, signed_already
from core.store import Store

TODAY = date(2026, 11, 28)
START = date(2026, 10, 5)

Decide = Callable[[object], ev.Event]


def refused(store: Store, decide: Decide, key: str, **params: object) -> Rejected:
    """Assert `decide` is rejected with `key` and that nothing was written."""
    size, seq = log_size(store), store.state.seq
    with pytest.raises(Rejected) as caught:
        store.execute(decide)  # type: ignore[arg-type]
    assert caught.value.key == key, caught.value.message("en")
    for name, value in params.items():
        assert caught.value.params[name] == value
    assert log_size(store) == size
    assert store.state.seq == seq
    # A clear message in both languages, with its parameters filled in.
    en, nl = caught.value.message("en"), caught.value.message("nl")
    assert en and nl and en != key and "{" not in en and "{" not in nl
    return caught.value


def ok(store: Store, decide: Decide) -> ev.Event:
    size = log_size(store)
    record = store.execute(decide)  # type: ignore[arg-type]
    assert log_size(store) > size
    return record.event


def done(plan: str, action: str, on: date = TODAY) -> Decide:
    return lambda s: c.complete_action(s, plan, action, on=on, today=TODAY)  # type: ignore[arg-type]


# --- create / edit / close / reopen plan -----------------------------------------------------


def test_create_plan_copies_the_profile(store: Store, tiny_profile: Profile) -> None:
    event = ok(
        store,
        lambda s: c.create_plan(
            s,
            tiny_profile,
            trainee="  An Peeters ",
            start=START,
            contract="C-123",
            company="Bakkerij Jansen",
            contact="Jan",
        ),
    )
    assert isinstance(event, ev.PlanCreated)
    assert event.plan == "P1"
    assert event.trainee == "An Peeters"
    assert event.weeks == 12  # the profile's duration
    assert [comp.id for comp in event.structure.job] == ["A1", "A2"]
    assert [row.id for row in event.structure.job[0].rows] == ["A1.1", "A1.2"]
    assert [a.id for a in event.structure.job[1].rows[0].actions] == ["A2.1.1", "A2.1.2", "A2.1.3"]
    assert event.structure.job[0].rows[0].actions[1].text == "Klanten mee onthalen."
    assert [p.id for p in event.structure.personal] == ["B1", "B2"]
    assert [lv.key for lv in event.structure.scale][2] == "verworven"
    second = ok(store, lambda s: c.create_plan(s, tiny_profile, trainee="Bo", start=START))
    assert second.plan == "P2"


def test_create_plan_without_profile_weeks_takes_the_maximum(
    store: Store, tiny_profile: Profile
) -> None:
    import msgspec

    no_weeks = msgspec.structs.replace(tiny_profile, weeks=None)
    event = ok(store, lambda s: c.create_plan(s, no_weeks, trainee="X", start=START))
    assert event.weeks == c.MAX_WEEKS  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"trainee": "   "}, "err.empty"),
        ({"trainee": "x" * 201}, "err.too_long"),
        ({"trainee": "An", "weeks": 3}, "err.weeks"),
        ({"trainee": "An", "weeks": 27}, "err.weeks"),
    ],
)
def test_create_plan_refusals(
    store: Store, tiny_profile: Profile, kwargs: dict[str, object], key: str
) -> None:
    refused(store, lambda s: c.create_plan(s, tiny_profile, start=START, **kwargs), key)  # type: ignore[arg-type]


def test_names_are_stored_exactly_as_typed(store: Store, tiny_profile: Profile) -> None:
    """Escapes and markup are data: showing them literally is the display's job."""
    name = "An [b]Peeters[/b] \x1b[31m"
    event = ok(
        store,
        lambda s: c.create_plan(s, tiny_profile, trainee=name, start=START, contract="C\x07"),
    )
    assert event.trainee == name  # type: ignore[attr-defined]
    assert store.state.plans["P1"].contract == "C\x07"


def test_edit_plan_writes_only_what_changed(plan_store: Store) -> None:
    event = ok(plan_store, lambda s: c.edit_plan(s, "p1", trainee="An Peeters", weeks=14))
    assert isinstance(event, ev.PlanDetailsEdited)
    assert event.plan == "P1"
    assert event.weeks == 14 and event.trainee is None
    assert plan_store.state.plans["P1"].weeks == 14


def test_edit_plan_refusals(plan_store: Store) -> None:
    refused(plan_store, lambda s: c.edit_plan(s, "P9", weeks=5), "err.unknown_plan", plan="P9")
    refused(plan_store, lambda s: c.edit_plan(s, "P1", weeks=12), "err.no_change")
    refused(plan_store, lambda s: c.edit_plan(s, "P1"), "err.no_change")
    refused(plan_store, lambda s: c.edit_plan(s, "P1", weeks=30), "err.weeks")
    refused(plan_store, lambda s: c.edit_plan(s, "P1", trainee=""), "err.empty")
    ok(plan_store, done("P1", "A1.1.1", date(2026, 10, 20)))
    refused(
        plan_store,
        lambda s: c.edit_plan(s, "P1", start=date(2026, 10, 21)),
        "err.start_after_done",
        action="A1.1.1",
    )
    ok(plan_store, lambda s: c.edit_plan(s, "P1", start=date(2026, 10, 20)))


def test_close_and_reopen_plan(plan_store: Store) -> None:
    refused(
        plan_store,
        lambda s: c.close_plan(s, "P1", outcome="finished", on=TODAY, today=TODAY),
        "err.unknown_outcome",
    )
    refused(
        plan_store,
        lambda s: c.close_plan(s, "P1", outcome="stopped", on=date(2026, 10, 1), today=TODAY),
        "err.before_start",
    )
    refused(
        plan_store,
        lambda s: c.close_plan(s, "P1", outcome="stopped", on=date(2026, 11, 29), today=TODAY),
        "err.in_future",
    )
    refused(plan_store, lambda s: c.reopen_plan(s, "P1", reason="x"), "err.plan_not_closed")
    event = ok(
        plan_store,
        lambda s: c.close_plan(s, "P1", outcome="stopped", on=TODAY, today=TODAY, reason=" ziek "),
    )
    assert isinstance(event, ev.PlanClosed) and event.reason == "ziek"
    # Any change to a closed plan is refused, naming how it was closed.
    closed = refused(plan_store, done("P1", "A1.1.1"), "err.plan_closed")
    assert "stopped" in closed.message("en")
    refused(plan_store, lambda s: c.add_note(s, "P1", "P1", text="x"), "err.plan_closed")
    refused(plan_store, lambda s: c.edit_plan(s, "P1", weeks=5), "err.plan_closed")
    refused(
        plan_store,
        lambda s: c.close_plan(s, "P1", outcome="completed", on=TODAY, today=TODAY),
        "err.plan_closed",
    )
    refused(plan_store, lambda s: c.reopen_plan(s, "P1", reason="  "), "err.empty")
    ok(plan_store, lambda s: c.reopen_plan(s, "P1", reason="terug"))
    assert plan_store.state.plans["P1"].closed is None
    ok(plan_store, done("P1", "A1.1.1"))


def test_refusals_name_things_in_the_language_asked(plan_store: Store) -> None:
    ok(plan_store, lambda s: c.close_plan(s, "P1", outcome="stopped", on=TODAY, today=TODAY))
    closed = refused(plan_store, done("P1", "A1.1.1"), "err.plan_closed")
    assert "stopgezet" in closed.message("nl")


# --- actions ---------------------------------------------------------------------------------


def test_plan_action(plan_store: Store) -> None:
    event = ok(plan_store, lambda s: c.plan_action(s, "P1", "a1.1.1", due=date(2026, 12, 1)))
    assert event == ev.ActionPlanned(plan="P1", action="A1.1.1", due=date(2026, 12, 1))
    ok(plan_store, lambda s: c.plan_action(s, "P1", "A1.1.1", due=date(2026, 12, 8)))  # re-plan
    refused(
        plan_store,
        lambda s: c.plan_action(s, "P1", "A1.1.1", due=date(2026, 12, 8)),
        "err.same_due",
    )
    refused(
        plan_store,
        lambda s: c.plan_action(s, "P1", "A1.1.2", due=date(2026, 10, 4)),
        "err.before_start",
    )
    refused(
        plan_store,
        lambda s: c.plan_action(s, "P1", "A1.9.9", due=TODAY),
        "err.unknown_node",
        node="A1.9.9",
    )
    refused(plan_store, lambda s: c.plan_action(s, "P1", "A1.1", due=TODAY), "err.not_an_action")
    refused(plan_store, lambda s: c.plan_action(s, "P7", "A1.1.1", due=TODAY), "err.unknown_plan")
    ok(plan_store, done("P1", "A1.1.2"))
    refused(
        plan_store,
        lambda s: c.plan_action(s, "P1", "A1.1.2", due=TODAY),
        "err.done_reopen_first",
    )
    ok(plan_store, lambda s: c.drop_action(s, "P1", "A1.2.1", reason="geen telefoon"))
    refused(plan_store, lambda s: c.plan_action(s, "P1", "A1.2.1", due=TODAY), "err.dropped")


def test_complete_action(plan_store: Store) -> None:
    event = ok(plan_store, done("P1", "A2.1.1", date(2026, 11, 2)))
    assert event == ev.ActionCompleted(plan="P1", action="A2.1.1", on=date(2026, 11, 2))
    again = refused(plan_store, done("P1", "A2.1.1"), "err.already_done")
    assert "02/11/2026" in again.message("en")
    refused(plan_store, done("P1", "A2.1.2", date(2026, 10, 4)), "err.before_start")
    refused(plan_store, done("P1", "A2.1.2", date(2026, 11, 29)), "err.in_future")
    ok(plan_store, done("P1", "A2.1.2", START))  # the first day and today are both fine
    ok(plan_store, done("P1", "A2.1.3", TODAY))
    ok(plan_store, lambda s: c.drop_action(s, "P1", "A1.2.1", reason="n.v.t."))
    refused(plan_store, done("P1", "A1.2.1"), "err.dropped")
    refused(plan_store, done("P1", "A1.2"), "err.not_an_action")


def test_reopen_action(plan_store: Store) -> None:
    refused(plan_store, lambda s: c.reopen_action(s, "P1", "A1.1.1", reason="x"), "err.not_done")
    ok(plan_store, done("P1", "A1.1.1"))
    refused(plan_store, lambda s: c.reopen_action(s, "P1", "A1.1.1", reason=" "), "err.empty")
    event = ok(plan_store, lambda s: c.reopen_action(s, "P1", "A1.1.1", reason="Nog niet goed"))
    assert event == ev.ActionReopened(plan="P1", action="A1.1.1", reason="Nog niet goed")
    assert plan_store.state.plans["P1"].action("A1.1.1").done_on is None  # type: ignore[union-attr]


def test_drop_and_restore_action(plan_store: Store) -> None:
    refused(plan_store, lambda s: c.restore_action(s, "P1", "A1.1.1"), "err.not_dropped")
    refused(plan_store, lambda s: c.drop_action(s, "P1", "A1.1.1", reason=""), "err.empty")
    event = ok(plan_store, lambda s: c.drop_action(s, "P1", "A1.1.1", reason="Geen kassa"))
    assert event == ev.ActionDropped(plan="P1", action="A1.1.1", reason="Geen kassa")
    refused(plan_store, lambda s: c.drop_action(s, "P1", "A1.1.1", reason="x"), "err.dropped")
    ok(plan_store, lambda s: c.restore_action(s, "P1", "A1.1.1"))
    ok(plan_store, done("P1", "A1.1.1"))
    refused(
        plan_store,
        lambda s: c.drop_action(s, "P1", "A1.1.1", reason="x"),
        "err.done_reopen_first",
    )


def test_add_action(plan_store: Store) -> None:
    event = ok(plan_store, lambda s: c.add_action(s, "P1", "A1.1", text="Eigen actie"))
    assert event == ev.ActionAdded(plan="P1", row="A1.1", action="A1.1.3", text="Eigen actie")
    event = ok(plan_store, lambda s: c.add_action(s, "P1", "a2", text="Nieuwe rij"))
    assert event == ev.ActionAdded(plan="P1", row="A2.2", action="A2.2.1", text="Nieuwe rij")
    event = ok(plan_store, lambda s: c.add_action(s, "P1", "A2.2", text="Nog een"))
    assert event.action == "A2.2.2"  # type: ignore[attr-defined]
    plan = plan_store.state.plans["P1"]
    assert plan.action("A2.2.2").own  # type: ignore[union-attr]
    assert plan.nodes["A2.2"].own  # type: ignore[union-attr]
    refused(plan_store, lambda s: c.add_action(s, "P1", "A1.1.1", text="x"), "err.add_under")
    refused(plan_store, lambda s: c.add_action(s, "P1", "B1", text="x"), "err.add_under")
    refused(plan_store, lambda s: c.add_action(s, "P1", "A7", text="x"), "err.unknown_node")
    refused(plan_store, lambda s: c.add_action(s, "P1", "A1.1", text="\n\t "), "err.empty")
    refused(plan_store, lambda s: c.add_action(s, "P1", "A1.1", text="x" * 10_001), "err.too_long")


def test_add_note_on_every_kind_of_target(plan_store: Store) -> None:
    for target, stored in [("p1", "P1"), ("a1", "A1"), ("A1.2", "A1.2"), ("a1.1.1", "A1.1.1")]:
        event = ok(plan_store, lambda s, t=target: c.add_note(s, "P1", t, text="Opmerking"))
        assert event.target == stored  # type: ignore[attr-defined]
    ok(plan_store, lambda s: c.add_note(s, "P1", "B2", text="[bold]letterlijk[/bold] \x1b[31m"))
    notes = plan_store.state.plans["P1"].notes
    assert notes[-1].text == "[bold]letterlijk[/bold] \x1b[31m"  # stored exactly as typed
    assert notes[-1].target == "B2"
    refused(plan_store, lambda s: c.add_note(s, "P1", "A5", text="x"), "err.unknown_node")
    refused(plan_store, lambda s: c.add_note(s, "P1", "P1", text="   \n "), "err.empty")
    refused(plan_store, lambda s: c.add_note(s, "P2", "P2", text="x"), "err.unknown_plan")


def evaluation(**kwargs: object) -> Decide:
    args: dict[str, object] = {
        "on": date(2026, 11, 20),
        "today": TODAY,
        "participants": ["Jan (mentor)", "An"],
        "ratings": [ev.Rating("a1", "verworven", " Goed "), ev.Rating("B2", "in-ontwikkeling")],
    }
    args.update(kwargs)
    return lambda s: c.record_evaluation(s, "P1", **args)  # type: ignore[arg-type]


def test_record_evaluation(plan_store: Store) -> None:
    event = ok(plan_store, evaluation(remark=" Eerste evaluatie "))
    assert isinstance(event, ev.EvaluationRecorded)
    assert event.evaluation == "E1"
    assert event.ratings == [
        ev.Rating("A1", "verworven", "Goed"),
        ev.Rating("B2", "in-ontwikkeling", ""),
    ]
    assert event.remark == "Eerste evaluatie"
    assert ok(plan_store, evaluation()).evaluation == "E2"  # type: ignore[attr-defined]
    refused(plan_store, evaluation(participants=[" "]), "err.no_participants")
    refused(plan_store, evaluation(ratings=[]), "err.no_ratings")
    refused(plan_store, evaluation(ratings=[ev.Rating("A3", "verworven")]), "err.not_a_competency")
    refused(
        plan_store, evaluation(ratings=[ev.Rating("A1.1", "verworven")]), "err.not_a_competency"
    )
    refused(
        plan_store,
        evaluation(ratings=[ev.Rating("A1", "verworven"), ev.Rating("a1", "verworven")]),
        "err.duplicate_rating",
    )
    refused(plan_store, evaluation(ratings=[ev.Rating("A1", "goed")]), "err.unknown_level")
    refused(plan_store, evaluation(on=date(2026, 12, 1)), "err.in_future")
    refused(plan_store, evaluation(on=date(2026, 9, 1)), "err.before_start")


def test_sign_off(plan_store: Store) -> None:
    sign = c.sign_off
    event = ok(plan_store, lambda s: sign(s, "P1", role="mentor"))
    assert isinstance(event, ev.SignedOff)
    assert event.subject == "plan" and event.covers_seq == 1
    assert event.covers_hash == next(iter(plan_store.records()))[1]
    again = refused(plan_store, lambda s: sign(s, "P1", role="mentor"), "err.already_signed")
    assert plan_store.actor in again.message("en")
    ok(plan_store, lambda s: sign(s, "P1", role="trainee", subject="p1"))
    refused(plan_store, lambda s: sign(s, "P1", role="boss"), "err.unknown_role")
    refused(
        plan_store, lambda s: sign(s, "P1", role="mentor", subject="E1"), "err.unknown_evaluation"
    )
    ok(plan_store, evaluation())
    e1 = ok(plan_store, lambda s: sign(s, "P1", role="consultant", subject="e1"))
    assert e1.subject == "E1" and e1.covers_seq == 4  # type: ignore[attr-defined]
    # After a change the plan may be signed again: the old sign-off covers an older version.
    ok(plan_store, lambda s: sign(s, "P1", role="mentor"))
    # A closed plan can still be acknowledged.
    ok(
        plan_store,
        lambda s: c.close_plan(s, "P1", outcome="completed", on=TODAY, today=TODAY, reason="Klaar"),
    )
    ok(plan_store, lambda s: sign(s, "P1", role="trainee"))


def test_who_signed_a_version_already_is_what_the_command_refuses(plan_store: Store) -> None:
    ok(plan_store, lambda s: c.sign_off(s, "P1", role="mentor"))
    ok(plan_store, evaluation())
    ok(plan_store, lambda s: c.sign_off(s, "P1", role="trainee", subject="E1"))
    ok(plan_store, lambda s: c.sign_off(s, "P1", role="consultant"))

    def signed(subject: str) -> set[str]:
        plan = plan_store.state.plans["P1"]
        version = covered(plan, subject)
        assert version is not None
        return set(signed_already(plan, version))

    # The evaluation moved the plan's version: the mentor's plan sign-off covers an older one.
    assert signed("plan") == {"consultant"} and signed("e1") == {"trainee"}
    assert covered(plan_store.state.plans["P1"], "E7") is None
    for subject in ("plan", "E1"):
        taken = signed(subject)
        for role in c.ROLES:
            decide = partial(c.sign_off, plan_id="P1", role=role, subject=subject)
            if role in taken:
                refused(plan_store, decide, "err.already_signed")
            else:
                decide(plan_store.state)  # decided, not written


def test_every_event_type_is_covered() -> None:
    """The tests above write every event type the log knows; a new one needs a test here."""
    tags = {t.__struct_config__.tag for t in ev.EVENT_TYPES}
    assert tags == {
        "plan.created",
        "plan.edited",
        "action.planned",
        "action.completed",
        "action.reopened",
        "action.added",
        "action.dropped",
        "action.restored",
        "note.added",
        "evaluation.recorded",
        "plan.signed",
        "plan.closed",
        "plan.reopened",
        "plan.erased",  # core/erasure.py, tested in tests/core/test_core_privacy.py
        "access.granted",  # commands in core/access.py, tested in tests/team
        "access.revoked",
        "store.copied",  # written by core/storecopy.py, tested in tests/pg/test_pg_cli.py
    }


def test_sign_off_refuses_a_version_the_signer_did_not_see(plan_store: Store) -> None:
    shown = plan_store.state.plans["P1"].version
    ok(plan_store, lambda s: c.add_note(s, "P1", "A1", text="meanwhile"))
    refused(
        plan_store,
        lambda s: c.sign_off(s, "P1", role="mentor", expect_seq=shown),
        "err.signoff_changed",
    )
    now = plan_store.state.plans["P1"].version
    ok(plan_store, lambda s: c.sign_off(s, "P1", role="mentor", expect_seq=now))
