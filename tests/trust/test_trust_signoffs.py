"""Signed sign-offs: signing with a key file and through ssh-agent, and the verdicts that
verify, plan show and the exports give for good, changed, unknown, revoked and unsigned ones."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import msgspec
import pytest
from trust_support import Keys, Run, rewrite_log

from core import events as ev
from core import signoffs
from core.commands import Rejected
from core.identity import current_actor
from core.store import Store

Allowed = Callable[[list[str]], Path]
UseKey = Callable[[Path], None]


def _sign(run: Run, plan: str, *more: str) -> str:
    result = run("sign", plan, "--role", "mentor", *more)
    assert result.code == 0, result.err
    return result.out


def _show_signature(run: Run, plan: str) -> dict:
    data = json.loads(run("plan", "show", plan, "--json").out)
    return data["signoffs"][-1]["signature"]


def test_a_key_file_signs_and_verify_names_its_fingerprint(
    run: Run, plan: str, keys: Keys, allowed: Allowed, use_key: UseKey
) -> None:
    jan = keys.make("jan")
    allowed([keys.line(current_actor(), jan)])
    use_key(jan)
    fingerprint = keys.fingerprint(jan)
    assert f"Signed with key {fingerprint}." in _sign(run, plan)
    verify = run("verify")
    assert verify.code == 0, verify.err
    assert f"signature good (key {fingerprint})" in verify.out
    assert f"signature good (key {fingerprint})" in run("plan", "show", plan).out
    assert _show_signature(run, plan)["status"] == "good"
    markdown = run("export", plan, "--format", "md").out
    assert f"handtekening geldig (sleutel {fingerprint})" in markdown


def test_signing_through_ssh_agent_with_only_the_public_key(
    run: Run, plan: str, keys: Keys, allowed: Allowed, use_key: UseKey, agent: Path
) -> None:
    kim, public_only = keys.in_agent_only("kim")
    allowed([keys.line(current_actor(), kim)])
    use_key(public_only)
    _sign(run, plan)
    assert _show_signature(run, plan)["fingerprint"] == keys.fingerprint(kim)
    assert _show_signature(run, plan)["status"] == "good"


def test_without_an_agent_holding_the_key_nothing_is_written(
    run: Run, plan: str, keys: Keys, use_key: UseKey, agent: Path, store_dir: Path
) -> None:
    kim = keys.make("kim")
    public_only = kim.with_name("alone.pub")
    shutil.copy(f"{kim}.pub", public_only)
    use_key(public_only)
    before = (store_dir / "events.log").read_bytes()
    result = run("sign", plan, "--role", "mentor")
    assert result.code == 2 and "ssh-agent" in result.err
    assert (store_dir / "events.log").read_bytes() == before


def test_without_a_key_the_sign_off_is_recorded_and_shown_unsigned(
    run: Run, plan: str, keys: Keys, allowed: Allowed
) -> None:
    allowed([keys.line(current_actor(), keys.make("jan"))])
    out = _sign(run, plan)
    assert "Signed with key" not in out
    verify = run("verify")
    assert verify.code == 0 and "unsigned" in verify.out
    assert _show_signature(run, plan)["status"] == "unsigned"


def test_a_changed_sign_off_fails_verify(
    run: Run, plan: str, keys: Keys, allowed: Allowed, use_key: UseKey, store_dir: Path
) -> None:
    jan = keys.make("jan")
    allowed([keys.line(current_actor(), jan)])
    use_key(jan)
    _sign(run, plan, "--remark", "Akkoord")

    def forge(record: ev.Record) -> ev.Record:
        if isinstance(record.event, ev.SignedOff):
            event = msgspec.structs.replace(record.event, role="consultant")
            return msgspec.structs.replace(record, event=event)
        return record

    rewrite_log(store_dir, forge)
    verify = run("verify")
    assert verify.code == 3
    assert "intact:" in verify.out  # the chain was recomputed: only the signature shows it
    assert "signature BAD" in verify.err
    assert _show_signature(run, plan)["status"] == "bad"


def test_a_key_that_may_not_sign_as_that_login_is_an_unknown_signer(
    run: Run, plan: str, keys: Keys, allowed: Allowed, use_key: UseKey
) -> None:
    piet, jan = keys.make("piet"), keys.make("jan")
    allowed([keys.line(current_actor(), jan), keys.line("piet", piet)])
    use_key(piet)  # piet's key, while the record names this login
    _sign(run, plan)
    verify = run("verify")
    assert verify.code == 0
    assert f"unknown signer: key {keys.fingerprint(piet)} may not sign as" in verify.out
    assert _show_signature(run, plan)["status"] == "unknown-signer"


def test_a_revoked_key_no_longer_counts(
    run: Run, plan: str, keys: Keys, allowed: Allowed, use_key: UseKey
) -> None:
    jan = keys.make("jan")
    allowed([keys.line(current_actor(), jan)])
    use_key(jan)
    _sign(run, plan)
    assert _show_signature(run, plan)["status"] == "good"
    allowed([])  # the administrator removed the line
    assert _show_signature(run, plan)["status"] == "unknown-signer"


def test_a_key_for_another_namespace_is_not_allowed_for_sign_offs(
    run: Run, plan: str, keys: Keys, allowed: Allowed, use_key: UseKey
) -> None:
    jan = keys.make("jan")
    allowed([keys.line(current_actor(), jan, namespaces="leerpad-checkpoint@v1")])
    use_key(jan)
    _sign(run, plan)
    assert _show_signature(run, plan)["status"] == "unknown-signer"


def test_allowed_signers_is_never_taken_from_the_user_config(
    run: Run, plan: str, keys: Keys, use_key: UseKey, tmp_path: Path, store_dir: Path
) -> None:
    jan = keys.make("jan")
    own = tmp_path / "my_allowed_signers"
    own.write_text(keys.line(current_actor(), jan) + "\n")
    (store_dir / "allowed_signers").write_text(keys.line(current_actor(), jan) + "\n")
    config = tmp_path / "home" / "config" / "leerpad" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'signing_key = "{jan}"\nallowed_signers = "{own}"\n')
    result = run("sign", plan, "--role", "mentor")
    assert result.code == 0 and "only the site config may set" in result.err
    signature = _show_signature(run, plan)
    assert signature["status"] == "unchecked" and "site config" in signature["problem"]


def test_a_plan_changed_after_signing_is_refused_under_the_lock(
    store: Store, tiny_profile, today, keys: Keys, allowed: Allowed, clock
) -> None:
    from core import commands

    jan = keys.make("jan")
    allowed([keys.line(store.actor, jan)])
    plan = store.execute(lambda s: commands.create_plan(s, tiny_profile, trainee="X", start=today))
    plan_id = plan.event.plan
    decide = signoffs.prepare_sign_off(store, plan_id, role="mentor", key=jan)
    with Store.open(store.path, clock=clock) as other:
        other.execute(lambda s: commands.add_note(s, plan_id, plan_id, text="Tussendoor."))
    seq = store.state.seq
    with pytest.raises(Rejected) as refused:
        store.execute(decide)
    assert refused.value.key == "err.signoff_changed"
    assert store.state.seq == seq + 1  # caught up on the note; no sign-off written
    assert not store.state.plan(plan_id).signoffs


def test_the_message_names_every_signed_field(store: Store) -> None:
    from datetime import UTC, datetime

    text = signoffs.message(
        store="ab" * 16,
        plan="P1",
        subject="plan",
        role="mentor",
        covers_seq=7,
        covers_hash="cd" * 32,
        signer="jan",
        signed_at=datetime(2026, 11, 28, 9, 0, tzinfo=UTC),
        remark='Akkoord\nrole: "trainee"',
    ).decode()
    assert text.splitlines() == [
        "leerpad sign-off v1",
        f'store: "{"ab" * 16}"',
        'plan: "P1"',
        'subject: "plan"',
        'role: "mentor"',
        "covers-seq: 7",
        f'covers-hash: "{"cd" * 32}"',
        'signer: "jan"',
        'time: "2026-11-28T09:00:00Z"',
        'remark: "Akkoord\\nrole: \\"trainee\\""',
    ]


def test_evidence_is_checked_by_stock_ssh_keygen(
    run: Run, plan: str, keys: Keys, allowed: Allowed, use_key: UseKey, tmp_path: Path
) -> None:
    import subprocess

    jan = keys.make("jan")
    allowed([keys.line(current_actor(), jan), keys.line("someone", keys.make("other"))])
    use_key(jan)
    _sign(run, plan, "--remark", "Akkoord")
    folder = tmp_path / "evidence"
    result = run("export", plan, "--evidence", str(folder))
    assert result.code == 0, result.err
    readme = (folder / "README.txt").read_text()
    commands = [line.strip() for line in readme.splitlines() if "ssh-keygen -Y verify" in line]
    assert len(commands) == 1
    assert (folder / "signoff-2.allowed_signers").read_text() == keys.line(
        current_actor(), jan
    ) + "\n"

    def check() -> int:
        return subprocess.run(commands[0], shell=True, cwd=folder, capture_output=True).returncode

    assert check() == 0
    message = folder / "signoff-2.message"
    message.write_bytes(message.read_bytes().replace(b'"mentor"', b'"trainee"'))
    assert check() != 0
    again = run("export", plan, "--evidence", str(folder))
    assert again.code == 2 and "not empty" in again.err
