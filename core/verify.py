"""`leerpad verify`: check a store's log byte by byte, independently of opening the store.

Checks the header, each frame (length and its check value, CRC), that each
payload decodes, that seq numbers are dense, event ids unique and the hash
chain unbroken. It never writes, moves or locks for writing anything.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import mmap
import os
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from core import events as ev
from core import storefiles
from core.i18n import register, t
from core.keystore import FileKeyStore, Keys
from core.log import (
    FRAME,
    FRAME_SIZE,
    HEADER_SIZE,
    LOG_VERSION,
    MAX_PAYLOAD,
    LogError,
    classify_tail,
    parse_header,
    payload_at,
)
from core.privacy import open_record
from core.projections import StoreState, apply, apply_unknown

LOG_NAME = "events.log"

register(
    {
        "verify.no_log": ("there is no log file {path}", "er is geen logbestand {path}"),
        "verify.unreadable": ("cannot read {path}: {why}", "kan {path} niet lezen: {why}"),
        "verify.header_short": (
            "the file is shorter than a log header",
            "het bestand is korter dan een logkop",
        ),
        "verify.magic": (
            "the file does not start with a leerpad log header",
            "het bestand begint niet met een leerpad-logkop",
        ),
        "verify.newer": (
            "the log was written in format {version}, newer than this leerpad understands "
            "(upgrade leerpad to verify it)",
            "het logboek is geschreven in formaat {version}, nieuwer dan deze leerpad kent "
            "(werk leerpad bij om het te controleren)",
        ),
        "verify.frame": (
            "its frame header is damaged (the length field does not match its check value)",
            "de framekop is beschadigd (het lengteveld klopt niet met de controlewaarde)",
        ),
        "verify.too_big": (
            "its length field claims {size} bytes, more than a record can hold",
            "het lengteveld vermeldt {size} bytes, meer dan een record kan bevatten",
        ),
        "verify.checksum": (
            "its checksum does not match its contents (the bytes changed after writing)",
            "de controlesom klopt niet met de inhoud (de bytes veranderden na het schrijven)",
        ),
        "verify.decode": (
            "its contents cannot be decoded as a record ({error})",
            "de inhoud kan niet als record gelezen worden ({error})",
        ),
        "verify.sequence": (
            "it carries sequence number {found} where {expected} was expected",
            "het draagt volgnummer {found} waar {expected} verwacht werd",
        ),
        "verify.chain": (
            "its link to the previous record does not match: the hash chain is broken",
            "de verwijzing naar het vorige record klopt niet: de hashketen is verbroken",
        ),
        "verify.header_changed": (
            "its link to the log header does not match: the header was changed",
            "de verwijzing naar de hoofding van het logboek klopt niet: de hoofding werd gewijzigd",
        ),
        "verify.apply": (
            "its {type} event does not apply to the plans before it ({error})",
            "de gebeurtenis {type} past niet bij de plannen ervoor ({error})",
        ),
        "verify.invalid": (
            "its {type} event is not valid: field {field} is missing or has the wrong type "
            "(this is damage, not a newer format: leerpad knows this event type)",
            "de gebeurtenis {type} is ongeldig: veld {field} ontbreekt of heeft het verkeerde "
            "type (dit is schade, geen nieuwer formaat: leerpad kent dit gebeurtenistype)",
        ),
        "verify.signoff": (
            "this sign-off names record {covers}, but its covers_hash is not that record's hash "
            "(or that record is not the state it was signed on)",
            "deze aftekening noemt record {covers}, maar haar covers_hash is niet de hash van "
            "dat record (of dat record is niet de toestand waarop ze getekend werd)",
        ),
        "verify.bad_id": (
            "its event id {id!r} is not 32 lowercase hex digits (a clock before 1970 gives "
            "a minus sign)",
            "de gebeurtenis-id {id!r} bestaat niet uit 32 kleine hexadecimale cijfers (een "
            "klok voor 1970 geeft een minteken)",
        ),
        "verify.duplicate": (
            "its event id {id} was already used by record {other}",
            "de gebeurtenis-id {id} werd al gebruikt door record {other}",
        ),
    }
)


_EVENT_ID = re.compile(r"[0-9a-f]{32}")
"""The event id format (docs/FORMAT.md): 48 bits of milliseconds, 80 random bits."""


@dataclass(frozen=True, slots=True)
class Problem:
    """The first thing wrong with the log: which record, where, and what."""

    seq: int
    """The sequence number the damaged record has (or should have had)."""
    offset: int
    """Byte offset of the record's frame in the log file (0 for the header)."""
    kind: str
    """header, not-regular, newer-format, frame, checksum, decode, sequence, chain,
    bad-id, duplicate-id, invalid, apply or signoff; on a database store also roles or
    schema (an older schema that init-store upgrades)."""
    message: str


@dataclass(frozen=True, slots=True)
class TornTail:
    """Bytes after the last record that are a prefix of a record: an interrupted append."""

    offset: int
    size: int


@dataclass
class Report:
    path: Path
    size: int = 0
    records: int = 0
    last_hash: str = ""
    """Hash of the last intact record (of the header when there are none): note it to
    detect a later rewrite of the whole tail."""
    end: int = 0
    """Offset just after the last intact record."""
    unknown: int = 0
    """Records of event types (or record formats) newer than this leerpad knows."""
    problem: Problem | None = None
    torn: TornTail | None = None
    side_files: list[str] = field(default_factory=list)
    state: StoreState | None = None
    """The plans as folded from the intact records (sign-offs are checked from it)."""

    @property
    def intact(self) -> bool:
        return self.problem is None


class _Tail(Exception):
    """Scanning stopped at bytes that may be an append still being written."""


class _Checker:
    def __init__(self, report: Report, header_hash: str) -> None:
        self.report = report
        self.prev = header_hash
        self.seq = 0
        self.ids: dict[str, int] = {}
        self.state = StoreState()
        self.keys: Keys | None = None

    def fail(self, offset: int, kind: str, message: str, seq: int | None = None) -> None:
        self.report.problem = Problem(self.seq + 1 if seq is None else seq, offset, kind, message)

    def scan(self, data: mmap.mmap | bytes, pos: int) -> int:
        """Check frames from `pos` until the end of `data` or a problem; return where it stopped.

        Raises _Tail when the bytes from the returned position may be a torn append.
        """
        size = len(data)
        while pos < size:
            if size - pos >= FRAME_SIZE:
                n, check, crc = FRAME.unpack_from(data, pos)
                start, end = pos + FRAME_SIZE, pos + FRAME_SIZE + n
                if n ^ check == 0xFFFFFFFF and n <= MAX_PAYLOAD and end <= size:
                    payload = data[start:end]
                    if zlib.crc32(payload) == crc:
                        if not self.record(pos, payload):
                            return pos
                        pos = end
                        self.report.end = end
                        continue
            self.bad_bytes(data, pos)
            return pos
        return pos

    def bad_bytes(self, data: mmap.mmap | bytes, pos: int) -> None:
        """Bytes at `pos` that are not a whole, checksummed frame: torn or damaged?

        The store's own rules decide (core.log.classify_tail), so verify and the
        store always agree on what is a crash remnant.
        """
        problem = classify_tail(lambda n, at: data[at : at + n], pos, len(data))
        if problem.torn:
            raise _Tail(pos)
        if problem.reason == "log.tail.checksum":
            self.fail(pos, "checksum", t("verify.checksum"))
            return
        n, check, _ = FRAME.unpack_from(data, pos) if len(data) - pos >= FRAME_SIZE else (0, 0, 0)
        if n ^ check == 0xFFFFFFFF and n > MAX_PAYLOAD:
            self.fail(pos, "frame", t("verify.too_big", size=n))
        else:
            self.fail(pos, "frame", t("verify.frame"))

    def record(self, offset: int, payload: bytes) -> bool:
        try:
            result = ev.read_record(payload)
        except msgspec.DecodeError as exc:
            self.fail(offset, "decode", t("verify.decode", error=exc))
            return False
        rec = result if isinstance(result, ev.Record) else result.record
        if rec.seq != self.seq + 1:
            message = t("verify.sequence", found=rec.seq, expected=self.seq + 1)
            self.fail(offset, "sequence", message)
            return False
        if rec.prev != self.prev:
            self.fail(
                offset, "chain", t("verify.header_changed" if rec.seq == 1 else "verify.chain")
            )
            return False
        if not _EVENT_ID.fullmatch(rec.id):
            self.fail(offset, "bad-id", t("verify.bad_id", id=rec.id))
            return False
        if rec.id in self.ids:
            message = t("verify.duplicate", id=rec.id, other=self.ids[rec.id])
            self.fail(offset, "duplicate-id", message)
            return False
        if isinstance(result, ev.Invalid):
            message = t("verify.invalid", type=result.type, field=result.field)
            self.fail(offset, "invalid", message, seq=rec.seq)
            return False
        digest = hashlib.sha256(payload).hexdigest()
        if not isinstance(rec, ev.Record) or rec.v > type(rec.event).version:
            self.report.unknown += 1
            apply_unknown(self.state, rec.seq, rec.id, digest)
        else:
            try:
                apply(self.state, open_record(rec, self.keys), digest)  # type: ignore[arg-type]
            except Exception as exc:
                # Chain and checksum are fine, but the event makes no sense at this point.
                kind = ev.event_tag(rec.event)  # type: ignore[arg-type]
                self.fail(offset, "apply", t("verify.apply", type=kind, error=repr(exc)))
                return False
            if type(rec.event) is ev.SignedOff and self._signoff_mismatch(rec.event):
                message = t("verify.signoff", covers=rec.event.covers_seq)
                self.fail(offset, "signoff", message, seq=rec.seq)
                return False
        self.ids[rec.id] = rec.seq
        self.seq = rec.seq
        self.prev = digest
        self.report.records = self.seq
        self.report.last_hash = self.prev
        return True

    def _signoff_mismatch(self, event: ev.SignedOff) -> bool:
        """The projection decided whether the sign-off just folded names what it covers."""
        plan = self.state.plans.get(event.plan)
        return plan is not None and bool(plan.signoffs) and plan.signoffs[-1].mismatch


def _map(fd: int, size: int) -> mmap.mmap | bytes:
    return mmap.mmap(fd, size, access=mmap.ACCESS_READ) if size else b""


def _unmap(data: mmap.mmap | bytes) -> None:
    if isinstance(data, mmap.mmap):
        data.close()


def verify_log(path: Path) -> Report:
    """Check one log file; the report names the first problem, if any."""
    report = Report(path=path)
    try:
        # Opened as the store opens it: never through a link, never waiting on a FIFO.
        dir_fd = storefiles.open_dir(path.parent)
        try:
            fd = storefiles.open_regular(dir_fd, path.name, os.O_RDONLY, shown=path)
        finally:
            os.close(dir_fd)
    except storefiles.UnsafeFile as exc:
        report.problem = Problem(0, 0, "not-regular", str(exc))
        return report
    except FileNotFoundError:
        report.problem = Problem(0, 0, "header", t("verify.no_log", path=path))
        return report
    except OSError as exc:
        why = exc.strerror or str(exc)
        report.problem = Problem(0, 0, "header", t("verify.unreadable", path=path, why=why))
        return report
    try:
        return _verify_fd(fd, report)
    finally:
        os.close(fd)


def _verify_fd(fd: int, report: Report) -> Report:
    size = os.fstat(fd).st_size
    report.size = size
    head = os.pread(fd, HEADER_SIZE, 0)
    if len(head) < HEADER_SIZE:
        report.problem = Problem(0, 0, "header", t("verify.header_short"))
        return report
    try:
        header = parse_header(head, report.path)
    except LogError:
        report.problem = Problem(0, 0, "header", t("verify.magic"))
        return report
    odd = header.version > LOG_VERSION or header.problem is not None
    if odd and not _first_record_unlinked(fd, header.hash):
        # Its first record links to it: the header was written like this, not changed since.
        if header.version > LOG_VERSION:
            message = t("verify.newer", version=header.version)
            report.problem = Problem(0, 0, "newer-format", message)
        else:
            report.problem = Problem(0, 0, "header", t(header.problem or ""))
        return report
    # Otherwise a changed header shows, as when the store opens, as record 1's broken link.
    header_hash = header.hash
    report.last_hash = header_hash
    report.end = HEADER_SIZE
    checker = _Checker(report, header_hash)
    # Sign-offs are checked on opened texts (a signature covers the remark as typed).
    checker.keys = Keys(FileKeyStore(report.path.parent))
    checker.state.log_id = header.log_id
    report.state = checker.state
    data = _map(fd, size)
    try:
        checker.scan(data, HEADER_SIZE)
        return report
    except _Tail as tail:
        at = tail.args[0]
    finally:
        _unmap(data)
    # Incomplete bytes at the end may be an append in progress: wait for writers
    # (a shared lock) and look again; what is still incomplete then is a torn tail.
    fcntl.flock(fd, fcntl.LOCK_SH)
    try:
        size = os.fstat(fd).st_size
        report.size = size
        data = _map(fd, size)
        try:
            checker.scan(data, at)
        except _Tail as tail:
            at = tail.args[0]
            report.torn = TornTail(at, size - at)
        finally:
            _unmap(data)
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
    return report


def _first_record_unlinked(fd: int, header_hash: str) -> bool:
    """True when the log's first record is readable and does not link to the header."""
    payload = payload_at(fd, HEADER_SIZE)
    if payload is None:
        return False
    try:
        return ev.OPAQUE_DECODER.decode(payload).prev != header_hash
    except (msgspec.ValidationError, msgspec.DecodeError):
        return False


def verify_store(store: Path) -> Report:
    """Check the log of the store directory `store`, and list torn tails set aside earlier."""
    report = verify_log(store / LOG_NAME)
    with contextlib.suppress(OSError):
        report.side_files = sorted(
            p.name for p in store.iterdir() if p.name.startswith(LOG_NAME + ".torn-")
        )
    return report
