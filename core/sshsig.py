"""SSH signatures (OpenSSH's SSHSIG) made and checked by the stock `ssh-keygen -Y`.

leerpad never does the cryptography itself: it reads the armored SSHSIG only to
learn which public key made it, and leaves signing and verifying to ssh-keygen.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import shlex
import shutil
import struct
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from core.i18n import register, t

MAGIC = b"SSHSIG"
ARMOR_BEGIN = "-----BEGIN SSH SIGNATURE-----"
ARMOR_END = "-----END SSH SIGNATURE-----"
TIMEOUT = 60.0
"""Seconds a signing may take: long enough to type a passphrase, short enough not to hang."""
MAX_SIGNATURE = 64 * 1024

register(
    {
        "sshsig.no_keygen": (
            "ssh-keygen was not found (install OpenSSH's client tools)",
            "ssh-keygen werd niet gevonden (installeer de clientprogramma's van OpenSSH)",
        ),
        "sshsig.no_key": (
            "the signing key {path} does not exist",
            "de sleutel om te ondertekenen, {path}, bestaat niet",
        ),
        "sshsig.failed": (
            "ssh-keygen could not sign with {path}: {why}",
            "ssh-keygen kon niet ondertekenen met {path}: {why}",
        ),
        "sshsig.agent_hint": (
            "for a public key, its private half must be loaded in ssh-agent (ssh-add) and "
            "SSH_AUTH_SOCK set; a key with a passphrase needs ssh-agent here",
            "bij een publieke sleutel moet de private helft in ssh-agent geladen zijn (ssh-add) "
            "en SSH_AUTH_SOCK gezet; een sleutel met wachtwoordzin heeft hier ssh-agent nodig",
        ),
        "sshsig.timeout": ("it took too long", "het duurde te lang"),
    }
)


class SigningError(Exception):
    """Signing did not work; the message says why, in the user's language."""


@dataclass(frozen=True, slots=True)
class SignatureInfo:
    """What an SSHSIG says about itself (not whether it is valid)."""

    key_type: str
    key_blob: bytes
    namespace: str
    hash_algorithm: str

    @property
    def fingerprint(self) -> str:
        """The key's fingerprint as ssh-keygen prints it: SHA256:base64 without padding."""
        digest = hashlib.sha256(self.key_blob).digest()
        return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")

    @property
    def public_key(self) -> str:
        """The key in authorized_keys form: `ssh-ed25519 AAAA...`."""
        return f"{self.key_type} {base64.b64encode(self.key_blob).decode()}"


def keygen() -> str | None:
    """The ssh-keygen program, or None when it is not installed."""
    return shutil.which("ssh-keygen")


def dearmor(armored: str) -> bytes:
    """The binary SSHSIG inside `-----BEGIN SSH SIGNATURE-----` armor; ValueError if none."""
    lines = [line.strip() for line in armored.strip().splitlines()]
    if len(lines) < 3 or lines[0] != ARMOR_BEGIN or lines[-1] != ARMOR_END:
        raise ValueError("not an armored SSH signature")
    try:
        return base64.b64decode("".join(lines[1:-1]), validate=True)
    except binascii.Error as exc:
        raise ValueError("bad base64 in an SSH signature") from exc


def armor(blob: bytes) -> str:
    """The armored text ssh-keygen writes for a binary SSHSIG (70 columns, as OpenSSH does)."""
    text = base64.b64encode(blob).decode()
    body = "\n".join(text[i : i + 70] for i in range(0, len(text), 70))
    return f"{ARMOR_BEGIN}\n{body}\n{ARMOR_END}\n"


def _strings(data: bytes, pos: int, count: int) -> tuple[list[bytes], int]:
    out = []
    for _ in range(count):
        if pos + 4 > len(data):
            raise ValueError("truncated SSH signature")
        (n,) = struct.unpack_from(">I", data, pos)
        pos += 4
        if pos + n > len(data):
            raise ValueError("truncated SSH signature")
        out.append(data[pos : pos + n])
        pos += n
    return out, pos


def inspect(blob: bytes) -> SignatureInfo:
    """Read the public key and namespace out of a binary SSHSIG (PROTOCOL.sshsig).

    Raises ValueError for bytes that are not an SSHSIG of version 1.
    """
    if not blob.startswith(MAGIC) or len(blob) < len(MAGIC) + 4:
        raise ValueError("not an SSH signature")
    (version,) = struct.unpack_from(">I", blob, len(MAGIC))
    if version != 1:
        raise ValueError(f"SSH signature version {version}")
    (key, namespace, _reserved, hash_alg, _sig), end = _strings(blob, len(MAGIC) + 4, 5)
    if end != len(blob):
        raise ValueError("trailing bytes after an SSH signature")
    (key_type,), _ = _strings(key, 0, 1)
    try:
        return SignatureInfo(key_type.decode(), key, namespace.decode(), hash_alg.decode())
    except UnicodeDecodeError as exc:
        raise ValueError("not an SSH signature") from exc


def sign(
    message: bytes,
    key: Path,
    namespace: str,
    *,
    interactive: bool = False,
    environ: Mapping[str, str] | None = None,
) -> str:
    """Sign `message` with `key` in `namespace`: the armored SSHSIG ssh-keygen made.

    `key` is a private key file, or a public key whose private half is in
    ssh-agent (SSH_AUTH_SOCK, a forwarded agent too). `interactive` lets
    ssh-keygen ask for a passphrase on the terminal; otherwise it never waits.
    """
    program = keygen()
    if program is None:
        raise SigningError(t("sshsig.no_keygen"))
    if not key.is_file():
        raise SigningError(t("sshsig.no_key", path=key))
    env = dict(os.environ if environ is None else environ)
    if not interactive:
        env["SSH_ASKPASS_REQUIRE"] = "never"
    with tempfile.TemporaryDirectory(prefix="leerpad-sign-") as tmp:
        # A file argument, not stdin: ssh-keygen may read a passphrase from stdin.
        path = Path(tmp) / "message"
        path.write_bytes(message)
        try:
            done = subprocess.run(
                [program, "-Y", "sign", "-n", namespace, "-f", str(key), str(path)],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                env=env,
                timeout=TIMEOUT,
                start_new_session=not interactive,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise SigningError(t("sshsig.failed", path=key, why=t("sshsig.timeout"))) from exc
        sig = path.with_name("message.sig")
        if done.returncode != 0 or not sig.is_file():
            why = _last_line(done.stderr) or f"exit {done.returncode}"
            raise SigningError(
                t("sshsig.failed", path=key, why=why) + "; " + t("sshsig.agent_hint")
            )
        return sig.read_text(encoding="ascii")


def _last_line(output: bytes) -> str:
    lines = [ln.strip() for ln in output.decode("utf-8", "replace").splitlines() if ln.strip()]
    return lines[-1] if lines else ""


def verify_time(moment: datetime) -> str:
    """`moment` in the form of ssh-keygen's `-O verify-time=` (UTC)."""
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M%SZ")


def verify_line(
    allowed_signers: str, principal: str, namespace: str, sig: str, message: str, at: datetime
) -> str:
    """The `ssh-keygen -Y verify` command line (file names) an auditor can paste into a shell."""
    args = ["ssh-keygen", "-Y", "verify", "-f", allowed_signers, "-I", principal, "-n", namespace]
    args += ["-s", sig, "-O", f"verify-time={verify_time(at)}"]
    return " ".join(shlex.quote(a) for a in args) + " < " + shlex.quote(message)


def check(
    message: bytes,
    armored: str,
    *,
    namespace: str,
    principal: str,
    allowed_signers: Path | None,
    at: datetime,
) -> tuple[bool, bool]:
    """(valid, allowed): is the signature valid over `message` at all, and is its key
    allowed to sign as `principal` in `namespace` at time `at` by `allowed_signers`?

    Without `allowed_signers` only validity is checked (allowed is then False).
    Only the exit status of ssh-keygen counts, never its wording.
    """
    program = keygen()
    if program is None:
        raise SigningError(t("sshsig.no_keygen"))
    with tempfile.TemporaryDirectory(prefix="leerpad-verify-") as tmp:
        sig = Path(tmp) / "message.sig"
        sig.write_text(armored, encoding="ascii")
        if allowed_signers is not None:
            verify = ["-f", str(allowed_signers), "-I", principal, "-n", namespace]
            verify += ["-s", str(sig), "-O", f"verify-time={verify_time(at)}"]
            if _run([program, "-Y", "verify", *verify], message):
                return True, True
        novalidate = ["-Y", "check-novalidate", "-n", namespace, "-s", str(sig)]
        return _run([program, *novalidate], message), False


def _run(command: list[str], message: bytes) -> bool:
    try:
        done = subprocess.run(
            command,
            input=message,
            capture_output=True,
            timeout=TIMEOUT,
            start_new_session=True,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return False
    return done.returncode == 0
