"""Torn tails at every byte offset and single-bit flips: always detected, never a crash or loss.

The reliability suite repeats the bit flips at scale (LEERPAD_FAULTS=1).
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from faultkit import FlipResult, check_bit_flip, check_torn_cut, frame_offsets

from catalog.schema import Profile
from core import commands as c
from core.store import Store


@pytest.fixture(autouse=True)
def _no_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    # These tests are about what open() does with the bytes, not about durability
    # (the kill tests cover that); without fsync each open takes a millisecond, not 40.
    monkeypatch.setattr(os, "fsync", lambda fd: None)


@pytest.fixture(scope="module")
def small_log(tmp_path_factory: pytest.TempPathFactory, tiny_profile: Profile) -> bytes:
    """A plan and a few changes; the last record is a note."""
    path = tmp_path_factory.mktemp("small") / "store"
    with Store.open(path) as store:
        store.execute(
            lambda s: c.create_plan(s, tiny_profile, trainee="An", start=c.date(2026, 10, 5))
        )
        store.execute(lambda s: c.plan_action(s, "P1", "A1.1.1", due=c.date(2026, 12, 1)))
        store.execute(lambda s: c.add_note(s, "P1", "A1", text="Een notitie van enige lengte."))
    return (path / "events.log").read_bytes()


def test_torn_tail_at_every_byte_of_the_last_record(small_log: bytes, tmp_path: Path) -> None:
    start, end = frame_offsets(small_log)[-1]
    for cut in range(start + 1, end):
        check_torn_cut(tmp_path / "s", small_log, cut)


def test_torn_first_record_at_every_byte(small_log: bytes, tmp_path: Path) -> None:
    """The plan.created record alone (about 1.5 kB), cut anywhere: an empty, writable store."""
    start, end = frame_offsets(small_log)[0]
    only_first = small_log[:end]
    for cut in range(start + 1, end):
        check_torn_cut(tmp_path / "s", only_first, cut)
    with Store.open(tmp_path / "s") as store:
        assert store.state.seq == 0 and store.writable


def test_zero_filled_tail_is_moved_aside(small_log: bytes, tmp_path: Path) -> None:
    store_dir = tmp_path / "s"
    store_dir.mkdir()
    (store_dir / "events.log").write_bytes(small_log + bytes(4096))
    with Store.open(store_dir) as store:
        assert store.state.seq == 3 and store.writable
        assert "4096 bytes" in store.notices[0]
    assert (store_dir / "events.log").read_bytes() == small_log


def test_single_bit_flips_are_always_detected(small_log: bytes, tmp_path: Path) -> None:
    rng = random.Random(1128)
    result = FlipResult()
    for _ in range(200):
        check_bit_flip(
            tmp_path / "s", small_log, rng.randrange(len(small_log)), rng.randrange(8), result
        )
    assert result.flips == 200
    assert result.read_only + result.refused_open == 200
    assert {"checksum", "frame"} <= set(result.by_kind)


def test_bit_flips_in_the_header(small_log: bytes, tmp_path: Path) -> None:
    result = FlipResult()
    for offset in range(32):
        check_bit_flip(tmp_path / "s", small_log, offset, offset % 8, result)
    assert result.refused_open == 8  # the magic bytes
    assert result.read_only == 24
