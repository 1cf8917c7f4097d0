"""The UI on a store opened from its read model: the dashboard decodes no plan, and damage in
the log the read model stands in for is found in the background and makes the store read-only."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from tui_support import Clock

from core import readmodel
from core.log import HEADER_SIZE, LOG_NAME, LogFile
from core.store import Store
from tui.widgets.plan_table import PlanTable


@pytest.fixture
def cache(store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The read model of the small store, covering every record."""
    monkeypatch.setattr(readmodel, "SAVE_AFTER", 1)
    cache = tmp_path / "cache"
    with Store.open(store_path, create=False, cache_dir=cache) as store:
        assert isinstance(store.state.plans, dict)  # replayed, then saved
    return cache


def _open(store_path: Path, cache: Path) -> Store:
    store = Store.open(
        store_path,
        create=False,
        cache_dir=cache,
        check_now=False,
        clock=Clock(datetime(2026, 11, 25, 9, 0, tzinfo=UTC)),
    )
    store.actor = "an"
    assert (
        isinstance(store.state.plans, readmodel.StoredPlans) and store.state.plans.head is not None
    )
    return store


def _flip_a_bit_in_record_2(store_path: Path) -> None:
    """Damage a record the read model stands in for (its CRC-32 no longer matches)."""
    log = LogFile(store_path / LOG_NAME, writable=False)
    offsets = [at for at, _ in log.scan(HEADER_SIZE)]
    log.close()
    with open(store_path / LOG_NAME, "r+b") as out:
        out.seek(offsets[1] + 40)
        byte = out.read(1)[0]
        out.seek(offsets[1] + 40)
        out.write(bytes([byte ^ 0x10]))


async def test_the_dashboard_shows_every_plan_without_decoding_one(
    store_path: Path, cache: Path, make_app
) -> None:
    store = _open(store_path, cache)
    plans = store.state.plans
    app = make_app(store)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        table = app.screen.query_one(PlanTable)
        assert table.row_count == len(plans) == 3
        first = table.current_plan
        # At most the plan under the cursor (whether it may be erased is asked of it).
        assert {p.id for p in plans.loaded()} <= {first}
        assert app.read_only is None
        await pilot.press("down")
        second = table.current_plan
        await pilot.press("enter")  # open the plan under the cursor: that one is decoded
        await pilot.pause()
        assert second != first and second in {p.id for p in plans.loaded()}
        assert len(plans.loaded()) <= 2
    store.close()


async def test_the_log_is_checked_once_the_dashboard_is_drawn(
    store_path: Path, cache: Path, make_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hashing the log the read model stands in for (0.7 s of CPU at 1M records) starts
    after the dashboard's first frame, not beside it."""
    store = _open(store_path, cache)
    app = make_app(store)
    frames: list[str] = []
    started_after: list[list[str]] = []
    hand_over = app._display

    def display(screen: object, update: object) -> None:
        if update is not None:
            frames.append(type(screen).__name__)
        hand_over(screen, update)

    def covered_damaged() -> bool:
        started_after.append(list(frames))
        return False

    app._display = display
    monkeypatch.setattr(store, "covered_damaged", covered_damaged)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
    assert len(started_after) == 1
    assert "DashboardScreen" in started_after[0]
    store.close()


async def test_damage_behind_the_read_model_makes_the_ui_read_only(
    store_path: Path, cache: Path, make_app
) -> None:
    store = _open(store_path, cache)
    _flip_a_bit_in_record_2(store_path)
    app = make_app(store)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "record 2" in (app.read_only or "")
        assert store.state.seq == 1
        assert any("record 2" in m for m in app.messages)
        table = app.screen.query_one(PlanTable)
        for _ in range(20):  # the redraw follows the new seq a message or two later
            if table.row_count == 1:
                break
            await pilot.pause()
        assert table.row_count == 1
    store.close()


async def test_damage_found_while_a_command_runs_is_left_to_the_command(
    store_path: Path, cache: Path, make_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command checks the log itself, under its lock, and says so when refused: the
    background check neither changes the state under it nor shows an empty message."""
    store = _open(store_path, cache)
    _flip_a_bit_in_record_2(store_path)
    seq = store.state.seq
    app = make_app(store)
    # As while a command is being written.
    monkeypatch.setattr(type(app), "command_running", property(lambda _app: True))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.read_only is None and store.state.seq == seq
        assert not any(m in ("None", "") for m in app.messages)
    store.close()
