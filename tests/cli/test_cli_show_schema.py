"""`plan show --json` is a documented schema: every key it has may stay or be added to, never go."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cli_support import Run

# Every key path `plan show --json` gave for the demo plans (one of them erased) when the
# plan view model replaced its own walk of the plan. `acquired` maps competency ids, so
# only the key itself is pinned there.
PINNED = [
    "acquired",
    "closed",
    "closed.actor",
    "closed.on",
    "closed.outcome",
    "closed.reason",
    "closed.seq",
    "closed.time",
    "company",
    "competencies",
    "competencies[].done",
    "competencies[].id",
    "competencies[].percent",
    "competencies[].rows",
    "competencies[].rows[].actions",
    "competencies[].rows[].actions[].done_on",
    "competencies[].rows[].actions[].dropped_reason",
    "competencies[].rows[].actions[].due",
    "competencies[].rows[].actions[].id",
    "competencies[].rows[].actions[].last_change",
    "competencies[].rows[].actions[].last_change.actor",
    "competencies[].rows[].actions[].last_change.seq",
    "competencies[].rows[].actions[].last_change.time",
    "competencies[].rows[].actions[].own",
    "competencies[].rows[].actions[].status",
    "competencies[].rows[].actions[].text",
    "competencies[].rows[].done_on",
    "competencies[].rows[].due",
    "competencies[].rows[].id",
    "competencies[].rows[].own",
    "competencies[].rows[].skills",
    "competencies[].title",
    "competencies[].total",
    "contact",
    "contract",
    "erased",
    "erased.actor",
    "erased.reason",
    "erased.seq",
    "erased.time",
    "evaluations",
    "evaluations[].actor",
    "evaluations[].id",
    "evaluations[].on",
    "evaluations[].participants",
    "evaluations[].ratings",
    "evaluations[].ratings[].comment",
    "evaluations[].ratings[].competency",
    "evaluations[].ratings[].level",
    "evaluations[].remark",
    "evaluations[].seq",
    "evaluations[].time",
    "id",
    "last_seq",
    "notes",
    "notes[].actor",
    "notes[].seq",
    "notes[].target",
    "notes[].text",
    "notes[].time",
    "occupation",
    "occupation_title",
    "occupation_version",
    "personal",
    "personal[].description",
    "personal[].id",
    "personal[].name",
    "scale",
    "scale[].acquired",
    "scale[].en",
    "scale[].key",
    "scale[].nl",
    "signoffs",
    "signoffs[].actor",
    "signoffs[].covers_hash",
    "signoffs[].covers_seq",
    "signoffs[].current",
    "signoffs[].remark",
    "signoffs[].role",
    "signoffs[].seq",
    "signoffs[].signature",
    "signoffs[].signature.fingerprint",
    "signoffs[].signature.problem",
    "signoffs[].signature.public_key",
    "signoffs[].signature.status",
    "signoffs[].subject",
    "signoffs[].time",
    "start",
    "summary",
    "summary.company",
    "summary.done",
    "summary.expected_percent",
    "summary.id",
    "summary.last_seq",
    "summary.next_due",
    "summary.occupation",
    "summary.occupation_title",
    "summary.overdue",
    "summary.percent",
    "summary.start",
    "summary.status",
    "summary.total",
    "summary.trainee",
    "summary.week",
    "summary.weeks",
    "trainee",
    "version",
    "weeks",
]


def key_paths(value: Any, path: str = "") -> set[str]:
    """Every key in `value`, as a dotted path with [] for list items."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else key
            found.add(inner)
            if inner != "acquired":
                found |= key_paths(item, inner)
    elif isinstance(value, list):
        for item in value:
            found |= key_paths(item, path + "[]")
    return found


def test_plan_show_json_keeps_every_key(run: Run, demo_store: Path) -> None:
    assert run("plan", "erase", "P1", "--reason", "retention", "--force").code == 0
    found: set[str] = set()
    for plan in ("P1", "P2", "P3", "P4", "P5"):
        result = run("plan", "show", plan, "--json")
        assert result.code == 0, result.err
        found |= key_paths(json.loads(result.out))
    assert set(PINNED) - found == set()
