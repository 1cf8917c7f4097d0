"""Two real members of a team: one plants names in the shared store, the other works in it.

Root creates throwaway users; each member's part runs in a forked child that has
given up root for that user's uid and groups (the interpreter may live where
other users cannot read it, so the child reuses the modules already loaded).
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import stat
import traceback
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from team_helpers import Accounts, InProcess, needs_root, own_group

from catalog.schema import Profile
from cli.main import main
from core import commands, team
from core.store import LOG_NAME, Store


def with_plan(path: Path, profile: Profile) -> None:
    with Store.open(path) as store:
        store.execute(
            lambda s: commands.create_plan(s, profile, trainee="An", start=date(2026, 10, 5))
        )
    # A refused command loads every module a real one needs and writes nothing: after
    # giving up root a child may not be able to read the interpreter's files.
    assert main(["--store", str(path), "note", "add", "P404", "P404", "warm-up"]) == 1


def as_member(user: str, group: str, work: Callable[[], int]) -> int:
    """Run `work` in a child process as `user` (with `group`); its return value is the exit code."""
    pid = os.fork()
    if pid == 0:
        code = 99
        try:
            entry = pwd.getpwnam(user)
            gid = grp.getgrnam(group).gr_gid
            os.setgroups([gid])
            os.setgid(gid)
            os.setuid(entry.pw_uid)
            for var in ("HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
                os.environ[var] = "/nonexistent"
            os.environ["LEERPAD_CHECKPOINTS"] = "0"
            code = work()
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


@pytest.fixture
def two_members(
    accounts: Accounts, shared_tmp: Path, tiny_profile: Profile
) -> tuple[str, str, str, Path]:
    """A group, two members of it, and their team store holding plan P1."""
    group = accounts.group()
    first = accounts.user(groups=[group])
    second = accounts.user(groups=[group])
    shared = shared_tmp / "team"
    team.init_store(shared, group)
    with_plan(shared, tiny_profile)
    return group, first, second, shared


@needs_root
def test_a_member_cannot_steer_another_members_writes_through_a_link(
    two_members: tuple[str, str, str, Path], shared_tmp: Path, tiny_profile: Profile
) -> None:
    group, victim, planter, shared = two_members
    # The victim's own private store, which nobody else can read.
    private = shared_tmp / "private"
    with_plan(private, tiny_profile)
    entry = pwd.getpwnam(victim)
    for path in (private, private / LOG_NAME):
        os.chown(path, entry.pw_uid, entry.pw_gid)
    private.chmod(0o700)
    before = (private / LOG_NAME).read_bytes()

    def plant() -> int:
        os.unlink(shared / LOG_NAME)  # the store is group-writable: any member may do this
        os.symlink(private / LOG_NAME, shared / LOG_NAME)
        return 0

    assert as_member(planter, group, plant) == 0
    assert (shared / LOG_NAME).is_symlink()

    def work() -> int:
        return main(["--store", str(shared), "note", "add", "P1", "P1", "Voor het team."])

    assert as_member(victim, group, work) == 3
    assert (private / LOG_NAME).read_bytes() == before


@needs_root
def test_a_member_replacing_the_log_while_another_has_it_open(
    two_members: tuple[str, str, str, Path],
) -> None:
    group, writer, replacer, shared = two_members
    opened_r, opened_w = os.pipe()
    go_r, go_w = os.pipe()

    def work() -> int:
        store = Store.open(shared)
        old = os.dup(store.log.fd)
        size = os.fstat(old).st_size
        os.write(opened_w, b"1")
        os.read(go_r, 1)  # meanwhile the other member replaces the log
        try:
            store.execute(lambda s: commands.add_note(s, "P1", "P1", text="Verloren?"))
        except Exception as exc:
            if "replaced" not in str(exc):
                return 11
        else:
            return 12
        if os.fstat(old).st_size != size:
            return 13
        store.execute(lambda s: commands.add_note(s, "P1", "P1", text="Bewaard."))
        return 0

    def replace() -> int:
        copy = shared / "copy"
        shutil.copyfile(shared / LOG_NAME, copy)
        copy.chmod(0o660)  # still writable for the team: only the file changed
        os.rename(copy, shared / LOG_NAME)
        return 0

    pid = os.fork()
    if pid == 0:
        os._exit(as_member(writer, group, work))
    os.read(opened_r, 1)
    assert as_member(replacer, group, replace) == 0
    os.write(go_w, b"1")
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    with Store.open(shared) as after:
        assert after.state.plans["P1"].notes[-1].text == "Bewaard."
        assert after.state.plans["P1"].notes[-1].actor == writer


# --- init-store on a directory holding planted names (no root needed) ----------------------


def test_init_store_refuses_a_store_holding_a_symlinked_directory(
    leerpad: InProcess, tmp_path: Path, tiny_profile: Profile
) -> None:
    store = tmp_path / "store"
    with_plan(store, tiny_profile)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    (store / "catalog").symlink_to(elsewhere, target_is_directory=True)
    result = leerpad("init-store", str(store), "--group", own_group())
    assert result.code == 3, result.err
    assert f"{store / 'catalog'} is a symbolic link" in result.err
    assert stat.S_IMODE(elsewhere.stat().st_mode) == 0o700  # never followed
    assert not store.stat().st_mode & stat.S_ISGID  # refused before changing anything


def test_init_store_warns_when_the_python_is_closed_to_the_group(shared_tmp: Path) -> None:
    closed = shared_tmp / "root-home"
    python = closed / "bin" / "python3"
    python.parent.mkdir(parents=True)
    python.write_text("")
    python.chmod(0o755)
    closed.chmod(0o700)
    gid = os.getegid()
    assert team.interpreter_closed_to(gid, (str(python),)) == closed
    closed.chmod(0o750)
    os.chown(closed, -1, gid)
    assert team.interpreter_closed_to(gid, (str(python),)) is None
