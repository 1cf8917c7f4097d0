"""A user who cannot get into the store hears "no access" from every command, never
"damaged" or a raw [Errno 13]. Run as `nobody` (needs root to switch to it)."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path

import pytest

import cli

REPO = Path(cli.__file__).resolve().parents[1]
RUN_CLI = (
    "import sys, datetime; from cli.main import main; "
    "sys.exit(main(sys.argv[1:], today=datetime.date(2026, 11, 28)))"
)


def _nobody() -> pwd.struct_passwd:
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run as another user")
    try:
        return pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("no user nobody here")


def as_nobody(*args: str) -> subprocess.CompletedProcess[str]:
    user = _nobody()
    python = os.path.realpath(sys.executable)
    paths = [str(REPO), sysconfig.get_path("purelib")]
    return subprocess.run(
        ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups", "--",
         python, *args],
        env={"HOME": "/tmp", "LANG": "C.UTF-8", "PYTHONPATH": os.pathsep.join(paths)},
        cwd="/",
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip


@pytest.fixture
def closed_store(demo_store: Path) -> Iterator[Path]:
    """The demo store inside a folder that only root may enter, reachable up to there."""
    outer = Path(f"/tmp/leerpad-noaccess-{os.getpid()}-{os.urandom(4).hex()}")
    outer.mkdir(mode=0o700)
    shutil.copytree(demo_store, outer / "store")
    yield outer / "store"
    shutil.rmtree(outer)


@pytest.mark.parametrize(
    "argv", [("verify",), ("where",), ("where", "--json"), ("demo",), ("plan", "list"), ("log",)]
)
def test_every_command_says_no_access(closed_store: Path, argv: tuple[str, ...]) -> None:
    if as_nobody("-c", "import cli.main").returncode != 0:
        pytest.skip("the test's Python is not readable by nobody")

    proc = as_nobody("-c", RUN_CLI, *argv, "--store", str(closed_store))

    assert proc.returncode == 3
    assert proc.stderr == (
        f"leerpad: You are not in group root, which owns {closed_store.parent}: ask an "
        "administrator to add you (usermod -aG root nobody), then log in again.\n"
    )
