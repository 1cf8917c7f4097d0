"""Several processes on one log through the real file lock, and writers killed mid-stream.

The reliability suite (test_reliability.py, LEERPAD_FAULTS=1) runs the same
scenarios at scale; these are the quick versions that run in every `make test`.
"""

from __future__ import annotations

import random
from pathlib import Path

from faultkit import kill_loop, run_writers

from core.store import Store


def test_four_processes_append_at_once(plan_store: Store, store_dir: Path) -> None:
    result = run_writers(store_dir, workers=4, count=40)
    assert result.records == 1 + 4 * 40
    assert result.acks == 160
    # The store that was open all along catches up on all of it.
    assert len(plan_store.refresh()) == 160
    assert plan_store.state.seq == 161


def test_writers_while_a_reader_replays(plan_store: Store, store_dir: Path) -> None:
    result = run_writers(store_dir, workers=4, count=25, reader=True)
    assert result.records == 101
    assert result.reader_rounds >= 1


def test_sigkill_never_loses_an_acknowledged_append(plan_store: Store, store_dir: Path) -> None:
    plan_store.close()
    # Big records span several pages, so some kills land in the middle of a write.
    result = kill_loop(store_dir, kills=8, rng=random.Random(20261128), pad=9000)
    assert result.kills == 8
    assert result.acked >= 8
    assert result.torn_moved == result.side_files
