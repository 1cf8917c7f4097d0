"""Signed sign-offs: the message a signer signs, signing before the append, and the one
verdict per sign-off (good, bad, unknown signer, unsigned) that verify, the UI and exports show.

The message is rebuilt from the log, never stored: a sign-off whose record was
changed after signing no longer matches its signature (docs/TRUST.md).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import msgspec

from core import commands, config, sshsig
from core import events as ev
from core.commands import Rejected
from core.i18n import fmt_date, register, t
from core.projections import PlanState, SignOff, StoreState
from core.store import Decide, Store

NAMESPACE = "leerpad-signoff@v1"
MESSAGE_HEADER = "leerpad sign-off v1"

GOOD = "good"
BAD = "bad"
UNKNOWN = "unknown-signer"
UNSIGNED = "unsigned"
UNCHECKED = "unchecked"
"""A signature that could not be checked here (no allowed_signers, no ssh-keygen)."""

register(
    {
        "sig.word.good": ("signature good", "handtekening geldig"),
        "sig.word.bad": ("signature BAD", "handtekening ONGELDIG"),
        "sig.word.unknown-signer": ("unknown signer", "onbekende ondertekenaar"),
        "sig.word.unsigned": ("unsigned", "niet ondertekend"),
        "sig.word.unchecked": ("signature not checked", "handtekening niet gecontroleerd"),
        "sig.text.good": (
            "signature good (key {fingerprint})",
            "handtekening geldig (sleutel {fingerprint})",
        ),
        "sig.text.bad": ("signature BAD: {why}", "handtekening ONGELDIG: {why}"),
        "sig.text.unknown-signer": (
            "unknown signer: key {fingerprint} may not sign as {login}",
            "onbekende ondertekenaar: sleutel {fingerprint} mag niet tekenen als {login}",
        ),
        "sig.text.unsigned": (
            "unsigned (signed without a key)",
            "niet ondertekend (afgetekend zonder sleutel)",
        ),
        "sig.text.unchecked": (
            "signature not checked: {why}",
            "handtekening niet gecontroleerd: {why}",
        ),
        "sig.why.mismatch": (
            "it does not match what was signed (the record or the signature changed)",
            "ze past niet bij wat ondertekend werd (het record of de handtekening veranderde)",
        ),
        "sig.why.malformed": (
            "it is not a readable SSH signature",
            "het is geen leesbare SSH-handtekening",
        ),
        "sig.why.namespace": (
            "it was made for another purpose ({namespace})",
            "ze werd voor iets anders gemaakt ({namespace})",
        ),
        "sig.why.no_time": (
            "the record does not say when it was signed",
            "het record vermeldt niet wanneer ondertekend werd",
        ),
        "sig.why.no_allowed": (
            "no allowed_signers file is set in the site config {path}",
            "er is geen allowed_signers-bestand ingesteld in de siteconfiguratie {path}",
        ),
        "sig.why.unreadable": (
            "cannot read the allowed_signers file {path} ({why})",
            "kan het allowed_signers-bestand {path} niet lezen ({why})",
        ),
        "sig.why.config": ("{problem}", "{problem}"),
        "sig.why.copied": (
            "signed before this log was made from {source} on {on} (an upgrade or a store "
            "copy): the signature names that log's id and hashes, so it is checked against "
            "that log ('leerpad verify' does, while it is kept in the store)",
            "ondertekend voor dit logboek op {on} gemaakt werd uit {source} (bijwerken of "
            "opslag kopiëren): de handtekening noemt de id en hashes van dat logboek, dus ze "
            "wordt daartegen gecontroleerd ('leerpad verify' doet dat, zolang het in de opslag "
            "bewaard is)",
        ),
        "sig.why.erased": (
            "the plan was erased: the remark it signed can no longer be read",
            "het plan werd gewist: de ondertekende opmerking is niet meer leesbaar",
        ),
    }
)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def message(
    *,
    store: str,
    plan: str,
    subject: str,
    role: str,
    covers_seq: int,
    covers_hash: str,
    signer: str,
    signed_at: datetime,
    remark: str,
) -> bytes:
    """The exact bytes a sign-off's signature covers (documented in docs/TRUST.md).

    One `name: value` line each, strings as JSON strings, so no value can
    forge another line; UTF-8, every line ending in a newline.
    """
    fields: list[tuple[str, str | int]] = [
        ("store", store),
        ("plan", plan),
        ("subject", subject),
        ("role", role),
        ("covers-seq", covers_seq),
        ("covers-hash", covers_hash),
        ("signer", signer),
        ("time", _utc(signed_at)),
        ("remark", remark),
    ]
    lines = [MESSAGE_HEADER] + [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in fields]
    return ("\n".join(lines) + "\n").encode("utf-8")


def signoff_message(log_id: str, plan_id: str, signoff: SignOff) -> bytes | None:
    """The message of a recorded sign-off (None when the record has no signing time)."""
    if signoff.signed_at is None:
        return None
    return message(
        store=log_id,
        plan=plan_id,
        subject=signoff.subject,
        role=signoff.role,
        covers_seq=signoff.covers_seq,
        covers_hash=signoff.covers_hash,
        signer=signoff.actor,
        signed_at=signoff.signed_at,
        remark=signoff.remark,
    )


# --- verdicts -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a sign-off's signature is worth here and now."""

    status: str
    """GOOD, BAD, UNKNOWN, UNSIGNED or UNCHECKED."""
    fingerprint: str = ""
    public_key: str = ""
    login: str = ""
    why_key: str = ""
    why_params: tuple[tuple[str, str], ...] = ()

    @property
    def fails(self) -> bool:
        """A bad signature makes `leerpad verify` fail."""
        return self.status == BAD

    def word(self, lang: str | None = None) -> str:
        return t(f"sig.word.{self.status}", lang)

    def why(self, lang: str | None = None) -> str:
        return t(self.why_key, lang, **dict(self.why_params)) if self.why_key else ""

    def text(self, lang: str | None = None) -> str:
        """One sentence: the same in `verify`, `plan show`, the UI and the exports."""
        return t(
            f"sig.text.{self.status}",
            lang,
            fingerprint=self.fingerprint,
            login=self.login,
            why=self.why(lang),
        )

    def data(self) -> dict[str, str | None]:
        """For JSON output."""
        return {
            "status": self.status,
            "fingerprint": self.fingerprint or None,
            "public_key": self.public_key or None,
            "problem": self.why("en") or None,
        }


def _bad(why: str, **params: str) -> Verdict:
    return Verdict(BAD, why_key=why, why_params=tuple(params.items()))


class Checker:
    """Checks signatures against one allowed_signers file; remembers what it decided."""

    def __init__(self, allowed_signers: Path | None, *, problem: str = "") -> None:
        self.allowed_signers = allowed_signers
        self.problem = problem
        """Why signatures cannot be checked at all (e.g. an unreadable site config)."""
        self._cache: dict[tuple[bytes, str, str, str, datetime], Verdict] = {}

    def verdict(self, log_id: str, plan_id: str, signoff: SignOff) -> Verdict:
        """The verdict on one recorded sign-off of plan `plan_id` in log `log_id`."""
        settled = self.known(log_id, plan_id, signoff)
        if settled is not None:
            return settled
        text = signoff_message(log_id, plan_id, signoff)
        assert text is not None and signoff.signed_at is not None  # else known() decided
        return self.signature(
            text,
            signoff.signature,
            namespace=NAMESPACE,
            principal=signoff.actor,
            at=signoff.signed_at,
        )

    def known(self, log_id: str, plan_id: str, signoff: SignOff) -> Verdict | None:
        """The verdict when deciding it runs nothing (unsigned, no signing time, or checked
        before), else None: what a UI may ask on its own thread, leaving `verdict` to a worker."""
        if not signoff.signature:
            return Verdict(UNSIGNED)
        text = signoff_message(log_id, plan_id, signoff)
        if text is None or signoff.signed_at is None:
            return _bad("sig.why.no_time")
        return self._cache.get(
            (text, signoff.signature, NAMESPACE, signoff.actor, signoff.signed_at)
        )

    def signature(
        self, text: bytes, armored: str, *, namespace: str, principal: str, at: datetime
    ) -> Verdict:
        """Is `armored` a good signature over `text` by a key allowed to sign as `principal`?"""
        key = (text, armored, namespace, principal, at)
        if key not in self._cache:
            self._cache[key] = self._check(text, armored, namespace, principal, at)
        return self._cache[key]

    def _check(
        self, text: bytes, armored: str, namespace: str, principal: str, at: datetime
    ) -> Verdict:
        try:
            info = sshsig.inspect(sshsig.dearmor(armored))
        except ValueError:
            return _bad("sig.why.malformed")
        found = {"fingerprint": info.fingerprint, "public_key": info.public_key}
        if info.namespace != namespace:
            why = (("namespace", info.namespace),)
            return Verdict(BAD, **found, why_key="sig.why.namespace", why_params=why)
        unchecked = self._unchecked()
        try:
            valid, allowed = sshsig.check(
                text,
                armored,
                namespace=namespace,
                principal=principal,
                allowed_signers=None if unchecked else self.allowed_signers,
                at=at,
            )
        except sshsig.SigningError as exc:
            why = (("problem", str(exc)),)
            return Verdict(UNCHECKED, **found, why_key="sig.why.config", why_params=why)
        if not valid:
            return Verdict(BAD, **found, why_key="sig.why.mismatch")
        if unchecked is not None:
            return Verdict(UNCHECKED, **found, why_key=unchecked[0], why_params=unchecked[1])
        return Verdict(GOOD if allowed else UNKNOWN, **found, login=principal)

    def _unchecked(self) -> tuple[str, tuple[tuple[str, str], ...]] | None:
        """Why the allowed_signers file cannot be consulted, or None when it can."""
        if self.problem:
            return "sig.why.config", (("problem", self.problem),)
        if self.allowed_signers is None:
            return "sig.why.no_allowed", (("path", str(config.site_config_path())),)
        try:
            with open(self.allowed_signers, "rb"):
                pass
        except OSError as exc:
            why = exc.strerror or str(exc)
            return "sig.why.unreadable", (("path", str(self.allowed_signers)), ("why", why))
        return None

    def lines_for(self, signoff: SignOff) -> list[str]:
        """The lines of allowed_signers that name the key which made `signoff`'s signature."""
        try:
            info = sshsig.inspect(sshsig.dearmor(signoff.signature))
            if self.allowed_signers is None:
                return []
            text = self.allowed_signers.read_text(encoding="utf-8", errors="replace")
        except (ValueError, OSError):
            return []
        key = info.public_key.split()[1]
        return [
            line
            for line in text.splitlines()
            if not line.lstrip().startswith("#") and key in line.split()
        ]


_default: tuple[tuple[object, ...], Checker] | None = None


def default_checker() -> Checker:
    """The checker for the site's allowed_signers; a new one when the file changed."""
    global _default
    try:
        path = config.allowed_signers()
    except config.ConfigError as exc:
        return Checker(None, problem=str(exc))
    try:
        st = os.stat(path) if path is not None else None
        identity: tuple[object, ...] = (
            path,
            st and (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns),
        )
    except OSError:
        identity = (path, None)
    if _default is None or _default[0] != identity:
        _default = (identity, Checker(path))
    return _default[1]


def verdicts(
    state: StoreState, plan: PlanState, checker: Checker | None = None
) -> dict[int, Verdict]:
    """The verdict of each of `plan`'s sign-offs, by the seq of its record."""
    checker = checker or default_checker()
    return {s.seq: verdict_of(checker, state, plan, s) for s in plan.signoffs}


def verdict_of(checker: Checker, state: StoreState, plan: PlanState, signoff: SignOff) -> Verdict:
    """The verdict on one sign-off, where its signature can still be checked in this log."""
    origin = state.copied_from
    if signoff.signature and origin is not None and signoff.seq <= state.copied_upto:
        where = (("source", origin.source), ("on", fmt_date(origin.time.date())))
        return Verdict(UNCHECKED, why_key="sig.why.copied", why_params=where)
    if signoff.signature and signoff.remark and plan.erased is not None:
        return Verdict(UNCHECKED, why_key="sig.why.erased")
    return checker.verdict(state.log_id, plan.id, signoff)


def known_verdicts(log_id: str, plan: PlanState, checker: Checker | None) -> dict[int, Verdict]:
    """The verdicts of `plan`'s sign-offs that need no check run (see Checker.known); the
    sign-offs missing from it wait for `verdicts` in a worker. Without a checker yet, only
    what needs none at all."""
    checker = checker or Checker(None)
    found = {s.seq: checker.known(log_id, plan.id, s) for s in plan.signoffs}
    return {seq: verdict for seq, verdict in found.items() if verdict is not None}


def all_signoffs(state: StoreState) -> Iterator[tuple[PlanState, SignOff]]:
    """Every sign-off of the store, plan by plan, oldest first."""
    for plan in state.plans.values():
        for signoff in plan.signoffs:
            yield plan, signoff


# --- signing --------------------------------------------------------------------------------


def prepare_sign_off(
    store: Store,
    plan_id: str,
    *,
    role: str,
    key: Path,
    subject: str = "plan",
    remark: str = "",
    expect_seq: int | None = None,
    interactive: bool = False,
) -> Decide:
    """Decide what a sign-off covers now, sign it with `key`, and return the command to append.

    Signing happens before the append (it may wait for a passphrase; the log's
    lock is not held meanwhile). The returned command re-decides under the lock
    and refuses when the covered version changed since: the signature would name
    a version the signer never saw. Raises Rejected, or sshsig.SigningError.
    """
    store.refresh()
    first = commands.sign_off(
        store.state, plan_id, role=role, subject=subject, remark=remark, expect_seq=expect_seq
    )
    if store.authorize is not None:
        # Refuse before asking for a passphrase, not after.
        store.authorize(store.state, store.actor, first)
    signed_at = store.clock().astimezone(UTC).replace(microsecond=0)
    text = message(
        store=store.state.log_id,
        plan=first.plan,
        subject=first.subject,
        role=first.role,
        covers_seq=first.covers_seq,
        covers_hash=first.covers_hash,
        signer=store.actor,
        signed_at=signed_at,
        remark=first.remark,
    )
    signature = sshsig.sign(text, key, NAMESPACE, interactive=interactive)

    def decide(state: StoreState) -> ev.SignedOff:
        event = commands.sign_off(
            state, plan_id, role=role, subject=subject, remark=remark, expect_seq=first.covers_seq
        )
        if event.covers_hash != first.covers_hash:
            raise Rejected("err.signoff_changed", seq=event.covers_seq)
        return msgspec.structs.replace(event, signature=signature, signed_at=signed_at)

    return decide


def sign_off_command(
    store: Store,
    plan_id: str,
    *,
    role: str,
    key: Path | None,
    subject: str = "plan",
    remark: str = "",
    expect_seq: int | None = None,
    interactive: bool = False,
) -> Decide:
    """The sign-off command for the CLI and the UI: signed first when there is a `key`,
    as before (and shown as unsigned) when there is none."""
    if key is None:
        return lambda s: commands.sign_off(
            s, plan_id, role=role, subject=subject, remark=remark, expect_seq=expect_seq
        )
    return prepare_sign_off(
        store,
        plan_id,
        role=role,
        key=key,
        subject=subject,
        remark=remark,
        expect_seq=expect_seq,
        interactive=interactive,
    )
