"""`leerpad init-store`: a setgid, group-owned store; its files stay group rw, any umask."""

from __future__ import annotations

import grp
import os
import pwd
import stat
import tomllib
from pathlib import Path

import pytest
from team_helpers import IS_ROOT, Cli, InProcess, own_group

from core import team
from core.store import Store


def me() -> str:
    return pwd.getpwuid(os.geteuid()).pw_name


@pytest.fixture
def group(request: pytest.FixtureRequest) -> str:
    """A throwaway group as root (so ownership really changes), else our own group."""
    if IS_ROOT:
        return request.getfixturevalue("team_group")
    return own_group()


def modes(path: Path) -> tuple[str, str]:
    st = os.stat(path)
    return f"{stat.S_IMODE(st.st_mode):04o}", grp.getgrgid(st.st_gid).gr_name


@pytest.mark.parametrize("umask", [0o077, 0o022])
def test_init_store_modes_and_group_whatever_the_umask(
    run_cli: Cli, shared_tmp: Path, group: str, umask: int
):
    store = shared_tmp / "srv" / "ibo-team"
    result = run_cli("init-store", str(store), "--group", group, umask=umask)
    assert result.code == 0, result.err
    assert modes(store) == ("2770", group)
    assert modes(store / "events.log") == ("0660", group)
    # Everything leerpad writes later keeps the team's modes, with the same umask.
    result = run_cli("--store", str(store), "access", "grant", me(), "admin", umask=umask)
    assert result.code == 0, result.err
    assert modes(store / "access.toml") == ("0660", group)
    assert modes(store / "events.log") == ("0660", group)
    # A torn tail moved aside goes to a side file: also the team's.
    with open(store / "events.log", "ab") as log:
        log.write(b"\x00\x00\x01\x00\xff\xff")
    result = run_cli("--store", str(store), "access", "show", umask=umask)
    assert result.code == 0, result.err
    side = [p for p in store.iterdir() if ".torn-" in p.name]
    assert len(side) == 1 and modes(side[0]) == ("0660", group)
    assert "moved aside" in result.err


def test_init_store_prints_the_site_config_line(leerpad: InProcess, tmp_path: Path, group: str):
    store = tmp_path / "team"
    result = leerpad("init-store", str(store), "--group", group)
    assert result.code == 0, result.err
    site = tmp_path / "site" / "leerpad" / "config.toml"
    assert str(site) in result.out
    line = result.out.strip().splitlines()[-1]
    assert line == f'store = "{store}"'
    assert tomllib.loads(line) == {"store": str(store)}
    # Once the site config names it, init-store (re-run) says so instead.
    site.parent.mkdir(parents=True)
    site.write_text(line + "\n")
    again = leerpad("init-store", str(store), "--group", group)
    assert again.code == 0, again.err
    assert "already names this store" in again.out
    result = leerpad("access", "show")
    assert result.code == 0 and "single-team mode" in result.out


def test_the_config_line_quotes_odd_paths(tmp_path: Path):
    odd = Path('/srv/leer "pad"\\team')
    assert tomllib.loads(team.site_config_line(odd)) == {"store": str(odd)}


def test_unknown_group_is_a_usage_error_and_creates_nothing(run_cli: Cli, shared_tmp: Path):
    store = shared_tmp / "team"
    result = run_cli("init-store", str(store), "--group", "lpt_no_such_group")
    assert result.code == 2
    assert result.err.strip() == (
        "leerpad: There is no group lpt_no_such_group on this system: "
        "create it first (groupadd lpt_no_such_group)."
    )
    assert not store.exists()


def test_a_directory_with_other_files_is_refused(run_cli: Cli, shared_tmp: Path, group: str):
    target = shared_tmp / "busy"
    target.mkdir()
    (target / "thesis.txt").write_text("mine")
    result = run_cli("init-store", str(target), "--group", group)
    assert result.code == 3
    assert "holds other files than a leerpad store" in result.err
    assert sorted(p.name for p in target.iterdir()) == ["thesis.txt"]
    assert not stat.S_IMODE(target.stat().st_mode) & stat.S_ISGID


def test_an_existing_store_is_shared_with_the_group(
    run_cli: Cli, shared_tmp: Path, group: str, tiny_profile
):
    path = shared_tmp / "personal"
    old = os.umask(0o022)
    try:
        Store.open(path).close()
        (path / "catalog").mkdir()
        (path / "catalog" / "own.toml").write_text("x")
    finally:
        os.umask(old)
    assert modes(path / "events.log")[0] == "0644"
    result = run_cli("init-store", str(path), "--group", group)
    assert result.code == 0, result.err
    assert "was already a store" in result.out
    assert modes(path) == ("2770", group)
    assert modes(path / "events.log") == ("0660", group)
    assert modes(path / "catalog") == ("2770", group)
    assert modes(path / "catalog" / "own.toml") == ("0660", group)


def test_a_user_outside_the_group_cannot_init_a_store_for_it(
    run_cli: Cli, shared_tmp: Path, accounts
):
    group = accounts.group()
    outsider = accounts.user()
    target = shared_tmp / "team"
    os.chmod(shared_tmp, 0o777)
    result = run_cli("init-store", str(target), "--group", group, user=outsider)
    assert result.code == 2
    assert "you are not a member of it" in result.err
    assert not target.exists()


def test_init_store_refuses_a_network_filesystem(tmp_path: Path, monkeypatch, group: str):
    fake = tmp_path / "mountinfo"
    fake.write_text(f"30 1 0:50 / {tmp_path} rw,relatime - nfs4 fileserver:/export rw\n")
    monkeypatch.setattr(team, "MOUNTINFO", fake)
    with pytest.raises(team.SetupError) as caught:
        team.init_store(tmp_path / "team", group)
    assert "network filesystem (nfs4)" in str(caught.value)
    assert not (tmp_path / "team").exists()
