"""Waiting for others' appends on a database store: LISTEN/NOTIFY wakes the waiter, and the
poll still finds an append whose notification was lost.

The waiter's connection is wrapped to know when it has started listening, so each
append below happens while it waits, never before.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from pgserver import PgStore

from catalog.schema import Profile
from core import commands, pgstore
from core.store import Store

START = date(2026, 10, 5)
WAIT = 300.0
"""What the waiter is given: far longer than the test waits for it."""
JOIN = 60.0


class Listener:
    """A connection that says when `wait` starts listening on it, and may drop LISTEN."""

    def __init__(self, conn: Any, listening: threading.Event, *, lose: bool) -> None:
        self._conn = conn
        self._listening = listening
        self._lose = lose

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def execute(self, query: str, *args: Any, **kwargs: Any) -> Any:
        if self._lose and query.startswith("LISTEN"):
            return None  # as if every notification were lost on the way
        return self._conn.execute(query, *args, **kwargs)

    def notifies(self, **kwargs: Any) -> Iterator[Any]:
        self._listening.set()
        return self._conn.notifies(**kwargs)


@pytest.fixture
def stores(pg_store: PgStore, tiny_profile: Profile) -> Iterator[tuple[Store, Store]]:
    jan = Store.open(pg_store.url("jan"))
    els = Store.open(pg_store.url("els"))
    jan.execute(lambda s: commands.create_plan(s, tiny_profile, trainee="Piet", start=START))
    els.refresh()
    yield jan, els
    jan.close()
    els.close()


def waiting(
    store: Store, monkeypatch: pytest.MonkeyPatch, *, lose: bool
) -> tuple[threading.Thread, threading.Event, list[bool]]:
    listening = threading.Event()
    real = pgstore.connect
    monkeypatch.setattr(pgstore, "connect", lambda url: Listener(real(url), listening, lose=lose))
    result: list[bool] = []
    waiter = threading.Thread(target=lambda: result.append(store.wait(WAIT)), daemon=True)
    waiter.start()
    assert listening.wait(JOIN), "the waiter never started listening"
    return waiter, listening, result


def note(text: str) -> Any:
    return lambda s: commands.add_note(s, "P1", "P1", text=text)


def test_a_notification_wakes_the_waiter(
    stores: tuple[Store, Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    jan, els = stores
    els.backend.poll_seconds = WAIT  # type: ignore[attr-defined]  # only NOTIFY can wake it
    waiter, _, result = waiting(els, monkeypatch, lose=False)
    jan.execute(note("Eerste dag."))
    waiter.join(JOIN)
    assert not waiter.is_alive() and result == [True]
    assert [r.seq for r in els.refresh()] == [2]


def test_the_poll_finds_an_append_whose_notification_was_lost(
    stores: tuple[Store, Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    jan, els = stores
    els.backend.poll_seconds = 0.05  # type: ignore[attr-defined]
    waiter, _, result = waiting(els, monkeypatch, lose=True)
    jan.execute(note("Eerste dag."))
    waiter.join(JOIN)
    assert not waiter.is_alive() and result == [True]
    assert [r.seq for r in els.refresh()] == [2]


def test_without_an_append_the_wait_times_out(
    stores: tuple[Store, Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, els = stores
    els.backend.poll_seconds = 0.05  # type: ignore[attr-defined]
    assert els.wait(0.3) is False
    assert els.refresh() == []
