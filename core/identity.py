"""Who is acting: the login name of the process owner, from the OS, never from a flag."""

from __future__ import annotations

import os
import pwd


def current_actor() -> str:
    """The login name of the effective user (the numeric uid when it has no passwd entry)."""
    uid = os.geteuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


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
