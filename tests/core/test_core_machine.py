"""A hypothesis state machine: random command sequences, valid and not, through a real store.

Two clients share the store directory, so commands also run from a client that
has not seen the latest records (it catches up under the lock). A small model
predicts which commands are valid and what the plans look like; after the run
the store is reopened from disk, replayed, compared and verified.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import hypothesis.strategies as st
from faultkit import check_log, verify_store
from hypothesis import HealthCheck, settings
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from catalog.schema import Profile
from core import commands as c
from core import events as ev
from core.commands import Rejected
from core.store import Store

TODAY = date(2026, 11, 28)
BASE = date(2026, 10, 5)
INVALID_IDS = ["A9.9.9", "A1.1", "B1", "E1", "P1"]
PLANS = st.sampled_from([1, 1, 1, 1, 2, 3])
"""Mostly P1 (made before the first step), sometimes a plan that may not exist."""


@dataclass
class ModelAction:
    due: date | None = None
    done_on: date | None = None
    dropped: bool = False


@dataclass
class ModelPlan:
    start: date
    weeks: int
    closed: bool = False
    actions: dict[str, ModelAction] = field(default_factory=dict)
    rows: dict[str, list[str]] = field(default_factory=dict)
    competencies: dict[str, list[str]] = field(default_factory=dict)
    notes: int = 0
    evaluations: int = 0


class LogMachine(RuleBasedStateMachine):
    profile: Profile  # set by the test from the tiny_profile fixture

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="leerpad-machine-"))
        self.store = Store.open(self.dir)
        self.other = Store.open(self.dir)  # a second client that only catches up on writing
        self.plans: dict[str, ModelPlan] = {}
        self.count = 0

    # --- running a command and checking what it wrote ----------------------------------

    def run(self, decide: object, valid: bool | None, *, other: bool = False) -> ev.Record | None:
        client = self.other if other else self.store
        size = (self.dir / "events.log").stat().st_size
        try:
            record = client.execute(decide)  # type: ignore[arg-type]
        except Rejected as exc:
            assert valid is not True, f"refused a valid command: {exc.message('en')}"
            assert (self.dir / "events.log").stat().st_size == size
            assert client.state.seq == self.count
            return None
        assert valid is not False, f"accepted an invalid command: {record.event}"
        self.count += 1
        assert record.seq == self.count
        assert (self.dir / "events.log").stat().st_size > size
        assert client.end == (self.dir / "events.log").stat().st_size
        return record

    def plan(self, index: int) -> tuple[str, ModelPlan | None]:
        plan_id = f"P{index}"
        return plan_id, self.plans.get(plan_id)

    @staticmethod
    def pick(options: list[str], index: int, preferred: list[str] | None = None) -> str:
        """Mostly an id that exists (often a `preferred` one); from index 34 on, an unknown one."""
        if index >= 34 or not options:
            return INVALID_IDS[index % len(INVALID_IDS)]
        if preferred and index % 2 == 0:
            return sorted(preferred)[index % len(preferred)]
        return sorted(options)[index % len(options)]

    @staticmethod
    def done(plan: ModelPlan | None) -> list[str]:
        return [k for k, a in plan.actions.items() if a.done_on] if plan else []

    @staticmethod
    def dropped(plan: ModelPlan | None) -> list[str]:
        return [k for k, a in plan.actions.items() if a.dropped] if plan else []

    # --- rules -------------------------------------------------------------------------

    @initialize(offset=st.integers(-40, 0))
    def first_plan(self, offset: int) -> None:
        self.create_plan("An Peeters", offset, 12, other=False)

    @rule(
        trainee=st.sampled_from(["An Peeters", "  ", "Bo", "x" * 201, "É\x1b[1m"]),
        offset=st.integers(-40, 40),
        weeks=st.integers(2, 28),
        other=st.booleans(),
    )
    def create_plan(self, trainee: str, offset: int, weeks: int, other: bool) -> None:
        start = BASE + timedelta(days=offset)
        valid = bool(trainee.strip()) and len(trainee.strip()) <= 200 and 4 <= weeks <= 26
        record = self.run(
            lambda s: c.create_plan(s, self.profile, trainee=trainee, start=start, weeks=weeks),
            valid,
            other=other,
        )
        if record is None:
            return
        model = ModelPlan(start, weeks)
        for comp in record.event.structure.job:  # type: ignore[attr-defined]
            model.competencies[comp.id] = [row.id for row in comp.rows]
            for row in comp.rows:
                model.rows[row.id] = [a.id for a in row.actions]
                for action in row.actions:
                    model.actions[action.id] = ModelAction()
        self.plans[record.event.plan] = model

    @rule(
        index=PLANS,
        pick=st.integers(0, 40),
        offset=st.integers(-5, 100),
        other=st.booleans(),
    )
    def plan_action(self, index: int, pick: int, offset: int, other: bool) -> None:
        plan_id, plan = self.plan(index)
        action_id = self.pick(list(plan.actions) if plan else [], pick)
        due = (plan.start if plan else BASE) + timedelta(days=offset)
        a = plan.actions.get(action_id) if plan else None
        valid = (
            plan is not None
            and not plan.closed
            and a is not None
            and a.done_on is None
            and not a.dropped
            and due >= plan.start
            and due != a.due
        )
        if self.run(lambda s: c.plan_action(s, plan_id, action_id, due=due), valid, other=other):
            assert a is not None
            a.due = due

    @rule(
        index=PLANS,
        pick=st.integers(0, 40),
        offset=st.integers(-5, 70),
        other=st.booleans(),
    )
    def complete(self, index: int, pick: int, offset: int, other: bool) -> None:
        plan_id, plan = self.plan(index)
        action_id = self.pick(list(plan.actions) if plan else [], pick)
        on = (plan.start if plan else BASE) + timedelta(days=offset)
        a = plan.actions.get(action_id) if plan else None
        valid = (
            plan is not None
            and not plan.closed
            and a is not None
            and a.done_on is None
            and not a.dropped
            and plan.start <= on <= TODAY
        )
        decide = lambda s: c.complete_action(s, plan_id, action_id, on=on, today=TODAY)  # noqa: E731
        if self.run(decide, valid, other=other):
            assert a is not None
            a.done_on = on

    @rule(
        index=PLANS,
        pick=st.integers(0, 40),
        reason=st.sampled_from(["Nog niet goed", "Nog niet goed", ""]),
    )
    def reopen_action(self, index: int, pick: int, reason: str) -> None:
        plan_id, plan = self.plan(index)
        action_id = self.pick(list(plan.actions) if plan else [], pick, self.done(plan))
        a = plan.actions.get(action_id) if plan else None
        valid = (
            plan is not None
            and not plan.closed
            and a is not None
            and a.done_on is not None
            and bool(reason.strip())
        )
        if self.run(lambda s: c.reopen_action(s, plan_id, action_id, reason=reason), valid):
            assert a is not None
            a.done_on = None

    @rule(
        index=PLANS,
        pick=st.integers(0, 40),
        reason=st.sampled_from(["Niet van toepassing", "Niet van toepassing", " "]),
        other=st.booleans(),
    )
    def drop(self, index: int, pick: int, reason: str, other: bool) -> None:
        plan_id, plan = self.plan(index)
        action_id = self.pick(list(plan.actions) if plan else [], pick)
        a = plan.actions.get(action_id) if plan else None
        valid = (
            plan is not None
            and not plan.closed
            and a is not None
            and a.done_on is None
            and not a.dropped
            and bool(reason.strip())
        )
        decide = lambda s: c.drop_action(s, plan_id, action_id, reason=reason)  # noqa: E731
        if self.run(decide, valid, other=other):
            assert a is not None
            a.dropped = True

    @rule(index=PLANS, pick=st.integers(0, 40))
    def restore(self, index: int, pick: int) -> None:
        plan_id, plan = self.plan(index)
        action_id = self.pick(list(plan.actions) if plan else [], pick, self.dropped(plan))
        a = plan.actions.get(action_id) if plan else None
        valid = plan is not None and not plan.closed and a is not None and a.dropped
        if self.run(lambda s: c.restore_action(s, plan_id, action_id), valid):
            assert a is not None
            a.dropped = False

    @rule(
        index=PLANS,
        pick=st.integers(0, 40),
        text=st.sampled_from(["Eigen actie", "", "[b]vet[/b]"]),
        other=st.booleans(),
    )
    def add_action(self, index: int, pick: int, text: str, other: bool) -> None:
        plan_id, plan = self.plan(index)
        under = self.pick([*plan.rows, *plan.competencies] if plan else [], pick)
        is_row = plan is not None and under in plan.rows
        is_comp = plan is not None and under in plan.competencies
        valid = plan is not None and not plan.closed and (is_row or is_comp) and bool(text.strip())
        decide = lambda s: c.add_action(s, plan_id, under, text=text)  # noqa: E731
        record = self.run(decide, valid, other=other)
        if record is None:
            return
        assert plan is not None
        e: ev.ActionAdded = record.event  # type: ignore[assignment]
        if is_comp:
            assert e.row not in plan.rows
            plan.competencies[under].append(e.row)
            plan.rows[e.row] = []
        else:
            assert e.row == under
        assert e.action not in plan.actions
        plan.rows[e.row].append(e.action)
        plan.actions[e.action] = ModelAction()

    @rule(
        index=PLANS,
        pick=st.integers(0, 60),
        text=st.sampled_from(["Goed bezig", "  ", "\x1b]0;titel\x07"]),
        other=st.booleans(),
    )
    def add_note(self, index: int, pick: int, text: str, other: bool) -> None:
        plan_id, plan = self.plan(index)
        targets = [*plan.actions, *plan.rows, *plan.competencies, "B1", "B2"] if plan else []
        target = self.pick(targets, pick)
        known = plan is not None and (target in targets or target == plan_id)
        known = known or (plan is not None and target == "E1" and plan.evaluations > 0)
        valid = plan is not None and not plan.closed and known and bool(text.strip())
        decide = lambda s: c.add_note(s, plan_id, target, text=text)  # noqa: E731
        if self.run(decide, valid, other=other):
            assert plan is not None
            plan.notes += 1

    @rule(
        index=PLANS,
        ratings=st.lists(
            st.tuples(
                st.sampled_from(["A1", "A2", "B1", "B2", "A3"]),
                st.sampled_from(["verworven", "in-ontwikkeling", "ruim-verworven", "super"]),
            ),
            max_size=2,
        ),
        offset=st.integers(-3, 70),
    )
    def evaluate(self, index: int, ratings: list[tuple[str, str]], offset: int) -> None:
        plan_id, plan = self.plan(index)
        on = (plan.start if plan else BASE) + timedelta(days=offset)
        comps = [comp for comp, _ in ratings]
        valid = (
            plan is not None
            and not plan.closed
            and plan.start <= on <= TODAY
            and bool(ratings)
            and all(comp in ("A1", "A2", "B1", "B2") for comp in comps)
            and len(set(comps)) == len(comps)
            and all(level != "super" for _, level in ratings)
        )
        rated = [ev.Rating(comp, level) for comp, level in ratings]

        def decide(s: object) -> ev.Event:
            return c.record_evaluation(
                s,  # type: ignore[arg-type]
                plan_id,
                on=on,
                today=TODAY,
                participants=["Jan"],
                ratings=rated,
            )

        if self.run(decide, valid):
            assert plan is not None
            plan.evaluations += 1

    @rule(
        index=PLANS,
        role=st.sampled_from(["mentor", "trainee", "chef"]),
        subject=st.sampled_from(["plan", "E1"]),
    )
    def sign(self, index: int, role: str, subject: str) -> None:
        plan_id, plan = self.plan(index)
        # Whether a sign-off is a repeat depends on versions: the store decides, we check it
        # never writes when it refuses and that obviously bad ones are refused.
        obviously_bad = (
            plan is None or role == "chef" or (subject == "E1" and plan.evaluations == 0)
        )
        decide = lambda s: c.sign_off(s, plan_id, role=role, subject=subject)  # noqa: E731
        self.run(decide, False if obviously_bad else None)

    @precondition(lambda self: self.count >= 6)  # a closed plan refuses almost everything
    @rule(
        index=PLANS,
        outcome=st.sampled_from(["completed", "stopped", "gone"]),
        offset=st.integers(-3, 70),
    )
    def close(self, index: int, outcome: str, offset: int) -> None:
        plan_id, plan = self.plan(index)
        on = (plan.start if plan else BASE) + timedelta(days=offset)
        valid = (
            plan is not None and not plan.closed and outcome != "gone" and plan.start <= on <= TODAY
        )
        decide = lambda s: c.close_plan(  # noqa: E731
            s, plan_id, outcome=outcome, on=on, today=TODAY, reason="Klaar"
        )
        if self.run(decide, valid):
            assert plan is not None
            plan.closed = True

    @rule(index=PLANS, reason=st.sampled_from(["", "Verlengd"]))
    def reopen_plan(self, index: int, reason: str) -> None:
        plan_id, plan = self.plan(index)
        valid = plan is not None and plan.closed and bool(reason)
        if self.run(lambda s: c.reopen_plan(s, plan_id, reason=reason), valid):
            assert plan is not None
            plan.closed = False

    @rule(index=PLANS, weeks=st.integers(2, 28))
    def edit_weeks(self, index: int, weeks: int) -> None:
        plan_id, plan = self.plan(index)
        valid = plan is not None and not plan.closed and 4 <= weeks <= 26 and weeks != plan.weeks
        if self.run(lambda s: c.edit_plan(s, plan_id, weeks=weeks), valid):
            assert plan is not None
            plan.weeks = weeks

    @rule()
    def other_catches_up(self) -> None:
        self.other.refresh()
        self.store.refresh()
        assert self.other.state == self.store.state

    # --- checks after every step ----------------------------------------------------------

    @invariant()
    def matches_the_model(self) -> None:
        self.store.refresh()
        state = self.store.state
        assert state.seq == self.count
        assert self.store.end == (self.dir / "events.log").stat().st_size
        assert sorted(state.plans) == sorted(self.plans)
        for plan_id, model in self.plans.items():
            plan = state.plans[plan_id]
            assert (plan.start, plan.weeks) == (model.start, model.weeks)
            assert (plan.closed is not None) == model.closed
            assert len(plan.notes) == model.notes
            assert len(plan.evaluations) == model.evaluations
            seen = {a.id: (a.due, a.done_on, a.dropped is not None) for a in plan.actions()}
            expected = {k: (a.due, a.done_on, a.dropped) for k, a in model.actions.items()}
            assert seen == expected
            for comp in plan.competencies:
                assert [row.id for row in comp.rows] == model.competencies[comp.id]

    def teardown(self) -> None:
        try:
            self.store.refresh()
            with Store.open(self.dir) as replayed:
                assert replayed.state == self.store.state
                assert replayed.notices == [] and replayed.read_only is None
            ok, why = verify_store(self.dir)
            assert ok, why
            assert len(check_log(self.dir / "events.log").records) == self.count
        finally:
            self.store.close()
            self.other.close()
            shutil.rmtree(self.dir, ignore_errors=True)


def test_log_state_machine(tiny_profile: Profile) -> None:
    LogMachine.profile = tiny_profile
    run_state_machine_as_test(
        LogMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=50,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
