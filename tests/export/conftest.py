"""Fixtures for the export tests: the deterministic two-plan store, the demo store, and a
fixed time zone (documents show record times in local time)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest
from export_plans import build_demo_store, build_store

from core.store import Store

TIME_ZONE = "Europe/Brussels"


@pytest.fixture(scope="module", autouse=True)
def _time_zone() -> Iterator[None]:
    """Local times in documents are Brussels time, whatever the machine says.

    Module scope so it is in force before the module-scoped documents are rendered,
    and restored after each module so no other test directory sees it.
    """
    old = os.environ.get("TZ")
    os.environ["TZ"] = TIME_ZONE
    time.tzset()
    yield
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


@pytest.fixture(scope="session")
def plans_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """P1 (in progress, with own and n/a actions, notes, E1, sign-offs) and P2 (closed)."""
    store = build_store(tmp_path_factory.mktemp("plans") / "store")
    yield store
    store.close()


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The store `leerpad demo` makes, deterministic (event ids, log id, actor)."""
    store = build_demo_store(tmp_path_factory.mktemp("demo") / "store")
    yield store
    store.close()
