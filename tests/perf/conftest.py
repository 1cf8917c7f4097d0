"""What the read model's tests share: a read model saved after any replay, in a cache of
the test's own, without the slow fsyncs."""

from __future__ import annotations

from pathlib import Path

import pytest

from core import readmodel


@pytest.fixture(autouse=True)
def _quick(monkeypatch: pytest.MonkeyPatch) -> None:
    """Save after any replay (the real threshold is thousands) and skip the slow fsyncs."""
    monkeypatch.setattr(readmodel, "SAVE_AFTER", 1)
    monkeypatch.setattr("core.log.os.fsync", lambda fd: None)
    monkeypatch.setattr("core.readmodel.os.fsync", lambda fd: None)


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"
