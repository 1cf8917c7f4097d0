"""`leerpad upgrade`: rewrite a log of format 1 (plain personal texts) as format 2 (sealed).

Every record keeps its id, time, actor and place; each plan gets its key and
its personal texts are sealed. The new log's first record (`store.copied`)
names the old log's record count and last hash; the old file is kept beside it
under a dated name, with a warning that it still holds the plain texts.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from core import events as ev
from core import readmodel, storefiles
from core.i18n import register, t
from core.identity import current_actor
from core.keystore import FileKeyStore, KeyProblem, Keys
from core.log import LOG_NAME, LOG_VERSION, encode_header, frame, parse_header, payload_hash
from core.privacy import seal_event
from core.rechain import Rechained
from core.storage import StoreError, new_event_id, utc_now
from core.store import Store

register(
    {
        "upgrade.current": (
            "{path} is already in log format {v}; nothing to upgrade.",
            "{path} is al in logformaat {v}; er is niets bij te werken.",
        ),
        "upgrade.damaged": (
            "{path} cannot be upgraded as it is: {reason}",
            "{path} kan niet bijgewerkt worden zoals het is: {reason}",
        ),
        "upgrade.unknown": (
            "{path} holds {count} records of a newer leerpad; it cannot be upgraded by this one.",
            "{path} bevat {count} records van een nieuwere leerpad; deze kan het niet bijwerken.",
        ),
        "upgrade.failed": (
            "The upgrade of {path} failed ({why}); the old log is unchanged.",
            "Het bijwerken van {path} mislukte ({why}); het oude logboek is ongewijzigd.",
        ),
        "upgrade.database": (
            "A database store has no log file to upgrade.",
            "Een databaseopslag heeft geen logbestand om bij te werken.",
        ),
    }
)


class AlreadyCurrent(StoreError):
    """The log is already in the current format: nothing to do."""


@dataclass(frozen=True, slots=True)
class Upgraded:
    records: int
    """Records of the old log (the new one has one more: its first, `store.copied`)."""
    old_hash: str
    new_hash: str
    kept: Path
    """Where the old log is now: it still holds the plain texts."""
    plans: int


def upgrade_store(directory: Path, *, today: date, cache_dir: Path | None = None) -> Upgraded:
    """Rewrite the store's format-1 log in format 2, keeping the old one as events.log.v1-<date>.

    With `cache_dir`, this user's checkpoint of the old log (plain texts, written by an
    earlier leerpad) is removed.
    """
    old = Store.open(directory, create=False)
    try:
        if old.directory is None:
            raise StoreError(t("upgrade.database"))
        header = old.log.header
        if header.version >= LOG_VERSION:
            raise AlreadyCurrent(t("upgrade.current", path=old.path, v=header.version))
        with old.log.locked():
            old.refresh()
            if old.corruption is not None:
                raise StoreError(t("upgrade.damaged", path=old.path, reason=old.read_only))
            if old.state.unknown:
                raise StoreError(t("upgrade.unknown", path=old.path, count=old.state.unknown))
            try:
                done = _rewrite(old, directory, today)
            except OSError as exc:
                why = str(exc) if isinstance(exc, KeyProblem) else exc.strerror or str(exc)
                raise StoreError(t("upgrade.failed", path=old.path, why=why)) from exc
        if cache_dir is not None:
            stale = readmodel.legacy_checkpoint_path(cache_dir, old.log.path, header.log_id)
            with contextlib.suppress(OSError):
                stale.unlink()
        return done
    finally:
        old.close()


def _rewrite(old: Store, directory: Path, today: date) -> Upgraded:
    keys = Keys(FileKeyStore(directory))
    kept_name = f"{LOG_NAME}.v{old.log.header.version}-{today.isoformat()}"
    head = encode_header(uuid.uuid4().bytes)
    prev = parse_header(head, directory / LOG_NAME).hash
    moved = Rechained()
    marker = ev.StoreCopied(
        plan="", source=kept_name, records=old.state.seq, last_hash=old.state.hash
    )
    first = ev.Record(1, new_event_id(), utc_now(), current_actor(), prev, marker, marker.version)
    chunks = [head]
    prev = _add(chunks, first)
    seq = 1
    for record, old_hash in old.records():
        if not isinstance(record, ev.Record):
            raise StoreError(t("upgrade.unknown", path=old.path, count=1))
        seq += 1
        event = seal_event(moved.renumbered(record.event), record.id, keys)
        new = ev.Record(seq, record.id, record.time, record.actor, prev, event, type(event).version)
        prev = _add(chunks, new)
        moved.landed(record.seq, old_hash, seq, prev)
    _replace_log(old, directory, kept_name, b"".join(chunks))
    plans = sum(1 for _ in old.state.plans)
    return Upgraded(old.state.seq, old.state.hash, prev, directory / kept_name, plans)


def _add(chunks: list[bytes], record: ev.Record) -> str:
    payload = ev.ENCODER.encode(record)
    chunks.append(frame(payload))
    return payload_hash(payload)


def _replace_log(old: Store, directory: Path, kept_name: str, data: bytes) -> None:
    """Write the new log under a random name, keep the old one's name, then swap atomically."""
    dir_fd = storefiles.open_dir(directory)
    try:
        mode = os.fstat(old.log.fd).st_mode & 0o777
        tmp, fd = storefiles.create_new(dir_fd, LOG_NAME, mode=mode)
        try:
            try:
                os.fchmod(fd, mode)
                storefiles.write_all(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
            # link(): an existing name (an earlier upgrade today, a planted file) is never replaced.
            os.link(
                LOG_NAME, kept_name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd, follow_symlinks=False
            )
            os.rename(tmp, LOG_NAME, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        except BaseException:
            storefiles.unlink_quietly(dir_fd, tmp)
            raise
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
