"""CLI test fixtures: run `leerpad` in-process against a store in tmp_path, with a fixed today.

Config directories, the locale and the time zone are all pinned, so output is the
same on every machine.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from cli_support import DEMO_LOG_ID, OCCUPATION, START, TODAY, Result, Run, counter_ids

from cli.main import main
from core import i18n
from core.demo import build_demo


@pytest.fixture(autouse=True)
def _pinned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No real config (user or site), English, UTC, and no test leaks its language."""
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "site"))
    monkeypatch.setenv("XDG_DATA_DIRS", str(tmp_path / "site-data"))
    for var in ("LEERPAD_STORE", "LEERPAD_TODAY", "LEERPAD_DEBUG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    before = i18n.language()
    yield
    i18n.set_language(before)
    time.tzset()


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def run(store_dir: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    """run("plan", "list") -> Result; the store is `store_dir` unless `store=None` is given."""

    def call(*argv: str, today: date = TODAY, store: Path | None = store_dir) -> Result:
        capsys.readouterr()
        args = ["--store", str(store), *argv] if store is not None else list(argv)
        code = main(args, today=today)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return call


@pytest.fixture
def plan(run: Run) -> str:
    """A plan P1 for Sara Peeters, started 7 September 2026, 26 weeks."""
    result = run(
        "plan",
        "new",
        "--occupation",
        OCCUPATION,
        "--trainee",
        "Sara Peeters",
        "--company",
        "Van Damme Logistics",
        "--contract",
        "IBO-1",
        "--contact",
        "Jan Van Damme",
        "--start",
        START,
        "--weeks",
        "26",
    )
    assert result.code == 0, result.err
    return result.out.strip()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo store built once (fully deterministic); copy it before changing it."""
    path = tmp_path_factory.mktemp("demo") / "store"
    build_demo(path, TODAY, ids=counter_ids(), log_id=DEMO_LOG_ID, actor="demo")
    return path


@pytest.fixture
def demo_store(demo_template: Path, store_dir: Path) -> Path:
    shutil.copytree(demo_template, store_dir)
    os.chmod(store_dir, 0o700)
    return store_dir
