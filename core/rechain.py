"""Records copied into a new chain (`leerpad upgrade`, `leerpad store copy`) get a new seq and
hash; a sign-off names what it covers by both, so it is renumbered to the same record there."""

from __future__ import annotations

import msgspec

from core import events as ev


class Rechained:
    """Where each copied record landed: old seq -> (old hash, new seq, new hash)."""

    def __init__(self) -> None:
        self._moved: dict[int, tuple[str, int, str]] = {}

    def landed(self, old_seq: int, old_hash: str, new_seq: int, new_hash: str) -> None:
        """The source's record `old_seq` (hash `old_hash`) is `new_seq` in the copy."""
        self._moved[old_seq] = (old_hash, new_seq, new_hash)

    def renumbered(self, event: ev.Event) -> ev.Event:
        """`event` as it belongs in the copy: a sign-off covering the copy's record.

        A sign-off whose pair named no record of the source (not made by leerpad)
        is left as it was: the copy shows it as not matching, as the source did."""
        if type(event) is not ev.SignedOff:
            return event
        moved = self._moved.get(event.covers_seq)
        if moved is None or moved[0] != event.covers_hash:
            return event
        _, covers_seq, covers_hash = moved
        return msgspec.structs.replace(event, covers_seq=covers_seq, covers_hash=covers_hash)
