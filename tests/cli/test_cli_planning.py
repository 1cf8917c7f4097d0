"""`action plan` on a row or competency, `plan schedule`, `agenda`, and closing with a reason."""

from __future__ import annotations

import json
from pathlib import Path

from cli_support import Run, log_bytes, record_count


def test_plan_every_open_action_of_a_row_or_competency(run: Run, plan: str) -> None:
    run("action", "done", plan, "A3.2.2")
    result = run("action", "plan", plan, "A3.2", "1/12/2026")
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        f"P1 A3.2.{i}: planned for 01/12/2026." for i in (1, 3, 4, 5)
    ]
    result = run("action", "plan", plan, "a3", "2/12/2026")
    assert result.code == 0
    assert result.out.splitlines()[:2] == [
        "P1 A3.1.1: planned for 02/12/2026.",
        "P1 A3.2.1: planned for 02/12/2026.",
    ]
    assert len(result.out.splitlines()) == 7
    assert result.err == ""


def test_a_date_after_the_plans_end_is_written_with_a_warning(run: Run, plan: str) -> None:
    result = run("action", "plan", plan, "A1.1.1", "1/4/2027")
    assert result.code == 0
    assert result.err == "leerpad: 01/04/2027 is after the plan's end (07/03/2027).\n"


def test_schedule_shows_a_proposal_and_writes_only_with_apply(
    run: Run, plan: str, store_dir: Path
) -> None:
    run("action", "plan", plan, "A1.1.1", "1/12/2026")
    before = log_bytes(store_dir)
    result = run("plan", "schedule", plan)
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].split() == ["ACTION", "PLANNED", "TRAINING", "ACTION"]
    assert lines[1].startswith("A1.1.1   01/12/2026  kept")
    assert lines[2].startswith("A1.1.2   02/12/2026  new")
    assert lines[-1].startswith("60 new dates proposed; nothing written")
    assert log_bytes(store_dir) == before
    data = json.loads(run("plan", "schedule", plan, "--json", "--from", "2027-03-01").out)
    assert data["applied"] is False
    assert {a["due"] for a in data["actions"] if a["new"]} <= {"2027-03-05", "2027-03-07"}
    applied = run("plan", "schedule", plan, "--apply")
    assert applied.out.splitlines()[-1] == "60 actions of P1 planned."
    assert record_count(store_dir) == 62
    assert (
        run("plan", "schedule", plan).out == "Every open action of P1 already has a planned date.\n"
    )


def test_schedule_refusals(run: Run, plan: str) -> None:
    late = run("plan", "schedule", plan, "--from", "8/3/2027")
    assert (late.code, late.out) == (1, "")
    assert "ends on 07/03/2027" in late.err
    assert run("plan", "schedule", "P9").code == 1
    assert run("plan", "schedule", plan, "--from", "soon").code == 2


def test_agenda_groups_by_date(run: Run, plan: str) -> None:
    run("action", "plan", plan, "A1.1.1", "20/11/2026")
    run("action", "plan", plan, "A1.1.2", "1/12/2026")
    run("action", "plan", plan, "A1.1.3", "1/2/2027")
    result = run("agenda")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0] == "20/11/2026 (overdue)"
    assert lines[1].startswith("  P1   Sara Peeters             A1.1.1    Afspraken maken")
    assert lines[3] == "01/12/2026"
    assert len(lines) == 5
    data = json.loads(run("agenda", "--days", "70", "--json").out)
    assert [(d["action"], d["overdue"]) for d in data] == [
        ("A1.1.1", True),
        ("A1.1.2", False),
        ("A1.1.3", False),
    ]
    assert run("agenda", "--mine", "--json").code == 0
    assert run("agenda", "--days", "-1").code == 1


def test_agenda_with_nothing_due(run: Run, plan: str) -> None:
    result = run("agenda", "--days", "7")
    assert result.out == "Nothing overdue and nothing due in the next 7 days.\n"


def test_closing_as_completed_with_open_work_needs_a_reason(
    run: Run, plan: str, store_dir: Path
) -> None:
    result = run("plan", "close", plan, "--outcome", "completed")
    assert result.code == 1
    assert "61 open actions (0 overdue)" in result.err
    assert record_count(store_dir) == 1
    result = run("plan", "close", plan, "--outcome", "completed", "--reason", "Werk gevonden")
    assert result.code == 0


def test_a_start_before_2000_is_refused(run: Run, plan: str) -> None:
    result = run("plan", "edit", plan, "--start", "1999-09-06")
    assert result.code == 1
    assert "the earliest start is 01/01/2000" in result.err
