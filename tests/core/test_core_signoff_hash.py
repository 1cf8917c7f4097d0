"""A sign-off's covers_hash must be the hash of the record it names: a forged one shows."""

from __future__ import annotations

from datetime import date

import pytest

from cli.main import main
from core import commands
from core import events as ev
from core.export.model import signoff_items
from core.projections import SIGNOFF_CURRENT, SIGNOFF_MISMATCH, signoff_status
from core.store import Store
from core.verify import verify_store


def _forged(store: Store, **change: object) -> ev.Record:
    """A sign-off written with another tool: the plan's version, but not its hash."""

    def decide(s):  # type: ignore[no-untyped-def]
        plan = s.plans["P1"]
        fields = {"covers_seq": plan.version, "covers_hash": plan.version_hash, **change}
        return ev.SignedOff(plan="P1", role="mentor", subject="plan", **fields)

    return store.execute(decide)


def test_a_genuine_sign_off_matches(plan_store: Store) -> None:
    plan_store.execute(lambda s: commands.sign_off(s, "P1", role="mentor"))
    plan = plan_store.state.plans["P1"]
    assert signoff_status(plan, plan.signoffs[-1]) == SIGNOFF_CURRENT
    assert verify_store(plan_store.path).intact


@pytest.mark.parametrize(
    "change", [{"covers_hash": "0" * 64}, {"covers_seq": 99}], ids=["hash", "seq"]
)
def test_a_forged_sign_off_shows_and_fails_verify(
    plan_store: Store, capsys: pytest.CaptureFixture[str], change: dict[str, object]
) -> None:
    record = _forged(plan_store, **change)
    plan = plan_store.state.plans["P1"]
    assert signoff_status(plan, plan.signoffs[-1]) == SIGNOFF_MISMATCH
    report = verify_store(plan_store.path)
    assert report.problem is not None
    assert (report.problem.kind, report.problem.seq) == ("signoff", record.seq)
    store = ["--store", str(plan_store.path)]
    capsys.readouterr()
    assert main([*store, "verify"]) == 3
    assert f"record {record.seq} at byte" in capsys.readouterr().err
    assert main([*store, "plan", "show", "P1"]) == 0
    assert "DOES NOT MATCH" in capsys.readouterr().out
    (item,) = signoff_items(plan, "en")
    assert not item.current and "does not match" in item.state


def test_an_evaluation_sign_off_names_the_evaluation_record(plan_store: Store, today: date) -> None:
    plan_store.execute(
        lambda s: commands.record_evaluation(
            s,
            "P1",
            on=s.plans["P1"].start,
            participants=["Jan"],
            ratings=[ev.Rating("A1", s.plans["P1"].scale[0].key)],
            today=today,
        )
    )
    plan_store.execute(lambda s: commands.sign_off(s, "P1", role="mentor", subject="E1"))
    plan_store.execute(lambda s: commands.add_note(s, "P1", "P1", text="Later."))
    evaluation = plan_store.state.plans["P1"].evaluations[0]
    plan_store.execute(
        lambda s: ev.SignedOff(
            plan="P1", role="consultant", subject="E1", covers_seq=evaluation.seq, covers_hash="1"
        )
    )
    plan = plan_store.state.plans["P1"]
    assert [signoff_status(plan, s) for s in plan.signoffs] == [SIGNOFF_CURRENT, SIGNOFF_MISMATCH]
