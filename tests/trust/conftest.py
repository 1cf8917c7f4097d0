"""Fixtures for signatures and checkpoints: real keys made by ssh-keygen, a real ssh-agent,
an allowed_signers file named by a site config in tmp_path, and the CLI run in-process."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from trust_support import Keys, Result, Run

from cli.main import main
from core import i18n

TODAY = date(2026, 11, 28)

if shutil.which("ssh-keygen") is None:
    pytest.skip("ssh-keygen is not installed (openssh-client)", allow_module_level=True)


@pytest.fixture(autouse=True)
def _pinned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No real config (user or site), English, no agent of the person running the tests."""
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "site"))
    for var in ("LEERPAD_STORE", "LEERPAD_TODAY", "LEERPAD_DEBUG", "LC_ALL", "SSH_AUTH_SOCK"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    before = i18n.language()
    yield
    i18n.set_language(before)


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def run(store_dir: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    def call(*argv: str) -> Result:
        capsys.readouterr()
        code = main(["--store", str(store_dir), "--lang", "en", *argv], today=TODAY)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return call


@pytest.fixture
def plan(run: Run) -> str:
    result = run(
        "plan",
        "new",
        "--occupation",
        "commercieel-medewerker-binnendienst",
        "--trainee",
        "Sara Peeters",
        "--start",
        "2026-09-07",
    )
    assert result.code == 0, result.err
    return result.out.strip()


@pytest.fixture
def keys(tmp_path: Path) -> Keys:
    return Keys(tmp_path / "keys")


@pytest.fixture
def allowed(tmp_path: Path) -> Callable[[list[str]], Path]:
    """allowed(lines): write the allowed_signers file and name it in the site config."""
    path = tmp_path / "etc" / "allowed_signers"

    def write(lines: list[str]) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(line + "\n" for line in lines))
        site = tmp_path / "site" / "leerpad" / "config.toml"
        site.parent.mkdir(parents=True, exist_ok=True)
        site.write_text(f'allowed_signers = "{path}"\n')
        return path

    return write


@pytest.fixture
def use_key(tmp_path: Path) -> Callable[[Path], None]:
    """use_key(path): make `path` the signing_key of the user's config."""

    def write(key: Path) -> None:
        config = tmp_path / "home" / "config" / "leerpad" / "config.toml"
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(f'signing_key = "{key}"\n')

    return write


@pytest.fixture
def agent(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A real ssh-agent of this test only (its socket in a short path), killed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="lp-agent-"))
    sock = folder / "agent.sock"
    proc = subprocess.Popen(
        ["ssh-agent", "-D", "-a", str(sock)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(400):
            if sock.exists() or proc.poll() is not None:
                break
            time.sleep(0.025)
        assert sock.exists(), "ssh-agent did not start"
        monkeypatch.setenv("SSH_AUTH_SOCK", str(sock))
        yield sock
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(folder, ignore_errors=True)
