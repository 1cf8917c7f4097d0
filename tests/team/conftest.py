"""Fixtures for the team tests: a shared /tmp directory, the CLI runner, throwaway accounts."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from team_helpers import IS_ROOT, Accounts, Cli, InProcess


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A fresh directory in /tmp that every user may pass through (0755), removed afterwards."""
    path = Path(tempfile.mkdtemp(prefix="lpt_", dir="/tmp"))
    os.chmod(path, 0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def run_cli(shared_tmp: Path) -> Cli:
    home = shared_tmp / "home"
    home.mkdir()
    os.chmod(home, 0o777)  # other test users read their (empty) config from here
    return Cli(home)


@pytest.fixture
def accounts() -> Iterator[Accounts]:
    if not IS_ROOT:
        pytest.skip("needs root to create throwaway Unix users and groups")
    made = Accounts()
    try:
        yield made
    finally:
        made.cleanup()


@pytest.fixture
def team_group(accounts: Accounts) -> str:
    return accounts.group()


@pytest.fixture
def leerpad(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[InProcess]:
    """`leerpad` in-process, with no real site config and English messages."""
    from core import i18n

    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "site"))
    monkeypatch.setenv("LANG", "C.UTF-8")
    for var in ("LC_ALL", "LC_MESSAGES", "LEERPAD_STORE"):
        monkeypatch.delenv(var, raising=False)
    before = i18n.language()
    yield InProcess(capsys)
    i18n.set_language(before)
