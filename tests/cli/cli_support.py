"""Helpers shared by the CLI tests (imported by name: tests/cli is on sys.path)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from core.store import LOG_NAME, Store

TODAY = date(2026, 11, 28)
START = "2026-09-07"
OCCUPATION = "commercieel-medewerker-binnendienst"
DEMO_LOG_ID = bytes(range(16))


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


Run = Callable[..., Result]


def record_count(store_dir: Path) -> int:
    """Records in the store's log (0 when there is no store)."""
    if not (store_dir / LOG_NAME).exists():
        return 0
    with Store.open(store_dir, create=False) as store:
        return store.state.seq


def log_bytes(store_dir: Path) -> bytes:
    path = store_dir / LOG_NAME
    return path.read_bytes() if path.exists() else b""


def counter_ids() -> Callable[[], str]:
    """Event ids 000...1, 000...2, ...: for byte-identical logs."""
    count = iter(range(1, 1_000_000))
    return lambda: f"{next(count):032x}"
