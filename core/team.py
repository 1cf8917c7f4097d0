"""A store shared by a team on one server: its directory, file modes and who may open it.

File permissions decide who can reach the store at all; roles inside it are
core/access.py's business. The file backend (core/filestore.py) calls
`check_store_access` when it opens a store.
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import stat
import sys
from pathlib import Path

import msgspec

from core import storefiles
from core.i18n import register, t
from core.identity import current_actor
from core.log import LOG_NAME, create_log

STORE_MODE = 0o2770
"""A team store's directory: setgid (new files get its group), the group rwx, others nothing."""

NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "ncpfs",
        "9p",
        "afs",
        "coda",
        "davfs",
        "glusterfs",
        "fuse.sshfs",
        "fuse.s3fs",
        "fuse.rclone",
        "fuse.gcsfuse",
        "fuse.glusterfs",
        "fuse.davfs2",
    }
)
"""Filesystems where a lock taken on one machine does not reliably stop a writer on another."""

MOUNTINFO = Path("/proc/self/mountinfo")

register(
    {
        "team.not_in_group": (
            "You are not in group {group}, which owns {path}: ask an administrator to add "
            "you (usermod -aG {group} {login}), then log in again.",
            "Je bent geen lid van groep {group}, die eigenaar is van {path}: vraag een "
            "beheerder om je toe te voegen (usermod -aG {group} {login}) en meld je "
            "daarna opnieuw aan.",
        ),
        "team.group_closed": (
            "Group {group} owns {path} but has no access to it (mode {mode}): an "
            "administrator can fix that with: chmod 2770 {path}",
            "Groep {group} is eigenaar van {path} maar heeft er geen toegang toe "
            "(modus {mode}): een beheerder lost dat op met: chmod 2770 {path}",
        ),
        "team.no_access": (
            "You have no access to {path} (owner {owner}, group {group}, mode {mode}).",
            "Je hebt geen toegang tot {path} (eigenaar {owner}, groep {group}, modus {mode}).",
        ),
        "team.file_closed": (
            "You cannot read {path} (owner {owner}, group {group}, mode {mode}): an "
            "administrator can fix that with: chgrp -R {group} {store} && "
            "chmod -R g+rw,o-rwx {store}",
            "Je kunt {path} niet lezen (eigenaar {owner}, groep {group}, modus {mode}): "
            "een beheerder lost dat op met: chgrp -R {group} {store} && "
            "chmod -R g+rw,o-rwx {store}",
        ),
        "team.world_readable": (
            "Users outside group {group} can read the store {path} (training plans hold "
            "personal data). Fix it with: chmod -R o-rwx {path}",
            "Gebruikers buiten groep {group} kunnen de opslag {path} lezen (opleidingsplannen "
            "bevatten persoonsgegevens). Los het op met: chmod -R o-rwx {path}",
        ),
        "team.not_setgid": (
            "The store {path} is shared with group {group} but is not setgid, so new files "
            "would get their creator's own group. Fix it with: chmod g+s {path}",
            "De opslag {path} wordt gedeeld met groep {group} maar is niet setgid, zodat "
            "nieuwe bestanden de groep van hun maker krijgen. Los het op met: chmod g+s {path}",
        ),
        "team.network_fs": (
            "{path} is on a network filesystem ({fstype}), where the file lock that keeps "
            "writers apart is not reliable, so leerpad only reads it. Put the store on a "
            "local disk of the server everyone logs in to.",
            "{path} staat op een netwerkbestandssysteem ({fstype}), waar het bestandsslot "
            "dat schrijvers uit elkaar houdt niet betrouwbaar is; leerpad leest het daarom "
            "alleen. Zet de opslag op een lokale schijf van de server waarop iedereen inlogt.",
        ),
        "team.unknown_group": (
            "There is no group {group} on this system: create it first (groupadd {group}).",
            "Er is geen groep {group} op dit systeem: maak ze eerst aan (groupadd {group}).",
        ),
        "team.not_member": (
            "You cannot give {path} to group {group}: you are not a member of it "
            "(run init-store as root or as a member).",
            "Je kunt {path} niet aan groep {group} geven: je bent er geen lid van "
            "(voer init-store uit als root of als lid).",
        ),
        "team.not_empty": (
            "{path} already exists and holds other files than a leerpad store; "
            "choose a new or empty directory.",
            "{path} bestaat al en bevat andere bestanden dan een leerpad-opslag; "
            "kies een nieuwe of lege map.",
        ),
        "team.not_dir": ("{path} is not a directory.", "{path} is geen map."),
        "team.python_closed": (
            "The Python running leerpad cannot be used by the other members of "
            "{group} ({path} is closed to them), so they cannot run this leerpad: install "
            "it in a venv made with the system Python (see the README's team section).",
            "De Python waarmee leerpad draait is onbruikbaar voor de andere "
            "leden van {group} ({path} is voor hen afgesloten), dus kunnen zij deze leerpad "
            "niet starten: installeer ze in een venv gemaakt met de systeem-Python (zie de "
            "teamsectie van de README).",
        ),
        "team.os_error": (
            "Cannot set up {path}: {why}.",
            "Kan {path} niet inrichten: {why}.",
        ),
    }
)


class NoAccess(Exception):
    """The current user cannot open the store; the message says why in one sentence."""


class SetupError(Exception):
    """`init_store` cannot do what was asked; `usage` is True when the arguments are wrong."""

    def __init__(self, message: str, *, usage: bool = False) -> None:
        super().__init__(message)
        self.usage = usage


# --- names ----------------------------------------------------------------------------------


def group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def my_groups() -> set[int]:
    """The groups this process has now (a group joined after login is not among them)."""
    return {os.getegid(), *os.getgroups()}


def mode_text(mode: int) -> str:
    return f"{stat.S_IMODE(mode):04o}"


# --- opening: access, exposure, network filesystems --------------------------------------


class StoreCheck(msgspec.Struct):
    """What opening a store should know before it reads: warnings, and why it may not write."""

    warnings: list[str] = msgspec.field(default_factory=list)
    read_only: str | None = None


def require_access(path: Path) -> None:
    """Raise NoAccess, with one sentence naming the group to join, when `path` is closed to us."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return
    except PermissionError:
        blocker = _first_closed_ancestor(path)
        raise NoAccess(_closed_message(blocker)) from None
    except OSError:
        # Other problems (a loop, a broken mount) are reported by whoever opens it.
        return
    if stat.S_ISDIR(st.st_mode) and not os.access(path, os.R_OK | os.X_OK):
        raise NoAccess(_closed_message(path))
    log = path / LOG_NAME
    try:
        log_st = os.stat(log)
    except OSError:
        return
    if not os.access(log, os.R_OK):
        raise NoAccess(
            t(
                "team.file_closed",
                path=log,
                owner=user_name(log_st.st_uid),
                group=group_name(st.st_gid),
                mode=mode_text(log_st.st_mode),
                store=path,
            )
        )


def _first_closed_ancestor(path: Path) -> Path:
    """The highest directory on the way to `path` that we may not enter."""
    path = path.absolute()
    for ancestor in reversed(path.parents):
        if not os.access(ancestor, os.X_OK):
            return ancestor
    return path


def _closed_message(directory: Path) -> str:
    try:
        st = os.stat(directory)
    except OSError:
        return t("team.no_access", path=directory, owner="?", group="?", mode="?")
    group = group_name(st.st_gid)
    if st.st_uid != os.geteuid() and st.st_gid not in my_groups():
        return t("team.not_in_group", group=group, path=directory, login=current_actor())
    if st.st_gid in my_groups() and not st.st_mode & stat.S_IXGRP:
        return t("team.group_closed", group=group, path=directory, mode=mode_text(st.st_mode))
    return t(
        "team.no_access",
        path=directory,
        owner=user_name(st.st_uid),
        group=group,
        mode=mode_text(st.st_mode),
    )


def check_store_access(path: Path, *, mountinfo: str | None = None) -> StoreCheck:
    """Check a store before opening it: raise NoAccess, else return warnings and read-only.

    `mountinfo` replaces /proc/self/mountinfo (for tests).
    """
    path = Path(path)
    require_access(path)
    check = StoreCheck()
    if not path.is_dir():
        existing = _existing_ancestor(path)
        fstype = network_filesystem(existing, mountinfo=mountinfo)
        if fstype:
            check.read_only = t("team.network_fs", path=path, fstype=fstype)
        return check
    fstype = network_filesystem(path, mountinfo=mountinfo)
    if fstype:
        check.read_only = t("team.network_fs", path=path, fstype=fstype)
    check.warnings.extend(exposure_warnings(path))
    return check


def _existing_ancestor(path: Path) -> Path:
    path = path.absolute()
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path("/")


def exposure_warnings(path: Path) -> list[str]:
    """Warnings when users outside the store's group can read it, or new files would escape it."""
    warnings: list[str] = []
    st = os.stat(path)
    group = group_name(st.st_gid)
    if others_can_read(path):
        warnings.append(t("team.world_readable", group=group, path=path))
    if st.st_mode & stat.S_IWGRP and not st.st_mode & stat.S_ISGID and _shared_group(st):
        warnings.append(t("team.not_setgid", group=group, path=path))
    return warnings


def shared_group(path: Path) -> str | None:
    """The group that shares the store `path` (its members may write in it), else None."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    if st.st_mode & stat.S_IWOTH or (st.st_mode & stat.S_IWGRP and _shared_group(st)):
        return group_name(st.st_gid)
    return None


def _shared_group(st: os.stat_result) -> bool:
    """The directory's group is not just its owner's own (user-private) primary group."""
    try:
        return pwd.getpwuid(st.st_uid).pw_gid != st.st_gid
    except KeyError:
        return True


def others_can_read(path: Path) -> bool:
    """True when a user in neither the owner nor the group can list the store or read a file.

    They must be able to pass through every directory above it, so a store in a
    private home directory (0700) is not exposed even if its own modes are loose.
    """
    path = path.absolute()
    for ancestor in path.parents:
        try:
            if not os.stat(ancestor).st_mode & stat.S_IXOTH:
                return False
        except OSError:
            return False
    st = os.stat(path)
    if not st.st_mode & stat.S_IXOTH:
        return False
    if st.st_mode & stat.S_IROTH:
        return True
    try:
        entries = list(os.scandir(path))
    except OSError:
        return False
    for entry in entries:
        try:
            if entry.stat(follow_symlinks=False).st_mode & stat.S_IROTH:
                return True
        except OSError:
            continue
    return False


# --- network filesystems ---------------------------------------------------------------------


class Mount(msgspec.Struct, frozen=True):
    mount_point: str
    fstype: str
    source: str


def _unescape(field_: str) -> str:
    # mountinfo writes space, tab, newline and backslash as octal escapes (\040 ...).
    out = []
    i = 0
    while i < len(field_):
        code = field_[i + 1 : i + 4]
        if field_[i] == "\\" and len(code) == 3 and all(c in "01234567" for c in code):
            out.append(chr(int(code, 8)))
            i += 4
        else:
            out.append(field_[i])
            i += 1
    return "".join(out)


def parse_mountinfo(text: str) -> list[Mount]:
    """The mounts of a /proc/self/mountinfo text, in its order (later ones mount over earlier)."""
    mounts: list[Mount] = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 10:
            continue
        try:
            sep = fields.index("-", 6)
        except ValueError:
            continue
        if len(fields) < sep + 3:
            continue
        mounts.append(Mount(_unescape(fields[4]), fields[sep + 1], _unescape(fields[sep + 2])))
    return mounts


def mount_of(path: Path, mounts: list[Mount]) -> Mount | None:
    """The mount `path` (absolute, resolved) lives on: the longest mount point, the last one."""
    text = str(path)
    best: Mount | None = None
    for mount in mounts:
        point = mount.mount_point
        inside = point == "/" or text == point or text.startswith(point.rstrip("/") + "/")
        if inside and (best is None or len(point) >= len(best.mount_point)):
            best = mount
    return best


def is_network(mount: Mount) -> bool:
    fstype = mount.fstype
    if fstype in NETWORK_FILESYSTEMS or fstype.startswith(("nfs", "smb")):
        return True
    # Any other FUSE filesystem with a remote-looking source (host:path, //host/share).
    return fstype.startswith("fuse.") and (":" in mount.source or mount.source.startswith("//"))


def network_filesystem(path: Path, *, mountinfo: str | None = None) -> str | None:
    """The filesystem type when `path` is on a network filesystem, else None.

    Without /proc/self/mountinfo (not Linux) nothing is detected.
    """
    if mountinfo is None:
        try:
            mountinfo = MOUNTINFO.read_text(encoding="utf-8", errors="surrogateescape")
        except OSError:
            return None
    try:
        resolved = Path(path).resolve()
    except OSError:
        resolved = Path(path).absolute()
    mount = mount_of(resolved, parse_mountinfo(mountinfo))
    if mount is not None and is_network(mount):
        return mount.fstype
    return None


# --- init-store --------------------------------------------------------------------------------


class InitResult(msgspec.Struct, frozen=True):
    path: Path
    group: str
    created: bool
    """False when an existing store had its permissions set right."""
    warnings: tuple[str, ...] = ()


def init_store(path: Path, group: str) -> InitResult:
    """Create (or repair) a team store: directory 2770 and setgid, files 0660, all in `group`.

    Raises SetupError. Works whatever the umask: every mode is set explicitly.
    """
    path = Path(path).absolute()
    try:
        gid = int(group) if group.isdigit() else grp.getgrnam(group).gr_gid
        name = group_name(gid) if group.isdigit() else group
    except KeyError:
        raise SetupError(t("team.unknown_group", group=group), usage=True) from None
    if os.geteuid() != 0 and gid not in my_groups():
        raise SetupError(t("team.not_member", path=path, group=name), usage=True)
    existing_ancestor = _existing_ancestor(path)
    fstype = network_filesystem(existing_ancestor)
    if fstype:
        raise SetupError(t("team.network_fs", path=path, fstype=fstype))
    log_path = path / LOG_NAME
    try:
        if path.exists():
            if not path.is_dir():
                raise SetupError(t("team.not_dir", path=path))
            created = not log_path.exists()
            if created and any(path.iterdir()):
                raise SetupError(t("team.not_empty", path=path))
        else:
            created = True
            path.mkdir(parents=True)
        dir_fd = storefiles.open_dir(path)
        try:
            # Anything but files and directories (a planted link, a FIFO) stops it before a change.
            _share_tree(dir_fd, path, gid, change=False)
            os.fchown(dir_fd, -1, gid)
            os.fchmod(dir_fd, STORE_MODE)
            if created:
                create_log(log_path, mode=new_file_mode(path))
            # What was there before (an existing store being shared) joins the group,
            # loses "others".
            _share_tree(dir_fd, path, gid, change=True)
        finally:
            os.close(dir_fd)
    except storefiles.UnsafeFile as exc:
        raise SetupError(str(exc)) from exc
    except SetupError:
        raise
    except OSError as exc:
        raise SetupError(t("team.os_error", path=path, why=exc.strerror or str(exc))) from exc
    closed = interpreter_closed_to(gid)
    warnings = (t("team.python_closed", path=closed, group=name),) if closed else ()
    return InitResult(path, name, created, warnings)


def interpreter_closed_to(gid: int, paths: tuple[str, ...] | None = None) -> Path | None:
    """The first file or directory on the way to this Python that members of `gid` cannot use.

    Other members run leerpad with the same interpreter and venv; one under a
    private home (a pyenv build in /root) fails for them with "bad interpreter".
    `paths` replaces the interpreter, the venv and the standard library (for tests).
    """
    if paths is None:
        paths = (os.path.realpath(sys.executable), sys.prefix, os.path.dirname(os.__file__))
    for item in paths:
        target = Path(item).absolute()
        for step in (*reversed(target.parents), target):
            try:
                st = os.stat(step)
            except OSError:
                continue
            mode = st.st_mode
            usable = mode & stat.S_IXOTH or (st.st_gid == gid and mode & stat.S_IXGRP)
            if not usable:
                return step
    return None


def _share_tree(dir_fd: int, shown: Path, gid: int, *, change: bool) -> None:
    """Give everything under a directory to `gid` (directories 2770, files 0660).

    Each entry is opened without following links and changed through its own
    descriptor, so a name swapped for a link meanwhile is never changed; anything
    that is not a file or directory raises UnsafeFile. Without `change`, only checks.
    """
    for entry in sorted(os.scandir(dir_fd), key=lambda e: e.name):
        st = entry.stat(follow_symlinks=False)
        where = shown / entry.name
        if stat.S_ISDIR(st.st_mode):
            flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
            fd = os.open(entry.name, flags, dir_fd=dir_fd)
            try:
                if change:
                    os.fchown(fd, -1, gid)
                    os.fchmod(fd, STORE_MODE)
                _share_tree(fd, where, gid, change=change)
            finally:
                os.close(fd)
        elif stat.S_ISREG(st.st_mode):
            if change:
                fd = storefiles.open_regular(dir_fd, entry.name, os.O_RDONLY, shown=where)
                try:
                    os.fchown(fd, -1, gid)
                    os.fchmod(fd, 0o660)
                finally:
                    os.close(fd)
        else:
            raise storefiles.UnsafeFile(where, st.st_mode)


def new_file_mode(directory: Path) -> int | None:
    """Permission bits for files leerpad creates in a store directory (None: the umask's).

    A setgid directory is a team store: its files get the directory's group
    read/write bits and nothing for others, whatever the creator's umask.
    """
    return storefiles.file_mode(directory.stat().st_mode)


def site_config_line(path: Path) -> str:
    """The line that makes `path` everyone's store in the site config file."""
    return f"store = {toml_string(str(path))}"


def toml_string(text: str) -> str:
    """A TOML basic string (JSON escapes are valid TOML escapes for these characters)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")
