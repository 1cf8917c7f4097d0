"""The log file: a header, then framed records, appended under an OS file lock.

This module knows bytes, frames and hashes, not events; docs/FORMAT.md
describes the layout so a record can be read without this code.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import secrets
import stat
import struct
import threading
import uuid
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import msgspec

from core import storefiles
from core.i18n import register, t

LOG_NAME = "events.log"
"""The log's file name in a store directory."""
MAGIC = b"LEERPAD\n"
LOG_VERSION = 2
"""2: personal texts in records are sealed with their plan's key (1: plain; read-only now)."""
HEADER = struct.Struct(">8sI4s16s")  # magic, log format version, reserved (zero), log id
HEADER_SIZE = HEADER.size  # 32
FRAME = struct.Struct(">III")  # payload length, length ^ 0xFFFFFFFF, crc32(payload)
FRAME_SIZE = FRAME.size  # 12
MAX_PAYLOAD = 16 * 1024 * 1024
READ_CHUNK = 1024 * 1024
DIGEST_BLOCK = 4 * 1024 * 1024
"""A span of the log is digested block by block (`SpanDigest`): blocks hash independently,
so a check spreads them over the cores."""
DIGEST_THREADS = 2
ZERO_TAIL = 8
"""A last record whose payload ends in this many zero bytes was never fully written.

Some filesystems leave the end of an interrupted append as zeros; a record never
ends in a zero byte (its last field is the format version), so a run this long
cannot be a bit flip in a record that was written whole.
"""


class LogError(Exception):
    """A problem with the log file itself; the message is meant for the user."""


class CorruptLog(LogError):
    """The log holds bytes that are not a valid record before its end."""

    def __init__(self, message: str, *, offset: int, seq: int) -> None:
        super().__init__(message)
        self.offset = offset
        self.seq = seq


class Header(msgspec.Struct, frozen=True):
    version: int
    log_id: str
    hash: str
    """SHA-256 of the header bytes: the `prev` of the first record."""
    problem: str | None = None
    """Why the header is malformed (a message key, log.header.*), or None."""


class Frame(msgspec.Struct, frozen=True):
    offset: int
    end: int
    payload: bytes


class TailProblem(msgspec.Struct, frozen=True):
    """Bytes after the last valid record that do not form a record."""

    offset: int
    size: int
    torn: bool
    """True when the bytes look like an interrupted append (a prefix of a frame, or zeros)."""
    reason: str
    """A message key (log.tail.*): render it with `text()`."""

    def text(self, lang: str | None = None) -> str:
        return t(self.reason, lang)


def encode_header(log_id: bytes, version: int = LOG_VERSION) -> bytes:
    return HEADER.pack(MAGIC, version, b"\0\0\0\0", log_id)


def parse_header(data: bytes, path: Path) -> Header:
    if len(data) < HEADER_SIZE:
        raise LogError(t("log.short", path=path))
    magic, version, reserved, log_id = HEADER.unpack_from(data)
    if magic != MAGIC:
        raise LogError(t("log.magic", path=path))
    problem = None
    if version == 0:
        problem = "log.header.version0"
    elif version <= LOG_VERSION and reserved != b"\0\0\0\0":
        problem = "log.header.reserved"
    digest = hashlib.sha256(data[:HEADER_SIZE]).hexdigest()
    return Header(version, log_id.hex(), digest, problem)


def frame(payload: bytes) -> bytes:
    n = len(payload)
    if n > MAX_PAYLOAD:
        raise LogError(t("log.too_big", size=n, limit=MAX_PAYLOAD))
    return FRAME.pack(n, n ^ 0xFFFFFFFF, zlib.crc32(payload)) + payload


def payload_hash(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


class SpanDigest:
    """The digest of a span of the log: the SHA-256 of the SHA-256 of each `DIGEST_BLOCK`
    bytes from the span's start (the last block may be shorter; none when it is empty).

    Any changed byte changes its block's digest and so the span's, as one SHA-256 of the
    whole span would; but the blocks can be hashed apart (`LogFile.digest`).
    """

    __slots__ = ("_block", "_done", "_room")

    def __init__(self) -> None:
        self._block = hashlib.sha256()
        self._room = DIGEST_BLOCK
        """Bytes still to go into the current block."""
        self._done: list[bytes] = []

    def update(self, data: bytes | memoryview) -> None:
        if len(data) < self._room:
            self._block.update(data)
            self._room -= len(data)
            return
        view = memoryview(data)
        while len(view) >= self._room:
            self._block.update(view[: self._room])
            self._done.append(self._block.digest())
            view = view[self._room :]
            self._block, self._room = hashlib.sha256(), DIGEST_BLOCK
        self._block.update(view)
        self._room -= len(view)

    def update_frame(self, header: bytes, payload: bytes) -> None:
        """`update` with a frame's header, then its payload: one call a record."""
        n = len(header) + len(payload)
        if n < self._room:
            self._block.update(header)
            self._block.update(payload)
            self._room -= n
            return
        self.update(header)
        self.update(payload)

    def hexdigest(self) -> str:
        last = [self._block.digest()] if self._room < DIGEST_BLOCK else []
        return span_digest(self._done + last)


def span_digest(blocks: list[bytes]) -> str:
    """A span's digest from its blocks' SHA-256 digests, in order."""
    return hashlib.sha256(b"".join(blocks)).hexdigest()


def create_log(path: Path, *, mode: int | None = None, log_id: bytes | None = None) -> None:
    """Create an empty log atomically; an existing entry (made by a racing process) is kept.

    `mode` set means exactly these permission bits, whatever the umask. `log_id`
    (16 bytes) is only given to build reproducible stores (the demo); it is random otherwise.
    Whatever else holds the name (a planted link) is left for opening to refuse.
    """
    dir_fd = storefiles.open_dir(path.parent)
    try:
        tmp, fd = storefiles.create_new(dir_fd, path.name, mode=0o666 if mode is None else mode)
        try:
            try:
                if mode is not None:
                    os.fchmod(fd, mode)
                storefiles.write_all(fd, encode_header(log_id or uuid.uuid4().bytes))
                os.fsync(fd)
            finally:
                os.close(fd)
            # link() fails if the name exists, so two processes creating at once keep one log.
            os.link(tmp, path.name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd, follow_symlinks=False)
        except FileExistsError:
            pass
        finally:
            storefiles.unlink_quietly(dir_fd, tmp)
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def payload_at(fd: int, offset: int) -> bytes | None:
    """The payload of the frame at `offset` of the file `fd` when a sound one starts there
    (its length and the length's complement, its CRC-32); None otherwise."""
    head = os.pread(fd, FRAME_SIZE, offset)
    if len(head) < FRAME_SIZE:
        return None
    n, check, crc = FRAME.unpack(head)
    if n ^ check != 0xFFFFFFFF or n > MAX_PAYLOAD:
        return None
    payload = os.pread(fd, n, offset + FRAME_SIZE)
    if len(payload) != n or zlib.crc32(payload) != crc:
        return None
    return payload


def fsync_dir(path: Path) -> None:
    """Make a directory's entries (a new file, a new name) durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _all_zero(data: bytes | memoryview) -> bool:
    return bytes(data).count(0) == len(data)


class FrameScan:
    """Iterate `(offset, payload)` of each complete, checksummed frame in [start, stop).

    Once the loop has run to its end, `end` is the offset just after the last
    frame and `problem` describes what follows it when that is not a complete
    frame (None when the frames fill [start, stop) exactly).
    """

    __slots__ = ("end", "fd", "problem", "start", "stop")

    def __init__(self, fd: int, start: int, stop: int) -> None:
        self.fd = fd
        self.start = start
        self.stop = stop
        self.end = start
        self.problem: TailProblem | None = None

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        # The hot loop of every replay: locals only, one slice and one crc32 per frame.
        fd = self.fd
        stop = self.stop
        unpack = FRAME.unpack_from
        crc32 = zlib.crc32
        base = self.start  # file offset of buf[0]
        read_at = self.start  # next file offset to read
        buf = b""
        pos = 0
        need = FRAME_SIZE  # bytes from pos the next frame needs in buf
        bad = False
        while not bad:
            if len(buf) - pos < need:
                if read_at >= stop:
                    break
                chunk = os.pread(fd, min(max(READ_CHUNK, need), stop - read_at), read_at)
                if not chunk:  # the file shrank under us: its end is here
                    stop = read_at
                    break
                buf = buf[pos:] + chunk if pos < len(buf) else chunk
                base += pos
                pos = 0
                read_at += len(chunk)
            size = len(buf)
            limit = size - FRAME_SIZE
            while pos <= limit:
                n, check, crc = unpack(buf, pos)
                if n ^ check != 0xFFFFFFFF or n > MAX_PAYLOAD:
                    bad = True
                    break
                end = pos + FRAME_SIZE + n
                if end > size:
                    need = FRAME_SIZE + n
                    break
                payload = buf[pos + FRAME_SIZE : end]
                if crc32(payload) != crc:
                    bad = True
                    break
                yield base + pos, payload
                pos = end
            else:
                need = FRAME_SIZE
        self.end = base + pos
        if self.end < stop:
            self.problem = classify_tail(self._read, self.end, stop)

    def _read(self, size: int, offset: int) -> bytes:
        return os.pread(self.fd, size, offset)


Reader = Callable[[int, int], bytes]
"""`read(size, offset)`: up to `size` bytes of the log at `offset` (like os.pread)."""


def classify_tail(read: Reader, offset: int, stop: int) -> TailProblem:
    """Say what the bytes in [offset, stop) are, given they do not start a valid frame.

    Torn (a crash remnant or an append in progress): a prefix of a frame, or zeros,
    or a last record whose end is zeros. Anything else is corruption.
    """
    size = stop - offset
    head = read(min(size, FRAME_SIZE), offset)
    if len(head) < FRAME_SIZE:
        if len(head) >= 8:
            n, check = struct.unpack_from(">II", head)
            if n ^ check != 0xFFFFFFFF and not _all_zero(head):
                return TailProblem(offset, size, False, "log.tail.header")
        return TailProblem(offset, size, True, "log.tail.short_header")
    n, check, crc = FRAME.unpack(head)
    if n ^ check != 0xFFFFFFFF or n > MAX_PAYLOAD:
        if _zeros_to(read, offset, stop):
            return TailProblem(offset, size, True, "log.tail.zeros")
        return TailProblem(offset, size, False, "log.tail.header")
    if FRAME_SIZE + n > size:
        return TailProblem(offset, size, True, "log.tail.incomplete")
    payload = read(n, offset + FRAME_SIZE)
    if zlib.crc32(payload) == crc:  # only when called on a valid frame
        return TailProblem(offset, size, False, "log.tail.unexpected")
    if FRAME_SIZE + n == size and n >= ZERO_TAIL and _all_zero(payload[-ZERO_TAIL:]):
        return TailProblem(offset, size, True, "log.tail.unwritten_end")
    return TailProblem(offset, size, False, "log.tail.checksum")


def _zeros_to(read: Reader, offset: int, stop: int) -> bool:
    while offset < stop:
        chunk = read(min(READ_CHUNK, stop - offset), offset)
        if not chunk:
            return True
        if not _all_zero(chunk):
            return False
        offset += len(chunk)
    return True


def scan_frames(data: bytes | memoryview, base: int) -> tuple[list[Frame], int, TailProblem | None]:
    """Split in-memory log bytes (starting at file offset `base`) into checked frames.

    The same rules as `FrameScan`, for tools that already hold the bytes.
    Returns the frames, the offset after the last one, and what follows it.
    """
    data = bytes(data)
    frames: list[Frame] = []
    pos = 0
    size = len(data)
    while size - pos >= FRAME_SIZE:
        n, check, crc = FRAME.unpack_from(data, pos)
        end = pos + FRAME_SIZE + n
        if n ^ check != 0xFFFFFFFF or n > MAX_PAYLOAD or end > size:
            break
        payload = data[pos + FRAME_SIZE : end]
        if zlib.crc32(payload) != crc:
            break
        frames.append(Frame(base + pos, base + end, payload))
        pos = end
    if pos == size:
        return frames, base + pos, None

    def read(n: int, offset: int) -> bytes:
        return data[offset - base : offset - base + n]

    return frames, base + pos, classify_tail(read, base + pos, base + size)


class LogFile:
    """An open log: reading from any offset, and appending under the lock.

    The log is opened relative to its directory, never through a link and only
    when it is a regular file; the directory's descriptor is kept to check,
    before each append, that the name still leads to the file that is open.
    """

    def __init__(self, path: Path, *, writable: bool) -> None:
        self.path = path
        self.fd = -1
        self.dir_fd = storefiles.open_dir(path.parent)
        self.writable = writable
        try:
            flags = (os.O_RDWR | os.O_APPEND) if writable else os.O_RDONLY
            self.fd = storefiles.open_regular(self.dir_fd, path.name, flags, shown=path)
            self.header_bytes = os.pread(self.fd, HEADER_SIZE, 0)
            self.header = parse_header(self.header_bytes, path)
        except BaseException:
            self.close()
            raise

    @classmethod
    def open(cls, path: Path) -> LogFile:
        """Open for appending when the OS allows it, else for reading only."""
        try:
            return cls(path, writable=True)
        except OSError as exc:
            if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS) or isinstance(
                exc, storefiles.UnsafeFile
            ):
                raise
        return cls(path, writable=False)

    def replaced(self) -> str | None:
        """Why the open file is no longer the log at its name, or None when it still is.

        Another member can rename a copy over the log, remove it or hard-link it
        while it is open: appending then would go into a file nobody reads. The
        open file must still be the entry's inode, with one name, and start with
        the header read when it was opened.
        """
        mine = os.fstat(self.fd)
        there = storefiles.lstat(self.dir_fd, self.path.name)
        if there is None:
            return t("log.gone", path=self.path)
        if (there.st_dev, there.st_ino) != (mine.st_dev, mine.st_ino):
            return t("log.replaced", path=self.path)
        if mine.st_nlink != 1:
            return t("log.links", path=self.path, count=mine.st_nlink)
        if os.pread(self.fd, HEADER_SIZE, 0) != self.header_bytes:
            return t("log.header_changed", path=self.path)
        return None

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        if self.dir_fd >= 0:
            os.close(self.dir_fd)
            self.dir_fd = -1

    def size(self) -> int:
        return os.fstat(self.fd).st_size

    def digest(self, stop: int, start: int = 0, *, threads: int = DIGEST_THREADS) -> str:
        """The `SpanDigest` of the file's bytes [start, stop) (what is there now, however
        short), its blocks hashed in `threads` threads: reading and SHA-256 release the GIL."""
        size = max(stop - start, 0)
        found = [b""] * -(-size // DIGEST_BLOCK)
        # Shared by the threads: each takes the next block not taken (one thread slowed by
        # the rest of the machine leaves more to the other).
        todo = iter(range(len(found)))
        failed: list[BaseException] = []

        def hash_blocks() -> None:
            # One buffer each, read into again and again: a fresh object per block costs
            # its allocation and page faults, ~10% of hashing a large log.
            buffer = memoryview(bytearray(min(DIGEST_BLOCK, size)))
            try:
                for i in todo:
                    offset = start + i * DIGEST_BLOCK
                    want = min(DIGEST_BLOCK, stop - offset)
                    n = os.preadv(self.fd, [buffer[:want]], offset)
                    while 0 < n < want:  # a short read before the end: read on
                        more = os.preadv(self.fd, [buffer[n:want]], offset + n)
                        if not more:
                            break
                        n += more
                    found[i] = hashlib.sha256(buffer[:n]).digest()
            except BaseException as exc:  # raised again by the thread that asked
                failed.append(exc)

        helpers = [
            threading.Thread(target=hash_blocks, name="leerpad-digest", daemon=True)
            for _ in range(min(threads, len(found)) - 1)
        ]
        for helper in helpers:
            helper.start()
        hash_blocks()
        for helper in helpers:
            helper.join()  # the file is never closed under a helper still reading
        if failed:
            raise failed[0]
        return span_digest(found)

    def payload_at(self, offset: int) -> bytes | None:
        """The payload of the frame at `offset` when a sound one starts there (its length
        and the length's complement, its CRC-32); None otherwise."""
        return payload_at(self.fd, offset)

    def scan(self, offset: int, stop: int | None = None) -> FrameScan:
        """Frames from `offset` up to `stop` (default: the current end of the file)."""
        return FrameScan(self.fd, offset, self.size() if stop is None else stop)

    def frames(self, offset: int) -> Iterator[Frame | TailProblem]:
        """Every complete frame from `offset`, then at most one TailProblem."""
        scan = self.scan(offset)
        for at, payload in scan:
            yield Frame(at, at + FRAME_SIZE + len(payload), payload)
        if scan.problem is not None:
            yield scan.problem

    def lock(self, *, wait: bool = True) -> bool:
        """Take the append lock: exclusive when writable, shared when only reading.

        A reader takes it (never waiting, or only on open) to tell a crash remnant
        from an append in progress: writers hold it from catch-up to fsync.
        Returns False when `wait` is off and someone else holds it.
        """
        op = fcntl.LOCK_EX if self.writable else fcntl.LOCK_SH
        try:
            fcntl.flock(self.fd, op if wait else op | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def unlock(self) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_UN)

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the append lock (serialises writers; readers never wait for it)."""
        self.lock()
        try:
            yield
        finally:
            self.unlock()

    def append(self, data: bytes, expected_end: int) -> int:
        """Write framed bytes at `expected_end` in one write and fsync; return the new end.

        Must be called under `locked()`. On failure the file is cut back to
        `expected_end` so a partial record never stays behind.
        """
        if self.size() != expected_end:
            raise LogError(t("log.changed"))
        try:
            written = os.write(self.fd, data)
            while written < len(data):
                # Short: the disk or the file size limit ran out mid-record. Writing the
                # rest either raises the real reason (ENOSPC, EFBIG) or completes it.
                more = os.write(self.fd, data[written:])
                if more == 0:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                written += more
            os.fsync(self.fd)
        except OSError as exc:
            try:
                os.ftruncate(self.fd, expected_end)
                os.fsync(self.fd)
            except OSError:
                # Left behind, the partial record is a torn tail: the next writer moves it aside.
                pass
            raise LogError(_write_failure(self.path, exc)) from exc
        return expected_end + len(data)

    def move_tail_aside(self, offset: int) -> tuple[Path, int]:
        """Copy the bytes from `offset` to the end into a side file, then cut them off the log.

        Must be called under `locked()`. The side file (same permissions as the
        log) is durable before the log is shortened, so the bytes are never lost.
        Returns the side file and how many bytes it holds.
        """
        size = self.size()
        data = os.pread(self.fd, size - offset, offset) if size > offset else b""
        side = f"{self.path.name}.torn-{offset}-{secrets.token_hex(4)}"
        fd = storefiles.create_named(self.dir_fd, side, mode=0o600)
        try:
            os.fchmod(fd, stat.S_IMODE(os.fstat(self.fd).st_mode))
            storefiles.write_all(fd, data)
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            storefiles.unlink_quietly(self.dir_fd, side)
            raise
        os.close(fd)
        os.fsync(self.dir_fd)
        os.ftruncate(self.fd, offset)
        os.fsync(self.fd)
        return self.path.with_name(side), len(data)


def _write_failure(path: Path, exc: OSError) -> str:
    why = {
        errno.ENOSPC: "log.why.full",
        errno.EFBIG: "log.why.fsize",
        errno.EDQUOT: "log.why.quota",
        errno.EACCES: "log.why.perm",
        errno.EPERM: "log.why.perm",
        errno.EROFS: "log.why.perm",
    }.get(exc.errno or 0)
    return t("log.write_failed", path=path, why=t(why) if why else (exc.strerror or str(exc)))


register(
    {
        "log.short": (
            "{path} is not a leerpad log: it is shorter than a log header.",
            "{path} is geen leerpad-logboek: het is korter dan een logboekhoofding.",
        ),
        "log.magic": (
            "{path} is not a leerpad log (its first bytes are wrong).",
            "{path} is geen leerpad-logboek (de eerste bytes kloppen niet).",
        ),
        "log.header.version0": (
            "the log header names format version 0",
            "de hoofding van het logboek noemt formaatversie 0",
        ),
        "log.header.reserved": (
            "reserved bytes of the log header are not zero",
            "gereserveerde bytes in de hoofding van het logboek zijn niet nul",
        ),
        "log.gone": (
            "{path} was removed while leerpad had it open; nothing was written.",
            "{path} werd verwijderd terwijl leerpad het open had; er werd niets geschreven.",
        ),
        "log.replaced": (
            "{path} was replaced by another file while leerpad had it open; nothing was written.",
            "{path} werd door een ander bestand vervangen terwijl leerpad het open had; "
            "er werd niets geschreven.",
        ),
        "log.links": (
            "{path} has {count} names (hard links) instead of one; nothing was written.",
            "{path} heeft {count} namen (harde koppelingen) in plaats van een; "
            "er werd niets geschreven.",
        ),
        "log.header_changed": (
            "The header of {path} changed while leerpad had it open; nothing was written.",
            "De hoofding van {path} veranderde terwijl leerpad het open had; "
            "er werd niets geschreven.",
        ),
        "log.too_big": (
            "A record of {size} bytes is larger than the limit of {limit} bytes; "
            "nothing was written.",
            "Een record van {size} bytes is groter dan de limiet van {limit} bytes; "
            "er werd niets geschreven.",
        ),
        "log.changed": (
            "The log changed while it was locked; nothing was written.",
            "Het logboek veranderde terwijl het vergrendeld was; er werd niets geschreven.",
        ),
        "log.write_failed": (
            "Could not write to {path}: {why}. Nothing was written.",
            "Kon niet schrijven naar {path}: {why}. Er werd niets geschreven.",
        ),
        "log.why.full": ("the disk is full", "de schijf is vol"),
        "log.why.fsize": (
            "the file size limit was reached",
            "de limiet op de bestandsgrootte is bereikt",
        ),
        "log.why.quota": ("the disk quota is used up", "het schijfquotum is opgebruikt"),
        "log.why.perm": ("there is no permission to write", "er is geen schrijfrecht"),
        "log.tail.header": ("a damaged frame header", "een beschadigde framehoofding"),
        "log.tail.short_header": (
            "an incomplete frame header",
            "een onvolledige framehoofding",
        ),
        "log.tail.zeros": ("zero bytes", "nulbytes"),
        "log.tail.incomplete": ("an incomplete record", "een onvolledig record"),
        "log.tail.unexpected": (
            "a valid record where none was expected",
            "een geldig record waar er geen verwacht werd",
        ),
        "log.tail.unwritten_end": (
            "a record whose end was never written",
            "een record waarvan het einde nooit geschreven werd",
        ),
        "log.tail.checksum": (
            "a record whose checksum does not match",
            "een record waarvan de controlesom niet klopt",
        ),
    }
)
