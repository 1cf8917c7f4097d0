"""A demo store that is the same byte for byte on every run, for the snapshots of the
history, evaluation, sign-off and catalog screens (its hashes are on screen)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from tui_support import TODAY

from core import events as ev
from core.demo import build_demo
from core.log import frame, payload_hash
from core.projections import StoreState, apply
from core.store import LOG_NAME, Store
from tests.sealing import deterministic_sealing

_built: dict[str, Path] = {}


def demo_store_path(factory: pytest.TempPathFactory) -> Path:
    """The demo store at TODAY with fixed event ids, log id and actor (built once a session)."""
    if "path" not in _built:
        path = factory.mktemp("demo") / "store"
        counter = itertools.count(1)
        with deterministic_sealing():  # the screens show hashes over sealed texts
            build_demo(
                path, TODAY, ids=lambda: f"{next(counter):032x}", log_id=bytes(16), actor="an"
            )
        _built["path"] = path
    return _built["path"]


def open_demo(factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Store:
    """The demo store opened by a relative path (so no temporary path shows on screen)."""
    path = demo_store_path(factory)
    monkeypatch.chdir(path.parent)
    store = Store.open(path.name)
    store.actor = "an"
    return store


def append_many(path: Path, count: int) -> None:
    """Append `count` valid records to the store at `path` in one write (no command per record).

    Notes and planned dates on plan P1's actions, by three people, each chained to the
    previous record as the log requires: a big history made in a second, not minutes.
    """
    with Store.open(path) as store:
        plan = store.state.plan("P1")
        assert plan is not None
        actions = [a.id for a in plan.actions()]
        seq, prev = store.state.seq, store.state.hash
        start = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
        people = ("an", "els", "jan")
        chunks = []
        for i in range(count):
            seq += 1
            action = actions[i % len(actions)]
            if i % 2:
                event: ev.Event = ev.NoteAdded(plan="P1", target=action, text=f"opvolging {i}")
            else:
                event = ev.ActionPlanned(plan="P1", action=action, due=date(2026, 12, 1 + i % 28))
            record = ev.Record(
                seq=seq,
                id=f"{seq:032x}",
                time=start + timedelta(seconds=i),
                actor=people[i % 3],
                prev=prev,
                event=event,
            )
            payload = ev.ENCODER.encode(record)
            prev = payload_hash(payload)
            chunks.append(frame(payload))
        with (path / LOG_NAME).open("ab") as log:
            log.write(b"".join(chunks))


class ChainedRecords:
    """Records for the store at `path`, each chained to the one before and folded into
    `state` (so commands can decide the next), appended in one write by `flush`."""

    def __init__(self, path: Path, step: timedelta = timedelta(seconds=1)) -> None:
        with Store.open(path) as store:
            self.state = StoreState()
            for rec, digest in store.records():
                apply(self.state, rec, digest)
            self.seq, self.prev = store.state.seq, store.state.hash
        self.path = path
        self.step = step
        self.chunks: list[bytes] = []

    def write(self, event: ev.Event, actor: str) -> int:
        """Add a record of `event` by `actor`; returns its seq."""
        self.seq += 1
        record = ev.Record(
            seq=self.seq,
            id=f"{self.seq:032x}",
            time=datetime(2026, 10, 1, 8, 0, tzinfo=UTC) + self.step * self.seq,
            actor=actor,
            prev=self.prev,
            event=event,
        )
        payload = ev.ENCODER.encode(record)
        self.prev = payload_hash(payload)
        apply(self.state, record, self.prev)
        self.chunks.append(frame(payload))
        return self.seq

    def flush(self) -> None:
        with (self.path / LOG_NAME).open("ab") as log:
            log.write(b"".join(self.chunks))
        self.chunks = []
