"""`leerpad access ...` through the real CLI, and roles across real Unix users (as root)."""

from __future__ import annotations

import json
import os
import pwd
import stat
import tomllib
from datetime import date
from pathlib import Path

import pytest
from team_helpers import Cli, InProcess

from core import access, commands
from core.store import Store

OCCUPATION = "commercieel-medewerker-binnendienst"


def me() -> str:
    return pwd.getpwuid(os.geteuid()).pw_name


def other_login() -> str:
    for name in ("daemon", "nobody", "bin"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        if name != me():
            return name
    pytest.skip("no second login in the password database")


def new_plan(run, store: Path, trainee: str) -> str:
    result = run(
        "--store",
        str(store),
        "plan",
        "new",
        "--occupation",
        OCCUPATION,
        "--trainee",
        trainee,
        "--start",
        "2026-11-02",
    )
    assert result.code == 0, result.err
    return result.out.strip()


def test_access_commands(leerpad: InProcess, tmp_path: Path):
    store = tmp_path / "store"  # private: no "others can read it" warning
    other = other_login()
    s = ("--store", str(store))
    assert new_plan(leerpad, store, "Piet") == "P1"
    result = leerpad(*s, "access", "show")
    assert result.code == 0 and "single-team mode" in result.out
    result = leerpad(*s, "access", "assign", other, "P1", "--as", "mentor")
    assert result.code == 1 and "the first role to give is admin" in result.err
    result = leerpad(*s, "access", "grant", me(), "admin")
    assert (result.code, result.err) == (0, "")
    assert result.out.startswith(f"{me()}") and result.out.rstrip().endswith("now: admin.")
    result = leerpad(*s, "access", "assign", other, "P1", "--as", "mentor")
    assert result.code == 0, result.err
    assert "now: mentor (P1)." in result.out

    result = leerpad(*s, "access", "show")
    assert result.code == 0
    rows = result.out.splitlines()[2:]
    assert any(line.split()[0] == other and "mentor (P1)" in line for line in rows)
    assert f"You: {me()}" in result.out
    shown = json.loads(leerpad(*s, "access", "show", "--json").out)
    assert shown["mode"] == "roles"
    assert {u["login"]: u["roles"] for u in shown["users"]}[other] == {
        "mentor": {"plans": ["P1"], "all_plans": False}
    }
    assert shown["you"]["may_read"] is None

    data = tomllib.loads((store / access.ACCESS_FILE).read_text())
    assert data["users"][other] == {"mentor": ["P1"]}

    # The admin role alone does not edit plans: refused with the reason, nothing written.
    size = (store / "events.log").stat().st_size
    result = leerpad(*s, "action", "done", "P1", "A1.1.1")
    assert result.code == 1
    assert "admins change access, not plans" in result.err
    assert (store / "events.log").stat().st_size == size

    for bad, code, words in [
        (("grant", other, "boss"), 1, "boss is not a role"),
        (("grant", "lpt_nobody_here_x", "mentor"), 1, "There is no user lpt_nobody_here_x"),
        (("assign", other, "P9"), 1, "There is no plan P9."),
        (("assign", other, "P1", "--as", "boss"), 2, "invalid choice"),
        (("revoke", other, "consultant"), 1, "does not have the role consultant"),
        (("revoke", me(), "admin"), 1, "is the last admin"),
    ]:
        result = leerpad(*s, "access", *bad)
        assert (result.code, words in result.err) == (code, True), result
    assert (store / "events.log").stat().st_size == size

    result = leerpad(*s, "access", "unassign", other, "P1")
    assert result.code == 0 and "now: mentor (-)." in result.out
    (store / access.ACCESS_FILE).write_text("# edited by hand\n")
    result = leerpad(*s, "access", "show")
    assert "does not match the access recorded in the log" in result.err
    result = leerpad(*s, "access", "sync")
    assert result.code == 0 and "access.toml" in result.out
    assert leerpad(*s, "access", "show").err == ""
    log = leerpad(*s, "log")
    assert f"gave {other} the role mentor (P1)" in log.out
    assert f"took the role mentor (P1) from {other}" in log.out


def mode(path: Path) -> str:
    return f"{stat.S_IMODE(path.stat().st_mode):04o}"


def test_roles_across_unix_users(run_cli: Cli, shared_tmp: Path, accounts, tiny_profile):
    group = accounts.group()
    boss = accounts.user(groups=[group], full_name="Ann Admin")
    mentor = accounts.user(groups=[group], full_name="Jan Peeters")
    trainee = accounts.user(groups=[group], full_name="Piet Janssens")
    store = shared_tmp / "srv" / "team"
    assert run_cli("init-store", str(store), "--group", group).code == 0
    s = ("--store", str(store))

    def as_user(user: str, *args: str):
        return run_cli(*s, *args, user=user, umask=0o077)

    # Setting up in-process (as if each had done it): two plans, an admin, a mentor.
    with Store.open(store, create=False) as setup:
        for actor, trainee_name in ((mentor, "Piet Janssens"), (boss, "Lien Claes")):
            setup.actor = actor
            setup.execute(
                lambda s, n=trainee_name: commands.create_plan(
                    s, tiny_profile, trainee=n, start=date(2026, 11, 2)
                )
            )
        setup.actor = boss
        setup.execute(lambda s: access.grant(s, boss, "admin"))
        setup.execute(lambda s: access.grant(s, mentor, "mentor", plans=["P1"]))
    result = as_user(boss, "access", "assign", trainee, "P1", "--as", "trainee")
    assert result.code == 0 and f"{trainee} (Piet Janssens) now: trainee (P1)." in result.out

    listed = as_user(trainee, "plan", "list", "--json")
    assert [p["id"] for p in json.loads(listed.out)] == ["P1"]
    assert as_user(trainee, "plan", "show", "P2").code == 1
    result = as_user(trainee, "action", "done", "P1", "A1.1.1")
    assert result.code == 1 and "trainees read their own plan and sign it off" in result.err
    assert as_user(trainee, "sign", "P1", "--role", "mentor").code == 1
    assert as_user(trainee, "sign", "P1", "--role", "trainee").code == 0
    assert as_user(mentor, "action", "done", "P1", "A1.1.1").code == 0
    result = as_user(mentor, "action", "done", "P2", "A1.1.1")
    assert result.code == 1 and "not assigned to plan P2" in result.err
    result = as_user(mentor, "access", "grant", mentor, "admin")
    assert result.code == 1 and f"Only an admin may change access ({boss})" in result.err

    with Store.open(store, create=False) as opened:
        actors = [(e.kind, e.actor) for e in opened.history()]
    assert actors[-2:] == [("plan.signed", trainee), ("action.completed", mentor)]
    assert ("access.granted", boss) in actors
    for path in [*store.iterdir(), *(store / "keys").iterdir()]:
        expected = "2770" if path.is_dir() else "0660"  # keys/: the store's own modes
        assert (mode(path), path.group()) == (expected, group), path
