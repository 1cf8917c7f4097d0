"""Helpers for the signature tests (imported by name: tests/trust is on sys.path)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import msgspec

from core import events as ev
from core.log import HEADER_SIZE, LogFile, frame, payload_hash
from core.store import LOG_NAME

NAMESPACES = "leerpad-signoff@v1,leerpad-checkpoint@v1"


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


Run = Callable[..., Result]


class Keys:
    """Ed25519 key pairs made by ssh-keygen, without a passphrase."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def make(self, name: str) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / name
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(path)],
            check=True,
            stdin=subprocess.DEVNULL,
        )
        return path

    @staticmethod
    def public(key: Path) -> str:
        return Path(f"{key}.pub").read_text().strip()

    @staticmethod
    def fingerprint(key: Path) -> str:
        done = subprocess.run(
            ["ssh-keygen", "-l", "-E", "sha256", "-f", f"{key}.pub"],
            check=True,
            capture_output=True,
            text=True,
        )
        return done.stdout.split()[1]

    def line(self, login: str, key: Path, namespaces: str = NAMESPACES) -> str:
        return f'{login} namespaces="{namespaces}" {self.public(key)}'

    def in_agent_only(self, name: str) -> tuple[Path, Path]:
        """A new key added to the running ssh-agent, then its private half deleted: the key
        (its .pub stays) and a copy of the public key, all a signing_key setting can name."""
        key = self.make(name)
        subprocess.run(["ssh-add", "-q", str(key)], check=True, capture_output=True)
        public_only = key.with_name(f"{name}-in-agent.pub")
        shutil.copy(f"{key}.pub", public_only)
        key.unlink()  # the private half now lives only in the agent
        return key, public_only


def rewrite_log(store: Path, change: Callable[[ev.Record], ev.Record | None]) -> None:
    """Rewrite the whole log through `change` and recompute the hash chain, as an attacker
    with write access could: the result verifies as an intact, consistent log."""
    path = store / LOG_NAME
    log = LogFile(path, writable=False)
    try:
        header = os.pread(log.fd, HEADER_SIZE, 0)
        payloads = [payload for _, payload in log.scan(HEADER_SIZE)]
        prev = log.header.hash
    finally:
        log.close()
    out = bytearray(header)
    for payload in payloads:
        record = change(ev.RECORD_DECODER.decode(payload))
        if record is None:
            continue
        record = msgspec.structs.replace(record, prev=prev)
        data = ev.ENCODER.encode(record)
        out += frame(data)
        prev = payload_hash(data)
    path.write_bytes(bytes(out))
