"""Signing from the command line: the sign-off command with the user's key, and the
per-sign-off signature verdicts `leerpad verify` prints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cli.context import EXIT_REJECTED, EXIT_STORE, EXIT_USAGE, Context, Fail, warn
from cli.render import literal
from core import config, i18n, signoffs, sshsig
from core.commands import Rejected
from core.i18n import t
from core.projections import StoreState
from core.store import Decide, StoreError

i18n.register(
    {
        "cli.sign.with_key": (
            "Signed with key {fingerprint}.",
            "Ondertekend met sleutel {fingerprint}.",
        ),
        "cli.sign.failed": (
            "The sign-off was not recorded: {why}.",
            "De aftekening werd niet opgeslagen: {why}.",
        ),
        "cli.verify.signoff": (
            "sign-off {plan} record {seq} ({role}, {actor}): {verdict}",
            "aftekening {plan} record {seq} ({role}, {actor}): {verdict}",
        ),
        "cli.verify.bad_signatures": (
            "damaged: {count} sign-off signature(s) do not match what was signed.",
            "beschadigd: {count} handtekening(en) van aftekeningen passen niet bij wat "
            "ondertekend werd.",
        ),
    }
)


def signing_key() -> Path | None:
    """The user's signing_key; a config that cannot be read is a usage error (exit 2)."""
    try:
        return config.signing_key()
    except config.ConfigError as exc:
        raise Fail(t("cli.config", path=exc.path, problem=exc.problem), EXIT_USAGE) from exc


def sign_off_command(ctx: Context, plan_id: str, *, role: str, subject: str, remark: str) -> Decide:
    """The sign-off command to execute: signed first when the user has a signing_key."""
    key = signing_key()
    store = ctx.store(create=False)
    try:
        return signoffs.sign_off_command(
            store, plan_id, role=role, key=key, subject=subject, remark=remark, interactive=True
        )
    except Rejected as exc:
        raise Fail(exc.message(ctx.lang), EXIT_REJECTED) from exc
    except sshsig.SigningError as exc:
        raise Fail(t("cli.sign.failed", why=exc), EXIT_USAGE) from exc
    except StoreError as exc:
        raise Fail(str(exc), EXIT_STORE) from exc


def signed_note(signature: str) -> str:
    """'Signed with key …' for a sign-off just recorded with `signature`."""
    info = sshsig.inspect(sshsig.dearmor(signature))
    return t("cli.sign.with_key", fingerprint=info.fingerprint)


def store_verdicts(state: StoreState) -> list[dict[str, Any]]:
    """Every sign-off of the store with its verdict, for `verify` (text and JSON)."""
    checker = signoffs.default_checker()
    return [
        {
            "plan": plan.id,
            "seq": s.seq,
            "role": s.role,
            "subject": s.subject,
            "actor": s.actor,
            "verdict": signoffs.verdict_of(checker, state, plan, s),
        }
        for plan, s in signoffs.all_signoffs(state)
    ]


def print_verdicts(found: list[dict[str, Any]]) -> int:
    """Print one line per sign-off; return how many signatures are bad."""
    bad = 0
    for item in found:
        verdict: signoffs.Verdict = item["verdict"]
        line = t(
            "cli.verify.signoff",
            plan=literal(item["plan"]),
            seq=item["seq"],
            role=literal(t(f"role.{item['role']}")),
            actor=literal(item["actor"]),
            verdict=literal(verdict.text()),
        )
        if verdict.fails:
            bad += 1
            warn(line)
        else:
            print(line)
    if bad:
        warn(t("cli.verify.bad_signatures", count=bad))
    return bad


def verdicts_json(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in item.items() if k != "verdict"} | {"signature": item["verdict"].data()}
        for item in found
    ]
