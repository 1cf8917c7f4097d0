"""Projection checkpoints: the folded state of a log up to one record, kept in the user's cache.

A checkpoint lets a large store open without replaying every record. It is only
a cache: it is used when the record it ends on is still in the log, byte for
byte (same offset, checksum and SHA-256, hence the same hash chain before it),
and when it was written by the same projection code; otherwise it is ignored
and the log is replayed in full. See docs/PERFORMANCE.md.

File layout: MAGIC, the body (the `StoreState` minus the derived `PlanState.nodes`
index, as msgpack chunks), the msgpack `Head`, its u32 length, MAGIC again.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import io
import os
import struct
import sys
import uuid
import zlib
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import msgspec

from core import events as ev
from core.filestore import FileBackend
from core.log import FRAME, FRAME_SIZE, MAX_PAYLOAD, LogFile, fsync_dir
from core.privacy import open_cached, sealed_for_cache
from core.projections import PlanState, StoreState, index_nodes

if TYPE_CHECKING:
    from core.store import Store

MAGIC = b"LEERPAD-CHECKPOINT\n"
FORMAT = 1
"""Version of the file layout above (the state's own shape is covered by `code_version`)."""
FREEZE_ABOVE = 1 << 20
"""A checkpoint body larger than this is frozen out of the cyclic collector's reach."""
SAVE_AFTER = 10_000
"""Write a checkpoint after an open that had to replay at least this many records."""
DISABLE_VARIABLE = "LEERPAD_CHECKPOINTS"
"""Set to 0 (or off/no/false) to neither read nor write checkpoints."""
_LENGTH = struct.Struct(">I")
_SOURCES = ("core.projections", "core.events", "core.checkpoint", "core.privacy")


class Head(msgspec.Struct, array_like=True):
    """What a checkpoint covers; checked before the (large) body is decoded."""

    format: int
    code: str
    log_id: str
    log_path: str
    offset: int
    """Where the last record it covers starts in the log."""
    end: int
    """Where that record ends: replay continues from here."""
    seq: int
    hash: str
    """SHA-256 of that record's payload."""
    body_size: int
    body_crc: int
    covered: str = ""
    """SHA-256 of the log's bytes up to `end`, taken as they passed a record-by-record
    check: an open checks them again by hashing alone ("" none: record by record)."""


def default_dir() -> Path | None:
    """The user's cache directory for checkpoints, or None when they are switched off."""
    if os.environ.get(DISABLE_VARIABLE, "").strip().lower() in ("0", "off", "no", "false"):
        return None
    import platformdirs

    return Path(platformdirs.user_cache_dir("leerpad"))


@cache
def code_version() -> str:
    """A fingerprint of the code that shapes the state: the projection and event modules.

    Derived from their source rather than a hand-bumped constant, which is
    easily forgotten: any change to them (even a comment) simply rebuilds the
    checkpoint once, while a stale one could show a wrong state. Empty when a
    source cannot be read (a frozen install): then no checkpoint is used at all.
    """
    digest = hashlib.sha256(f"{FORMAT} msgspec {msgspec.__version__}".encode())
    for name in _SOURCES:
        origin = getattr(sys.modules.get(name), "__file__", None)
        try:
            digest.update(Path(origin).read_bytes())  # type: ignore[arg-type]
        except (OSError, TypeError):
            return ""
    return digest.hexdigest()[:32]


def checkpoint_path(cache_dir: Path, log_path: Path, log_id: str) -> Path:
    """One file per log: named by the log's id and (a hash of) where it lives."""
    where = hashlib.sha256(os.fsencode(log_path.resolve())).hexdigest()[:16]
    return cache_dir / "checkpoints" / f"{log_id}-{where}.ckpt"


# --- the body: the state without the node index, which is rebuilt from the tree ----------
#
# The body is a run of chunks (u32 length, msgpack): first the state's small fields and
# the number of plans, then one chunk per plan. Writing and reading a plan at a time
# keeps the memory peak at the state itself, not the state plus a copy of its encoding.


class _Types(msgspec.Struct, frozen=True):
    rest: type[msgspec.Struct]
    plan: type[msgspec.Struct]
    plan_fields: tuple[str, ...]
    rest_decoder: msgspec.msgpack.Decoder
    plan_decoder: msgspec.msgpack.Decoder


@cache
def _types() -> _Types:
    """Checkpoint shapes derived from the projection types, so they follow every change."""
    plan_fields = [(f.name, f.type) for f in msgspec.structs.fields(PlanState) if f.name != "nodes"]
    plan = msgspec.defstruct(
        "CheckpointPlan", [("key", str), ("template", str), *plan_fields], array_like=True
    )
    rest_fields = [
        (f.name, f.type) for f in msgspec.structs.fields(StoreState) if f.name != "plans"
    ]
    rest = msgspec.defstruct("CheckpointState", [("plans", int), *rest_fields], array_like=True)
    return _Types(
        rest,
        plan,
        tuple(name for name, _ in plan_fields),
        msgspec.msgpack.Decoder(rest),
        msgspec.msgpack.Decoder(plan),
    )


# Every plan of an occupation carries the same catalog text (titles, skills, actions,
# descriptions): a third of a large checkpoint. It is stored with the first plan that
# has it; later plans name that plan as their template and get its strings on load,
# shared as a replay shares them (projections intern them).


class _Template(msgspec.Struct, frozen=True):
    description: str
    scale: list[Any]
    titles: dict[str, str]
    skills: dict[str, list[str]]
    texts: dict[str, str]
    personal: dict[str, tuple[str, str]]


def _template(plan: PlanState) -> _Template:
    """The catalog text of a plan (own rows and actions are the plan's, not the catalog's)."""
    comps, rows, actions = plan.competencies, [], []
    for comp in comps:
        for row in comp.rows:
            if not row.own:
                rows.append(row)
            actions += [a for a in row.actions if not a.own]
    return _Template(
        plan.description,
        plan.scale,
        {c.id: c.title for c in comps},
        {r.id: r.skills for r in rows},
        {a.id: a.text for a in actions},
        {p.id: (p.name, p.description) for p in plan.personal},
    )


def _without_template(plan: PlanState) -> dict[str, Any]:
    """The plan's fields with its catalog text left out (refilled from its template)."""
    replace = msgspec.structs.replace
    fields = {name: getattr(plan, name) for name in _types().plan_fields}
    fields["description"] = ""
    fields["scale"] = []
    fields["competencies"] = [
        replace(
            comp,
            title="",
            rows=[
                replace(
                    row,
                    skills=row.skills if row.own else [],
                    actions=[a if a.own else replace(a, text="") for a in row.actions],
                )
                for row in comp.rows
            ],
        )
        for comp in plan.competencies
    ]
    fields["personal"] = [replace(p, name="", description="") for p in plan.personal]
    return fields


def _fill(plan: PlanState, template: _Template) -> None:
    plan.description = template.description
    plan.scale = template.scale
    titles, skills, texts = template.titles, template.skills, template.texts
    for comp in plan.competencies:
        comp.title = titles[comp.id]
        for row in comp.rows:
            if not row.own:
                row.skills = skills[row.id]
            for action in row.actions:
                if not action.own:
                    action.text = texts[action.id]
    for pers in plan.personal:
        pers.name, pers.description = template.personal[pers.id]


def _chunks(state: StoreState) -> Iterator[bytes]:
    types = _types()
    encode = msgspec.msgpack.Encoder().encode
    rest = {name: getattr(state, name) for name in types.rest.__struct_fields__ if name != "plans"}
    yield encode(types.rest(plans=len(state.plans), **rest))
    first: dict[Any, str] = {}
    for key, plan in state.plans.items():
        template = first.setdefault(_frozen(_template(plan)), key)
        if template == key:
            fields = {name: getattr(plan, name) for name in types.plan_fields}
        else:
            fields = _without_template(plan)
        yield encode(types.plan(key=key, template="" if template == key else template, **fields))


def _frozen(template: _Template) -> Any:
    """A hashable form of a template, to find plans with exactly the same catalog text."""
    return (
        template.description,
        tuple(template.scale),
        tuple(template.titles.items()),
        tuple((k, tuple(v)) for k, v in template.skills.items()),
        tuple(template.texts.items()),
        tuple(template.personal.items()),
    )


def write_body(state: StoreState, out: BinaryIO) -> tuple[int, int]:
    """Write the state's chunks to `out`; return the body's size and CRC-32."""
    size = crc = 0
    for chunk in _chunks(state):
        framed = _LENGTH.pack(len(chunk)) + chunk
        out.write(framed)
        size += len(framed)
        crc = zlib.crc32(framed, crc)
    return size, crc


def read_body(source: BinaryIO, size: int) -> tuple[StoreState, int]:
    """Read a body of `size` bytes written by `write_body`: the state and the body's CRC-32.

    Raises ValueError (or a msgspec error) when the bytes are not such a body.
    """
    types = _types()
    crc = 0
    left = size

    def chunk() -> bytes:
        nonlocal crc, left
        prefix = source.read(_LENGTH.size)
        if len(prefix) != _LENGTH.size:
            raise ValueError("truncated")
        (n,) = _LENGTH.unpack(prefix)
        left -= _LENGTH.size + n
        if left < 0:
            raise ValueError("chunk runs past the body")
        data = source.read(n)
        if len(data) != n:
            raise ValueError("truncated")
        crc = zlib.crc32(data, zlib.crc32(prefix, crc))
        return data

    rest = types.rest_decoder.decode(chunk())
    plans: dict[str, PlanState] = {}
    templates: dict[str, _Template] = {}
    names = types.plan_fields
    decode_plan = types.plan_decoder.decode
    for _ in range(rest.plans):
        stored = decode_plan(chunk())
        plan = PlanState(**{name: getattr(stored, name) for name in names})
        if stored.template:
            template = templates.get(stored.template)
            if template is None:
                template = templates[stored.template] = _template(plans[stored.template])
            _fill(plan, template)
        index_nodes(plan)
        plans[stored.key] = plan
    if left:
        raise ValueError("bytes after the last chunk")
    fields = {name: getattr(rest, name) for name in rest.__struct_fields__ if name != "plans"}
    return StoreState(plans=plans, **fields), crc


def encode_state(state: StoreState) -> bytes:
    """The state as a checkpoint body (for tests and tools; `save` streams it to disk)."""
    out = io.BytesIO()
    write_body(state, out)
    return out.getvalue()


def decode_state(data: bytes) -> StoreState:
    return read_body(io.BytesIO(data), len(data))[0]


# --- reading -------------------------------------------------------------------------------


def read(path: Path, log: LogFile) -> tuple[Head, StoreState] | None:
    """The checkpoint at `path` if it is sound and still matches `log`; else None."""
    try:
        with open(path, "rb") as source:
            head = _head(source)
            if head is None or not _current(head, log):
                return None
            source.seek(len(MAGIC))
            # Decoding creates millions of long-lived objects: the collector would walk
            # them again and again for nothing. Large states are then frozen (as a bulk
            # replay does) so that no later collection walks them either.
            pause_gc = gc.isenabled()
            gc.disable()
            try:
                state, crc = read_body(source, head.body_size)
            finally:
                if pause_gc:
                    if head.body_size > FREEZE_ABOVE:
                        gc.freeze()
                    gc.enable()
    except Exception:
        # Whatever is wrong with a cache file (damage, an unforeseen shape), the log decides.
        return None
    if crc != head.body_crc or (state.seq, state.hash) != (head.seq, head.hash):
        return None
    return head, state


def _head(source: BinaryIO) -> Head | None:
    """The head from the file's trailer (MAGIC, chunks, head, u32 head size, MAGIC)."""
    trailer = _LENGTH.size + len(MAGIC)
    size = source.seek(0, os.SEEK_END)
    if size < len(MAGIC) + trailer:
        return None
    source.seek(0)
    if source.read(len(MAGIC)) != MAGIC:
        return None
    source.seek(size - trailer)
    tail = source.read(trailer)
    if tail[_LENGTH.size :] != MAGIC:
        return None
    (head_size,) = _LENGTH.unpack_from(tail)
    body_end = size - trailer - head_size
    if body_end < len(MAGIC):
        return None
    source.seek(body_end)
    try:
        head = msgspec.msgpack.decode(source.read(head_size), type=Head)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    return head if head.body_size == body_end - len(MAGIC) else None


def _current(head: Head, log: LogFile) -> bool:
    """Same layout and projection code, same log, and its last record still in place."""
    if (head.format, head.code, head.log_id) != (FORMAT, code_version(), log.header.log_id):
        return False
    return head.log_path == str(log.path.resolve()) and _record_matches(log.fd, head)


def _record_matches(fd: int, head: Head) -> bool:
    """True when the log still holds, at `head.offset`, the very record the checkpoint ends on."""
    if head.seq < 1 or head.offset < 0 or head.end - head.offset - FRAME_SIZE > MAX_PAYLOAD:
        return False
    try:
        frame = os.pread(fd, head.end - head.offset, head.offset)
    except (OSError, ValueError, OverflowError):
        return False
    if len(frame) != head.end - head.offset or len(frame) < FRAME_SIZE:
        return False
    n, check, crc = FRAME.unpack_from(frame)
    if n ^ check != 0xFFFFFFFF or FRAME_SIZE + n != len(frame):
        return False
    payload = memoryview(frame)[FRAME_SIZE:]
    if zlib.crc32(payload) != crc or hashlib.sha256(payload).hexdigest() != head.hash:
        return False
    try:
        return ev.OPAQUE_DECODER.decode(payload).seq == head.seq
    except (msgspec.DecodeError, msgspec.ValidationError):
        return False


def restore(store: Store, cache_dir: Path) -> bool:
    """Load the store's checkpoint into a store that has read nothing yet; True if used."""
    log = store.log
    if not code_version():
        return False
    found = read(checkpoint_path(cache_dir, log.path, log.header.log_id), log)
    if found is None:
        return False
    head, state = found
    keys = store.keys
    if keys is None:
        return False
    # Personal texts are sealed with their plans' keys: an erased plan's stay unreadable.
    open_cached(state, keys)
    store.state = state
    store.end = head.end
    store.last_offset = head.offset
    backend = store.backend
    assert isinstance(backend, FileBackend)
    backend.unchecked, backend.unchecked_digest = head.end, head.covered
    return True


# --- writing -------------------------------------------------------------------------------


def worth_saving(store: Store, replayed: int) -> bool:
    """After an open that replayed `replayed` records: is a (new) checkpoint worth writing?

    Only a clean state is saved: no damage, no records this version cannot
    interpret, nothing that made the store read-only (a newer record format
    would otherwise be forgotten by the next open).
    """
    return (
        replayed >= SAVE_AFTER
        and store.state.seq > 0
        and store.corruption is None
        and store.read_only is None
        and store.state.unknown == 0
    )


def save(store: Store, cache_dir: Path) -> Path | None:
    """Write the store's state as its checkpoint, atomically; None if that was not possible.

    A checkpoint is only a cache, so any failure (no space, no permission) is
    ignored: the next open simply replays the log again.
    """
    keys = store.keys
    if not code_version() or keys is None:
        return None
    with sealed_for_cache(store.state, keys) as sealable:
        return _save(store, cache_dir) if sealable else None


def _save(store: Store, cache_dir: Path) -> Path | None:
    log = store.log
    target = checkpoint_path(cache_dir, log.path, log.header.log_id)
    backend = store.backend
    assert isinstance(backend, FileBackend)
    try:
        covered = backend.checked_digest(store.end)
    except OSError:
        return None
    if covered is None:
        return None  # the records it would stand in for are damaged: replay finds it
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # The state holds plan contents: private to the user, whatever the store's permissions.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb", closefd=False) as out:
                out.write(MAGIC)
                size, crc = write_body(store.state, out)
                head = msgspec.msgpack.encode(
                    Head(
                        format=FORMAT,
                        code=code_version(),
                        log_id=log.header.log_id,
                        log_path=str(log.path.resolve()),
                        offset=store.last_offset,
                        end=store.end,
                        seq=store.state.seq,
                        hash=store.state.hash,
                        body_size=size,
                        body_crc=crc,
                        covered=covered,
                    )
                )
                out.write(head + _LENGTH.pack(len(head)) + MAGIC)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
        fsync_dir(target.parent)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        return None
    return target
