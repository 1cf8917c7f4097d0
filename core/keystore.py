"""Per-plan data keys, kept apart from the log: destroying a plan's key erases its personal texts.

A key store is an interface (`KeyStore`); a file store keeps one file per plan
in `keys/` beside `events.log`, opened with the same no-follow rules as every
other name in a store directory (core/storefiles.py); a database store keeps
them in `leerpad.plan_keys` (core/pgstore.py).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from core import storefiles
from core.i18n import register, t

if TYPE_CHECKING:
    from collections.abc import Callable

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_SIZE = 32
"""Bytes of a plan's data key (AES-256)."""
KEYS_DIR = "keys"
KEY_SUFFIX = ".key"
_PLAN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
"""Plan ids that may name a key file (leerpad's own ids are P1, P2, ...)."""

register(
    {
        "keys.bad_plan": (
            "plan id {plan!r} cannot name a key file",
            "plan-id {plan!r} kan geen sleutelbestand benoemen",
        ),
        "keys.damaged": (
            "The key file {path} is damaged ({size} bytes instead of {expected}).",
            "Het sleutelbestand {path} is beschadigd ({size} bytes in plaats van {expected}).",
        ),
        "keys.failed": (
            "The key of plan {plan} could not be {what} in {path} ({why}).",
            "De sleutel van plan {plan} kon niet {what} worden in {path} ({why}).",
        ),
        "keys.unsafe": (
            "The key of plan {plan} could not be {what}: {why}",
            "De sleutel van plan {plan} kon niet {what} worden: {why}",
        ),
        "keys.what.read": ("read", "gelezen"),
        "keys.what.written": ("written", "geschreven"),
        "keys.what.destroyed": ("destroyed", "vernietigd"),
    }
)


class KeyProblem(OSError):
    """A key could not be read, written or destroyed; the message is meant for the user."""

    def __str__(self) -> str:
        return str(self.strerror)


class KeyStore(Protocol):
    """Where a store keeps its plans' data keys."""

    def load(self, plan: str) -> bytes | None:
        """The key of `plan`, or None when it has none (never made, or destroyed)."""
        ...

    def put(self, plan: str, key: bytes, first_record: str) -> None:
        """Keep `key` as the key of `plan` (replacing any), durable before this returns: before
        the record `first_record`, which first uses it, is written."""
        ...

    def destroy(self, plan: str) -> bool:
        """Overwrite and remove the key of `plan`, durably; False when there was none."""
        ...

    def plans(self) -> set[str]:
        """The plans that have a key."""
        ...

    @property
    def location(self) -> str:
        """Where the keys are, as shown to people."""
        ...


class FileKeyStore:
    """`keys/<plan>.key` in a store directory: 32 random bytes each, group modes of the store."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @property
    def path(self) -> Path:
        return self.directory / KEYS_DIR

    @property
    def location(self) -> str:
        return str(self.path)

    def _name(self, plan: str) -> str:
        if not _PLAN_NAME.fullmatch(plan):
            raise KeyProblem(0, t("keys.bad_plan", plan=plan))
        return plan + KEY_SUFFIX

    def _failed(self, plan: str, what: str, exc: OSError) -> KeyProblem:
        if isinstance(exc, KeyProblem):
            return exc
        what = t(f"keys.what.{what}")
        if isinstance(exc, storefiles.UnsafeFile):
            # A sentence of its own that names the file: not put in parentheses.
            return KeyProblem(exc.errno or 0, t("keys.unsafe", plan=plan, what=what, why=exc))
        why = exc.strerror or str(exc)
        return KeyProblem(
            exc.errno or 0, t("keys.failed", plan=plan, what=what, path=self.path, why=why)
        )

    def _subdir(self, *, create: bool) -> int | None:
        """A descriptor of `keys/` (never through a link); None when missing and not `create`."""
        dir_fd = storefiles.open_dir(self.directory)
        try:
            if create:
                return storefiles.open_subdir(dir_fd, KEYS_DIR, shown=self.path)
            st = storefiles.lstat(dir_fd, KEYS_DIR)
            if st is None:
                return None
            if not stat.S_ISDIR(st.st_mode):
                raise storefiles.UnsafeFile(self.path, st.st_mode, directory=True)
            flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
            return os.open(KEYS_DIR, flags, dir_fd=dir_fd)
        finally:
            os.close(dir_fd)

    def load(self, plan: str) -> bytes | None:
        name = self._name(plan)
        try:
            sub_fd = self._subdir(create=False)
            if sub_fd is None:
                return None
            try:
                if storefiles.lstat(sub_fd, name) is None:
                    return None
                fd = storefiles.open_regular(sub_fd, name, os.O_RDONLY, shown=self.path / name)
            finally:
                os.close(sub_fd)
            try:
                key = os.read(fd, KEY_SIZE + 1)
            finally:
                os.close(fd)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise self._failed(plan, "read", exc) from exc
        if len(key) != KEY_SIZE:
            message = t("keys.damaged", path=self.path / name, size=len(key), expected=KEY_SIZE)
            raise KeyProblem(0, message)
        return key

    def put(self, plan: str, key: bytes, first_record: str) -> None:
        name = self._name(plan)
        try:
            sub_fd = self._subdir(create=True)
            assert sub_fd is not None
            try:
                mode = storefiles.file_mode(os.fstat(sub_fd).st_mode) or 0o600
                # A new random name, fsynced, renamed into place, the directory fsynced.
                storefiles.replace_file(sub_fd, name, key, mode=mode)
            finally:
                os.close(sub_fd)
        except OSError as exc:
            raise self._failed(plan, "written", exc) from exc

    def destroy(self, plan: str) -> bool:
        name = self._name(plan)
        try:
            sub_fd = self._subdir(create=False)
            if sub_fd is None:
                return False
            try:
                if storefiles.lstat(sub_fd, name) is None:
                    return False
                try:
                    fd = storefiles.open_regular(sub_fd, name, os.O_WRONLY, shown=self.path / name)
                except storefiles.UnsafeFile:
                    fd = -1  # not a key leerpad wrote: remove the name, write nothing through it
                if fd >= 0:
                    try:
                        # On a copy-on-write filesystem or an SSD the old blocks may live on;
                        # removing the name is what every leerpad relies on (docs/PRIVACY.md).
                        storefiles.write_all(fd, bytes(KEY_SIZE))
                        os.fsync(fd)
                    finally:
                        os.close(fd)
                os.unlink(name, dir_fd=sub_fd)
                os.fsync(sub_fd)
            finally:
                os.close(sub_fd)
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise self._failed(plan, "destroyed", exc) from exc
        return True

    def load_many(self, plans: list[str]) -> dict[str, bytes]:
        """The keys of `plans` that can be read as they are, through one descriptor of
        `keys/` (a list of thousands of plans); the others are left to `load`.

        Four system calls a key instead of seven: one listing of `keys/` says
        which names are regular files (a link, FIFO or device is never opened), each is
        opened without following a link or waiting on a FIFO, and read only when its
        descriptor is a regular file of a key's size.
        """
        found: dict[str, bytes] = {}
        try:
            sub_fd = self._subdir(create=False)
        except OSError:
            return found
        if sub_fd is None:
            return found
        flags = os.O_RDONLY | storefiles.OPEN_FLAGS
        try:
            wanted = {plan + KEY_SUFFIX: plan for plan in plans if _PLAN_NAME.fullmatch(plan)}
            with os.scandir(sub_fd) as entries:
                files = [
                    e.name for e in entries if e.name in wanted and e.is_file(follow_symlinks=False)
                ]
            for name in files:
                with contextlib.suppress(OSError):
                    fd = os.open(name, flags, dir_fd=sub_fd)
                    try:
                        st = os.fstat(fd)
                        if stat.S_ISREG(st.st_mode) and st.st_size == KEY_SIZE:
                            key = os.read(fd, KEY_SIZE + 1)
                            if len(key) == KEY_SIZE:
                                found[wanted[name]] = key
                    finally:
                        os.close(fd)
        except OSError:
            pass  # the keys found so far; `load` says what is wrong with the others
        finally:
            os.close(sub_fd)
        return found

    def plans(self) -> set[str]:
        try:
            sub_fd = self._subdir(create=False)
        except OSError:
            return set()
        if sub_fd is None:
            return set()
        try:
            names = os.listdir(sub_fd)
        except OSError:
            return set()
        finally:
            os.close(sub_fd)
        return {n[: -len(KEY_SUFFIX)] for n in names if n.endswith(KEY_SUFFIX)}


class Keys:
    """The keys of one open store as ciphers, loaded once per plan.

    `erased` plans are never opened, whatever key file may still be found for them.
    """

    def __init__(self, store: KeyStore) -> None:
        self.store = store
        self.erased: set[str] = set()
        self._ciphers = _Ciphers(store, self.erased)
        self.cipher: Callable[[str], AESGCM | None] = self._ciphers.__getitem__
        """The cipher of a plan, or None when its key is missing or destroyed.

        A dict look-up done in C once the plan's key was loaded: a replay asks for it
        for every record with a personal text."""

    @property
    def where(self) -> str:
        return self.store.location

    def preload(self, plans: list[str]) -> None:
        """Load the keys of many plans at once where the store can (opening a list)."""
        load_many = getattr(self.store, "load_many", None)
        wanted = [p for p in plans if p not in self._ciphers and p not in self.erased]
        if load_many is None or not wanted:
            return
        for plan, key in load_many(wanted).items():
            self._ciphers[plan] = _aesgcm(key)

    def create(self, plan: str, first_record: str, key: bytes | None = None) -> AESGCM:
        """A new key for a new plan (or, copying a store, the key it had there), durable
        before the record `first_record` that first uses it is written."""
        if key is None:
            key = secrets.token_bytes(KEY_SIZE)
        self.store.put(plan, key, first_record)
        cipher = _aesgcm(key)
        self._ciphers[plan] = cipher
        return cipher

    def forget(self, plan: str) -> None:
        """The plan was erased: never open its texts again, whatever key may be found."""
        self.erased.add(plan)
        self._ciphers[plan] = None

    def erase(self, plan: str) -> bool:
        """Forget the plan's cipher and destroy its key; False when there was none left."""
        self.forget(plan)
        return self.store.destroy(plan)


class _Ciphers(dict[str, "AESGCM | None"]):
    """Each plan's cipher (None: no key), loaded on its first look-up."""

    def __init__(self, store: KeyStore, erased: set[str]) -> None:
        super().__init__()
        self._store = store
        self._erased = erased

    def __missing__(self, plan: str) -> AESGCM | None:
        key = None if plan in self._erased else self._store.load(plan)
        cipher = self[plan] = None if key is None else _aesgcm(key)
        return cipher


def _aesgcm(key: bytes) -> AESGCM:
    return _aesgcm_type()(key)


@cache
def _aesgcm_type() -> type[AESGCM]:
    # Imported on first use: a command that reads no personal text pays nothing for it;
    # looked up once (a list opens thousands of keys).
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM
