"""Opening names inside a store directory as if another group member had planted them.

Every member may create any name in a shared store, so nothing there is followed:
files are opened relative to the directory's descriptor, never through a symbolic
link, never blocking on a FIFO, and only when they are regular files.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import secrets
import stat
from pathlib import Path

from core.i18n import register, t

OPEN_FLAGS = os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
"""Added to every open of a name in a store: no links, no waiting on a FIFO, no terminal."""

register(
    {
        "files.not_regular": (
            "{path} is {what}, not a regular file; leerpad does not use it "
            "(another member of the group may have put it there).",
            "{path} is {what}, geen gewoon bestand; leerpad gebruikt het niet "
            "(een ander lid van de groep kan het daar gezet hebben).",
        ),
        "files.not_directory": (
            "{path} is {what}, not a directory; leerpad does not use it "
            "(another member of the group may have put it there).",
            "{path} is {what}, geen map; leerpad gebruikt het niet "
            "(een ander lid van de groep kan het daar gezet hebben).",
        ),
        "files.what.symlink": ("a symbolic link", "een symbolische koppeling"),
        "files.what.fifo": ("a named pipe (FIFO)", "een named pipe (FIFO)"),
        "files.what.device": ("a device", "een apparaat"),
        "files.what.directory": ("a directory", "een map"),
        "files.what.socket": ("a socket", "een socket"),
        "files.what.other": ("not a file", "geen bestand"),
    }
)


class UnsafeFile(OSError):
    """A name in the store is not a regular file (a link, FIFO, device, directory).

    With `directory`, a name that should be a directory (not a link to one) is not.
    """

    def __init__(self, path: Path | str, mode: int, *, directory: bool = False) -> None:
        key = "files.not_directory" if directory else "files.not_regular"
        message = t(key, path=path, what=t(f"files.what.{kind_of(mode)}"))
        super().__init__(errno.ELOOP if stat.S_ISLNK(mode) else errno.EINVAL, message)
        self.path = Path(path)

    def __str__(self) -> str:
        return str(self.strerror)


def kind_of(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "other"


def open_dir(path: Path | str) -> int:
    """A descriptor of a store directory (its own path is the user's choice: may be a link)."""
    return os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)


def lstat(dir_fd: int, name: str) -> os.stat_result | None:
    """The entry `name` itself (not what a link points to), or None when there is none."""
    try:
        return os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None


def open_regular(dir_fd: int, name: str, flags: int, *, shown: Path | str) -> int:
    """Open the existing regular file `name` in the directory; UnsafeFile for anything else.

    The entry is checked before opening (so a device is never opened) and the
    opened file again after (so a name swapped in between is caught). `shown` is
    the path used in messages.
    """
    before = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    if not stat.S_ISREG(before.st_mode):
        raise UnsafeFile(shown, before.st_mode)
    try:
        fd = os.open(name, flags | OPEN_FLAGS, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENXIO, errno.EISDIR):
            now = lstat(dir_fd, name)
            if now is not None and not stat.S_ISREG(now.st_mode):
                raise UnsafeFile(shown, now.st_mode) from None
        raise
    try:
        after = os.fstat(fd)
        if not stat.S_ISREG(after.st_mode):
            raise UnsafeFile(shown, after.st_mode)
        if (after.st_dev, after.st_ino) != (before.st_dev, before.st_ino):
            raise UnsafeFile(shown, stat.S_IFLNK)
        # O_NONBLOCK was only there for the open; regular files ignore it, but say what we mean.
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_regular(directory: Path, name: str, *, limit: int) -> bytes:
    """The first `limit` bytes of the regular file `name` in `directory` (UnsafeFile otherwise)."""
    dir_fd = open_dir(directory)
    try:
        fd = open_regular(dir_fd, name, os.O_RDONLY, shown=directory / name)
    finally:
        os.close(dir_fd)
    try:
        return os.read(fd, limit)
    finally:
        os.close(fd)


def create_new(dir_fd: int, stem: str, *, mode: int) -> tuple[str, int]:
    """Create a new file with an unpredictable name `.<stem>.<random>.new`: (name, write fd).

    O_EXCL: a name another member planted first (a link to their own file) is never
    opened; a fresh random name is tried instead.
    """
    for _ in range(8):
        name = f".{stem}.{secrets.token_hex(8)}.new"
        try:
            fd = os.open(
                name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | OPEN_FLAGS, mode, dir_fd=dir_fd
            )
        except FileExistsError:
            continue
        return name, fd
    raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), stem)


def create_named(dir_fd: int, name: str, *, mode: int) -> int:
    """Create the new file `name` (O_EXCL: an existing entry, of any kind, is an error)."""
    return os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | OPEN_FLAGS, mode, dir_fd=dir_fd)


def unlink_quietly(dir_fd: int, name: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(name, dir_fd=dir_fd)


def fsync_dir_fd(dir_fd: int) -> None:
    os.fsync(dir_fd)


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def replace_file(dir_fd: int, name: str, data: bytes, *, mode: int | None) -> None:
    """Atomically put `data` under `name`: written to a new random name, fsynced, renamed.

    The rename replaces whatever entry `name` is (a planted link is replaced, not
    followed); a directory there makes it fail. `mode` None means the umask's.
    """
    tmp, fd = create_new(dir_fd, name, mode=0o666 if mode is None else mode)
    try:
        try:
            if mode is not None:
                os.fchmod(fd, mode)  # beats the umask
            write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        existing = lstat(dir_fd, name)
        if existing is not None and stat.S_ISDIR(existing.st_mode):
            raise UnsafeFile(name, existing.st_mode)
        os.rename(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException:
        unlink_quietly(dir_fd, tmp)
        raise
    fsync_dir_fd(dir_fd)


def file_mode(dir_mode: int) -> int | None:
    """Permission bits for a file made in a directory of this mode (None: the umask's).

    A setgid directory is a team store: its files get the directory's group
    read/write bits and nothing for others, whatever the creator's umask.
    """
    if not dir_mode & stat.S_ISGID:
        return None
    return 0o600 | (dir_mode & 0o060)


def open_subdir(dir_fd: int, name: str, *, shown: Path) -> int:
    """Open the directory `name` inside, creating it when missing; never through a link.

    A new one gets the modes of the directory it is made in when that is a team
    store (setgid): the same group, the same access for the group.
    """
    st = lstat(dir_fd, name)
    if st is None:
        parent = os.fstat(dir_fd).st_mode
        team = bool(parent & stat.S_ISGID)
        with contextlib.suppress(FileExistsError):
            os.mkdir(name, 0o700 if team else 0o777, dir_fd=dir_fd)
        st = lstat(dir_fd, name)
        if st is None:
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(shown))
    if not stat.S_ISDIR(st.st_mode):
        raise UnsafeFile(shown, st.st_mode, directory=True)
    fd = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=dir_fd)
    try:
        mine = os.fstat(fd)
        if (mine.st_dev, mine.st_ino) != (st.st_dev, st.st_ino):
            raise UnsafeFile(shown, stat.S_IFLNK, directory=True)
        parent = os.fstat(dir_fd).st_mode
        if parent & stat.S_ISGID and mine.st_uid == os.geteuid() and mine.st_nlink == 2:
            # Made just now (or still empty) by us: the store's own modes, not the umask's.
            os.fchmod(fd, stat.S_IMODE(parent) & 0o2770)
        os.fsync(dir_fd)
    except BaseException:
        os.close(fd)
        raise
    return fd


def replace_in_subdir(store: Path, subdir: str, name: str, data: bytes) -> None:
    """Atomically write `store/subdir/name`, creating `subdir`; no link is ever followed."""
    dir_fd = open_dir(store)
    try:
        sub_fd = open_subdir(dir_fd, subdir, shown=store / subdir)
    finally:
        os.close(dir_fd)
    try:
        replace_file(sub_fd, name, data, mode=file_mode(os.fstat(sub_fd).st_mode))
    finally:
        os.close(sub_fd)
