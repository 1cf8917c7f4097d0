"""Helpers for the team tests: running the CLI (as another Unix user when root), throwaway accounts.

Groups and users are created only when the tests run as root, named lpt_<random>,
and removed afterwards. Stores other users must reach live under a fresh
directory in /tmp (pytest's own tmp directories are private to the user).
"""

from __future__ import annotations

import grp
import os
import pwd
import secrets
import stat
import subprocess
import sys
import sysconfig
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

import cli.main

REPO = Path(cli.main.__file__).resolve().parents[1]
IS_ROOT = os.geteuid() == 0
needs_root = pytest.mark.skipif(
    not IS_ROOT, reason="needs root to create throwaway Unix users and groups"
)


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


def _env(home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_DIRS": str(home / "site"),
        "LANG": "C.UTF-8",
        "PYTHONPATH": os.pathsep.join([str(REPO), sysconfig.get_path("purelib")]),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.update(extra or {})
    return env


# Today is injected, not set with LEERPAD_TODAY: that is refused on a shared store.
RUN_CLI = (
    "import sys, datetime; from cli.main import main; "
    "sys.exit(main(sys.argv[1:], today=datetime.date(2026, 11, 28)))"
)


def _reachable_by_others(path: Path) -> bool:
    """Every directory on the way is o+x and the file itself o+r (o+x for programs)."""
    path = path.absolute()
    try:
        for part in [*reversed(path.parents), path]:
            mode = os.stat(part).st_mode
            if not mode & stat.S_IXOTH:
                return False
    except OSError:
        return False
    return True


def _foreign_python() -> str | None:
    """A Python of our version that other users may run, with our packages readable to them."""
    if not _reachable_by_others(REPO) or not _reachable_by_others(
        Path(sysconfig.get_path("purelib"))
    ):
        return None
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    candidates = [sys.executable, f"/usr/bin/python{version}", f"/usr/local/bin/python{version}"]
    for candidate in candidates:
        real = Path(os.path.realpath(candidate))
        if real.exists() and _reachable_by_others(real):
            return str(real)
    return None


FOREIGN_PYTHON = _foreign_python() if IS_ROOT else None


class Cli:
    """Runs `leerpad` in a subprocess with an isolated home; as root, optionally as another user."""

    def __init__(self, home: Path) -> None:
        self.home = home

    def __call__(
        self,
        *args: str,
        user: str | None = None,
        umask: int | None = None,
        env: dict[str, str] | None = None,
    ) -> Result:
        prefix: list[str] = []
        python = sys.executable
        if user is not None:
            if FOREIGN_PYTHON is None:
                pytest.skip("no Python other users may run (the venv's lives in a private home)")
            python = FOREIGN_PYTHON
            entry = pwd.getpwnam(user)
            prefix = [
                "setpriv",
                f"--reuid={entry.pw_uid}",
                f"--regid={entry.pw_gid}",
                "--init-groups",
                "--",
            ]
        proc = subprocess.run(
            [*prefix, python, "-c", RUN_CLI, *args],
            env=_env(self.home, env),
            capture_output=True,
            text=True,
            umask=-1 if umask is None else umask,
            timeout=60,
            cwd="/",
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)


# --- throwaway groups and users (root only) --------------------------------------------------


def _admin(argv: Sequence[str]) -> None:
    # Another test process may hold the passwd/group lock for a moment: try again.
    for attempt in range(20):
        proc = subprocess.run(list(argv), capture_output=True, text=True)
        if proc.returncode == 0:
            return
        if attempt == 19 or "lock" not in (proc.stderr + proc.stdout).lower():
            raise RuntimeError(f"{' '.join(argv)} failed: {proc.stderr.strip()}")
        time.sleep(0.1)


class Accounts:
    """Creates lpt_* groups and users, and deletes them all at the end."""

    def __init__(self) -> None:
        self.users: list[str] = []
        self.groups: list[str] = []

    def group(self) -> str:
        name = f"lpt_{secrets.token_hex(4)}"
        _admin(["groupadd", name])
        self.groups.append(name)
        return name

    def user(self, *, groups: Sequence[str] = (), full_name: str = "") -> str:
        name = f"lpt_{secrets.token_hex(4)}"
        argv = ["useradd", "-M", "-N", "-s", "/usr/sbin/nologin", "-c", full_name]
        if groups:
            argv += ["-G", ",".join(groups)]
        _admin([*argv, name])
        self.users.append(name)
        return name

    def cleanup(self) -> None:
        for name in self.users:
            _admin(["userdel", name])
        for name in self.groups:
            _admin(["groupdel", name])


def own_group() -> str:
    """A group this (non-root) user belongs to: the primary one."""
    return grp.getgrgid(os.getegid()).gr_name


class InProcess:
    """Runs `leerpad` in this process (fast); the actor is this process's own login."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys

    def __call__(self, *args: str) -> Result:
        from datetime import date

        from cli.main import main

        self.capsys.readouterr()
        code = main(list(args), today=date(2026, 11, 28))
        captured = self.capsys.readouterr()
        return Result(code, captured.out, captured.err)
