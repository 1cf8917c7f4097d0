"""The read model: per plan the digest the list and dashboard show and its full state, loaded
on first use; kept in SQLite in the user's cache so a large store opens without replaying.

Only a cache: used when the record it ends on is still in the log byte for byte (same
offset, checksum and SHA-256, hence the same chain before it) and when it was written by
the same projection code; otherwise ignored and rebuilt. The records it stands in for are
still checked by the store (`Head.covered`). See docs/PERFORMANCE.md.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import stat
import sys
import threading
import uuid
import zlib
from array import array
from collections.abc import Iterator
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from core import events as ev
from core.filestore import FileBackend, Places
from core.i18n import t
from core.keystore import Keys
from core.log import (
    DIGEST_BLOCK,
    FRAME,
    FRAME_SIZE,
    HEADER_SIZE,
    MAX_PAYLOAD,
    LogFile,
    fsync_dir,
    payload_hash,
)
from core.privacy import open_cached, open_cached_text, open_record, sealed_for_cache
from core.projections import (
    PlanDigest,
    PlanState,
    StoreState,
    apply,
    digest,
    index_nodes,
)

if TYPE_CHECKING:
    from core.store import Store

FORMAT = 3
"""Version of the tables below (the state's own shape is covered by `code_version`).
3: `Head.covered` holds block digests (`SpanDigest`) instead of one SHA-256 a span."""
SAVE_AFTER = 10_000
"""Write the read model after an open that had to fold at least this many records."""
PARK_ABOVE = 64 << 20
"""A replay that writes no read model parks closed plans only in a log larger than this:
below it the whole state is small (under 60 MB at 100,000 records) and parking would only
cost time. One that writes a read model always parks: the save takes the parked rows as
they are, the sealing it would do anyway."""
DISABLE_VARIABLE = "LEERPAD_CHECKPOINTS"
"""Set to 0 (or off/no/false) to neither read nor write the read model."""
SUBDIR = "readmodel"
MAX_SPANS = 16
"""Spans of the log checked separately (one more each time the read model is written
again) before they are checked and hashed as one."""
_SOURCES = ("core.projections", "core.events", "core.readmodel", "core.privacy")
_SCHEMA = """
CREATE TABLE head (body BLOB NOT NULL, crc INTEGER NOT NULL);
CREATE TABLE templates (key TEXT PRIMARY KEY, body BLOB NOT NULL);
CREATE TABLE plans (
    n INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    digest BLOB NOT NULL,
    digest_crc INTEGER NOT NULL,
    template TEXT NOT NULL,
    state_crc INTEGER NOT NULL,
    places BLOB,
    places_crc INTEGER NOT NULL,
    state BLOB NOT NULL
);
"""
# The state, tens of kilobytes a plan, comes last: SQLite reaches a column after it only by
# walking its overflow pages, so reading every digest would read every state too. The
# places (12 bytes a record, for the history) come before it for the same reason.


class Head(msgspec.Struct, array_like=True):
    """What the read model covers: checked before anything else is read from it."""

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
    covered: list[tuple[int, str]]
    """The digest of the log's bytes up to `end` (`SpanDigest`: SHA-256 of their blocks'
    SHA-256), span by span (where each ends, the digest of its bytes from the end of the
    one before), taken as they passed a record-by-record check: an open checks them again
    by hashing alone, its blocks in two threads."""
    rest: bytes
    """The state without its plans (access grants, counters), msgpack."""
    plans: int


def default_dir() -> Path | None:
    """The user's cache directory for read models, or None when they are switched off."""
    if os.environ.get(DISABLE_VARIABLE, "").strip().lower() in ("0", "off", "no", "false"):
        return None
    import platformdirs

    return Path(platformdirs.user_cache_dir("leerpad"))


@cache
def code_version() -> str:
    """A fingerprint of the code that shapes the state: the projection and event modules.

    Derived from their source rather than a hand-bumped constant, which is easily
    forgotten: any change to them (even a comment) simply rebuilds the read model
    once, while a stale one could show a wrong state. Empty when a source cannot be
    read (a frozen install): then no read model is used at all.
    """
    layout = f"{FORMAT} {DIGEST_BLOCK} msgspec {msgspec.__version__}"
    digest_ = hashlib.sha256(layout.encode())
    for name in _SOURCES:
        origin = getattr(sys.modules.get(name), "__file__", None)
        try:
            digest_.update(Path(origin).read_bytes())  # type: ignore[arg-type]
        except (OSError, TypeError):
            return ""
    return digest_.hexdigest()[:32]


def _where(log_path: Path) -> str:
    return hashlib.sha256(os.fsencode(log_path.resolve())).hexdigest()[:16]


def model_path(cache_dir: Path, log_path: Path, log_id: str) -> Path:
    """One file per log: named by the log's id and (a hash of) where it lives."""
    return cache_dir / SUBDIR / f"{log_id}-{_where(log_path)}.sqlite"


def legacy_checkpoint_path(cache_dir: Path, log_path: Path, log_id: str) -> Path:
    """Where earlier versions kept the whole state of this log (removed when seen)."""
    return cache_dir / "checkpoints" / f"{log_id}-{_where(log_path)}.ckpt"


# --- the shapes stored: derived from the projection types, so they follow every change ------


class _Types(msgspec.Struct, frozen=True):
    rest: type[msgspec.Struct]
    plan: type[msgspec.Struct]
    plan_fields: tuple[str, ...]
    rest_decoder: msgspec.msgpack.Decoder
    plan_decoder: msgspec.msgpack.Decoder


@cache
def _types() -> _Types:
    plan_fields = [(f.name, f.type) for f in msgspec.structs.fields(PlanState) if f.name != "nodes"]
    plan = msgspec.defstruct("StoredPlan", plan_fields, array_like=True)
    rest_fields = [
        (f.name, f.type) for f in msgspec.structs.fields(StoreState) if f.name != "plans"
    ]
    rest = msgspec.defstruct("StoredState", rest_fields, array_like=True)
    return _Types(
        rest,
        plan,
        tuple(name for name, _ in plan_fields),
        msgspec.msgpack.Decoder(rest),
        msgspec.msgpack.Decoder(plan),
    )


_ENCODER = msgspec.msgpack.Encoder()
_HEAD_DECODER = msgspec.msgpack.Decoder(Head)
_DIGEST_DECODER = msgspec.msgpack.Decoder(PlanDigest)


# Every plan of an occupation carries the same catalog text (titles, skills, actions,
# descriptions): most of a plan's bytes. It is stored once, keyed by its hash; each
# plan's row leaves it out and names it, and plans loaded share its strings again.


class _Template(msgspec.Struct, frozen=True, array_like=True):
    description: str
    scale: list[ev.LevelSpec]
    titles: dict[str, str]
    skills: dict[str, list[str]]
    texts: dict[str, str]
    personal: dict[str, tuple[str, str]]


_TEMPLATE_DECODER = msgspec.msgpack.Decoder(_Template)


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


def _without_template(plan: PlanState) -> msgspec.Struct:
    """The plan's stored form, its catalog text left out (refilled from its template)."""
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
    return _types().plan(**fields)


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


def _interned(template: _Template) -> _Template:
    """The template's strings shared with every other plan's, as a replay shares them."""
    share = sys.intern
    return _Template(
        share(template.description),
        template.scale,
        {k: share(v) for k, v in template.titles.items()},
        {k: [share(s) for s in v] for k, v in template.skills.items()},
        {k: share(v) for k, v in template.texts.items()},
        {k: (share(a), share(b)) for k, (a, b) in template.personal.items()},
    )


# --- the plans of a state read from the read model -------------------------------------------


class StoredPlans(dict[str, PlanState]):
    """A state's plans, each decoded from the read model the first time it is used.

    The plans decoded (and every plan created since) are this dict's own items, so the
    fold's `state.plans[id]` costs what a dict look-up does; the others are known by
    their digest until asked for (`__missing__`). Iterating or `values()` decodes every
    plan: what needs only the list uses `digests()` (core.projections.plan_digests).
    A replay's plans are one too (`parking`, without a `head`): its closed plans parked.
    """

    def __init__(self, source: _Rows, digests: dict[str, PlanDigest], head: Head | None) -> None:
        super().__init__()
        self._source = source
        self._stored = digests
        """The plans not decoded yet, by id: their digests (personal texts still sealed)."""
        self._order = dict.fromkeys(digests)
        """Every plan id, in the order the plans were created."""
        self._opened: dict[str, PlanDigest] = {}
        self.head = head
        """What the read model covers: plans changed after its record are rewritten on save,
        and its checked spans of the log are kept. None: the plans of a replay (`parking`)."""
        self._parking = False
        self._closing: str | None = None

    @classmethod
    def parking(cls, keys: Keys, *, sealed: bool) -> StoredPlans:
        """No plans yet, for a replay that parks each plan once it is closed (`closing`).

        A closed plan is rarely touched again, yet closed plans are most of what a long
        replay holds: parked, each is kept as a read model's row (its catalog text left
        out; `sealed`: its personal texts sealed with its key, the very row a read model
        written after the replay copies) and decoded like a read model's plan when first
        used. Not compressed: zlib would take ~70 more MB off at 1M for ~1 s more CPU.
        """
        plans = cls(_Parked(keys, sealed=sealed), {}, None)
        plans._parking = True
        return plans

    def closing(self, plan_id: str) -> None:
        """The fold is closing `plan_id`: park the plan closed before it (its records are folded
        by now; this one's own record is not), while the replay parks."""
        if self._parking:
            # Not when it is this very plan, closed again: its closing record is being folded.
            if self._closing is not None and self._closing != plan_id:
                self._park(self._closing)
            self._closing = plan_id

    def stop_parking(self) -> None:
        """The replay is over: park the plan closed last, and no more (from now on a plan
        object shown or changed stays the state's)."""
        if self._closing is not None:
            self._park(self._closing)
        self._parking, self._closing = False, None

    def _park(self, plan_id: str) -> None:
        plan = dict.get(self, plan_id)
        if plan is None or plan.closed is None:
            return  # reopened since, or parked already
        source = self._source
        assert isinstance(source, _Parked)
        try:
            parked = source.park(plan)
        except Exception:  # a key that cannot be read, say: the plan stays whole, as it is
            return  # (raised from the fold, it would pass for damage in the log)
        if parked is not None:  # None: it holds texts without a key, kept as it is
            self._stored[plan_id] = parked
            if source.sealed:
                self._opened.pop(plan_id, None)
            else:
                self._opened[plan_id] = parked  # its trainee is not sealed: nothing to open
            dict.__delitem__(self, plan_id)

    def __missing__(self, plan_id: str) -> PlanState:
        with self._source.lock:
            if dict.__contains__(self, plan_id):
                return dict.__getitem__(self, plan_id)
            if plan_id not in self._stored:
                raise KeyError(plan_id)
            plan = self._source.load(plan_id)
            dict.__setitem__(self, plan_id, plan)
            # Set before it leaves `_stored`: a reader in another thread finds it in one.
            del self._stored[plan_id]
        return plan

    def __setitem__(self, plan_id: str, plan: PlanState) -> None:
        self._order[plan_id] = None
        dict.__setitem__(self, plan_id, plan)

    def __contains__(self, plan_id: object) -> bool:
        return plan_id in self._order

    def __len__(self) -> int:
        return len(self._order)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._order))

    def __eq__(self, other: object) -> bool:
        return dict(self.items()) == other

    __hash__ = None  # type: ignore[assignment]

    def get(self, plan_id: str, default: Any = None) -> Any:
        try:
            return self[plan_id]
        except KeyError:
            return default

    def keys(self) -> list[str]:  # type: ignore[override]
        return list(self._order)

    def values(self) -> list[PlanState]:  # type: ignore[override]
        return [self[plan_id] for plan_id in list(self._order)]

    def items(self) -> list[tuple[str, PlanState]]:  # type: ignore[override]
        return [(plan_id, self[plan_id]) for plan_id in list(self._order)]

    def loaded(self) -> list[PlanState]:
        """The plans decoded so far (or created since)."""
        return list(dict.values(self))

    def digests(self) -> list[PlanDigest]:
        """Every plan's digest in creation order: the stored ones (their trainee opened
        once) for plans not decoded, computed afresh for the others."""
        found = []
        keys = self._source.keys
        keys.preload([p for p in list(self._stored) if p not in self._opened])
        for plan_id in list(self._order):
            stored = self._stored.get(plan_id)
            if stored is None:
                found.append(digest(dict.__getitem__(self, plan_id)))
                continue
            opened = self._opened.get(plan_id)
            if opened is None:
                # Shown in today's language, not the one the read model was written in.
                trainee = (
                    t("plan.erased_text")
                    if stored.erased is not None
                    else open_cached_text(plan_id, stored.trainee, keys)
                )
                opened = self._opened[plan_id] = msgspec.structs.replace(stored, trainee=trainee)
            found.append(opened)
        return found

    def erased(self) -> set[str]:
        """The plans erased, without decoding any."""
        found = {plan_id for plan_id, d in self._stored.items() if d.erased is not None}
        return found | {p.id for p in self.loaded() if p.erased is not None}

    def rows(self) -> Iterator[tuple[str, Any]]:
        """Every plan in creation order: its stored row when it is unchanged since the read
        model was written, else the plan itself (for `save`)."""
        source = self._source
        for plan_id in list(self._order):
            if dict.__contains__(self, plan_id):
                plan = dict.__getitem__(self, plan_id)
                head = self.head
                if head is None or plan.last.seq > head.seq or plan_id in source.rebuilt:
                    yield plan_id, plan
                    continue
            row = source.row(plan_id)
            yield plan_id, row if row is not None else self[plan_id]

    def stored_row(self, plan_id: str) -> _Row | None:
        """The plan's row as the read model holds it (None: created since)."""
        return self._source.row(plan_id)

    def places(self, plan_id: str) -> tuple[array[int], array[int]] | None:
        """Where the plan's records up to the read model's last start in the log: (seqs,
        offsets), or None when not known (a plan created since, a damaged row). Only a
        cache's word: whoever reads there checks each frame and its seq."""
        found = self._source.places(plan_id)
        if found is None:
            return None
        seqs, offsets = found
        head = self.head
        if head is None:
            return None
        if any(a >= b for a, b in pairwise(seqs)) or (seqs and seqs[-1] > head.seq):
            return None
        if any(at >= head.end for at in offsets):
            return None
        return found

    def close(self) -> None:
        """Close the read model file (once the store is closed)."""
        self._source.close()

    def template_body(self, key: str) -> bytes:
        return self._source.template_body(key)


class _Row(msgspec.Struct, frozen=True):
    digest: bytes
    state: bytes
    template: str
    digest_crc: int
    state_crc: int
    places: bytes | None = None
    """The plan's records: their seqs (4 bytes each), then where each starts (8 bytes);
    None when not known. For the history (core/history_index.py)."""
    places_crc: int = 0


def _pack_places(seqs: array[int], offsets: array[int]) -> bytes:
    return seqs.tobytes() + offsets.tobytes()


def _unpack_places(blob: bytes) -> tuple[array[int], array[int]] | None:
    seqs, offsets = array("I"), array("Q")
    n, rest = divmod(len(blob), seqs.itemsize + offsets.itemsize)
    if rest:
        return None
    seqs.frombytes(blob[: n * seqs.itemsize])
    offsets.frombytes(blob[n * seqs.itemsize :])
    return seqs, offsets


def _row_places(row: _Row) -> tuple[array[int], array[int]] | None:
    """The row's places when known and intact."""
    if row.places is None or zlib.crc32(row.places) != row.places_crc:
        return None
    return _unpack_places(row.places)


def _state_crc(state: bytes, template: str) -> int:
    return zlib.crc32(template.encode(), zlib.crc32(state))


class _Rows:
    """Where a `StoredPlans` finds the rows of the plans it has not decoded yet."""

    def __init__(self, keys: Keys) -> None:
        self.keys = keys
        self.lock = threading.RLock()
        self._templates: dict[str, _Template] = {}
        self.rebuilt: set[str] = set()
        """Plans read from the log because their rows were damaged: written anew on save."""

    def row(self, plan_id: str) -> _Row | None:
        raise NotImplementedError

    def template_body(self, key: str) -> bytes:
        raise NotImplementedError

    def places(self, plan_id: str) -> tuple[array[int], array[int]] | None:
        return None

    def load(self, plan_id: str) -> PlanState:
        """The plan, decoded and its personal texts opened."""
        row = self.row(plan_id)
        if row is None:
            raise KeyError(plan_id)
        plan = self._decode(row)
        open_cached(plan, self.keys)
        return plan

    def _decode(self, row: _Row) -> PlanState:
        stored = _types().plan_decoder.decode(row.state)
        plan = PlanState(**{name: getattr(stored, name) for name in _types().plan_fields})
        template = self._templates.get(row.template)
        if template is None:
            body = self.template_body(row.template)
            if hashlib.sha256(body).hexdigest() != row.template:
                raise ValueError("damaged template")
            template = self._templates[row.template] = _interned(_TEMPLATE_DECODER.decode(body))
        _fill(plan, template)
        index_nodes(plan)
        return plan

    def close(self) -> None:
        pass


class _Parked(_Rows):
    """The rows of the plans a replay parked, in memory (see `StoredPlans.parking`).

    `sealed`: each row is exactly the read model's (personal texts sealed with the
    plan's key), for a read model written after the replay to take as it is; else
    the texts stay plain in the row, as they were in the plan (in memory only:
    no row is ever written anywhere then), sparing a cipher a text.
    """

    def __init__(self, keys: Keys, *, sealed: bool) -> None:
        super().__init__(keys)
        self.sealed = sealed
        self._rows: dict[str, _Row] = {}
        self._bodies: dict[str, bytes] = {}

    def park(self, plan: PlanState) -> PlanDigest | None:
        """Keep `plan` as its row; its digest, or None when it holds texts without a key."""
        if self.sealed:
            encoded = _encode_plan(plan, self.keys)
            if encoded is None:
                return None
            row, body = encoded
            found = _DIGEST_DECODER.decode(row.digest)
        else:
            state = _ENCODER.encode(_without_template(plan))
            body = _ENCODER.encode(_template(plan))
            row = _Row(b"", state, hashlib.sha256(body).hexdigest(), 0, 0)
            found = digest(plan)
        self._bodies.setdefault(row.template, body)
        self._rows[plan.id] = row
        return found

    def row(self, plan_id: str) -> _Row | None:
        # Only a sealed row may be copied into a read model; a plain one is decoded first.
        return self._rows.get(plan_id) if self.sealed else None

    def template_body(self, key: str) -> bytes:
        return self._bodies[key]

    def load(self, plan_id: str) -> PlanState:
        plan = self._decode(self._rows[plan_id])
        if self.sealed:
            open_cached(plan, self.keys)
        # Decoded, the plan is the state's again: its row would go stale.
        del self._rows[plan_id]
        return plan


class _Source(_Rows):
    """The read model file a state's plans are decoded from (open for the store's life).

    The file is never changed in place: a newer read model is a new file renamed over
    this one, so the open file keeps giving exactly what it covered.
    """

    def __init__(self, db: sqlite3.Connection, keys: Keys, log: LogFile, end: int) -> None:
        super().__init__(keys)
        self.db = db
        self.log = log
        self.end = end

    def row(self, plan_id: str) -> _Row | None:
        with self.lock:
            found = self.db.execute(
                "SELECT digest, state, template, digest_crc, state_crc, places, places_crc"
                " FROM plans WHERE id = ?",
                (plan_id,),
            ).fetchone()
        return None if found is None else _Row(*found)

    def places(self, plan_id: str) -> tuple[array[int], array[int]] | None:
        try:
            row = self.row(plan_id)
        except sqlite3.Error:
            return None
        return None if row is None else _row_places(row)

    def load(self, plan_id: str) -> PlanState:
        """The plan, decoded and its personal texts opened; read from the log instead when
        its row is damaged (the read model is only a cache: the log decides)."""
        try:
            row = self.row(plan_id)
            if row is None or _state_crc(row.state, row.template) != row.state_crc:
                raise ValueError("damaged row")
            plan = self._decode(row)
        except Exception:  # whatever is wrong with a cache file, the log decides
            return self._from_log(plan_id)
        open_cached(plan, self.keys)
        return plan

    def _from_log(self, plan_id: str) -> PlanState:
        """Fold the plan's own records up to the end the read model covers."""
        state = StoreState()
        for _, payload in self.log.scan(HEADER_SIZE, self.end):
            record = ev.read_record(payload)
            if isinstance(record, ev.Record) and getattr(record.event, "plan", "") == plan_id:
                apply(state, open_record(record, self.keys), payload_hash(payload))
        self.rebuilt.add(plan_id)
        return state.plans[plan_id]

    def template_body(self, key: str) -> bytes:
        with self.lock:
            return self.db.execute("SELECT body FROM templates WHERE key = ?", (key,)).fetchone()[0]

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.db.close()


# --- reading -------------------------------------------------------------------------------


def _connect(path: Path) -> sqlite3.Connection | None:
    """The database at `path`, only when it is a regular file of ours in a directory of ours
    (never through a link someone planted)."""
    try:
        for where, is_kind in ((path.parent, stat.S_ISDIR), (path, stat.S_ISREG)):
            st = os.lstat(where)
            if not is_kind(st.st_mode) or st.st_uid != os.geteuid():
                return None
        uri = f"{Path(os.path.abspath(path)).as_uri()}?mode=ro"
        return sqlite3.connect(uri, uri=True, check_same_thread=False)
    except (OSError, ValueError, sqlite3.Error):
        return None


def restore(store: Store, cache_dir: Path, *, check_ahead: bool = False) -> bool:
    """Take the state from the store's read model into a store that has read nothing yet.

    True when used: then only the plans' digests were read; each plan is decoded when
    first used. A read model that is damaged, of another log, of other code, or whose
    last record is no longer in the log is ignored (the caller replays; a new one is
    written over it). With `check_ahead`, the check of the records it stands in for
    starts as soon as its head is read, in a thread, while the rest is read.
    """
    log, keys, backend = store.log, store.keys, store.backend
    if not code_version() or keys is None or not isinstance(backend, FileBackend):
        return False
    db = _connect(model_path(cache_dir, log.path, log.header.log_id))
    if db is None:
        return False
    try:
        body, crc = db.execute("SELECT body, crc FROM head").fetchone()
        head = _HEAD_DECODER.decode(body) if zlib.crc32(body) == crc else None
        if head is None or not _current(head, log):
            db.close()
            return False
        backend.cover(head.end, head.covered, ahead=check_ahead)
        rest = _types().rest_decoder.decode(head.rest)
        digests: dict[str, PlanDigest] = {}
        for plan_id, blob, crc in db.execute("SELECT id, digest, digest_crc FROM plans ORDER BY n"):
            found = _DIGEST_DECODER.decode(blob)
            if found.id != plan_id or zlib.crc32(blob) != crc:
                raise ValueError("a damaged digest")
            digests[plan_id] = found
        if len(digests) != head.plans:
            raise ValueError("plans missing")
    except Exception:  # damaged, truncated, not a database, an unforeseen shape: the log decides
        with contextlib.suppress(sqlite3.Error):
            db.close()
        backend.cover(HEADER_SIZE, [])
        return False
    fields = {name: getattr(rest, name) for name in rest.__struct_fields__}
    if (fields["seq"], fields["hash"]) != (head.seq, head.hash):
        db.close()
        backend.cover(HEADER_SIZE, [])
        return False
    source = _Source(db, keys, log, head.end)
    for plan_id, found in digests.items():
        if found.erased is not None:
            keys.forget(plan_id)
    store.state = StoreState(plans=StoredPlans(source, digests, head), **fields)
    store.end, store.last_offset = head.end, head.offset
    return True


def park_closed_plans(store: Store, *, for_saving: bool) -> StoredPlans | None:
    """Before a store that has read nothing yet replays its log: plans that park each plan
    once it is closed (`StoredPlans.parking`); the caller calls `stop_parking` after the
    replay. `for_saving`: a read model may be written after it, so park the rows it would
    hold (sealed), the sealing it would do anyway; without, only a large log parks
    (`PARK_ABOVE`). None (nothing changed) for a small log not saved, a store without
    keys (its texts could not be sealed in a read model either) or a database."""
    keys, backend = store.keys, store.backend
    if keys is None or not isinstance(backend, FileBackend) or store.state.plans:
        return None
    if not for_saving and backend.log.size() <= PARK_ABOVE:
        return None
    plans = store.state.plans = StoredPlans.parking(keys, sealed=for_saving)
    return plans


def read_head(path: Path, log: LogFile) -> Head | None:
    """The head of the read model at `path` when it is sound and still matches `log`."""
    db = _connect(path)
    if db is None:
        return None
    try:
        body, crc = db.execute("SELECT body, crc FROM head").fetchone()
        head = _HEAD_DECODER.decode(body) if zlib.crc32(body) == crc else None
    except Exception:
        return None
    finally:
        db.close()
    return head if head is not None and _current(head, log) else None


def _current(head: Head, log: LogFile) -> bool:
    """Same layout and projection code, same log, and its last record still in place."""
    if (head.format, head.code, head.log_id) != (FORMAT, code_version(), log.header.log_id):
        return False
    return head.log_path == str(log.path.resolve()) and _record_matches(log.fd, head)


def _record_matches(fd: int, head: Head) -> bool:
    """True when the log still holds, at `head.offset`, the very record the model ends on."""
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


# --- writing -------------------------------------------------------------------------------


def worth_saving(store: Store, folded: int) -> bool:
    """After an open that folded `folded` records: is a (new) read model worth writing?

    Only a clean state is saved: no damage, no records this version cannot
    interpret, nothing that made the store read-only (a newer record format
    would otherwise be forgotten by the next open).
    """
    return (
        folded >= SAVE_AFTER
        and store.state.seq > 0
        and store.corruption is None
        and store.read_only is None
        and store.state.unknown == 0
    )


def save(store: Store, cache_dir: Path) -> Path | None:
    """Write the store's read model: a new file, renamed over the old one; None if that was
    not possible (it is a cache: no space, no permission, a plan without its key).

    Plans unchanged since the read model the state came from keep their stored rows;
    only the others are encoded (and sealed) again.
    """
    keys, backend = store.keys, store.backend
    if not code_version() or keys is None or not isinstance(backend, FileBackend):
        return None
    log = store.log
    checked: Places = {}
    try:
        covered, whole = _covered(store, backend, checked)
    except OSError:
        return None
    if covered is None:
        return None  # the records it would stand in for are damaged: replay finds it
    target = model_path(cache_dir, log.path, log.header.log_id)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        st = os.lstat(target.parent)
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid():
            return None  # not a directory of ours (a link): nothing is written through it
        # Plan contents (sealed or not): private to the user, whatever the store's modes.
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600))
        try:
            if not _write(tmp, store, covered, _Placer(store.state.plans, checked, whole)):
                tmp.unlink()
                return None
            fd = os.open(tmp, os.O_RDONLY | os.O_NOFOLLOW)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        fsync_dir(target.parent)
        with contextlib.suppress(OSError):
            legacy_checkpoint_path(cache_dir, log.path, log.header.log_id).unlink()
    except (OSError, sqlite3.Error):
        return None
    return target


def _covered(
    store: Store, backend: FileBackend, places: Places
) -> tuple[list[tuple[int, str]] | None, bool]:
    """The checked spans of the log up to the store's end (None when a record is damaged),
    and whether the whole log was checked; `places` gets where the records checked start.

    A state from a read model keeps its spans and checks only the records folded since
    (they follow its last record, whose place and hash the open confirmed); after
    `MAX_SPANS` the whole log is checked again as one span.
    """
    plans = store.state.plans
    head = plans.head if isinstance(plans, StoredPlans) else None
    if head is not None and len(head.covered) < MAX_SPANS:
        if store.end == head.end:
            return list(head.covered), False
        after = (head.end, head.seq, head.hash)
        tail = backend.checked_digest(store.end, after=after, places=places)
        return (None if tail is None else [*head.covered, (store.end, tail)]), False
    whole = backend.checked_digest(store.end, places=places)
    return (None if whole is None else [(store.end, whole)]), True


class _Placer:
    """Each plan's places for the new read model: those the old one kept, followed by
    those of the records checked since (or only these when the whole log was checked)."""

    def __init__(self, plans: dict[str, PlanState], checked: Places, whole: bool) -> None:
        self.stored = plans if isinstance(plans, StoredPlans) and not whole else None
        self.checked = checked

    def blob(self, plan_id: str, row: _Row | None) -> tuple[bytes | None, int]:
        """The places of `plan_id` (its stored row, when it was copied) and their CRC-32."""
        new = self.checked.get(plan_id, (array("I"), array("Q")))
        if self.stored is not None:
            if row is None:
                row = self.stored.stored_row(plan_id)
            if row is not None:
                old = _row_places(row)
                if old is None:
                    return None, 0  # not known: the history reads the log for this plan
                if not new[0]:
                    return row.places, row.places_crc
                new = (old[0] + new[0], old[1] + new[1])
        blob = _pack_places(*new)
        return blob, zlib.crc32(blob)


def _write(path: Path, store: Store, covered: list[tuple[int, str]], placer: _Placer) -> bool:
    """Fill the new database at `path`; False when a plan cannot be cached."""
    state, keys = store.state, store.keys
    assert keys is not None
    types = _types()
    rest = types.rest(**{name: getattr(state, name) for name in types.rest.__struct_fields__})
    head = Head(
        format=FORMAT,
        code=code_version(),
        log_id=store.log.header.log_id,
        log_path=str(store.log.path.resolve()),
        offset=store.last_offset,
        end=store.end,
        seq=state.seq,
        hash=state.hash,
        covered=covered,
        rest=_ENCODER.encode(rest),
        plans=len(state.plans),
    )
    plans = state.plans
    rows = plans.rows() if isinstance(plans, StoredPlans) else iter(list(plans.items()))
    db = sqlite3.connect(path, isolation_level=None)
    try:
        # A new file nobody reads yet, fsynced and renamed into place when complete.
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.executescript(_SCHEMA)
        db.execute("BEGIN")
        head_bytes = _ENCODER.encode(head)
        db.execute("INSERT INTO head VALUES (?, ?)", (head_bytes, zlib.crc32(head_bytes)))
        templates: set[str] = set()
        for n, (plan_id, found) in enumerate(rows):
            if isinstance(found, _Row):
                row = found
                if row.template not in templates:
                    body = plans.template_body(row.template)  # type: ignore[union-attr]
                    _add_template(db, templates, row.template, body)
                places = placer.blob(plan_id, row)
            else:
                encoded = _encode_plan(found, keys)
                if encoded is None:
                    return False
                row, body = encoded
                _add_template(db, templates, row.template, body)
                places = placer.blob(plan_id, None)
            db.execute(
                "INSERT INTO plans VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    n,
                    plan_id,
                    row.digest,
                    row.digest_crc,
                    row.template,
                    row.state_crc,
                    *places,
                    row.state,
                ),
            )
        db.execute("COMMIT")
    finally:
        db.close()
    return True


def _add_template(db: sqlite3.Connection, done: set[str], key: str, body: bytes) -> None:
    if key not in done:
        db.execute("INSERT INTO templates VALUES (?, ?)", (key, body))
        done.add(key)


def _encode_plan(plan: PlanState, keys: Keys) -> tuple[_Row, bytes] | None:
    """A plan's row (personal texts sealed with its key) and its template's body."""
    with sealed_for_cache(plan, keys) as sealable:
        if not sealable:
            return None
        # Both taken while the personal texts (the trainee too) are sealed.
        state = _ENCODER.encode(_without_template(plan))
        found_bytes = _ENCODER.encode(digest(plan))
    body = _ENCODER.encode(_template(plan))
    key = hashlib.sha256(body).hexdigest()
    return _Row(found_bytes, state, key, zlib.crc32(found_bytes), _state_crc(state, key)), body
