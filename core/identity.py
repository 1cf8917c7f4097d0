"""Who is acting: the login name of the process owner, from the OS, never from a flag."""

from __future__ import annotations

import contextlib
import os
import pwd
import sys


def current_actor() -> str:
    """The login name of the effective user (the numeric uid when it has no passwd entry)."""
    uid = os.geteuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def login_exists(login: str) -> bool:
    """True when `login` is an account on this system."""
    try:
        pwd.getpwnam(login)
    except KeyError:
        return False
    return True


def full_name(login: str) -> str:
    """The full name from the password database (GECOS), or '' when there is none."""
    try:
        gecos = pwd.getpwnam(login).pw_gecos
    except KeyError:
        return ""
    return gecos.split(",", 1)[0].strip()


def display_name(login: str) -> str:
    """The login with the full name beside it, "jan (Jan Peeters)", or just the login."""
    name = full_name(login)
    return f"{login} ({name})" if name and name != login else login


def command_name(argv0: str | None = None) -> str:
    """How to type the running `leerpad` in a hint so that it works as printed.

    `leerpad` when that name on PATH is this very program; otherwise the path it
    was started by (`.venv/bin/leerpad` after `make run`), which works from here.
    """
    started = sys.argv[0] if argv0 is None else argv0
    if os.path.basename(started) != "leerpad":
        return "leerpad"  # run as a module or by a test runner: the documented name
    import shutil  # for messages only; shutil pulls in compression modules

    found = shutil.which("leerpad")
    with contextlib.suppress(OSError):
        if found and os.path.samefile(found, started):
            return "leerpad"
    relative = os.path.relpath(started)
    if relative.startswith(".."):
        return os.path.abspath(started)
    return relative if os.sep in relative else os.path.join(".", relative)
