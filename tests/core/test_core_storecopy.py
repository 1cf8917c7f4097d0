"""`leerpad store copy` between directories: the copy's sign-offs name the copy's own records."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from core import commands
from core.events import Rating
from core.projections import SIGNOFF_CURRENT, signoff_status
from core.store import Store
from core.storecopy import copy_store

TODAY = date(2026, 11, 28)


def signed_plan(store: Store) -> None:
    """P1 with a note, an evaluation, and both signed off (the plan after the evaluation)."""
    store.execute(lambda s: commands.add_note(s, "P1", "P1", text="een"))
    store.execute(
        lambda s: commands.record_evaluation(
            s,
            "P1",
            on=TODAY,
            today=TODAY,
            participants=["Els"],
            ratings=[Rating("A1", "verworven", "goed")],
        )
    )
    store.execute(lambda s: commands.sign_off(s, "P1", role="mentor", subject="E1"))
    store.execute(lambda s: commands.sign_off(s, "P1", role="mentor", remark="akkoord"))


def test_a_copied_stores_sign_offs_are_current_and_it_verifies(
    plan_store: Store, store_dir: Path, tmp_path: Path
) -> None:
    signed_plan(plan_store)
    plan = plan_store.state.plan("P1")
    assert [signoff_status(plan, s) for s in plan.signoffs] == [SIGNOFF_CURRENT] * 2
    copy_store(store_dir, tmp_path / "copy")
    with Store.open(tmp_path / "copy") as copy:
        plan = copy.state.plan("P1")
        assert [signoff_status(plan, s) for s in plan.signoffs] == [SIGNOFF_CURRENT] * 2
        # Each names the copy's record of what it covered: one later than in the source.
        assert [s.covers_seq for s in plan.signoffs] == [4, 4]
        report = copy.verify()
        assert report.problem is None, report.problem
        assert plan.signoffs[1].remark == "akkoord"
