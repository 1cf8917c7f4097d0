"""Signatures made before `leerpad upgrade` name the old log's id and hashes: `verify` checks
them against the kept old log (events.log.v1-<date>) once it links to the new log's first
record, and says plainly why it cannot when that log is gone or is not the one named."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import msgspec
from trust_support import Keys, Run

from catalog import Catalog
from core import commands, signoffs
from core import events as ev
from core.log import encode_header, frame, payload_hash
from core.projections import StoreState
from core.store import Store
from core.upgrade import upgrade_store

TODAY = date(2026, 11, 28)
KEPT = "events.log.v1-2026-11-28"


def _write_v1(store_dir: Path, events: list[tuple[ev.Event, str]]) -> None:
    """A log of format 1 (plain texts) holding these events, framed and chained."""
    header = encode_header(bytes(range(16)), version=1)
    data, prev = bytearray(header), payload_hash(header)
    for seq, (event, actor) in enumerate(events, 1):
        when = datetime(2026, 11, 20, 9, seq, tzinfo=UTC)
        record = ev.Record(seq, f"{seq:032x}", when, actor, prev, event, 1)
        payload = ev.ENCODER.encode(record)
        data += frame(payload)
        prev = payload_hash(payload)
    (store_dir / "events.log").write_bytes(bytes(data))


def v1_store_signed_by_jan(store_dir: Path, key: Path) -> ev.Event:
    """Plan P1 and jan's signed sign-off of it, in a log written before texts were sealed;
    returns the plan's first event."""
    store_dir.mkdir(parents=True)
    profile = Catalog.load().get("commercieel-medewerker-binnendienst")
    created = commands.create_plan(
        StoreState(), profile, trainee="Sara Peeters", start=date(2026, 9, 7)
    )
    _write_v1(store_dir, [(created, "an")])
    with Store.open(store_dir) as store:
        store.actor = "jan"
        decide = signoffs.prepare_sign_off(store, "P1", role="mentor", key=key, remark="akkoord")
        signed = decide(store.state)
    _write_v1(store_dir, [(created, "an"), (signed, "jan")])
    return created


def test_signatures_before_the_upgrade_are_checked_against_the_kept_old_log(
    run: Run, store_dir: Path, keys: Keys, allowed
) -> None:
    jan = keys.make("jan")
    allowed([keys.line("jan", jan)])
    v1_store_signed_by_jan(store_dir, jan)
    fingerprint = keys.fingerprint(jan)
    assert f"signature good (key {fingerprint})" in run("verify").out
    upgrade_store(store_dir, today=TODAY)

    verify = run("verify")
    assert verify.code == 0, verify.err
    lines = verify.out.splitlines()
    # In the new log the signature names the old log: not checked there, and why.
    new = next(line for line in lines if "sign-off P1 record 3" in line)
    assert "signature not checked: signed before this log was made from " + KEPT in new
    # Then the kept old log, linked to the first record, and the signature checked in it.
    at = next(i for i, line in enumerate(lines) if line.startswith("the log before the upgrade"))
    assert KEPT in lines[at] and "intact, 2 records" in lines[at]
    assert f"signature good (key {fingerprint})" in "\n".join(lines[at + 1 :])

    data = msgspec.json.decode(run("verify", "--json").out)
    assert data["earlier_log"]["linked"] is True
    assert data["earlier_log"]["signoffs"][0]["signature"]["status"] == "good"


def test_without_the_old_log_or_with_another_one_verify_says_why(
    run: Run, store_dir: Path, keys: Keys, allowed
) -> None:
    jan = keys.make("jan")
    allowed([keys.line("jan", jan)])
    created = v1_store_signed_by_jan(store_dir, jan)
    upgrade_store(store_dir, today=TODAY)
    kept = store_dir / KEPT

    kept.unlink()
    verify = run("verify")
    assert verify.code == 0, verify.err
    assert "the log before the upgrade of" in verify.out and "no longer in the store" in verify.out

    # Another log under that name (the old one without the sign-off) proves nothing here.
    other = store_dir.parent / "other"
    other.mkdir()
    _write_v1(other, [(created, "an")])
    (other / "events.log").rename(kept)
    verify = run("verify")
    assert "is not the log the upgrade of" in verify.err
    assert "signature good" not in verify.out
