"""Fixtures for the UI tests: a fixed today, a fixed clock, a small deterministic store.

Times are shown in local time, so the whole UI test run uses UTC.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import os
import shutil
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tui_support import TODAY, Clock, fill_store

from catalog import Catalog
from core import i18n
from core.store import Store

os.environ["TZ"] = "UTC"
time.tzset()


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run `async def` tests (Pilot tests) on a fresh event loop; no async plugin needed."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True


@pytest.fixture(autouse=True)
def _pilot_waits_for_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Pilot step ends once the commands it started are written (they run in a thread),
    so a test can assert on the store right after pressing the key that saves."""
    from textual.pilot import Pilot

    press, pause = Pilot.press, Pilot.pause

    async def settled(pilot: Pilot) -> None:
        wait = getattr(pilot.app, "wait_for_commands", None)
        if wait is not None:
            await wait()

    async def press_then_wait(self: Pilot, *keys: str) -> None:
        await press(self, *keys)
        await settled(self)

    async def pause_then_wait(self: Pilot, delay: float | None = None) -> None:
        await settled(self)
        await pause(self, delay)

    monkeypatch.setattr(Pilot, "press", press_then_wait)
    monkeypatch.setattr(Pilot, "press_without_waiting", press, raising=False)
    monkeypatch.setattr(Pilot, "pause", pause_then_wait)


@pytest.fixture(autouse=True)
def _idle_looked_for_more_often(monkeypatch: pytest.MonkeyPatch) -> None:
    """After every key, Pilot sleeps until the app uses under 5% of the time slept; in slices
    of 20 ms that is at least 40 ms a key, most of a UI test's time. Look every 5 ms
    instead: the same share of busy time still counts as busy."""
    import textual._wait as wait

    monkeypatch.setattr(wait, "SLEEP_GRANULARITY", 1 / 200)
    monkeypatch.setattr(wait, "SLEEP_IDLE", 1 / 200 / 20)


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return Catalog.load()


@pytest.fixture(autouse=True)
def _isolated(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))
    before = i18n.language()
    yield
    i18n.set_language(before)


@pytest.fixture(scope="session")
def _template_store(tmp_path_factory: pytest.TempPathFactory, catalog: Catalog) -> Path:
    path = tmp_path_factory.mktemp("template") / "store"
    with Store.open(path, clock=Clock()) as store:
        fill_store(store, catalog)
    return path


@pytest.fixture(scope="session")
def _template_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from core.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "store"
    ids = itertools.count(1)
    build_demo(path, TODAY, ids=lambda: f"{next(ids):032x}", log_id=b"leerpad-ui-tests", actor="an")
    return path


@pytest.fixture
def demo_path(tmp_path: Path, _template_demo: Path) -> Path:
    """A fresh copy of `leerpad demo`'s store as of TODAY (fixed ids, log id and actor)."""
    path = tmp_path / "demo"
    shutil.copytree(_template_demo, path)
    return path


@pytest.fixture
def store_path(tmp_path: Path, _template_store: Path) -> Path:
    """A fresh copy of the small store for each test (built once: appends are fsynced)."""
    path = tmp_path / "store"
    shutil.copytree(_template_store, path)
    return path


@pytest.fixture
def open_store(store_path: Path) -> Iterator[Store]:
    store = Store.open(store_path, clock=Clock(datetime(2026, 11, 25, 9, 0, tzinfo=UTC)))
    store.actor = "an"
    yield store
    store.close()


@pytest.fixture
def empty_store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "empty", clock=Clock())
    store.actor = "an"
    yield store
    store.close()


@pytest.fixture
def make_app(catalog: Catalog) -> Callable:
    """An app on a store, with today fixed and no log watcher unless asked for."""
    from tui.app import LeerpadApp

    def make(store: Store, *, lang: str = "en", watch_log: bool = False) -> LeerpadApp:
        app = LeerpadApp(store, catalog, today=lambda: TODAY, watch_log=watch_log, lang=lang)
        # Every notice shown, for tests that check what the user was told.
        app.messages = []  # type: ignore[attr-defined]
        shown = app.notify

        def notify(message: str, **kwargs: object) -> None:
            app.messages.append(message)  # type: ignore[attr-defined]
            shown(message, **kwargs)  # type: ignore[arg-type]

        app.notify = notify  # type: ignore[method-assign]
        return app

    return make
