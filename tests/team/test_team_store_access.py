"""Opening a store: who cannot (one sentence, exit 3), who can see too much, network filesystems."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from team_helpers import Cli

from core import access, team
from core.store import ReadOnly, Store, StoreError

# --- users outside the group --------------------------------------------------------------------


def test_a_user_outside_the_group_gets_one_sentence_and_exit_3(
    run_cli: Cli, shared_tmp: Path, accounts
):
    group = accounts.group()
    member = accounts.user(groups=[group])
    outsider = accounts.user()
    store = shared_tmp / "srv" / "ibo-team"
    assert run_cli("init-store", str(store), "--group", group).code == 0
    for args in (["plan", "list"], ["access", "show"], ["access", "grant", outsider, "admin"]):
        result = run_cli("--store", str(store), *args, user=outsider)
        assert result.code == 3, result
        assert result.out == ""
        assert result.err.splitlines() == [
            f"leerpad: You are not in group {group}, which owns {store}: ask an administrator "
            f"to add you (usermod -aG {group} {outsider}), then log in again."
        ]
    # A member of the group works in the same store, as themself.
    result = run_cli("--store", str(store), "access", "grant", member, "admin", user=member)
    assert result.code == 0, result.err
    with Store.open(store, create=False) as opened:
        assert opened.history()[-1].actor == member
    assert "Traceback" not in result.err


def test_no_access_to_the_log_file_names_the_fix(tmp_path: Path, monkeypatch):
    store = tmp_path / "store"
    Store.open(store).close()
    monkeypatch.setattr(os, "access", lambda path, mode: not str(path).endswith("events.log"))
    with pytest.raises(team.NoAccess) as caught:
        team.require_access(store)
    assert "You cannot read" in str(caught.value)
    assert f"chmod -R g+rw,o-rwx {store}" in str(caught.value)


def test_store_open_turns_no_access_into_a_store_error(tmp_path: Path, monkeypatch):
    store = tmp_path / "store"
    Store.open(store).close()
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(StoreError):
        Store.open(store)


# --- stores others can read ----------------------------------------------------------------------


def test_a_store_others_can_read_warns_with_the_fix(shared_tmp: Path, run_cli: Cli):
    store = shared_tmp / "open"
    old = os.umask(0o022)
    try:
        Store.open(store).close()
    finally:
        os.umask(old)
    # A store leerpad creates is private; someone opened it up by hand.
    assert store.stat().st_mode & 0o777 == 0o700
    store.chmod(0o755)
    with Store.open(store) as opened:
        warnings = [n for n in opened.notices if "can read the store" in n]
    assert len(warnings) == 1
    assert warnings[0].endswith(f"Fix it with: chmod -R o-rwx {store}")
    result = run_cli("--store", str(store), "access", "show")
    assert result.code == 0
    assert f"chmod -R o-rwx {store}" in result.err
    subprocess.run(["chmod", "-R", "o-rwx", str(store)], check=True)
    with Store.open(store) as opened:
        assert opened.notices == []


def test_a_store_in_a_private_directory_is_not_exposed(tmp_path: Path):
    os.chmod(tmp_path, 0o700)
    store = tmp_path / "store"
    old = os.umask(0o022)
    try:
        Store.open(store).close()
    finally:
        os.umask(old)
    assert not team.others_can_read(store)
    with Store.open(store) as opened:
        assert opened.notices == []


def test_a_readable_file_in_a_closed_listing_is_exposed(shared_tmp: Path):
    store = shared_tmp / "store"
    Store.open(store).close()
    os.chmod(store, 0o771)
    os.chmod(store / "events.log", 0o664)
    assert team.others_can_read(store)
    os.chmod(store / "events.log", 0o660)
    assert not team.others_can_read(store)


def test_a_group_writable_store_without_setgid_warns(shared_tmp: Path, team_group: str):
    store = shared_tmp / "store"
    Store.open(store).close()
    os.chmod(store, 0o770)
    with Store.open(store) as opened:
        assert opened.notices == []  # the owner's own primary group: a personal store
    shutil.chown(store, group=team_group)
    with Store.open(store) as opened:
        assert any(f"chmod g+s {store}" in n for n in opened.notices)
    os.chmod(store, 0o2770)
    with Store.open(store) as opened:
        assert opened.notices == []


# --- network filesystems -------------------------------------------------------------------------

MOUNTINFO = """\
22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw
40 27 0:41 / /home rw,relatime shared:7 - nfs4 files:/home rw,vers=4.2
41 27 0:42 / /mnt/share rw,relatime - cifs //nas/share rw,vers=3.0
42 27 0:43 / /mnt/remote rw,nosuid,nodev - fuse.sshfs jan@host:/srv rw,user_id=0
43 27 0:44 / /mnt/my\\040disk rw master:3 propagation:x - ext4 /dev/sdb1 rw
44 40 0:45 / /home/local rw - xfs /dev/sdc1 rw
45 27 0:46 / /mnt/crypt rw - fuse.gocryptfs /srv/cipher rw
46 27 0:47 / /mnt/s3 rw - fuse.rclone s3remote:bucket rw
47 27 0:48 / /mnt/fancy rw - fuse.myfs remote:/x rw
"""


def test_mountinfo_is_parsed_with_optional_fields_and_escapes():
    mounts = team.parse_mountinfo(MOUNTINFO + "garbage line\n\n")
    assert [m.mount_point for m in mounts] == [
        "/proc",
        "/",
        "/home",
        "/mnt/share",
        "/mnt/remote",
        "/mnt/my disk",
        "/home/local",
        "/mnt/crypt",
        "/mnt/s3",
        "/mnt/fancy",
    ]
    assert mounts[1].fstype == "ext4"
    assert mounts[4] == team.Mount("/mnt/remote", "fuse.sshfs", "jan@host:/srv")


@pytest.mark.parametrize(
    ("path", "fstype"),
    [
        ("/srv/leerpad/team", None),
        ("/home/jan/.local/share/leerpad/store", "nfs4"),
        ("/homework", None),
        ("/home/local/store", None),
        ("/mnt/share/leerpad", "cifs"),
        ("/mnt/remote", "fuse.sshfs"),
        ("/mnt/my disk/store", None),
        ("/mnt/crypt/store", None),
        ("/mnt/s3/store", "fuse.rclone"),
        ("/mnt/fancy/store", "fuse.myfs"),
    ],
)
def test_network_filesystems_are_recognised(path: str, fstype: str | None):
    assert team.network_filesystem(Path(path), mountinfo=MOUNTINFO) == fstype


def test_the_last_mount_on_a_mount_point_counts():
    text = MOUNTINFO + (
        "50 27 0:60 / /srv rw - nfs nas:/srv rw\n51 50 0:61 / /srv rw - ext4 /dev/x rw\n"
    )
    assert team.network_filesystem(Path("/srv/team"), mountinfo=text) is None


def test_a_store_on_a_network_filesystem_is_read_only(tmp_path: Path, monkeypatch, tiny_profile):
    store = tmp_path / "store"
    with Store.open(store) as opened:
        opened.execute(lambda s: access.grant(s, "root", "admin", user_exists=lambda _: True))
    fake = tmp_path / "mountinfo"
    fake.write_text(f"30 1 0:50 / {tmp_path} rw,relatime - nfs4 fileserver:/export rw\n")
    monkeypatch.setattr(team, "MOUNTINFO", fake)
    with Store.open(store) as opened:
        assert opened.state.seq == 1  # it still reads
        assert "network filesystem (nfs4)" in (opened.read_only or "")
        assert "file lock" in opened.read_only
        size = opened.log.size()
        with pytest.raises(ReadOnly) as caught:
            opened.execute(lambda s: access.revoke(s, "root", "admin"))
        assert "network filesystem" in str(caught.value)
        assert opened.log.size() == size
    with pytest.raises(StoreError) as caught:
        Store.open(tmp_path / "new")
    assert "network filesystem" in str(caught.value)
    assert not (tmp_path / "new").exists()
