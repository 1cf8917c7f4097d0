"""Personal texts sealed with their plan's key in records and caches, and opened again on read.

Crypto-shredding: the hash chain covers the ciphertext, so destroying a plan's
key (core/keystore.py) erases its personal texts while every hash stays valid.
Which fields are personal is decided here and nowhere else (`PERSONAL`).
"""

from __future__ import annotations

import base64
from binascii import a2b_base64
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from os import urandom
from typing import TYPE_CHECKING, Any

from msgspec.structs import replace

from core import events as ev
from core.i18n import register, t
from core.projections import PlanState, personal_texts

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from core.keystore import Keys

NONCE_SIZE = 12
_UNLOADED = object()

PERSONAL: dict[type[ev.Event], tuple[str, ...]] = {
    ev.PlanCreated: ("trainee", "contract", "contact"),
    ev.PlanDetailsEdited: ("trainee", "contract", "contact"),
    ev.ActionReopened: ("reason",),
    ev.ActionAdded: ("text",),
    ev.ActionDropped: ("reason",),
    ev.NoteAdded: ("text",),
    ev.EvaluationRecorded: ("participants", "ratings", "remark"),
    ev.SignedOff: ("remark",),
    ev.PlanClosed: ("reason",),
    ev.PlanReopened: ("reason",),
}
"""Per event type, its fields holding personal texts (a list field: each of its texts)."""

CACHE_TAG = "\x00sealed:"
"""Starts a personal text sealed for a cache (the read model): the base64 of nonce + ciphertext."""

register(
    {
        "privacy.no_key": ("[key missing]", "[sleutel ontbreekt]"),
        "privacy.unreadable": ("[unreadable]", "[onleesbaar]"),
        "store.plaintext_format": (
            "its log is in format {v}, which keeps personal data in plain text; run "
            "'leerpad upgrade' to seal it (see docs/PRIVACY.md).",
            "het logboek is in formaat {v}, dat persoonsgegevens als leesbare tekst bewaart; "
            "voer 'leerpad upgrade' uit om ze te versleutelen (zie docs/PRIVACY.md).",
        ),
        "privacy.key_missing": (
            "The key of plan {plan} is missing from {path}: its personal texts cannot be "
            "written; restore the keys from the backup that belongs with these records.",
            "De sleutel van plan {plan} ontbreekt in {path}: zijn persoonlijke teksten kunnen "
            "niet geschreven worden; zet de sleutels terug uit de back-up die bij deze records "
            "hoort.",
        ),
    }
)


class MissingKey(Exception):
    """A personal text had to be sealed for a plan whose key is gone; nothing was written."""


def associated_data(plan: str, record_id: str, path: str) -> bytes:
    """What a sealed text is bound to: its plan, its record and its field."""
    return f"{plan}\x00{record_id}\x00{path}".encode()


def _map_fields(event: ev.Event, fields: tuple[str, ...], text: Callable[[str, Any], Any]) -> Any:
    """`event` with `text(path, value)` applied to each personal text; the same object if none
    changed."""
    changes: dict[str, Any] = {}
    for name in fields:
        value = getattr(event, name)
        if name == "participants":
            new: Any = [text(f"participants.{i}", v) for i, v in enumerate(value)]
            changed = any(a is not b for a, b in zip(new, value, strict=True))
        elif name == "ratings":
            new = []
            for i, rating in enumerate(value):
                comment = text(f"ratings.{i}.comment", rating.comment)
                new.append(
                    rating if comment is rating.comment else replace(rating, comment=comment)
                )
            changed = any(a is not b for a, b in zip(new, value, strict=True))
        else:
            new = text(name, value)
            changed = new is not value
        if changed:
            changes[name] = new
    return replace(event, **changes) if changes else event


# --- records ---------------------------------------------------------------------------------


def seal_event(event: ev.Event, record_id: str, keys: Keys, *, new_key: bool = True) -> ev.Event:
    """`event` with every personal text sealed for the record `record_id`.

    A new plan's key is made (and durable) here, before its first record is
    written, unless `new_key` is off (a copy, which carries the plan's key
    itself). Texts already sealed stay as they are. Raises MissingKey when a
    text must be sealed for a plan whose key is gone.
    """
    fields = PERSONAL.get(type(event))
    if fields is None:
        return event
    plan = event.plan
    if new_key and type(event) is ev.PlanCreated:
        cipher = keys.create(plan, record_id)
    else:
        cipher = keys.cipher(plan)
    prefix = associated_data(plan, record_id, "")

    def seal(path: str, value: Any) -> Any:
        if not isinstance(value, str) or not value:
            return value  # unchanged (None), empty and sealed texts: nothing to hide
        if cipher is None:
            raise MissingKey(t("privacy.key_missing", plan=plan, path=keys.where))
        nonce = urandom(NONCE_SIZE)
        return ev.Sealed(nonce, cipher.encrypt(nonce, value.encode(), prefix + path.encode()))

    return _map_fields(event, fields, seal)


TOUCHED: frozenset[type[ev.Event]] = frozenset([*PERSONAL, ev.PlanErased])
"""The event types `open_record` may change or act on; a record of any other it returns as is
(a replay skips the call for those: most records carry no personal text)."""

_SINGLE: dict[type[ev.Event], str] = {
    kind: fields[0] for kind, fields in PERSONAL.items() if len(fields) == 1
}
"""Types with one personal text (notes, reasons, own actions: most records): a short path."""


def open_record(record: ev.Record, keys: Keys | None) -> ev.Record:
    """`record` with its personal texts opened; a marker where the key is gone."""
    event = record.event
    name = _SINGLE.get(type(event))
    if name is not None:
        value = getattr(event, name)
        if type(value) is not ev.Sealed:
            return record
        plan = event.plan
        cipher = keys.cipher(plan) if keys is not None else None
        if cipher is None:
            text = gone_marker(plan, keys)
        else:
            # `_decrypt(..., associated_data(plan, record.id, name))` without its two calls:
            # most records of a replay come this way.
            try:
                ad = f"{plan}\x00{record.id}\x00{name}".encode()
                text = cipher.decrypt(value.n, value.c, ad).decode()
            except Exception:
                text = t("privacy.unreadable")
        return replace(record, event=replace(event, **{name: text}))
    fields = PERSONAL.get(type(event))
    if fields is None:
        if type(event) is ev.PlanErased and keys is not None:
            keys.forget(event.plan)
        return record
    opened = open_event(event, record.id, keys)
    return record if opened is event else replace(record, event=opened)


def open_event(event: ev.Event, record_id: str, keys: Keys | None) -> ev.Event:
    fields = PERSONAL.get(type(event))
    if fields is None:
        return event
    plan = event.plan
    cipher: Any = _UNLOADED  # loaded only when a sealed text is met
    prefix = associated_data(plan, record_id, "")

    def unseal(path: str, value: Any) -> Any:
        nonlocal cipher
        if not isinstance(value, ev.Sealed):
            return value
        if cipher is _UNLOADED:
            cipher = keys.cipher(plan) if keys is not None else None
        if cipher is None:
            return gone_marker(plan, keys)
        return _decrypt(cipher, value.n, value.c, prefix + path.encode())

    return _map_fields(event, fields, unseal)


def gone_marker(plan: str, keys: Keys | None) -> str:
    """What a text whose key is gone shows: erased, or missing (a log without its keys/)."""
    if keys is not None and plan in keys.erased:
        return t("plan.erased_text")
    return t("privacy.no_key")


def _decrypt(cipher: AESGCM, nonce: bytes, data: bytes, ad: bytes) -> str:
    try:
        return cipher.decrypt(nonce, data, ad).decode()
    except Exception:  # InvalidTag: moved from another record, or not made with this key
        return t("privacy.unreadable")


# --- caches ----------------------------------------------------------------------------------


def _cache_ad(plan: str) -> bytes:
    return f"{plan}\x00cache".encode()


def seal_cached(plan_id: str, value: str, cipher: AESGCM) -> str:
    """`value` sealed for a cache (the read model) with its plan's cipher."""
    nonce = urandom(NONCE_SIZE)
    blob = nonce + cipher.encrypt(nonce, value.encode(), _cache_ad(plan_id))
    return CACHE_TAG + base64.b64encode(blob).decode()


def open_cached_text(plan_id: str, value: str, keys: Keys) -> str:
    """A text read from a cache, opened; a marker when the plan's key is gone."""
    if not value.startswith(CACHE_TAG):
        return value
    return cached_opener(plan_id, keys)(value)


def cached_opener(plan_id: str, keys: Keys) -> Callable[[str], str]:
    """What opens the texts a cache sealed for `plan_id` (see `open_cached_text`), with the
    plan's cipher and associated data found once: a decoded plan has hundreds of texts."""
    cipher = keys.cipher(plan_id)
    ad = _cache_ad(plan_id)
    skip = len(CACHE_TAG)

    def open_text(value: str) -> str:
        if not value.startswith(CACHE_TAG):
            return value
        if cipher is None:
            return gone_marker(plan_id, keys)
        try:
            blob = a2b_base64(value[skip:])  # what base64.b64decode does, one call less
        except ValueError:
            return t("privacy.unreadable")
        return _decrypt(cipher, blob[:NONCE_SIZE], blob[NONCE_SIZE:], ad)

    return open_text


@contextmanager
def sealed_for_cache(plan: PlanState, keys: Keys) -> Iterator[bool]:
    """Within it, every personal text of `plan` is sealed with the plan's key (for a cache).

    Yields False, changing nothing, when the plan holds texts it has no key for
    (records written before sealing): such a plan must not be cached. An erased
    plan's texts are markers already. The texts are put back on leaving, so the
    plan is only borrowed.
    """
    if plan.erased is not None:
        yield True
        return
    cipher = keys.cipher(plan.id)
    if cipher is None:
        yield False
        return
    originals: list[str] = []

    def seal(value: str) -> str:
        originals.append(value)
        return seal_cached(plan.id, value, cipher)

    try:
        personal_texts(plan, seal)
        yield True
    finally:
        back = iter(originals)
        personal_texts(plan, lambda _value: next(back))


def open_cached(plan: PlanState, keys: Keys) -> None:
    """Open the personal texts of a plan read from a cache, in place (see `sealed_for_cache`)."""
    if plan.erased is None:
        personal_texts(plan, cached_opener(plan.id, keys))
