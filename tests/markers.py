"""Every kind of personal text with a marker of its own, written through the command line: what
the privacy tests of both store kinds look for in every byte and every table."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

Run = Callable[..., Any]
"""run(*argv) -> a result with `code`, `out` and `err` (tests/cli/cli_support.py's Result)."""

MARKERS = {
    "trainee": "Trainee7QzMarker",
    "contract": "Contract7QzMarker",
    "contact": "Contact7QzMarker",
    "trainee2": "Renamed7QzMarker",
    "contract2": "Contract2x7QzMarker",
    "contact2": "Contact2x7QzMarker",
    "own": "OwnAction7QzMarker",
    "drop": "DropReason7QzMarker",
    "reopen_action": "ReopenAction7QzMarker",
    "note": "Note7QzMarker",
    "participant": "Participant7QzMarker",
    "comment": "Comment7QzMarker",
    "remark": "Remark7QzMarker",
    "signoff": "SignRemark7QzMarker",
    "close": "CloseReason7QzMarker",
    "reopen_plan": "ReopenPlan7QzMarker",
}


def ok(run: Run, *argv: str, **options: Any) -> str:
    """The output of a command that must succeed (`options` go to `run`)."""
    result = run(*argv, **options)
    assert result.code == 0, (argv, result.err)
    return result.out


def write_every_personal_text(run: Run, occupation: str, start: str) -> None:
    """Plan P1 holding every kind of personal text, each with its marker; closed."""
    m = MARKERS
    ok(
        run, "plan", "new", "--occupation", occupation, "--trainee", m["trainee"],
        "--contract", m["contract"], "--contact", m["contact"], "--company", "Bakkerij Open",
        "--start", start,
    )  # fmt: skip
    ok(run, "plan", "edit", "P1", "--trainee", m["trainee2"])
    ok(run, "plan", "edit", "P1", "--contract", m["contract2"], "--contact", m["contact2"])
    ok(run, "action", "add", "P1", "A1.1", m["own"])
    ok(run, "action", "drop", "P1", "A1.1.2", "--reason", m["drop"])
    ok(run, "action", "done", "P1", "A1.1.1")
    ok(run, "action", "reopen", "P1", "A1.1.1", "--reason", m["reopen_action"])
    ok(run, "note", "add", "P1", "A1", m["note"])
    ok(
        run, "evaluation", "add", "P1", "--participant", m["participant"],
        "--rate", f"A1=verworven:{m['comment']}", "--remark", m["remark"],
    )  # fmt: skip
    ok(run, "sign", "P1", "--role", "mentor", "--remark", m["signoff"])
    ok(run, "plan", "close", "P1", "--outcome", "stopped", "--reason", m["close"])
    ok(run, "plan", "reopen", "P1", "--reason", m["reopen_plan"])
    ok(run, "plan", "close", "P1", "--outcome", "stopped")


def files_holding_markers(*roots: Path) -> list[str]:
    found = []
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file() and not path.is_symlink():
                data = path.read_bytes()
                found += [f"{path}: {n}" for n, m in MARKERS.items() if m.encode() in data]
    return found
