"""Witnessed checkpoints: writing them, and verify --checkpoint catching a rewritten log."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import msgspec
import pytest
from trust_support import Keys, Run, rewrite_log

from core import events as ev
from core import witness
from core.identity import current_actor
from core.log import HEADER_SIZE, LogFile

Allowed = Callable[[list[str]], Path]
UseKey = Callable[[Path], None]


@pytest.fixture
def busy(run: Run, plan: str) -> str:
    """A plan with five more changes after it was created (6 records in all)."""
    for n in range(5):
        result = run("note", "add", plan, plan, f"Notitie {n}.")
        assert result.code == 0, result.err
    return plan


@pytest.fixture
def witness_key(keys: Keys, allowed: Allowed, use_key: UseKey) -> Path:
    key = keys.make("witness")
    allowed([keys.line(current_actor(), key)])
    use_key(key)
    return key


def test_a_checkpoint_is_a_signed_note_that_verifies(
    run: Run, busy: str, witness_key: Path, tmp_path: Path, store_dir: Path
) -> None:
    target = tmp_path / "witness.txt"
    result = run("checkpoint", "-o", str(target))
    assert result.code == 0, result.err
    text = target.read_text()
    body, signature = text.split("\n\n")
    lines = body.splitlines()
    assert lines[0].startswith("leerpad/log/") and lines[1] == "6"
    assert signature.startswith(f"\u2014 {current_actor()} ")
    verify = run("verify", "--checkpoint", str(target))
    assert verify.code == 0, verify.err
    assert "still starts with its 6 records" in verify.out


def test_a_rewritten_log_fails_naming_the_checkpoint_and_the_record(
    run: Run, busy: str, witness_key: Path, tmp_path: Path, store_dir: Path
) -> None:
    target = tmp_path / "witness.txt"
    assert run("checkpoint", "--append-to", str(target)).code == 0

    def change(record: ev.Record) -> ev.Record:
        if record.seq == 3:
            event = msgspec.structs.replace(record.event, text="Iets anders.")
            return msgspec.structs.replace(record, event=event)
        return record

    rewrite_log(store_dir, change)
    assert run("verify").code == 0  # consistent again: only the witness can tell
    verify = run("verify", "--checkpoint", str(target))
    assert verify.code == 3
    assert f"checkpoint {target}#1: the log was rewritten: record 3 differs" in verify.err
    data = json.loads(run("verify", "--json", "--checkpoint", str(target)).out)
    assert data["checkpoints"][0]["ok"] is False


def test_appended_checkpoints_are_each_checked_and_a_shortened_log_fails(
    run: Run, busy: str, witness_key: Path, tmp_path: Path, store_dir: Path
) -> None:
    target = tmp_path / "witness.txt"
    assert run("checkpoint", "--append-to", str(target)).code == 0
    assert run("note", "add", busy, busy, "Nog een.").code == 0
    assert run("checkpoint", "--append-to", str(target)).code == 0
    assert len(witness.read_file(target)) == 2
    assert run("verify", "--checkpoint", str(target)).code == 0
    # Cut the last record off: the first checkpoint still holds, the second does not.
    log = store_dir / "events.log"
    handle = LogFile(log, writable=False)
    last = [offset for offset, _ in handle.scan(HEADER_SIZE)][-1]
    handle.close()
    os.truncate(log, last)
    verify = run("verify", "--checkpoint", str(target))
    assert verify.code == 3
    assert f"{target}#1: the log still starts with its 6 records" in verify.out
    assert f"checkpoint {target}#2 witnessed 7 records, but the log has only 6" in verify.err


def test_a_checkpoint_by_an_unknown_key_fails(
    run: Run, busy: str, keys: Keys, allowed: Allowed, use_key: UseKey, tmp_path: Path
) -> None:
    stranger = keys.make("stranger")
    allowed([keys.line(current_actor(), keys.make("witness"))])
    use_key(stranger)
    target = tmp_path / "witness.txt"
    assert run("checkpoint", "-o", str(target)).code == 0
    verify = run("verify", "--checkpoint", str(target))
    assert verify.code == 3 and "has no good signature from an allowed signer" in verify.err


def test_a_changed_checkpoint_has_a_bad_signature(
    run: Run, busy: str, witness_key: Path, tmp_path: Path
) -> None:
    target = tmp_path / "witness.txt"
    assert run("checkpoint", "-o", str(target)).code == 0
    lines = target.read_text().split("\n")
    lines[1] = "5"  # claim fewer records
    target.write_text("\n".join(lines))
    verify = run("verify", "--checkpoint", str(target))
    assert verify.code == 3 and "signature BAD" in verify.err


def test_append_to_never_follows_a_link(
    run: Run, busy: str, witness_key: Path, tmp_path: Path
) -> None:
    victim = tmp_path / "victim"
    victim.write_text("keep\n")
    link = tmp_path / "witness.txt"
    link.symlink_to(victim)
    result = run("checkpoint", "--append-to", str(link))
    assert result.code == 2 and "nothing was written" in result.err
    assert victim.read_text() == "keep\n"


def test_a_checkpoint_needs_a_signing_key(run: Run, busy: str, tmp_path: Path) -> None:
    result = run("checkpoint", "-o", str(tmp_path / "w.txt"))
    assert result.code == 2 and "signing_key" in result.err
    assert not (tmp_path / "w.txt").exists()
