"""The actor is the OS login of the process owner: no flag or variable changes it."""

from __future__ import annotations

import os
import pwd
from pathlib import Path

import pytest
from team_helpers import Cli, InProcess, own_group

from core import identity
from core.store import Store

IMPOSTOR = {
    "USER": "lpt_impostor",
    "LOGNAME": "lpt_impostor",
    "USERNAME": "lpt_impostor",
    "SUDO_USER": "lpt_impostor",
    "LEERPAD_USER": "lpt_impostor",
    "LEERPAD_ACTOR": "lpt_impostor",
    "LEERPAD_LOGIN": "lpt_impostor",
    "LEERPAD_AS": "lpt_impostor",
}


def login() -> str:
    return pwd.getpwuid(os.geteuid()).pw_name


def test_environment_variables_do_not_change_the_actor(monkeypatch: pytest.MonkeyPatch):
    for name, value in IMPOSTOR.items():
        monkeypatch.setenv(name, value)
    assert identity.current_actor() == login()


def test_the_cli_records_the_os_login_whatever_the_environment(run_cli: Cli, shared_tmp: Path):
    store = shared_tmp / "store"
    result = run_cli("init-store", str(store), "--group", own_group())
    assert result.code == 0, result.err
    result = run_cli("--store", str(store), "access", "grant", login(), "admin", env=IMPOSTOR)
    assert result.code == 0, result.err
    with Store.open(store, create=False) as opened:
        [entry] = opened.history()
    assert entry.actor == login()
    assert "lpt_impostor" not in (store / "events.log").read_bytes().decode("latin-1")


def test_there_is_no_option_to_act_as_someone_else(leerpad: InProcess):
    for flag in ("--user", "--actor", "--as-user", "--login"):
        result = leerpad("access", "show", flag, "lpt_impostor")
        assert result.code == 2
        assert "unrecognized arguments" in result.err


def test_display_name_puts_the_full_name_beside_the_login(monkeypatch: pytest.MonkeyPatch):
    entries = {
        "jan": pwd.struct_passwd(("jan", "x", 1001, 1001, "Jan Peeters,,,", "/home/j", "/bin/sh")),
        "svc": pwd.struct_passwd(("svc", "x", 1002, 1002, "", "/", "/bin/false")),
        "root": pwd.struct_passwd(("root", "x", 0, 0, "root", "/root", "/bin/sh")),
    }

    def getpwnam(name: str) -> pwd.struct_passwd:
        return entries[name]

    monkeypatch.setattr(identity.pwd, "getpwnam", getpwnam)
    assert identity.display_name("jan") == "jan (Jan Peeters)"
    assert identity.display_name("svc") == "svc"
    assert identity.display_name("root") == "root"
    assert identity.display_name("lpt_gone") == "lpt_gone"


def test_display_name_reads_the_password_database(accounts):
    user = accounts.user(full_name="Lien Claes")
    assert identity.display_name(user) == f"{user} (Lien Claes)"
