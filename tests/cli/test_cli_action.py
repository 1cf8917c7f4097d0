"""`leerpad action plan|done|reopen|drop|restore|add`, `note add` and `evaluation add`."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from cli_support import Run, log_bytes, record_count


def action(run: Run, plan: str, action_id: str) -> dict[str, Any]:
    data = json.loads(run("plan", "show", plan, "--json").out)
    for comp in data["competencies"]:
        for row in comp["rows"]:
            for a in row["actions"]:
                if a["id"] == action_id:
                    return a
    raise AssertionError(f"no {action_id}")


def test_plan_an_action(run: Run, plan: str) -> None:
    result = run("action", "plan", plan, "A3.2.1", "1/12/2026")
    assert (result.code, result.out, result.err) == (0, "P1 A3.2.1: planned for 01/12/2026.\n", "")
    assert action(run, plan, "A3.2.1")["due"] == "2026-12-01"
    assert action(run, plan, "A3.2.1")["status"] == "planned"
    # Re-planning, with a relative date counted from today (28/11/2026).
    assert (
        run("action", "plan", plan, "a3.2.1", "+2w").out == "P1 A3.2.1: planned for 12/12/2026.\n"
    )


def test_a_past_due_date_makes_the_action_overdue(run: Run, plan: str) -> None:
    assert run("action", "plan", plan, "A1.1.1", "2026-11-20").code == 0
    assert action(run, plan, "A1.1.1")["status"] == "overdue"
    assert json.loads(run("plan", "list", "--json").out)[0]["overdue"] == 1


def test_done_today_or_on_a_date(run: Run, plan: str) -> None:
    assert run("action", "done", plan, "A1.1.1").out == "P1 A1.1.1: done on 28/11/2026.\n"
    result = run("action", "done", plan, "A1.1.2", "--on", "2026-10-01")
    assert result.out == "P1 A1.1.2: done on 01/10/2026.\n"
    assert action(run, plan, "A1.1.2")["done_on"] == "2026-10-01"


def test_reopen_drop_restore(run: Run, plan: str, store_dir: Path) -> None:
    run("action", "done", plan, "A1.1.1")
    assert run("action", "reopen", plan, "A1.1.1", "--reason", "Nog eens oefenen").out == (
        "P1 A1.1.1: reopened.\n"
    )
    assert action(run, plan, "A1.1.1")["status"] == "open"
    assert run("action", "drop", plan, "A1.1.2", "--reason", "Geen centrale").code == 0
    dropped = action(run, plan, "A1.1.2")
    assert (dropped["status"], dropped["dropped_reason"]) == ("na", "Geen centrale")
    assert run("action", "restore", plan, "A1.1.2").out == "P1 A1.1.2: restored.\n"
    assert action(run, plan, "A1.1.2")["status"] == "open"
    assert record_count(store_dir) == 5


def test_add_own_actions(run: Run, plan: str) -> None:
    result = run("action", "add", plan, "A3.2", "Rondleiding in het magazijn.")
    assert (result.code, result.out) == (0, "A3.2.6\n")
    # Under a competency it opens a new row.
    assert run("action", "add", plan, "A3", "Eigen rij.").out == "A3.5.1\n"
    added = action(run, plan, "A3.2.6")
    assert (added["own"], added["text"]) == (True, "Rondleiding in het magazijn.")


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (("plan", "P1", "A3.2.1", "2026-13-01"), 2, "'2026-13-01' is not a date"),
        (("plan", "P1", "A3.2.1", "1/1/2026"), 1, "before the plan's start"),
        (("plan", "P1", "A9.9.9", "1/12/2026"), 1, "Plan P1 has no A9.9.9."),
        (("plan", "P1", "B1", "1/12/2026"), 1, "B1 has no training actions to plan"),
        (("plan", "P1", "A3.2", "1/1/2026"), 1, "before the plan's start"),
        (("plan", "P4", "A3.2.1", "1/12/2026"), 1, "There is no plan P4."),
        (("plan", "P1", "A3.2.1"), 2, "DATE"),
        (("done", "P1", "A1.1.1", "--on", "1/12/2026"), 1, "in the future"),
        (("done", "P1", "A1.1.1", "--on", "1/9/2026"), 1, "before the plan's start"),
        (("done", "P1", "A1.1.1", "--on", "gisteren?"), 2, "is not a date"),
        (("done", "P1", "B1"), 1, "B1 is not a training action"),
        (("done", "P1", ""), 1, "Plan P1 has no ."),
        (("reopen", "P1", "A1.1.1", "--reason", "x"), 1, "A1.1.1 is not done"),
        (("reopen", "P1", "A1.1.1"), 2, "--reason"),
        (("drop", "P1", "A1.1.1", "--reason", "  "), 1, "The reason may not be empty."),
        (("restore", "P1", "A1.1.1"), 1, "not marked not applicable"),
        (("add", "P1", "A3.2", ""), 1, "The text may not be empty."),
        (("add", "P1", "A3.2.1", "tekst"), 1, "An own action goes under a row"),
        (("add", "P1", "Z1", "tekst"), 1, "Plan P1 has no Z1."),
        (("launch", "P1"), 2, "invalid choice"),
        ((), 2, "SUBCOMMAND"),
    ],
)
def test_action_refusals_write_nothing(
    run: Run, plan: str, store_dir: Path, argv: tuple[str, ...], code: int, message: str
) -> None:
    before = log_bytes(store_dir)
    result = run("action", *argv)
    assert result.code == code
    assert message in result.err
    assert result.out == ""
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert log_bytes(store_dir) == before


def test_done_twice_says_who_did_it(run: Run, plan: str) -> None:
    run("action", "done", plan, "A1.1.1")
    again = run("action", "done", plan, "A1.1.1")
    assert again.code == 1
    assert "A1.1.1 is already done: completed on 28/11/2026 by " in again.err


def test_in_dutch(run: Run, plan: str) -> None:
    result = run("--lang", "nl", "action", "done", plan, "A1.1.1")
    assert result.out == "P1 A1.1.1: afgewerkt op 28/11/2026.\n"
    refused = run("action", "done", plan, "A1.1.1", "--lang", "nl")
    assert "is al afgewerkt" in refused.err


def test_action_on_a_missing_store_creates_nothing(run: Run, store_dir: Path) -> None:
    result = run("action", "done", "P1", "A1.1.1")
    assert result.code == 3
    assert "There is no leerpad store" in result.err
    assert not store_dir.exists()


# --- notes -------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["P1", "p1", "A3", "A3.2", "A3.2.1", "B4"])
def test_note_on_every_kind_of_target(run: Run, plan: str, target: str) -> None:
    result = run("note", "add", plan, target, "Besproken met Jan.")
    assert result.code == 0
    assert result.out == f"P1 {target.upper()}: note added.\n"
    notes = json.loads(run("plan", "show", plan, "--json").out)["notes"]
    assert notes[0]["target"] == target.upper() and notes[0]["text"] == "Besproken met Jan."


def test_note_from_stdin(run: Run, plan: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Lijn een\nLijn twee\n"))
    assert run("note", "add", plan, "A1", "-").code == 0
    out = run("plan", "show", plan).out
    assert "    Lijn een\n    Lijn twee\n" in out


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (("P1", "A1", ""), 1, "The note may not be empty."),
        (("P1", "A1", " \n "), 1, "The note may not be empty."),
        (("P1", "A99", "tekst"), 1, "Plan P1 has no A99."),
        (("P2", "A1", "tekst"), 1, "There is no plan P2."),
        (("P1", "A1"), 2, "TEXT"),
    ],
)
def test_note_refusals(
    run: Run, plan: str, store_dir: Path, argv: tuple[str, ...], code: int, message: str
) -> None:
    result = run("note", "add", *argv)
    assert (result.code, message in result.err) == (code, True)
    assert record_count(store_dir) == 1


# --- evaluations ---------------------------------------------------------------------------


def test_evaluation_with_ratings(run: Run, plan: str) -> None:
    result = run(
        "evaluation",
        "add",
        plan,
        "--on",
        "20/11/2026",
        "--participant",
        "Jan Van Damme",
        "--participant",
        "Sara Peeters",
        "--rate",
        "A1=verworven:Vlot aan de telefoon",
        "--rate",
        "a2=in ontwikkeling",
        "--rate",
        "B3=Well acquired: Heel klantgericht",
        "--remark",
        "Goed bezig.",
    )
    assert (result.code, result.out, result.err) == (0, "E1\n", "")
    evaluation = json.loads(run("plan", "show", plan, "--json").out)["evaluations"][0]
    assert evaluation["on"] == "2026-11-20"
    assert evaluation["participants"] == ["Jan Van Damme", "Sara Peeters"]
    assert evaluation["ratings"] == [
        {"competency": "A1", "level": "verworven", "comment": "Vlot aan de telefoon"},
        {"competency": "A2", "level": "in-ontwikkeling", "comment": ""},
        {"competency": "B3", "level": "ruim-verworven", "comment": "Heel klantgericht"},
    ]
    assert evaluation["remark"] == "Goed bezig."
    shown = run("plan", "show", plan).out
    assert "E1  20/11/2026  participants: Jan Van Damme, Sara Peeters" in shown
    assert "latest rating: well acquired" in shown
    # A second one gets the next id, dated today by default.
    again = run("evaluation", "add", plan, "--participant", "Jan", "--rate", "A1=verworven")
    assert again.out == "E2\n"


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (("--rate", "A1=verworven"), 2, "--participant"),
        (("--participant", "Jan"), 2, "--rate"),
        (("--participant", "Jan", "--rate", "A1"), 2, "should look like A3=verworven"),
        (("--participant", "Jan", "--rate", "=verworven"), 2, "should look like"),
        (("--participant", "Jan", "--rate", "A1=top"), 1, "top is not a level"),
        (("--participant", "Jan", "--rate", "A11=verworven"), 1, "A11 is not a competency"),
        (
            ("--participant", "Jan", "--rate", "A1=verworven", "--rate", "A1=verworven"),
            1,
            "A1 is rated twice",
        ),
        (("--participant", " ", "--rate", "A1=verworven"), 1, "at least one participant"),
        (("--participant", "Jan", "--rate", "A1=verworven", "--on", "1/1/2027"), 1, "future"),
        (("--participant", "Jan", "--rate", "A1=verworven", "--on", "x"), 2, "not a date"),
    ],
)
def test_evaluation_refusals(
    run: Run, plan: str, store_dir: Path, argv: tuple[str, ...], code: int, message: str
) -> None:
    result = run("evaluation", "add", plan, *argv)
    assert result.code == code, result.err
    assert message in result.err
    assert record_count(store_dir) == 1
