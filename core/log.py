"""The log file: a header, then framed records, appended under an OS file lock.

This module knows bytes, frames and hashes, not events; docs/FORMAT.md
describes the layout so a record can be read without this code.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import struct
import uuid
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

MAGIC = b"LEERPAD\n"
LOG_VERSION = 1
HEADER = struct.Struct(">8sI4x16s")  # magic, log format version, reserved, log id
HEADER_SIZE = HEADER.size  # 32
FRAME = struct.Struct(">III")  # payload length, length ^ 0xFFFFFFFF, crc32(payload)
FRAME_SIZE = FRAME.size  # 12
MAX_PAYLOAD = 16 * 1024 * 1024
READ_CHUNK = 4 * 1024 * 1024


class LogError(Exception):
    """A problem with the log file itself; the message is meant for the user."""


class CorruptLog(LogError):
    """The log holds bytes that are not a valid record before its end."""

    def __init__(self, message: str, *, offset: int, seq: int) -> None:
        super().__init__(message)
        self.offset = offset
        self.seq = seq


@dataclass(frozen=True, slots=True)
class Header:
    version: int
    log_id: str
    hash: str
    """SHA-256 of the header bytes: the `prev` of the first record."""


@dataclass(frozen=True, slots=True)
class Frame:
    offset: int
    end: int
    payload: bytes


@dataclass(frozen=True, slots=True)
class TailProblem:
    """Bytes after the last valid record that do not form a record."""

    offset: int
    size: int
    torn: bool
    """True when the bytes look like an interrupted append (a prefix of a frame)."""
    reason: str


def encode_header(log_id: bytes) -> bytes:
    return HEADER.pack(MAGIC, LOG_VERSION, log_id)


def parse_header(data: bytes, path: Path) -> Header:
    if len(data) < HEADER_SIZE:
        raise LogError(f"{path} is not a leerpad log: it is shorter than a log header.")
    magic, version, log_id = HEADER.unpack_from(data)
    if magic != MAGIC:
        raise LogError(f"{path} is not a leerpad log (wrong magic bytes).")
    return Header(version, log_id.hex(), hashlib.sha256(data[:HEADER_SIZE]).hexdigest())


def frame(payload: bytes) -> bytes:
    n = len(payload)
    return FRAME.pack(n, n ^ 0xFFFFFFFF, zlib.crc32(payload)) + payload


def payload_hash(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def create_log(path: Path, *, mode: int = 0o666) -> None:
    """Create an empty log atomically; an existing log (made by a racing process) is kept."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.write(fd, encode_header(uuid.uuid4().bytes))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(tmp)
    fsync_dir(path.parent)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def scan_frames(data: bytes | memoryview, base: int) -> tuple[list[Frame], int, TailProblem | None]:
    """Split `data` (file bytes starting at offset `base`) into complete, checked frames.

    Returns the frames, the offset just after the last good one, and what follows
    it when that is not a complete frame. A tail problem is `torn` when it could
    be an append in progress or interrupted by a crash; otherwise it is corruption.
    """
    frames: list[Frame] = []
    pos = 0
    size = len(data)
    unpack = FRAME.unpack_from
    crc32 = zlib.crc32
    while pos < size:
        if size - pos < FRAME_SIZE:
            return frames, base + pos, _tail(data, pos, base, "an incomplete frame header")
        n, check, crc = unpack(data, pos)
        if n ^ 0xFFFFFFFF != check or n > MAX_PAYLOAD:
            if not any(data[pos:]):
                # A crash can leave zero-filled blocks at the end of a file.
                return frames, base + pos, TailProblem(base + pos, size - pos, True, "zero bytes")
            return (
                frames,
                base + pos,
                TailProblem(base + pos, size - pos, False, "a damaged frame header"),
            )
        start = pos + FRAME_SIZE
        end = start + n
        if end > size:
            return frames, base + pos, _tail(data, pos, base, "an incomplete record")
        payload = bytes(data[start:end])
        if crc32(payload) != crc:
            return (
                frames,
                base + pos,
                TailProblem(
                    base + pos, size - pos, False, "a record whose checksum does not match"
                ),
            )
        frames.append(Frame(base + pos, base + end, payload))
        pos = end
    return frames, base + pos, None


def _tail(data: bytes | memoryview, pos: int, base: int, what: str) -> TailProblem:
    return TailProblem(base + pos, len(data) - pos, True, what)


class LogFile:
    """An open log: reading from any offset, and appending under the lock."""

    def __init__(self, path: Path, *, writable: bool) -> None:
        self.path = path
        flags = (os.O_RDWR | os.O_APPEND) if writable else os.O_RDONLY
        self.fd = os.open(path, flags)
        self.writable = writable
        self.header = parse_header(os.pread(self.fd, HEADER_SIZE, 0), path)

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def size(self) -> int:
        return os.fstat(self.fd).st_size

    def read_chunks(self, offset: int, end: int | None = None) -> Iterator[tuple[int, bytes]]:
        """Yield (offset, bytes) chunks from `offset` to the current (or given) end."""
        stop = self.size() if end is None else end
        while offset < stop:
            chunk = os.pread(self.fd, min(READ_CHUNK, stop - offset), offset)
            if not chunk:
                return
            yield offset, chunk
            offset += len(chunk)

    def frames(self, offset: int) -> Iterator[Frame | TailProblem]:
        """Every complete frame from `offset`, then at most one TailProblem."""
        carry = b""
        carry_at = offset
        for at, chunk in self.read_chunks(offset):
            data = carry + chunk if carry else chunk
            base = carry_at if carry else at
            found, good_end, problem = scan_frames(data, base)
            yield from found
            if problem is not None and not problem.torn:
                yield problem
                return
            carry = data[good_end - base :]
            carry_at = good_end
        if carry:
            _, _, problem = scan_frames(carry, carry_at)
            if problem is not None:
                yield problem

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the exclusive append lock (serialises writers; readers never take it)."""
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self.fd, fcntl.LOCK_UN)

    def append(self, data: bytes, expected_end: int) -> int:
        """Write framed bytes at `expected_end` in one write and fsync; return the new end.

        Must be called under `locked()`. On failure the file is cut back to
        `expected_end` so a partial record never stays behind.
        """
        if self.size() != expected_end:
            raise LogError("The log changed while it was locked; nothing was written.")
        try:
            written = os.write(self.fd, data)
            if written != len(data):
                raise OSError(errno.ENOSPC, "short write")
            os.fsync(self.fd)
        except OSError as exc:
            try:
                os.ftruncate(self.fd, expected_end)
                os.fsync(self.fd)
            except OSError:
                pass
            raise LogError(_write_failure(self.path, exc)) from exc
        return expected_end + len(data)

    def move_tail_aside(self, problem: TailProblem) -> Path:
        """Copy a torn tail into a side file next to the log, then cut it off the log.

        Must be called under `locked()`. The side file is durable before the log
        is shortened, so the bytes are never lost.
        """
        data = os.pread(self.fd, problem.size, problem.offset)
        side = self.path.with_name(f"{self.path.name}.torn-{problem.offset}-{uuid.uuid4().hex[:8]}")
        fd = os.open(side, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        fsync_dir(self.path.parent)
        os.ftruncate(self.fd, problem.offset)
        os.fsync(self.fd)
        return side


def _write_failure(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        why = "the disk is full"
    elif exc.errno == errno.EFBIG:
        why = "the file size limit was reached"
    elif exc.errno == errno.EDQUOT:
        why = "the disk quota is used up"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = "there is no permission to write"
    else:
        why = exc.strerror or str(exc)
    return f"Could not write to {path}: {why}. Nothing was written."
