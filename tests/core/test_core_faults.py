"""Quick versions of the environment faults: a file size limit, a full disk, several Unix users.

Each takes a few seconds; test_reliability.py runs them at scale (LEERPAD_FAULTS=1).
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

from faultkit import (
    check_after_write_failures,
    child_env,
    fill_disk,
    run_fsize_child,
    run_users_appending,
    small_tmpfs,
    team_store,
    throwaway_users,
)

from catalog.schema import Profile
from core import commands as c
from core.store import Store

LEERPAD = Path(sys.executable).with_name("leerpad")


def test_file_size_limit_refuses_cleanly(plan_store: Store, store_dir: Path) -> None:
    limit = (store_dir / "events.log").stat().st_size + 700  # room for a few notes
    acks, failures = run_fsize_child(store_dir, limit)
    assert len(acks) >= 1 and len(failures) == 3
    assert all("file size limit" in f and "Nothing was written" in f for f in failures)
    assert (store_dir / "events.log").stat().st_size <= limit
    check_after_write_failures(store_dir, acks)
    # Without the limit the same store takes appends again.
    plan_store.refresh()
    plan_store.execute(lambda s: c.add_note(s, "P1", "P1", text="weer ruimte"))


def _limit_file_size(limit: int) -> None:
    # The CLI itself must ignore SIGXFSZ; this child does not do it for it.
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_cli_under_a_file_size_limit(plan_store: Store, store_dir: Path, tmp_path: Path) -> None:
    size = (store_dir / "events.log").stat().st_size
    result = subprocess.run(
        [str(LEERPAD), "--store", str(store_dir), "note", "add", "P1", "A1", "x" * 5000],
        capture_output=True,
        text=True,
        env=child_env(tmp_path / "home"),
        preexec_fn=lambda: _limit_file_size(size + 100),
        check=False,
    )
    assert result.returncode == 3, (result.returncode, result.stderr)
    assert result.returncode != -signal.SIGXFSZ
    assert "file size limit" in result.stderr and "Traceback" not in result.stderr
    assert (store_dir / "events.log").stat().st_size == size
    check_after_write_failures(store_dir, [])


def test_full_disk_refuses_cleanly(tmp_path: Path, tiny_profile: Profile) -> None:
    with small_tmpfs(tmp_path, "96k") as disk:
        store_dir = disk / "store"
        with Store.open(store_dir) as store:
            store.execute(
                lambda s: c.create_plan(s, tiny_profile, trainee="An", start=c.date(2026, 10, 5))
            )
        acked, failures = fill_disk(store_dir, pad=6000)
        assert acked and failures
        assert any("the disk is full" in f for f in failures)
        check_after_write_failures(store_dir, [])
        with Store.open(store_dir) as store:
            assert store.state.seq == 1 + len(acked)


def test_two_unix_users_append_with_their_own_names(tmp_path: Path, tiny_profile: Profile) -> None:
    workdir = Path(os.environ.get("TMPDIR", "/tmp"))
    with throwaway_users(2) as users:
        store_dir = team_store(workdir, users.group)
        try:
            with Store.open(store_dir) as store:
                store.execute(
                    lambda s: c.create_plan(
                        s, tiny_profile, trainee="An", start=c.date(2026, 10, 5)
                    )
                )
            log = store_dir / "events.log"
            assert log.stat().st_mode & 0o777 == 0o660 and log.stat().st_gid != 0
            records, _ = run_users_appending(store_dir, users, count=3)
            assert len(records) == 1 + 2 * 3
        finally:
            import shutil

            shutil.rmtree(store_dir, ignore_errors=True)
