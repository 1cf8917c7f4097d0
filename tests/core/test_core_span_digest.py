"""The digest a read model keeps of the log it stands in for: the same whichever way the
bytes come in and however many threads hash the blocks; a read that fails is not hidden."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import pytest

from core import log as core_log
from core.log import HEADER_SIZE, LogFile, SpanDigest, create_log

BLOCK = 64


@pytest.fixture
def log_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LogFile:
    """A log of a few dozen blocks of `BLOCK` bytes (its bytes need not be frames here)."""
    monkeypatch.setattr(core_log, "DIGEST_BLOCK", BLOCK)
    path = tmp_path / "events.log"
    create_log(path)
    with open(path, "ab") as f:
        f.write(bytes(range(256)) * 9 + b"tail")
    opened = LogFile.open(path)
    yield opened
    opened.close()


def expected(data: bytes) -> str:
    blocks = [data[at : at + BLOCK] for at in range(0, len(data), BLOCK)]
    return hashlib.sha256(b"".join(hashlib.sha256(b).digest() for b in blocks)).hexdigest()


@pytest.mark.parametrize("start", [0, HEADER_SIZE, 100])
@pytest.mark.parametrize("threads", [1, 2, 3])
def test_the_blocks_hashed_in_threads_give_the_digest_of_the_span(
    log_file: LogFile, start: int, threads: int
) -> None:
    data = log_file.path.read_bytes()
    stop = len(data) - 3  # the last block shorter than the others
    assert log_file.digest(stop, start, threads=threads) == expected(data[start:stop])


@pytest.mark.parametrize("piece", [1, 12, 63, 64, 65, 300])
def test_bytes_fed_in_any_pieces_give_the_same_digest(log_file: LogFile, piece: int) -> None:
    data = log_file.path.read_bytes()
    digest = SpanDigest()
    for at in range(0, len(data), piece):
        digest.update(data[at : at + piece])
    assert digest.hexdigest() == expected(data) == log_file.digest(len(data))


@pytest.mark.parametrize("piece", [5, 64, 200])
def test_frames_fed_as_header_and_payload_give_the_same_digest(
    log_file: LogFile, piece: int
) -> None:
    data = log_file.path.read_bytes()
    digest = SpanDigest()
    for at in range(0, len(data), piece + 12):
        digest.update_frame(data[at : at + 12], data[at + 12 : at + 12 + piece])
    assert digest.hexdigest() == expected(data)


def test_a_changed_byte_in_any_block_changes_the_digest(log_file: LogFile) -> None:
    data = log_file.path.read_bytes()
    whole = log_file.digest(len(data))
    for at in range(0, len(data), BLOCK // 2):
        changed = bytearray(data)
        changed[at] ^= 0x01
        assert expected(bytes(changed)) != whole, at
    with open(log_file.path, "r+b") as f:
        f.seek(len(data) - 1)
        f.write(bytes([data[-1] ^ 0x80]))
    assert log_file.digest(len(data)) != whole


def test_a_log_shorter_than_the_span_gives_another_digest(log_file: LogFile) -> None:
    data = log_file.path.read_bytes()
    assert log_file.digest(len(data) + 5 * BLOCK) != expected(data)


def test_a_read_that_fails_in_a_helper_thread_is_raised_to_the_caller(
    log_file: LogFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    read = os.preadv
    failed = threading.Event()

    def failing_in_helper(fd: int, buffers: list[memoryview], offset: int) -> int:
        if threading.current_thread() is not threading.main_thread():
            failed.set()
            raise OSError(5, "Input/output error")
        failed.wait(10)  # the caller's own reads wait until the helper has taken a block
        return read(fd, buffers, offset)

    monkeypatch.setattr(core_log.os, "preadv", failing_in_helper)
    with pytest.raises(OSError):
        log_file.digest(os.fstat(log_file.fd).st_size, threads=2)
    assert failed.is_set()
