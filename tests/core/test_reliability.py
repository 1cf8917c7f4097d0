"""The reliability suite (issue 4): the log's fault tests at scale.

Run with `make test-faults` (LEERPAD_FAULTS=1); without it these are skipped.
docs/RELIABILITY.md lists each test with its figures.
"""

from __future__ import annotations

import grp
import os
import random
import shutil
import time
from pathlib import Path

import pytest
from faultkit import (
    FlipResult,
    check_after_write_failures,
    check_bit_flip,
    check_torn_cut,
    every_event_log,
    fill_disk,
    frame_offsets,
    kill_loop,
    run_fsize_child,
    run_users_appending,
    run_writers,
    small_tmpfs,
    start_child,
    team_store,
    throwaway_users,
)

from catalog.schema import Profile
from core import commands as c
from core.store import Store

pytestmark = pytest.mark.faults
START = c.date(2026, 10, 5)


def report(capsys: pytest.CaptureFixture[str], line: str) -> None:
    """Figures for docs/RELIABILITY.md, shown with `-s` or in the summary of `-rA`."""
    with capsys.disabled():
        print(f"\n[figures] {line}")


def test_eight_writers_500_appends_each(
    plan_store: Store, store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    result = run_writers(store_dir, workers=8, count=500)
    assert result.records == 1 + 8 * 500
    report(
        capsys, f"8 writers x 500: {result.records} records in {time.monotonic() - started:.1f}s"
    )


def test_eight_writers_while_a_reader_replays(
    plan_store: Store, store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    result = run_writers(store_dir, workers=8, count=500, reader=True)
    assert result.records == 1 + 8 * 500
    assert result.reader_rounds >= 2
    report(
        capsys,
        f"8 writers x 500 + reader: {result.records} records, {result.reader_rounds} full "
        f"replays, {time.monotonic() - started:.1f}s",
    )


def test_two_hundred_sigkills(
    plan_store: Store, store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan_store.close()
    started = time.monotonic()
    result = kill_loop(store_dir, kills=200, rng=random.Random(4), pad=9000)
    assert result.kills == 200
    report(
        capsys,
        f"{result.kills} SIGKILLs: {result.acked} acknowledged appends all present, "
        f"{result.torn_moved} torn tails moved aside, {time.monotonic() - started:.1f}s",
    )


@pytest.fixture
def no_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    # The byte-level sweeps test what open() does with the bytes; durability is the
    # kill tests' business. Without fsync each open takes a millisecond, not 40.
    monkeypatch.setattr(os, "fsync", lambda fd: None)


def test_torn_tail_at_every_byte_of_every_record_type(
    tmp_path: Path,
    tiny_profile: Profile,
    no_fsync: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = every_event_log(tmp_path / "src", tiny_profile)
    spans = frame_offsets(data)
    started = time.monotonic()
    cuts = 0
    for _, end in spans:
        log = data[:end]  # this record is the last one
        start = frame_offsets(log)[-1][0]
        for cut in range(start + 1, end):
            check_torn_cut(tmp_path / "s", log, cut)
            cuts += 1
    assert cuts == len(data) - 32 - len(spans)
    report(
        capsys,
        f"torn tails: {cuts} cuts over {len(spans)} records (13 event types), "
        f"{time.monotonic() - started:.1f}s",
    )


def test_thousands_of_single_bit_flips(
    tmp_path: Path,
    tiny_profile: Profile,
    no_fsync: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = every_event_log(tmp_path / "src", tiny_profile)
    rng = random.Random(20261128)
    result = FlipResult()
    started = time.monotonic()
    for _ in range(2000):
        check_bit_flip(tmp_path / "s", data, rng.randrange(len(data)), rng.randrange(8), result)
    for offset in range(32):  # and every bit of the header
        for bit in range(8):
            check_bit_flip(tmp_path / "s", data, offset, bit, result)
    assert result.flips == 2000 + 256
    kinds = ", ".join(f"{k} {n}" for k, n in sorted(result.by_kind.items()))
    report(
        capsys,
        f"bit flips: {result.flips} over {len(data)} bytes, all detected: {result.read_only} "
        f"read-only, {result.refused_open} refused to open; verify: {kinds}; "
        f"{time.monotonic() - started:.1f}s",
    )


def test_file_size_limit_at_every_byte_of_a_record(
    plan_store: Store, store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    child = start_child("fsize-sweep", store_dir, 3000)
    out, err = child.communicate(timeout=600)
    assert child.returncode == 0, err
    lines = out.splitlines()
    refused = [line for line in lines if line.startswith("refused ")]
    assert lines[-1].startswith("ok ")
    frame_size = int(lines[-1].split()[2])
    assert len(refused) == frame_size  # every limit short of the whole record was refused
    check_after_write_failures(store_dir, [])
    acks, failures = run_fsize_child(store_dir, (store_dir / "events.log").stat().st_size + 2000)
    check_after_write_failures(store_dir, acks)
    report(
        capsys,
        f"file size limit: {len(refused)} limits inside a {frame_size}-byte record refused "
        f"cleanly, then {len(acks)} appends up to a limit and {len(failures)} refusals",
    )


def test_full_tmpfs_at_many_sizes(
    tmp_path: Path, tiny_profile: Profile, capsys: pytest.CaptureFixture[str]
) -> None:
    refusals = appended = 0
    with small_tmpfs(tmp_path, "512k") as disk:
        for pad in (100, 700, 2500, 4000, 9000):
            store_dir = disk / f"store-{pad}"
            with Store.open(store_dir) as store:
                store.execute(
                    lambda s: c.create_plan(
                        s, tiny_profile, trainee="An", start=c.date(2026, 10, 5)
                    )
                )
            acked, failures = fill_disk(store_dir, pad=pad, rounds=100_000)
            assert failures and all("disk is full" in f for f in failures)
            check_after_write_failures(store_dir, [])
            refusals += len(failures)
            appended += len(acked)
            shutil.rmtree(store_dir)  # room for the next size
    report(capsys, f"full tmpfs: {appended} appends, {refusals} clean refusals over 5 record sizes")


def test_three_unix_users_at_once(
    tiny_profile: Profile, capsys: pytest.CaptureFixture[str]
) -> None:
    with throwaway_users(3) as users:
        store_dir = team_store(Path(os.environ.get("TMPDIR", "/tmp")), users.group)
        try:
            with Store.open(store_dir) as store:
                store.execute(
                    lambda s: c.create_plan(
                        s, tiny_profile, trainee="An", start=c.date(2026, 10, 5)
                    )
                )
            log = store_dir / "events.log"
            assert log.stat().st_mode & 0o777 == 0o660
            assert grp.getgrgid(log.stat().st_gid).gr_name == users.group
            started = time.monotonic()
            records, how = run_users_appending(store_dir, users, count=40)
            assert len(records) == 1 + 3 * 40
            report(
                capsys,
                f"3 Unix users x 40 CLI appends ({how}): all present with the right actor, "
                f"{time.monotonic() - started:.1f}s",
            )
        finally:
            shutil.rmtree(store_dir, ignore_errors=True)
