"""`leerpad store copy`: move a team's records between a store directory and PostgreSQL.

Every record keeps its id, time, actor and place in the order; the copy's own
chain is new. Its first record (`store.copied`) names how many records the
source held and the source's last hash, so both sides can be checked against
each other with `leerpad verify`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import msgspec

from core import events as ev
from core.i18n import register, t
from core.identity import current_actor
from core.privacy import seal_event
from core.projections import StoreState
from core.rechain import Rechained
from core.storage import StoreError, new_event_id, shown_location, utc_now
from core.store import Store

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
    with backend.writing(state):
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
        keys = dst.keys
        moved = Rechained()
        for record, source_hash in src.records():
            if not isinstance(record, ev.Record):
                raise StoreError(t("copy.unknown", location=where, count=1))
            event = moved.renumbered(record.event)
            if keys is not None:
                # Read opened from the source; a file store seals them with its own keys.
                event = seal_event(event, record.id, keys)
            if event is not record.event:
                record = msgspec.structs.replace(record, event=event)
            backend.import_record(state, record)
            moved.landed(record.seq, source_hash, state.seq, state.hash)
    return Copied(src.state.seq, src.state.hash, state.hash)
