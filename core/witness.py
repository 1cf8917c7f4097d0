"""Witnessed checkpoints: a signed note naming the store, its record count and last hash,
kept by someone outside the group so a rewritten history shows (docs/TRUST.md).

The note follows C2SP's signed-note style: text lines, a blank line, then one
`— name signature` line per signer, the signature being an SSHSIG (base64).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import fcntl
import os
import secrets
import stat
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from core import sshsig
from core.i18n import register, t
from core.signoffs import BAD, GOOD, UNCHECKED, Checker, Verdict

if TYPE_CHECKING:
    from core.storage import Backend
    from core.verify import Report

NAMESPACE = "leerpad-checkpoint@v1"
DASH = "\u2014"
DENSE = 8
"""The last records each have their hash in a checkpoint; earlier ones at doubling steps."""
MAX_FILE = 64 * 1024 * 1024

register(
    {
        "witness.damaged": (
            "the log is damaged ({what}); a checkpoint only witnesses an intact log",
            "het logboek is beschadigd ({what}); een checkpoint getuigt enkel van een intact "
            "logboek",
        ),
        "witness.empty": (
            "the log has no records yet: there is nothing to witness",
            "het logboek heeft nog geen records: er is niets om van te getuigen",
        ),
        "witness.unreadable": ("cannot read {path}: {why}", "kan {path} niet lezen: {why}"),
        "witness.not_text": (
            "{path} is not a checkpoint file (not UTF-8 text)",
            "{path} is geen checkpointbestand (geen UTF-8-tekst)",
        ),
        "witness.malformed": (
            "{path}, line {line}: not a leerpad checkpoint ({what})",
            "{path}, regel {line}: geen leerpad-checkpoint ({what})",
        ),
        "witness.what.origin": ("no origin line", "geen oorsprongsregel"),
        "witness.what.count": ("no record count", "geen aantal records"),
        "witness.what.hash": ("no record hash", "geen recordhash"),
        "witness.what.line": ("an unknown line", "een onbekende regel"),
        "witness.what.no_signature": ("no signature line", "geen handtekeningregel"),
        "witness.what.signature": ("a damaged signature line", "een beschadigde handtekeningregel"),
        "witness.not_regular": (
            "{path} is not a regular file (a link or a device); nothing was written",
            "{path} is geen gewoon bestand (een koppeling of apparaat); er werd niets geschreven",
        ),
        "witness.write_failed": (
            "cannot write {path}: {why}; nothing was written",
            "kan {path} niet schrijven: {why}; er werd niets geschreven",
        ),
        # Results of checking one checkpoint against the log.
        "witness.ok": (
            "checkpoint {name}: the log still starts with its {count} records (hash {hash})",
            "checkpoint {name}: het logboek begint nog met zijn {count} records (hash {hash})",
        ),
        "witness.other_store": (
            "checkpoint {name} is for another log ({origin})",
            "checkpoint {name} hoort bij een ander logboek ({origin})",
        ),
        "witness.shorter": (
            "checkpoint {name} witnessed {count} records, but the log has only {records}",
            "checkpoint {name} getuigde van {count} records, maar het logboek heeft er maar "
            "{records}",
        ),
        "witness.differs": (
            "checkpoint {name}: the log was rewritten: record {seq} differs from what was "
            "witnessed",
            "checkpoint {name}: het logboek werd herschreven: record {seq} verschilt van wat "
            "getuigd werd",
        ),
        "witness.differs_range": (
            "checkpoint {name}: the log was rewritten: the first record that differs is one of "
            "records {first} to {last}",
            "checkpoint {name}: het logboek werd herschreven: het eerste record dat verschilt is "
            "een van records {first} tot {last}",
        ),
        "witness.signature": (
            "checkpoint {name}, signature by {signer}: {verdict}",
            "checkpoint {name}, handtekening van {signer}: {verdict}",
        ),
        "witness.no_good": (
            "checkpoint {name} has no good signature from an allowed signer",
            "checkpoint {name} heeft geen geldige handtekening van een toegelaten ondertekenaar",
        ),
    }
)


class WitnessError(Exception):
    """A checkpoint that cannot be made, read or written; the message says why."""


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """One signed note read from a checkpoint file."""

    name: str
    """Where it was read: FILE#N (the Nth checkpoint in FILE)."""
    origin: str
    count: int
    hash: str
    time: datetime | None
    anchors: dict[int, str]
    """Record hashes by seq, the last one (`count`) included."""
    body: bytes
    signatures: list[tuple[str, str]]
    """(signer, armored SSHSIG) per signature line."""


@dataclass
class Outcome:
    """What checking one checkpoint found; `ok` when the log still holds what it witnessed."""

    checkpoint: Checkpoint
    signatures: list[tuple[str, Verdict]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def origin(log_id: str) -> str:
    return f"leerpad/log/{log_id}"


def anchor_seqs(count: int) -> list[int]:
    """The seqs whose hashes a checkpoint of `count` records carries, oldest first.

    The last DENSE records each, then every doubling further back, so a rewrite
    is placed to one record near the end, and to a range further back.
    """
    seqs = {s for s in range(count - DENSE + 1, count + 1) if s > 0}
    step = DENSE
    while count - step > 0:
        seqs.add(count - step)
        step *= 2
    return sorted(seqs)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def make(
    backend: Backend, *, signer: str, key: Path, now: datetime, interactive: bool = False
) -> str:
    """A signed checkpoint of the store's records as they are now (the note's text).

    Raises WitnessError for a damaged or empty store, sshsig.SigningError when
    signing fails.
    """
    report = backend.verify()
    if report.problem is not None:
        raise WitnessError(t("witness.damaged", what=report.problem.message))
    if report.records == 0 or report.state is None:
        raise WitnessError(t("witness.empty"))
    count = report.records
    hashes = backend.hashes(report, set(anchor_seqs(count)))
    lines = [origin(backend.log_id), str(count), report.last_hash, f"time {_utc(now)}"]
    lines += [f"record {seq} {hashes[seq]}" for seq in sorted(hashes) if seq != count]
    body = "\n".join(lines) + "\n"
    armored = sshsig.sign(body.encode(), key, NAMESPACE, interactive=interactive)
    blob = base64.b64encode(sshsig.dearmor(armored)).decode()
    return f"{body}\n{DASH} {signer} {blob}\n"


# --- reading ------------------------------------------------------------------------------


def read_file(path: Path) -> list[Checkpoint]:
    """Every checkpoint in a file (one, or many appended); raises WitnessError."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE)
    except OSError as exc:
        raise WitnessError(t("witness.unreadable", path=path, why=exc.strerror or exc)) from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise WitnessError(t("witness.not_text", path=path)) from exc
    return parse(text, str(path))


def parse(text: str, source: str) -> list[Checkpoint]:
    lines = text.split("\n")
    found: list[Checkpoint] = []
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        start = i
        while i < len(lines) and lines[i] != "":
            i += 1
        body_lines = lines[start:i]
        i += 1  # the blank line between the text and its signatures
        signatures: list[tuple[str, str]] = []
        while i < len(lines) and lines[i].startswith(DASH + " "):
            signatures.append(_signature(lines[i], source, i + 1))
            i += 1
        if not signatures:
            _malformed(source, i + 1, "witness.what.no_signature")
        name = f"{source}#{len(found) + 1}"
        found.append(_checkpoint(name, body_lines, signatures, source, start + 1))
    return found


def _malformed(source: str, line: int, what: str) -> NoReturn:
    raise WitnessError(t("witness.malformed", path=source, line=line, what=t(what)))


def _signature(line: str, source: str, number: int) -> tuple[str, str]:
    parts = line.split(" ")
    if len(parts) != 3 or not parts[1]:
        _malformed(source, number, "witness.what.signature")
    try:
        blob = base64.b64decode(parts[2], validate=True)
    except binascii.Error:
        _malformed(source, number, "witness.what.signature")
    return parts[1], sshsig.armor(blob)


def _checkpoint(
    name: str, lines: list[str], signatures: list[tuple[str, str]], source: str, first: int
) -> Checkpoint:
    if not lines or not lines[0].startswith("leerpad/log/"):
        _malformed(source, first, "witness.what.origin")
    if len(lines) < 2 or not lines[1].isdigit():
        _malformed(source, first + 1, "witness.what.count")
    if len(lines) < 3 or not _is_hash(lines[2]):
        _malformed(source, first + 2, "witness.what.hash")
    count = int(lines[1])
    anchors = {count: lines[2]}
    moment = None
    for offset, line in enumerate(lines[3:], 3):
        parts = line.split(" ")
        if len(parts) == 2 and parts[0] == "time":
            try:
                moment = datetime.fromisoformat(parts[1].replace("Z", "+00:00"))
            except ValueError:
                _malformed(source, first + offset, "witness.what.line")
        elif len(parts) == 3 and parts[0] == "record" and parts[1].isdigit():
            if not _is_hash(parts[2]):
                _malformed(source, first + offset, "witness.what.hash")
            anchors[int(parts[1])] = parts[2]
        else:
            _malformed(source, first + offset, "witness.what.line")
    body = ("\n".join(lines) + "\n").encode()
    return Checkpoint(name, lines[0], count, lines[2], moment, anchors, body, signatures)


def _is_hash(text: str) -> bool:
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


# --- checking -----------------------------------------------------------------------------


def check(
    checkpoints: list[Checkpoint], backend: Backend | None, report: Report, checker: Checker
) -> list[Outcome]:
    """Check each checkpoint's signatures and that the store still holds what it saw.

    `report` is what `backend.verify()` found; without a backend (the store could not be
    opened) no record is compared and every checkpoint names another store.
    """
    records = report.records
    log_id = backend.log_id if backend is not None and report.state is not None else ""
    wanted = {seq for c in checkpoints for seq in c.anchors if seq <= records}
    ours = backend.hashes(report, wanted) if log_id else {}
    return [_check_one(c, log_id, records, ours, checker) for c in checkpoints]


def _check_one(
    c: Checkpoint, log_id: str, records: int, ours: dict[int, str], checker: Checker
) -> Outcome:
    outcome = Outcome(c)
    at = c.time or datetime.now(UTC)
    for signer, armored in c.signatures:
        verdict = checker.signature(c.body, armored, namespace=NAMESPACE, principal=signer, at=at)
        outcome.signatures.append((signer, verdict))
        line = t("witness.signature", name=c.name, signer=signer, verdict=verdict.text())
        if verdict.status == BAD:
            outcome.problems.append(line)
        elif verdict.status != GOOD:
            outcome.notes.append(line)
    statuses = {v.status for _, v in outcome.signatures}
    if GOOD not in statuses and statuses - {UNCHECKED}:
        outcome.problems.append(t("witness.no_good", name=c.name))
    if c.origin != origin(log_id):
        outcome.problems.append(t("witness.other_store", name=c.name, origin=c.origin))
        return outcome
    differs = sorted(s for s, h in c.anchors.items() if s in ours and ours[s] != h)
    if differs:
        first = differs[0]
        same = [s for s, h in c.anchors.items() if s < first and ours.get(s) == h]
        low = max(same, default=0) + 1
        if low == first:
            outcome.problems.append(t("witness.differs", name=c.name, seq=first))
        else:
            outcome.problems.append(t("witness.differs_range", name=c.name, first=low, last=first))
    if c.count > records:
        outcome.problems.append(t("witness.shorter", name=c.name, count=c.count, records=records))
    return outcome


def describe_ok(outcome: Outcome) -> str:
    c = outcome.checkpoint
    return t("witness.ok", name=c.name, count=c.count, hash=c.hash)


# --- writing ------------------------------------------------------------------------------


def append_to(path: Path, note: str) -> None:
    """Append a checkpoint to `path` in one write: never through a link, only to a regular file."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as exc:
        raise WitnessError(_write_failed(path, exc)) from exc
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise WitnessError(t("witness.not_regular", path=path))
        fcntl.flock(fd, fcntl.LOCK_EX)
        data = ("\n" + note).encode() if os.fstat(fd).st_size else note.encode()
        if os.write(fd, data) != len(data):
            raise OSError(28, "short write")
        os.fsync(fd)
    except OSError as exc:
        raise WitnessError(_write_failed(path, exc)) from exc
    finally:
        os.close(fd)


def write_new(path: Path, note: str) -> None:
    """Write a checkpoint to `path`, replacing the name (never what a link points at)."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(tmp, flags, 0o644)
        try:
            data = note.encode()
            if os.write(fd, data) != len(data):
                raise OSError(28, "short write")
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise WitnessError(_write_failed(path, exc)) from exc


def _write_failed(path: Path, exc: OSError) -> str:
    return t("witness.write_failed", path=path, why=exc.strerror or exc)
