"""Event bodies and the record envelope: the vocabulary of leerpad's log.

The tag strings and field names below are the file format. Renaming one is a
format change; adding a field needs a default so old records still decode.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, ClassVar, NamedTuple

import msgspec

FORMAT_VERSION = 1
"""Version of the record envelope written by this code (see docs/FORMAT.md).

A record's `v` is the version of its event type (`Event.version`), which starts
at this and rises only for that type when its shape changes; see `UPCASTERS`.
"""


# Every struct here is an immutable tree without cycles, so none needs the cycle
# collector (gc=False): replaying a large log then creates no GC work at all.

# --- the instantiated plan structure, copied into PlanCreated ---------------------------


class ActionSpec(msgspec.Struct, frozen=True, gc=False):
    """One training action (one paragraph of a row's actions cell)."""

    id: str
    text: str


class RowSpec(msgspec.Struct, frozen=True, gc=False):
    id: str
    skills: list[str]
    actions: list[ActionSpec]


class CompetencySpec(msgspec.Struct, frozen=True, gc=False):
    id: str
    title: str
    rows: list[RowSpec]


class PersonalSpec(msgspec.Struct, frozen=True, gc=False):
    id: str
    name: str
    description: str


class LevelSpec(msgspec.Struct, frozen=True, gc=False):
    """A step of the plan's evaluation scale."""

    key: str
    nl: str
    en: str
    acquired: bool


class PlanStructure(msgspec.Struct, frozen=True, gc=False):
    """A plan's own copy of its occupation template, so catalog edits never reach it."""

    occupation: str
    occupation_version: int
    title: str
    description: str
    job: list[CompetencySpec]
    personal: list[PersonalSpec]
    scale: list[LevelSpec]


class Sealed(msgspec.Struct, frozen=True, gc=False, array_like=True):
    """A personal text encrypted with its plan's key (AES-256-GCM, see core/privacy.py).

    Stored as a two-element array [nonce, ciphertext]; the associated data is the
    plan id, the record id and the field's path, so it cannot be moved elsewhere.
    """

    n: bytes
    c: bytes


Text = str | Sealed
"""A personal text: sealed in a record as written, plain once opened with the plan's key."""

PERSONAL_VERSION = 2
"""The version of each event type that carries personal texts since they are sealed."""


class Rating(msgspec.Struct, frozen=True, gc=False):
    """The level one competency (A or B) got in an evaluation, with a comment."""

    competency: str
    level: str
    comment: Text = ""


# --- events ----------------------------------------------------------------------------


class Event(msgspec.Struct, frozen=True, gc=False, tag_field="type"):
    """Base of every event body. `plan` names the plan the event belongs to.

    `version` is the shape this code writes for the type (the record's `v`); a
    type whose shape changes raises it and adds an upcaster for the old shape.
    """

    version: ClassVar[int] = FORMAT_VERSION
    plan: str


class PlanCreated(Event, tag="plan.created"):
    version: ClassVar[int] = PERSONAL_VERSION
    trainee: Text
    contract: Text
    company: str
    contact: Text
    start: date
    weeks: int
    structure: PlanStructure


class PlanDetailsEdited(Event, tag="plan.edited"):
    """Only the fields that changed are set; None means unchanged."""

    version: ClassVar[int] = PERSONAL_VERSION
    trainee: Text | None = None
    contract: Text | None = None
    company: str | None = None
    contact: Text | None = None
    start: date | None = None
    weeks: int | None = None


class ActionPlanned(Event, tag="action.planned"):
    action: str
    due: date


class ActionCompleted(Event, tag="action.completed"):
    action: str
    on: date


class ActionReopened(Event, tag="action.reopened"):
    version: ClassVar[int] = PERSONAL_VERSION
    action: str
    reason: Text


class ActionAdded(Event, tag="action.added"):
    """An own training action. A row id that does not exist yet opens a new row."""

    version: ClassVar[int] = PERSONAL_VERSION
    row: str
    action: str
    text: Text


class ActionDropped(Event, tag="action.dropped"):
    """The action was marked not applicable for this plan."""

    version: ClassVar[int] = PERSONAL_VERSION
    action: str
    reason: Text


class ActionRestored(Event, tag="action.restored"):
    action: str


class NoteAdded(Event, tag="note.added"):
    """`target` is the plan id or a node id (A3, A3.2, A3.2.1, B4, E1)."""

    version: ClassVar[int] = PERSONAL_VERSION
    target: str
    text: Text


class EvaluationRecorded(Event, tag="evaluation.recorded"):
    version: ClassVar[int] = PERSONAL_VERSION
    evaluation: str
    on: date
    participants: list[Text]
    ratings: list[Rating]
    remark: Text = ""


class SignedOff(Event, tag="plan.signed"):
    """An acknowledgement of the plan (or of one evaluation) as of record `covers_seq`."""

    version: ClassVar[int] = PERSONAL_VERSION
    role: str
    subject: str
    covers_seq: int
    covers_hash: str
    remark: Text = ""
    signature: str = ""
    """An armored SSHSIG over core.signoffs.message() (namespace leerpad-signoff@v1), or ""."""
    signed_at: datetime | None = None
    """When the signer signed: part of the signed message."""


class PlanClosed(Event, tag="plan.closed"):
    version: ClassVar[int] = PERSONAL_VERSION
    outcome: str
    on: date
    reason: Text = ""


class PlanReopened(Event, tag="plan.reopened"):
    version: ClassVar[int] = PERSONAL_VERSION
    reason: Text


class PlanErased(Event, tag="plan.erased"):
    """The plan's key was destroyed: its personal texts can no longer be read by anyone.

    `reason` is why (a retention period, a request); it is not sealed, so it must
    not hold personal data.
    """

    reason: str


class AccessGranted(Event, tag="access.granted"):
    """`login` gets `role` (admin, mentor, consultant, trainee) on `plans`, or on all plans.

    Access events concern the whole store: their `plan` is "". Granting adds to
    what the role already covers; `all_plans` replaces a list of plans.
    """

    login: str
    role: str
    plans: list[str] = msgspec.field(default_factory=list)
    all_plans: bool = False


class AccessRevoked(Event, tag="access.revoked"):
    """`login` loses `plans` (or "all plans") from `role`; with neither, loses the role."""

    login: str
    role: str
    plans: list[str] = msgspec.field(default_factory=list)
    all_plans: bool = False


class StoreCopied(Event, tag="store.copied"):
    """The first record of a store copied from another: what it copied, to check against it."""

    source: str
    """Where the records came from (a directory, or a database URL without its password)."""
    records: int
    """How many records the source held."""
    last_hash: str
    """The hash of the source's last record (as its own `leerpad verify` shows it)."""


EventBody = (
    PlanCreated
    | PlanDetailsEdited
    | ActionPlanned
    | ActionCompleted
    | ActionReopened
    | ActionAdded
    | ActionDropped
    | ActionRestored
    | NoteAdded
    | EvaluationRecorded
    | SignedOff
    | PlanClosed
    | PlanReopened
    | PlanErased
    | AccessGranted
    | AccessRevoked
    | StoreCopied
)

EVENT_TYPES: tuple[type[Event], ...] = EventBody.__args__  # type: ignore[attr-defined]


class Record(msgspec.Struct, frozen=True, gc=False):
    """The envelope written to the log around every event.

    `prev` is the SHA-256 (hex) of the previous record's payload, or of the file
    header for the first record: the hash chain.
    """

    seq: int
    id: str
    time: datetime
    actor: str
    prev: str
    event: EventBody
    v: int = FORMAT_VERSION


class OpaqueRecord(msgspec.Struct, frozen=True, gc=False):
    """A record whose event type this version does not know: kept, not interpreted."""

    seq: int
    id: str
    time: datetime
    actor: str
    prev: str
    event: msgspec.Raw
    v: int = FORMAT_VERSION


def event_tag(event: Event) -> str:
    """The type tag an event is stored under."""
    return type(event).__struct_config__.tag  # type: ignore[return-value]


ENCODER = msgspec.msgpack.Encoder()
RECORD_DECODER = msgspec.msgpack.Decoder(Record)
OPAQUE_DECODER = msgspec.msgpack.Decoder(OpaqueRecord)
EVENT_DECODER = msgspec.msgpack.Decoder(EventBody)
"""Decodes an event body alone (a database store keeps the envelope in columns)."""


# --- reading records of every version ------------------------------------------------------

BY_TAG: dict[str, type[Event]] = {
    cls.__struct_config__.tag: cls  # type: ignore[misc]
    for cls in EVENT_TYPES
}

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]
UPCASTERS: dict[tuple[str, int], Upcaster] = {}
"""(tag, version) -> a function turning an event body of that version into the next one.

Applied to the plain decoded body before typed decoding, so a type's struct only
ever describes its newest shape. Each upcaster raises ValueError naming the
field when the old body cannot be carried over.
"""


def _texts_now_sealable(body: dict[str, Any]) -> dict[str, Any]:
    # Version 2 only widened personal texts from str to str | Sealed: a version-1 body
    # (plain text, written before sealing) already has the new shape.
    return body


for _cls in EVENT_TYPES:
    if _cls.version == PERSONAL_VERSION:
        UPCASTERS[(_cls.__struct_config__.tag, 1)] = _texts_now_sealable  # type: ignore[index]


class NewerEvent(NamedTuple):
    """An event this version cannot interpret: an unknown type, or a newer version of one."""

    type: str


class InvalidEvent(NamedTuple):
    """An event of a known type and version that does not have that type's shape."""

    type: str
    field: str


class Newer(NamedTuple):
    """A record this version cannot interpret: an unknown event type or a newer version."""

    record: OpaqueRecord
    type: str


class Invalid(NamedTuple):
    """A record of a known type and version whose event does not have that type's shape."""

    record: OpaqueRecord
    type: str
    field: str


def read_event(body: bytes, v: int) -> Event | NewerEvent | InvalidEvent:
    """Decode an event body written at version `v` of its type, upcasting an older one.

    The one reading of event bodies, for every backend. Raises msgspec.DecodeError
    when the bytes are not MessagePack at all. An event whose `v` is above its
    type's version but that decodes is returned as read (the caller treats it as
    newer).
    """
    try:
        event = EVENT_DECODER.decode(body)
    except msgspec.ValidationError:
        pass
    else:
        if v >= type(event).version:
            return event
    plain = msgspec.msgpack.decode(body)
    tag = plain.get("type") if isinstance(plain, dict) else None
    cls = BY_TAG.get(tag) if isinstance(tag, str) else None
    if cls is None or v > cls.version:
        return NewerEvent(str(tag) if tag is not None else "?")
    assert isinstance(plain, dict) and isinstance(tag, str)
    try:
        for version in range(v, cls.version):
            plain = UPCASTERS[(tag, version)](plain)
    except (KeyError, ValueError) as exc:
        return InvalidEvent(tag, str(exc.args[0]) if exc.args else "?")
    try:
        return EVENT_DECODER.decode(ENCODER.encode(plain))
    except msgspec.ValidationError:
        return InvalidEvent(tag, invalid_field(cls, plain))


def read_record(payload: bytes) -> Record | Newer | Invalid:
    """Decode a record payload, upcasting an older event version to the current shape.

    Raises msgspec.DecodeError when the bytes are not a record envelope at all.
    A record whose `v` is above its type's version is returned as read (the
    caller treats it as newer).
    """
    try:
        record = RECORD_DECODER.decode(payload)
    except msgspec.ValidationError:
        pass
    else:
        if record.v >= type(record.event).version:
            return record
    opaque = OPAQUE_DECODER.decode(payload)
    event = read_event(opaque.event, opaque.v)
    if isinstance(event, NewerEvent):
        return Newer(opaque, event.type)
    if isinstance(event, InvalidEvent):
        return Invalid(opaque, event.type, event.field)
    return Record(
        opaque.seq, opaque.id, opaque.time, opaque.actor, opaque.prev, event, type(event).version
    )


def invalid_field(cls: type[Event], body: dict[str, Any]) -> str:
    """The first field of `body` that does not fit `cls` (decided by trying each alone)."""
    for info in msgspec.structs.fields(cls):
        if info.name not in body:
            if info.required:
                return info.name
            continue
        try:
            msgspec.msgpack.decode(ENCODER.encode(body[info.name]), type=info.type)
        except msgspec.ValidationError:
            return info.name
    return "type"
