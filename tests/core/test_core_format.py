"""The on-disk format, byte for byte: header, frames, the hash chain, and tail classification.

These tests read the log the way docs/FORMAT.md tells a stranger to, so the
document and the code cannot drift apart unnoticed.
"""

from __future__ import annotations

import errno
import hashlib
import os
import struct
import threading
import zlib
from datetime import UTC, datetime
from pathlib import Path

import msgspec
import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from faultkit import FillingDisk

from core import commands
from core import log as logmod
from core.log import (
    FRAME_SIZE,
    HEADER_SIZE,
    MAGIC,
    LogError,
    LogFile,
    TailProblem,
    classify_tail,
    create_log,
    encode_header,
    frame,
    parse_header,
    scan_frames,
)
from core.store import Store, StoreError


def test_header_layout(tmp_path: Path) -> None:
    path = tmp_path / "events.log"
    create_log(path)
    data = path.read_bytes()
    assert len(data) == HEADER_SIZE == 32
    assert data[:8] == MAGIC == b"LEERPAD\n"
    assert struct.unpack(">I", data[8:12]) == (2,)
    assert data[12:16] == b"\0\0\0\0"
    header = parse_header(data, path)
    assert header.version == 2
    assert header.log_id == data[16:32].hex()
    assert header.hash == hashlib.sha256(data).hexdigest()
    assert header.problem is None
    # no temporary file is left behind
    assert [p.name for p in tmp_path.iterdir()] == ["events.log"]


def test_header_rejects_what_is_not_a_log(tmp_path: Path) -> None:
    path = tmp_path / "x"
    with pytest.raises(LogError, match="shorter than a log header"):
        parse_header(MAGIC, path)
    with pytest.raises(LogError, match="not a leerpad log"):
        parse_header(b"NOTALOG\n" + bytes(24), path)


def test_header_problems_are_named() -> None:
    path = Path("events.log")
    v0 = struct.pack(">8sI4s16s", MAGIC, 0, bytes(4), bytes(16))
    assert parse_header(v0, path).problem == "log.header.version0"
    reserved = struct.pack(">8sI4s16s", MAGIC, 1, b"\0\0\0\1", bytes(16))
    assert parse_header(reserved, path).problem == "log.header.reserved"
    # A newer version may use the reserved bytes: that is for it to say.
    newer = struct.pack(">8sI4s16s", MAGIC, 3, b"\0\0\0\1", bytes(16))
    assert parse_header(newer, path).problem is None


def test_two_creators_keep_one_log(tmp_path: Path) -> None:
    path = tmp_path / "events.log"
    create_log(path)
    first = path.read_bytes()
    create_log(path)  # a racing process arriving second keeps the first log
    assert path.read_bytes() == first
    assert [p.name for p in tmp_path.iterdir()] == ["events.log"]


def test_concurrent_creators_agree(tmp_path: Path) -> None:
    path = tmp_path / "events.log"
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def create() -> None:
        barrier.wait()
        try:
            create_log(path)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=create) for _ in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    assert len(path.read_bytes()) == HEADER_SIZE
    assert [p.name for p in tmp_path.iterdir()] == ["events.log"]


def test_frame_layout() -> None:
    payload = b"\x81\xa1a\x01"
    data = frame(payload)
    assert len(data) == FRAME_SIZE + len(payload)
    n, check, crc = struct.unpack(">III", data[:12])
    assert n == len(payload)
    assert check == n ^ 0xFFFFFFFF
    assert crc == zlib.crc32(payload)
    assert data[12:] == payload


def test_frame_refuses_oversized_payload(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logmod, "MAX_PAYLOAD", 10)
    with pytest.raises(LogError, match="larger than the limit"):
        frame(bytes(11))


def test_a_record_can_be_read_by_hand(plan_store: Store) -> None:
    """What docs/FORMAT.md promises: frames of msgpack maps chained by SHA-256."""
    plan_store.execute(lambda s: commands.add_note(s, "P1", "A1.1.1", text="Goed bezig"))
    data = (plan_store.path / "events.log").read_bytes()
    prev = hashlib.sha256(data[:32]).hexdigest()
    pos = 32
    bodies = []
    while pos < len(data):
        n, check, crc = struct.unpack_from(">III", data, pos)
        assert n ^ check == 0xFFFFFFFF
        payload = data[pos + 12 : pos + 12 + n]
        assert zlib.crc32(payload) == crc
        body = msgspec.msgpack.decode(payload)  # untyped: plain maps, strings, ints
        assert list(body) == ["seq", "id", "time", "actor", "prev", "event", "v"]
        assert body["seq"] == len(bodies) + 1
        assert body["prev"] == prev
        assert body["v"] == 2  # both types carry personal texts: sealed since version 2
        # msgpack's timestamp extension (type -1), which msgspec reads as an aware datetime
        assert body["time"] == datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
        prev = hashlib.sha256(payload).hexdigest()
        bodies.append(body)
        pos += 12 + n
    assert pos == len(data)
    assert [b["event"]["type"] for b in bodies] == ["plan.created", "note.added"]
    note = bodies[1]["event"]
    assert list(note) == ["type", "plan", "target", "text"]
    assert note["target"] == "A1.1.1" and b"Goed bezig" not in data
    nonce, sealed = note["text"]  # [nonce, ciphertext + tag], opened with the plan's key file
    key = (plan_store.path / "keys" / "P1.key").read_bytes()
    ad = b"P1\x00" + bodies[1]["id"].encode() + b"\x00text"
    assert len(nonce) == 12 and AESGCM(key).decrypt(nonce, sealed, ad) == b"Goed bezig"
    created = bodies[0]["event"]
    assert created["start"] == "2026-10-05"
    assert created["structure"]["job"][0]["rows"][0]["actions"][0]["id"] == "A1.1.1"
    assert payload[payload.index(b"time") + 4 : payload.index(b"time") + 6] == b"\xd6\xff"


def _log_bytes(n: int) -> bytes:
    return b"".join(frame(bytes([i]) * (i * 7 + 1)) for i in range(1, n + 1))


@pytest.mark.parametrize("chunk", [1, 5, 12, 13, 100, 1 << 20])
def test_scan_is_independent_of_read_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(logmod, "READ_CHUNK", chunk)
    path = tmp_path / "events.log"
    create_log(path)
    body = _log_bytes(40)
    with open(path, "ab") as f:
        f.write(body + b"\x00\x00\x00")  # and a torn tail
    log = LogFile(path, writable=False)
    scan = log.scan(HEADER_SIZE)
    got = list(scan)
    log.close()
    frames, end, problem = scan_frames(body + b"\x00\x00\x00", HEADER_SIZE)
    assert [(o, p) for o, p in got] == [(f.offset, f.payload) for f in frames]
    assert len(got) == 40
    assert scan.end == end == HEADER_SIZE + len(body)
    assert scan.problem == problem
    assert problem is not None and problem.torn and problem.size == 3


def _classify(data: bytes) -> TailProblem:
    return classify_tail(lambda n, off: data[off : off + n], 0, len(data))


GOOD = frame(b"\x81\xa1v\x01" + b"payload-bytes" * 3)


@pytest.mark.parametrize("cut", range(1, len(GOOD)))
def test_every_prefix_of_a_frame_is_torn(cut: int) -> None:
    problem = _classify(GOOD[:cut])
    assert problem.torn, problem
    assert problem.size == cut


def test_zeros_are_torn() -> None:
    assert _classify(bytes(5)).torn
    assert _classify(bytes(4096)).torn


def test_damaged_frame_header_is_corruption() -> None:
    bad = bytearray(GOOD)
    bad[1] ^= 0x10
    problem = _classify(bytes(bad))
    assert not problem.torn
    assert problem.reason == "log.tail.header"
    # An 8..11 byte remainder whose length check fails cannot be a frame's start either.
    assert not _classify(bytes(bad[:9])).torn


def test_checksum_mismatch_is_corruption_even_at_the_end() -> None:
    bad = bytearray(GOOD)
    bad[-1] ^= 0x01
    problem = _classify(bytes(bad))
    assert not problem.torn
    assert problem.reason == "log.tail.checksum"
    assert "checksum" in problem.text("en")
    assert "controlesom" in problem.text("nl")


def test_last_record_ending_in_zeros_is_torn() -> None:
    payload = b"\x81\xa1v\x01" + b"x" * 40
    n = len(payload)
    header = struct.pack(">III", n, n ^ 0xFFFFFFFF, zlib.crc32(payload))
    unwritten = header + payload[:20] + bytes(n - 20)
    problem = _classify(unwritten)
    assert problem.torn and problem.reason == "log.tail.unwritten_end"
    # The same damage followed by more bytes is not a crash remnant.
    assert not _classify(unwritten + GOOD).torn


def test_scan_frames_stops_at_first_bad_frame() -> None:
    body = _log_bytes(5)
    bad = bytearray(body)
    bad[len(frame(b"\x01" * 8)) + 14] ^= 0x40  # inside the second frame's payload
    frames, end, problem = scan_frames(bytes(bad), 32)
    assert len(frames) == 1
    assert problem is not None and not problem.torn
    assert problem.offset == end == 32 + len(frame(b"\x01" * 8))


def test_append_refuses_when_the_end_moved(tmp_path: Path) -> None:
    path = tmp_path / "events.log"
    create_log(path)
    log = LogFile(path, writable=True)
    with log.locked(), pytest.raises(LogError, match="changed"):
        log.append(frame(b"x"), HEADER_SIZE + 1)
    assert path.stat().st_size == HEADER_SIZE
    log.close()


@pytest.mark.parametrize(
    ("code", "words"),
    [(errno.ENOSPC, "disk is full"), (errno.EFBIG, "file size limit"), (errno.EIO, "")],
)
def test_failed_append_is_cut_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, words: str
) -> None:
    path = tmp_path / "events.log"
    create_log(path)
    log = LogFile(path, writable=True)
    real_write = os.write

    def half_then_fail(fd: int, data: bytes) -> int:
        real_write(fd, data[: len(data) // 2])
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(logmod.os, "write", half_then_fail)
    with log.locked(), pytest.raises(LogError, match=words or "Nothing was written"):
        log.append(frame(b"y" * 100), HEADER_SIZE)
    monkeypatch.undo()
    assert path.stat().st_size == HEADER_SIZE
    log.close()


@pytest.mark.parametrize("room", [0, 1, 7, 12, 13, 40])
def test_short_write_is_cut_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, room: int
) -> None:
    path = tmp_path / "events.log"
    create_log(path)
    log = LogFile(path, writable=True)
    monkeypatch.setattr(logmod.os, "write", FillingDisk(room))
    with log.locked(), pytest.raises(LogError, match="disk is full"):
        log.append(frame(b"z" * 50), HEADER_SIZE)
    monkeypatch.undo()
    assert path.stat().st_size == HEADER_SIZE
    log.close()


def test_a_write_cut_short_once_is_completed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A short write that the next write completes (room freed meanwhile) is a whole record."""
    path = tmp_path / "events.log"
    create_log(path)
    log = LogFile(path, writable=True)
    real = os.write
    calls = []

    def once_short(fd: int, data: bytes) -> int:
        calls.append(len(data))
        return real(fd, bytes(data[:5]) if len(calls) == 1 else data)

    monkeypatch.setattr(logmod.os, "write", once_short)
    with log.locked():
        end = log.append(frame(b"w" * 30), HEADER_SIZE)
    monkeypatch.undo()
    assert end == path.stat().st_size == HEADER_SIZE + FRAME_SIZE + 30
    assert calls == [42, 37]
    log.close()


def test_move_tail_aside_keeps_the_bytes(tmp_path: Path) -> None:
    path = tmp_path / "events.log"
    create_log(path)
    os.chmod(path, 0o640)
    with open(path, "ab") as f:
        f.write(GOOD + GOOD[:9])
    log = LogFile(path, writable=True)
    with log.locked():
        side, size = log.move_tail_aside(HEADER_SIZE + len(GOOD))
    log.close()
    assert size == 9
    assert side.read_bytes() == GOOD[:9]
    assert side.parent == tmp_path
    assert side.name.startswith(f"events.log.torn-{HEADER_SIZE + len(GOOD)}-")
    assert path.stat().st_size == HEADER_SIZE + len(GOOD)
    assert side.stat().st_mode & 0o777 == 0o640


def test_not_a_log_gives_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "events.log").write_bytes(b"hello, this is not a log at all.")
    with pytest.raises(StoreError, match="not a leerpad log"):
        Store.open(tmp_path)
    (tmp_path / "events.log").write_bytes(b"")
    with pytest.raises(StoreError, match="shorter than a log header"):
        Store.open(tmp_path)


def test_header_hash_is_the_first_prev(store: Store, tiny_profile: object) -> None:
    assert store.state.hash == store.log.header.hash
    header = (store.path / "events.log").read_bytes()[:32]
    assert store.log.header.hash == hashlib.sha256(header).hexdigest()
    assert encode_header(bytes.fromhex(store.log.header.log_id)) == header


def test_the_reader_in_format_md_reads_a_real_log(plan_store: Store) -> None:
    """docs/FORMAT.md's stand-alone reader agrees with the store, record for record."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "FORMAT.md").read_text()
    section = doc.split("## Reading a log without leerpad", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, object] = {}
    exec(compile(code, "FORMAT.md", "exec"), namespace)
    plan_store.execute(lambda s: commands.add_note(s, "P1", "B1", text="Klantvriendelijk"))
    records = namespace["read_log"](plan_store.path / "events.log")  # type: ignore[operator]
    ours = [r for r, _ in plan_store.records()]
    assert [r["seq"] for r in records] == [r.seq for r in ours]
    assert [r["id"] for r in records] == [r.id for r in ours]
    opened = namespace["open_text"](plan_store.path, records[-1], "text")  # type: ignore[operator]
    assert opened == "Klantvriendelijk" != records[-1]["event"]["text"]
    assert records[-1]["time"] == ours[-1].time
