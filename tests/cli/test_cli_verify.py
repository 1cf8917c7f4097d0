"""`leerpad verify` and core.verify: intact stores pass; damage is named by seq and offset."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import struct
import threading
import zlib
from collections.abc import Callable
from pathlib import Path

import msgspec
import pytest
from cli_support import Run, log_bytes

from core import events as ev
from core.log import FRAME_SIZE, HEADER_SIZE, encode_header
from core.store import LOG_NAME
from core.verify import Report, verify_store


def frames(store: Path) -> list[tuple[int, int]]:
    """(offset, end) of every frame in the store's log."""
    data = log_bytes(store)
    found, pos = [], HEADER_SIZE
    while pos + FRAME_SIZE <= len(data):
        (n,) = struct.unpack_from(">I", data, pos)
        found.append((pos, pos + FRAME_SIZE + n))
        pos += FRAME_SIZE + n
    return found


def rewrite(store: Path, index: int, change: Callable[[ev.Record], ev.Record]) -> int:
    """Replace record number `index` (0-based) by a changed, correctly framed one; its offset."""
    path = store / LOG_NAME
    data = path.read_bytes()
    offset, end = frames(store)[index]
    record = ev.RECORD_DECODER.decode(data[offset + FRAME_SIZE : end])
    payload = ev.ENCODER.encode(change(record))
    framed = struct.pack(">III", len(payload), len(payload) ^ 0xFFFFFFFF, zlib.crc32(payload))
    path.write_bytes(data[:offset] + framed + payload + data[end:])
    return offset


def flip(store: Path, offset: int) -> None:
    path = store / LOG_NAME
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x40
    path.write_bytes(bytes(data))


@pytest.fixture
def busy(run: Run, plan: str, store_dir: Path) -> Path:
    """A store with a plan and five more records."""
    for i in range(1, 6):
        assert run("action", "plan", plan, f"A1.1.{i}", f"{i}/12/2026").code == 0
    return store_dir


def test_intact(run: Run, busy: Path) -> None:
    result = run("verify")
    last_offset, last_end = frames(busy)[-1]
    last_hash = hashlib.sha256(log_bytes(busy)[last_offset + FRAME_SIZE : last_end]).hexdigest()
    assert (result.code, result.err) == (0, "")
    assert result.out == f"intact: 6 records, last hash {last_hash}\n"


def test_intact_demo(run: Run, demo_store: Path) -> None:
    result = run("verify")
    assert result.code == 0 and result.out.startswith("intact: ")


def test_a_flipped_byte_in_a_record_names_it(run: Run, busy: Path) -> None:
    offset, end = frames(busy)[3]
    flip(busy, (offset + FRAME_SIZE + end) // 2)
    before = log_bytes(busy)
    result = run("verify")
    assert result.code == 3
    assert result.out == ""
    assert result.err == (
        f"leerpad: damaged: record 4 at byte {offset}: its checksum does not match its "
        "contents (the bytes changed after writing). The 3 records before it are intact.\n"
    )
    assert log_bytes(busy) == before  # verify never changes the store


def test_a_flipped_length_is_a_damaged_frame(run: Run, busy: Path) -> None:
    offset, _ = frames(busy)[2]
    flip(busy, offset + 1)
    result = run("verify")
    assert result.code == 3
    assert f"record 3 at byte {offset}: its frame header is damaged" in result.err


def test_a_rewritten_record_breaks_the_chain_at_the_next(run: Run, busy: Path) -> None:
    def rename(record: ev.Record) -> ev.Record:
        event = msgspec.structs.replace(record.event, trainee="Iemand Anders")
        return msgspec.structs.replace(record, event=event)

    rewrite(busy, 0, rename)
    offset, _ = frames(busy)[1]
    result = run("verify")
    assert result.code == 3
    assert f"record 2 at byte {offset}: its link to the previous record does not match" in (
        result.err
    )
    assert result.err.endswith("hash chain is broken. The record before it is intact.\n")


def test_rewriting_the_last_record_changes_the_last_hash(run: Run, busy: Path) -> None:
    first = run("verify").out
    rewrite(busy, 5, lambda r: msgspec.structs.replace(r, actor="mallory"))
    second = run("verify")
    assert second.code == 0  # nothing after it to break: only the noted hash tells
    assert second.out != first


@pytest.mark.parametrize(
    ("change", "kind", "message"),
    [
        (lambda r: msgspec.structs.replace(r, seq=9), "sequence", "carries sequence number 9"),
        (lambda r: msgspec.structs.replace(r, id="0" * 32), "duplicate-id", "already used"),
        (
            lambda r: msgspec.structs.replace(
                r, event=ev.ActionCompleted("P1", "A9.9.9", r.time.date())
            ),
            "apply",
            "action.completed event does not apply",
        ),
    ],
)
def test_records_that_decode_but_do_not_fit(
    run: Run, busy: Path, change: Callable[[ev.Record], ev.Record], kind: str, message: str
) -> None:
    if kind == "duplicate-id":
        # Give the first record the id the last one will copy.
        first_id = ev.RECORD_DECODER.decode(
            log_bytes(busy)[HEADER_SIZE + FRAME_SIZE : frames(busy)[0][1]]
        ).id
        change = lambda r, i=first_id: msgspec.structs.replace(r, id=i)  # noqa: E731
    offset = rewrite(busy, 5, change)
    report = verify_store(busy)
    assert report.problem is not None
    assert (report.problem.kind, report.problem.seq, report.problem.offset) == (kind, 6, offset)
    assert message in report.problem.message
    assert run("verify").code == 3


def test_undecodable_payload(run: Run, busy: Path) -> None:
    path = busy / LOG_NAME
    offset, end = frames(busy)[5]
    data = path.read_bytes()
    payload = b"\xc1" * (end - offset - FRAME_SIZE)  # 0xc1 is never valid msgpack
    framed = struct.pack(">III", len(payload), len(payload) ^ 0xFFFFFFFF, zlib.crc32(payload))
    path.write_bytes(data[:offset] + framed + payload)
    report = verify_store(busy)
    assert report.problem is not None and report.problem.kind == "decode"
    assert run("verify").code == 3


def test_a_torn_tail_is_reported_as_such(run: Run, busy: Path) -> None:
    path = busy / LOG_NAME
    offset, _ = frames(busy)[5]
    whole = path.read_bytes()
    path.write_bytes(whole + whole[offset : offset + 20])  # an append cut short
    before = path.read_bytes()
    result = run("verify")
    assert result.code == 0
    assert result.out.startswith("intact: 6 records")
    assert f"20 bytes at byte {len(whole)} after the last record are an incomplete record" in (
        result.err
    )
    assert path.read_bytes() == before
    assert sorted(p.name for p in busy.iterdir()) == [LOG_NAME, "keys"]
    data = json.loads(run("verify", "--json").out)
    assert data["torn_tail"] == {"offset": len(whole), "size": 20}


def test_side_files_of_earlier_torn_tails_are_listed(run: Run, busy: Path) -> None:
    (busy / f"{LOG_NAME}.torn-1234-abcd").write_bytes(b"x")
    result = run("verify")
    assert result.code == 0
    assert "events.log.torn-1234-abcd" in result.err


def test_an_append_in_progress_is_not_torn(busy: Path) -> None:
    """Verify waits for a writer holding the lock instead of calling its half record torn."""
    path = busy / LOG_NAME
    whole = path.read_bytes()
    offset, end = frames(busy)[5]
    payload = ev.ENCODER.encode(
        msgspec.structs.replace(
            ev.RECORD_DECODER.decode(whole[offset + FRAME_SIZE : end]),
            seq=7,
            id="f" * 32,
            prev=hashlib.sha256(whole[offset + FRAME_SIZE : end]).hexdigest(),
        )
    )
    framed = struct.pack(">III", len(payload), len(payload) ^ 0xFFFFFFFF, zlib.crc32(payload))
    framed += payload
    fd = os.open(path, os.O_RDWR | os.O_APPEND)
    reports: list[Report] = []
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, framed[:15])
        thread = threading.Thread(target=lambda: reports.append(verify_store(busy)))
        thread.start()
        _wait_for_blocked_flock()
        os.write(fd, framed[15:])
        fcntl.flock(fd, fcntl.LOCK_UN)
        thread.join(timeout=30)
    finally:
        os.close(fd)
    assert reports and reports[0].intact and reports[0].torn is None
    assert reports[0].records == 7


def _wait_for_blocked_flock() -> None:
    # /proc/locks lists a waiter with "->"; poll for it (no timing assumptions).
    for _ in range(200_000):
        with open("/proc/locks") as locks:
            if any("->" in line and "FLOCK" in line for line in locks):
                return
        os.sched_yield()
    pytest.fail("verify never waited for the lock")


def test_no_store(run: Run, store_dir: Path) -> None:
    result = run("verify")
    assert result.code == 3
    assert f"there is no log file {store_dir / LOG_NAME}" in result.err
    assert not store_dir.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"LEERPAD", "shorter than a log header"),
        (b"NOTALOG!" + bytes(24), "does not start with a leerpad log header"),
    ],
)
def test_bad_header(run: Run, store_dir: Path, content: bytes, message: str) -> None:
    store_dir.mkdir()
    (store_dir / LOG_NAME).write_bytes(content)
    result = run("verify")
    assert result.code == 3 and message in result.err


def test_newer_log_format(run: Run, store_dir: Path) -> None:
    store_dir.mkdir()
    (store_dir / LOG_NAME).write_bytes(encode_header(bytes(16), version=99))
    result = run("verify")
    assert result.code == 3 and "format 99" in result.err


def test_a_changed_header_version_is_damage_as_when_the_store_opens(run: Run, busy: Path) -> None:
    """Its records do not link to the changed header: verify and `plan list` say the same."""
    path = busy / LOG_NAME
    data = bytearray(path.read_bytes())
    data[11] ^= 0x02  # one bit of the version field: 1 -> 3
    path.write_bytes(bytes(data))
    result = run("verify")
    assert result.code == 3 and "record 1 at byte 32" in result.err
    assert "header was changed" in result.err
    listed = run("plan", "list")
    assert "record 1 at byte 32" in listed.err and "header was changed" in listed.err


def test_json(run: Run, busy: Path) -> None:
    data = json.loads(run("verify", "--json").out)
    assert list(data) == [
        "intact",
        "path",
        "records",
        "last_hash",
        "size",
        "unknown_records",
        "problem",
        "torn_tail",
        "side_files",
        "signoffs",
        "checkpoints",
    ]
    assert data["intact"] is True and data["records"] == 6 and data["problem"] is None
    offset, _ = frames(busy)[1]
    flip(busy, offset + FRAME_SIZE + 3)
    result = run("verify", "--json")
    assert result.code == 3
    problem = json.loads(result.out)["problem"]
    assert (problem["seq"], problem["offset"], problem["kind"]) == (2, offset, "checksum")
