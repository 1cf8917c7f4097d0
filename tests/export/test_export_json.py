"""The JSON export: the full plan state, every value as the projection has it, every key
documented in docs/EXPORT.md, and the golden files of the test plans and the demo plans."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from export_plans import GOLDEN, TODAY, TRICKY_NOTE, golden_outputs

from core.export import render_plan
from core.export.jsonout import SCHEMA_VERSION
from core.projections import PlanState, acquired, signoff_current
from core.store import Store

DOCS = Path(__file__).parents[2] / "docs" / "EXPORT.md"


@pytest.fixture(scope="module")
def data(plans_store: Store) -> dict[str, Any]:
    return json.loads(render_plan(plans_store.state, "P1", "json", lang="nl", today=TODAY))


@pytest.fixture(scope="module")
def p1(plans_store: Store) -> PlanState:
    return plans_store.state.plan("P1")  # type: ignore[return-value]


def iso(value: object) -> object:
    return value.isoformat() if value is not None else None  # type: ignore[attr-defined]


def test_envelope(data: dict[str, Any], plans_store: Store) -> None:
    assert data["schema_version"] == SCHEMA_VERSION == 1
    assert data["log"] == {"seq": plans_store.state.seq, "hash": plans_store.state.hash}
    assert data["today"] == "2026-11-28"


def test_every_action_row_and_date(data: dict[str, Any], p1: PlanState) -> None:
    plan = data["plan"]
    assert [c["id"] for c in plan["job"]] == [c.id for c in p1.competencies]
    for comp, jcomp in zip(p1.competencies, plan["job"], strict=True):
        assert jcomp["title"] == comp.title
        for row, jrow in zip(comp.rows, jcomp["rows"], strict=True):
            assert (jrow["id"], jrow["own"], jrow["skills"]) == (row.id, row.own, row.skills)
            assert (jrow["due"], jrow["done_on"]) == (iso(row.due), iso(row.done_on))
            for action, ja in zip(row.actions, jrow["actions"], strict=True):
                assert ja["id"] == action.id and ja["text"] == action.text
                assert ja["own"] == action.own
                assert ja["status"] == action.status(TODAY).value
                assert (ja["due"], ja["done_on"]) == (iso(action.due), iso(action.done_on))
                assert ja["not_applicable"] == action.dropped
    a = {a["id"]: a for c in plan["job"] for r in c["rows"] for a in r["actions"]}
    assert (
        a["A1.1.5"]["status"] == "na"
        and a["A1.1.5"]["not_applicable"] == "Al gekend uit vorige job"
    )
    assert a["A1.2.1"]["status"] == "overdue"
    assert a["A10.3.1"]["own"] is True and a["A10.3.1"]["done_on"] == "2026-11-03"
    assert a["A1.1.1"]["last_change"]["actor"] == "an.claes"
    assert a["A1.1.1"]["last_change"]["time"].endswith("Z")


def test_details_notes_evaluations_signoffs(data: dict[str, Any], p1: PlanState) -> None:
    plan = data["plan"]
    assert (plan["id"], plan["trainee"], plan["company"]) == ("P1", "Jan Peeters", p1.company)
    assert (plan["start"], plan["weeks"]) == ("2026-09-07", 16)
    assert plan["occupation"]["id"] == "commercieel-medewerker-binnendienst"
    assert plan["version"] == {"seq": p1.version, "hash": p1.version_hash}
    assert plan["closed"] is None
    assert plan["progress"]["done"] == 6 and plan["progress"]["overdue"] == 3
    assert plan["notes"][0]["text"] == TRICKY_NOTE  # JSON carries the text exactly
    assert [p["name"] for p in plan["personal"]] == [p.name for p in p1.personal]
    evaluation = plan["evaluations"][0]
    assert evaluation["id"] == "E1" and evaluation["on"] == "2026-10-30"
    assert [(r["competency"], r["acquired"]) for r in evaluation["ratings"]] == [
        ("A1", True),
        ("B3", False),
        ("A2", False),
    ]
    assert (
        [s["current"] for s in plan["signoffs"]]
        == [
            signoff_current(p1, p1.signoffs[0]),
            True,
            True,
        ]
        == [False, True, True]
    )
    assert plan["acquired"] == acquired(p1)


def test_closed_plan(plans_store: Store) -> None:
    data = json.loads(render_plan(plans_store.state, "P2", "json", lang="nl", today=TODAY))
    closed = data["plan"]["closed"]
    assert (closed["outcome"], closed["on"], closed["actor"]) == (
        "completed",
        "2026-08-24",
        "bart.peeters",
    )


def keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys(v)}
    return set()


def test_every_key_is_documented(plans_store: Store) -> None:
    documented = set(re.findall(r"`([a-z_]+)`", DOCS.read_text(encoding="utf-8")))
    for plan in ("P1", "P2"):
        data = json.loads(render_plan(plans_store.state, plan, "json", lang="nl", today=TODAY))
        missing = keys(data) - documented - {"A1", "A2", "A3", "B1", "B3"}
        assert not missing, f"keys not documented in docs/EXPORT.md: {sorted(missing)}"


def test_golden_files(plans_store: Store, demo_store: Store) -> None:
    """Markdown and JSON of the test plans and the demo plans, byte for byte.

    After a deliberate change: `python tests/export/export_plans.py`, then review the diff.
    """
    outputs = golden_outputs(plans_store, demo_store)
    assert sorted(p.name for p in GOLDEN.iterdir()) == sorted(outputs), (
        "stale or missing golden files"
    )
    assert any(name.startswith("demo-") for name in outputs)
    for name, data in outputs.items():
        assert (GOLDEN / name).read_bytes() == data, f"{name} differs from its golden file"
