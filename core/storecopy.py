"""`leerpad store copy`: move a team's records between a store directory and PostgreSQL.

Every record keeps its id, time, actor and place in the order; the copy's own
chain is new. Its first record (`store.copied`) names how many records the
source held and the source's last hash, so both sides can be checked against
each other with `leerpad verify`. Sealed personal texts are copied as they are,
with their plan's key; an erased plan's key is never carried.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import msgspec

from core import events as ev
from core.i18n import register, t
from core.identity import current_actor
from core.keystore import Keys
from core.privacy import seal_event
from core.projections import StoreState
from core.rechain import Rechained
from core.storage import StoreError, new_event_id, shown_location, utc_now, writing
from core.store import Store

CHUNK = 5000
"""Records handed to the destination backend at a time (it may batch them further)."""

register(
    {
        "copy.not_empty": (
            "{location} already holds {count} records: copy only into a new, empty store.",
            "{location} bevat al {count} records: kopieer alleen naar een nieuwe, lege opslag.",
        ),
        "copy.damaged": (
            "The source {location} cannot be copied as it is: {reason}",
            "De bron {location} kan niet gekopieerd worden zoals ze is: {reason}",
        ),
        "copy.unknown": (
            "The source {location} holds {count} records of a newer leerpad; upgrade first.",
            "De bron {location} bevat {count} records van een nieuwere leerpad; werk eerst bij.",
        ),
        "copy.partial": (
            "You may not read every record of {location}: copy as an administrator.",
            "Je mag niet elk record van {location} lezen: kopieer als beheerder.",
        ),
        "copy.same": (
            "The source and the destination are the same store.",
            "De bron en de bestemming zijn dezelfde opslag.",
        ),
    }
)


@dataclass(frozen=True, slots=True)
class Copied:
    records: int
    source_hash: str
    """The source's last hash, named by the copy's first record."""
    copy_hash: str
    """The copy's own last hash (its chain is new)."""


def copy_store(source: Path | str, destination: Path | str) -> Copied:
    """Copy every record of `source` into the empty store `destination` (made if missing)."""
    if str(source) == str(destination):
        raise StoreError(t("copy.same"))
    src = Store.open(source, create=False)
    try:
        where = shown_location(source)
        if src.corruption is not None:
            raise StoreError(t("copy.damaged", location=where, reason=src.read_only))
        if src.state.unknown:
            raise StoreError(t("copy.unknown", location=where, count=src.state.unknown))
        if not getattr(src.backend, "sees_all", True):
            raise StoreError(t("copy.partial", location=where))
        dst = Store.open(destination, create=True)
        try:
            return _copy(src, dst, where)
        finally:
            dst.close()
    finally:
        src.close()


def _copy(src: Store, dst: Store, where: str) -> Copied:
    if dst.state.seq:
        raise StoreError(t("copy.not_empty", location=dst.location, count=dst.state.seq))
    backend = dst.backend
    state = StoreState()
    state.hash = backend.genesis
    with writing(backend, state):
        if state.seq:
            raise StoreError(t("copy.not_empty", location=dst.location, count=state.seq))
        marker = ev.Record(
            seq=1,
            id=new_event_id(),
            time=utc_now(),
            actor=backend.actor or current_actor(),
            prev=state.hash,
            event=ev.StoreCopied(
                plan="", source=where, records=src.state.seq, last_hash=src.state.hash
            ),
            v=ev.StoreCopied.version,
        )
        backend.import_record(state, marker)
        moved = Rechained()
        for chunk in _chunks(_copies(src, dst.keys, where)):
            # A sign-off opens its chunk, so whatever it covers has landed in the copy.
            if type(chunk[0][0].event) is ev.SignedOff:
                record = chunk[0][0]
                event = moved.renumbered(record.event)
                chunk[0] = (msgspec.structs.replace(record, event=event), chunk[0][1])
            landed = backend.import_records(state, [record for record, _ in chunk])
            for (record, source_hash), (seq, digest) in zip(chunk, landed, strict=True):
                moved.landed(record.seq, source_hash, seq, digest)
    return Copied(src.state.seq, src.state.hash, state.hash)


def _copies(src: Store, keys: Keys | None, where: str) -> Iterator[tuple[ev.Record, str]]:
    """The source's records as the copy appends them, each with its hash in the source."""
    erased = {plan.id for plan in src.state.plans.values() if plan.erased is not None}
    for record, source_hash in src.records(opened=False):
        if not isinstance(record, ev.Record):
            raise StoreError(t("copy.unknown", location=where, count=1))
        if keys is not None:
            record = _sealed_copy(record, src.keys, keys, erased)
        yield record, source_hash


def _chunks(
    copies: Iterator[tuple[ev.Record, str]],
) -> Iterator[list[tuple[ev.Record, str]]]:
    """`copies` in runs of at most CHUNK for the backend to take in batches, a new run
    starting at each sign-off (it names a record by its hash in the copy)."""
    chunk: list[tuple[ev.Record, str]] = []
    for item in copies:
        if chunk and (len(chunk) == CHUNK or type(item[0].event) is ev.SignedOff):
            yield chunk
            chunk = []
        chunk.append(item)
    if chunk:
        yield chunk


def _sealed_copy(record: ev.Record, source: Keys | None, keys: Keys, erased: set[str]) -> ev.Record:
    """`record` as the copy keeps it. A plan's first record carries the plan's key over (an
    erased plan's stays gone); texts the source kept plain get a new key and are sealed."""
    event = record.event
    if type(event) is ev.PlanCreated and event.plan not in erased:
        carried = source.store.load(event.plan) if source is not None else None
        keys.create(event.plan, record.id, key=carried)
    sealed = seal_event(event, record.id, keys, new_key=False)
    return record if sealed is event else msgspec.structs.replace(record, event=sealed)
