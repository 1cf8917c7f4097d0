"""The benchmark's SQLite peer folds the very records of a leerpad log, still sealed, with
leerpad's projection: `make bench` compares replays with it, so it must keep working."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from benchmarks import peers
from core import events as ev
from core.demo import build_demo
from core.store import Store

TODAY = date(2026, 11, 29)


def test_the_sqlite_peer_folds_a_demo_log_with_its_texts_sealed(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    build_demo(store_dir, TODAY, actor="demo")
    records = list(peers.same_records(store_dir / "events.log"))
    participants = [
        p
        for _, r in records
        if isinstance(r.event, ev.EvaluationRecorded)
        for p in r.event.participants
    ]
    # What broke it once: a sealed evaluation participant reaching the fold.
    assert participants and all(isinstance(p, ev.Sealed) for p in participants)

    peer = peers.SQLiteBlobs(tmp_path / "peer.db")
    try:
        peer.load(payload for payload, _ in records)
        folded = peer.replay()
    finally:
        peer.close()

    with Store.open(store_dir) as store:
        assert folded.seq == store.state.seq == len(records)
        assert sorted(folded.plans) == sorted(store.state.plans)
        for plan_id, plan in store.state.plans.items():
            peer_plan = folded.plans[plan_id]
            assert len(peer_plan.evaluations) == len(plan.evaluations)
            assert len(peer_plan.notes) == len(plan.notes)
