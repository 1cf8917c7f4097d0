"""The demo store: realistic plans in every stage, the same for the same today."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import msgspec
import pytest
from cli_support import DEMO_LOG_ID, TODAY, Run, counter_ids, log_bytes, record_count

from cli.cmd_plan import plan_json
from core import events as ev
from core import planview
from core.demo import DemoRefused, build_demo
from core.projections import Status
from core.store import Store
from core.verify import verify_store


def states(path: Path, today: date = TODAY) -> dict[str, dict]:
    with Store.open(path, create=False) as store:
        return {
            pid: plan_json(planview.build(plan, today)) for pid, plan in store.state.plans.items()
        }


def without_hashes(value: object) -> object:
    """Sign-offs name the hash they cover, which depends on the log's random id."""
    if isinstance(value, dict):
        return {k: without_hashes(v) for k, v in value.items() if k != "covers_hash"}
    if isinstance(value, list):
        return [without_hashes(v) for v in value]
    return value


def test_same_today_same_plans(tmp_path: Path, demo_template: Path) -> None:
    # The template was built with fixed ids; without them the plans are the same all the same.
    assert build_demo(tmp_path / "a", TODAY, actor="demo") == ["P1", "P2", "P3", "P4", "P5"]
    assert without_hashes(states(tmp_path / "a")) == without_hashes(states(demo_template))


def _opened_records(path: Path) -> list[tuple[object, ...]]:
    """Every record with its texts opened; the hashes a sign-off names differ with the nonces."""

    def comparable(event: ev.Event) -> ev.Event:
        if isinstance(event, ev.SignedOff):
            return msgspec.structs.replace(event, covers_hash="")
        return event

    with Store.open(path, create=False) as store:
        return [(r.seq, r.id, r.time, r.actor, comparable(r.event)) for r, _ in store.records()]


def test_fixed_ids_give_the_same_records(tmp_path: Path, demo_template: Path) -> None:
    """The same log, but for its sealed texts: each has a random nonce (and each plan a key)."""
    build_demo(tmp_path / "again", TODAY, ids=counter_ids(), log_id=DEMO_LOG_ID, actor="demo")
    assert log_bytes(tmp_path / "again")[:32] == log_bytes(demo_template)[:32]
    assert _opened_records(tmp_path / "again") == _opened_records(demo_template)


def test_another_today_moves_the_story(tmp_path: Path) -> None:
    build_demo(tmp_path / "later", date(2027, 3, 3), actor="demo")
    later = states(tmp_path / "later", date(2027, 3, 3))
    assert later["P2"]["start"] == date(2026, 12, 21)  # ten weeks before, on a Monday
    assert later["P2"]["summary"]["week"] == 11
    assert verify_store(tmp_path / "later").intact


def test_the_demo_has_every_stage(demo_template: Path) -> None:
    plans = states(demo_template)
    assert len(plans) == 5
    status = {pid: p["summary"]["status"] for pid, p in plans.items()}
    assert status == {
        "P1": "completed",
        "P2": "on-track",
        "P3": "behind",
        "P4": "on-track",
        "P5": "on-track",
    }
    trainees = {p["trainee"] for p in plans.values()}
    assert "Sara Peeters" in trainees
    sara = plans["P2"]
    assert sara["company"] == "Van Damme Logistics"
    actions = [a for c in sara["competencies"] for r in c["rows"] for a in r["actions"]]
    kinds = {a["status"] for a in actions}
    assert {str(s) for s in (Status.DONE, Status.PLANNED, Status.OVERDUE, Status.NA)} <= kinds
    assert any(a["own"] and a["status"] == "done" for a in actions)
    assert any(a["dropped_reason"] for a in actions)
    assert len(sara["notes"]) >= 3 and any("\n" in n["text"] for n in sara["notes"])
    assert sara["evaluations"][0]["ratings"] and sara["signoffs"]
    assert plans["P1"]["closed"]["outcome"] == "completed"
    assert plans["P5"]["summary"]["week"] == 0  # starts next week
    assert plans["P3"]["summary"]["overdue"] > 3
    # Record times follow the story and never run backwards.
    with Store.open(demo_template, create=False) as store:
        times = [rec.time for rec, _ in store.records()]
    assert times == sorted(times)
    assert times[-1].date() < TODAY


def test_demo_is_intact(demo_template: Path) -> None:
    report = verify_store(demo_template)
    assert report.intact and report.records == record_count(demo_template)


def test_cli_demo(run: Run, store_dir: Path) -> None:
    # --store after the subcommand, as in `leerpad demo --store DIR`.
    result = run("demo", "--store", str(store_dir), store=None)
    assert result.code == 0, result.err
    assert result.out.splitlines()[0] == (
        f"Demo store with 5 plans (P1, P2, P3, P4, P5) created at {store_dir}."
    )
    assert f"leerpad --store {store_dir} plan list" in result.out
    assert len(json.loads(run("plan", "list", "--json").out)) == 5


def test_demo_refuses_a_store_with_records(run: Run, plan: str, store_dir: Path) -> None:
    before = log_bytes(store_dir)
    result = run("demo")
    assert result.code == 1
    assert "already holds records" in result.err
    assert log_bytes(store_dir) == before


def test_demo_accepts_an_empty_store(run: Run, store_dir: Path) -> None:
    Store.open(store_dir).close()
    assert record_count(store_dir) == 0
    assert run("demo").code == 0
    assert record_count(store_dir) > 100


def test_demo_refuses_a_directory_with_other_files(run: Run, store_dir: Path) -> None:
    store_dir.mkdir()
    (store_dir / "thesis.odt").write_text("important")
    result = run("demo")
    assert result.code == 1 and "not empty and not a leerpad store" in result.err
    assert sorted(p.name for p in store_dir.iterdir()) == ["thesis.odt"]


def test_demo_refuses_a_file(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(DemoRefused, match="is not a directory"):
        build_demo(target, TODAY)
