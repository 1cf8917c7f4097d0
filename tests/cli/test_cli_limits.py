"""Values at the edge of what leerpad handles give one sentence and exit 2 or 3, never 4:
a NUL in the config, LEERPAD_TODAY far off, a system clock outside 1970-2261, and
LEERPAD_TODAY on a store a group shares."""

from __future__ import annotations

import grp
import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from cli_support import Run, record_count

import core.storage
import core.store
from cli.main import main
from core import commands
from core.store import Store
from core.verify import verify_log


def test_a_nul_in_the_config_store_is_a_usage_error(run: Run, tmp_path: Path) -> None:
    config = tmp_path / "home" / "config" / "leerpad" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('store = "/tmp/a\\u0000b"\n', encoding="utf-8")

    result = run("plan", "list", store=None)

    assert result.code == 2
    assert result.err == (
        f"leerpad: The config file {config} cannot be used: store holds a NUL character "
        "(\\u0000), which no path can hold.\n"
    )


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1969-12-31", "2262-01-01"])
def test_leerpad_today_far_off_is_a_usage_error(
    day: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LEERPAD_TODAY", day)
    store = tmp_path / "demo"

    assert main(["--store", str(store), "demo"]) == 2

    err = capsys.readouterr().err
    assert err == (
        f"leerpad: LEERPAD_TODAY is {day}, outside the days leerpad works with "
        "(1970-01-01 to 2261-12-31).\n"
    )
    assert not store.exists()


def test_the_demo_refuses_a_day_out_of_range(run: Run) -> None:
    assert run("demo", today=date(2262, 1, 1)).code == 1


def test_a_pinned_today_is_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LEERPAD_TODAY", "2026-11-28")
    assert main(["--store", str(tmp_path / "s"), "demo"]) == 0
    assert capsys.readouterr().err == (
        "leerpad: LEERPAD_TODAY is set: acting as if today were 28/11/2026 "
        "(a demo and test setting).\n"
    )


@pytest.mark.parametrize(
    "now", [datetime(2300, 1, 1, tzinfo=UTC), datetime(1969, 12, 31, 23, 0, tzinfo=UTC)]
)
def test_a_system_clock_out_of_range_writes_nothing(
    run: Run, plan: str, store_dir: Path, monkeypatch: pytest.MonkeyPatch, now: datetime
) -> None:
    before = record_count(store_dir)
    fake = type("FakeDatetime", (), {"now": staticmethod(lambda tz=None: now)})
    monkeypatch.setattr(core.storage, "datetime", fake)

    result = run("note", "add", plan, plan, "Hallo")

    assert result.code == 3
    assert result.err.startswith(f"leerpad: The system clock says {now.isoformat()}")
    assert "nothing was written" in result.err and result.err.count("\n") == 1
    monkeypatch.undo()
    assert record_count(store_dir) == before


def test_a_clock_out_of_range_in_the_store(store_dir: Path, tiny_profile) -> None:  # type: ignore[no-untyped-def]
    with Store.open(store_dir, clock=lambda: datetime(2262, 4, 12, tzinfo=UTC)) as store:
        with pytest.raises(core.store.StoreError, match="system clock says 2262-04-12"):
            store.execute(
                lambda s: commands.create_plan(
                    s, tiny_profile, trainee="X", start=date(2026, 9, 7), weeks=12
                )
            )
        assert store.state.seq == 0


def test_verify_refuses_an_event_id_with_a_minus_sign(run: Run, plan: str, store_dir: Path) -> None:
    with Store.open(store_dir) as store:
        store.execute(
            lambda s: commands.add_note(s, plan, plan, text="x"),
            event_id="-0000000003e8" + "0" * 20,
        )
    report = verify_log(store_dir / "events.log")
    assert report.problem is not None and report.problem.kind == "bad-id"
    result = run("verify")
    assert result.code == 3
    assert "is not 32 lowercase hex digits" in result.out + result.err


def _a_shared_group() -> int | None:
    """A group other than our own primary one that we may give a directory to."""
    if os.geteuid() == 0:
        for entry in grp.getgrall():
            if entry.gr_gid != os.getgid():
                return entry.gr_gid
    others = [g for g in os.getgroups() if g != os.getgid()]
    return others[0] if others else None


def test_leerpad_today_is_refused_on_a_shared_store(
    run: Run,
    plan: str,
    store_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    gid = _a_shared_group()
    if gid is None:
        pytest.skip("no second group to share a store with")
    os.chown(store_dir, -1, gid)
    os.chmod(store_dir, 0o2770)
    before = record_count(store_dir)
    monkeypatch.setenv("LEERPAD_TODAY", "2027-06-01")

    for argv in (["action", "done", plan, "A1.1.1"], ["plan", "list"], ["demo"]):
        assert main(["--store", str(store_dir), *argv]) == 2
        err = capsys.readouterr().err
        assert "is a store shared with group" in err
        assert "never used on a shared store" in err
    assert record_count(store_dir) == before

    monkeypatch.delenv("LEERPAD_TODAY")
    assert run("plan", "list").code == 0
