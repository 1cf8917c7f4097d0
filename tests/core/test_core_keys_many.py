"""Reading the keys of many plans at once (a plan list): one listing of `keys/`, and only
regular files of a key's size are read; anything planted is left to `load`, which names it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core import keystore
from core.i18n import t
from core.keystore import KEY_SIZE, FileKeyStore, KeyProblem


@pytest.fixture
def keys(tmp_path: Path) -> FileKeyStore:
    found = FileKeyStore(tmp_path)
    for n in range(1, 6):
        found.put(f"P{n}", bytes([n]) * KEY_SIZE, first_record="r")
    return found


def test_the_keys_of_many_plans_are_read_as_load_reads_them(keys: FileKeyStore) -> None:
    wanted = ["P1", "P2", "P3", "P4", "P5", "P9", "../P1", ""]
    assert keys.load_many(wanted) == {p: keys.load(p) for p in wanted[:5]}


def test_names_are_listed_once_and_never_looked_up_one_by_one(
    keys: FileKeyStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    looked_up: list[str] = []
    original = os.stat

    def spy(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        looked_up.append(str(path))
        return original(path, *args, **kwargs)

    monkeypatch.setattr(keystore.os, "stat", spy)
    monkeypatch.setattr("core.storefiles.os.stat", spy)
    assert len(keys.load_many(["P1", "P2", "P3", "P4", "P5"])) == 5
    assert not [name for name in looked_up if name.endswith(".key")]


def test_planted_names_are_not_read_and_load_says_what_they_are(
    keys: FileKeyStore, tmp_path: Path
) -> None:
    there = keys.path
    elsewhere = tmp_path / "mine.key"
    elsewhere.write_bytes(b"\x07" * KEY_SIZE)
    (there / "P1.key").unlink()
    (there / "P1.key").symlink_to(elsewhere)  # a key someone else chose
    (there / "P2.key").unlink()
    os.mkfifo(there / "P2.key")  # would block a plain open
    (there / "P3.key").write_bytes(b"\x03" * (KEY_SIZE + 1))  # not a key's size
    (there / "P4.key").unlink()
    (there / "P4.key").mkdir()
    assert keys.load_many(["P1", "P2", "P3", "P4", "P5"]) == {"P5": b"\x05" * KEY_SIZE}
    for plan in ("P1", "P2", "P3", "P4"):
        with pytest.raises(KeyProblem):
            keys.load(plan)

    # One sentence that names the file and why, not a sentence put in parentheses.
    with pytest.raises(KeyProblem) as raised:
        keys.load("P1")
    told = raised.value.strerror
    assert told == t("keys.unsafe", plan="P1", what=t("keys.what.read"), why=told.split(": ", 1)[1])
    assert str(there / "P1.key") in told and t("files.what.symlink") in told
    assert ".)" not in told and told.endswith(").")


def test_without_a_keys_directory_none_are_found(tmp_path: Path) -> None:
    assert FileKeyStore(tmp_path).load_many(["P1"]) == {}
