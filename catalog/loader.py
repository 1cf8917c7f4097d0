"""Load occupation profiles from TOML files, check them, and gather them into a Catalog.

The shipped profiles live in this package's data/ folder; callers pass further folders.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Iterator, Sequence
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import msgspec

from catalog.schema import Profile
from core import storefiles

_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_AT_RE = re.compile(r"^(?P<what>.*?)(?: - at `(?P<at>[^`]*)`)?$", re.DOTALL)
_MISSING_RE = re.compile(r"(?:missing required|contains unknown) field `(?P<name>[^`]*)`")
_LINE_RE = re.compile(r"\(at line (?P<line>\d+)")


class CatalogError(ValueError):
    """A catalog file that cannot be used; the message names the file and the field or line."""

    def __init__(
        self, path: str, message: str, *, field: str | None = None, line: int | None = None
    ):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.field = field
        self.line = line


class UnknownOccupation(KeyError):
    """No profile (or more than one) matches the id, prefix or title asked for."""

    def __init__(self, message: str, known: Sequence[str]):
        super().__init__(message)
        self.known = list(known)

    def __str__(self) -> str:
        # KeyError would show the repr of the message, quotes and all.
        return str(self.args[0])


def profile_problems(profile: Profile) -> list[tuple[str, str]]:
    """What is wrong with a decoded profile beyond its types, as (field path, problem) pairs."""
    problems: list[tuple[str, str]] = []

    def text(path: str, value: str) -> None:
        if not value.strip():
            problems.append((path, "must not be empty"))

    text("$.id", profile.id)
    if profile.id.strip() and not _ID_RE.fullmatch(profile.id):
        problems.append(
            ("$.id", "use letters, digits, '.', '_' and '-' only (it is typed on the command line)")
        )
    if profile.version < 1:
        problems.append(("$.version", "must be 1 or more"))
    text("$.title", profile.title)
    text("$.description", profile.description)
    if profile.weeks is not None and profile.weeks < 1:
        problems.append(("$.weeks", "must be 1 or more"))
    if not profile.job:
        problems.append(("$.job", "needs at least one job competency"))
    for i, job in enumerate(profile.job):
        text(f"$.job[{i}].title", job.title)
        if not job.rows:
            problems.append((f"$.job[{i}].rows", "needs at least one row"))
        for j, row in enumerate(job.rows):
            at = f"$.job[{i}].rows[{j}]"
            if not row.actions:
                problems.append((f"{at}.actions", "needs at least one training action"))
            for k, skill in enumerate(row.skills):
                text(f"{at}.skills[{k}]", skill)
            for k, action in enumerate(row.actions):
                text(f"{at}.actions[{k}]", action)
    for i, personal in enumerate(profile.personal):
        text(f"$.personal[{i}].name", personal.name)
        text(f"$.personal[{i}].description", personal.description)
    scale = profile.scale
    if len(scale) < 2:
        problems.append(("$.scale", "needs at least 2 levels"))
    seen: set[str] = set()
    for i, level in enumerate(scale):
        for key in ("key", "nl", "en"):
            text(f"$.scale[{i}].{key}", getattr(level, key))
        if level.key in seen:
            problems.append((f"$.scale[{i}].key", f"{level.key!r} is used twice"))
        seen.add(level.key)
    if scale and not any(level.acquired for level in scale):
        problems.append(("$.scale", "needs at least one level with acquired = true"))
    # "Acquired from level X up" is how evaluations read the scale.
    for i in range(1, len(scale)):
        if scale[i - 1].acquired and not scale[i].acquired:
            problems.append(
                (f"$.scale[{i}].acquired", "levels above an acquired level must be acquired too")
            )
    return problems


def decode_profile(data: bytes | str, name: str) -> Profile:
    """Decode and check one catalog file's content; `name` is the file named in errors."""
    if isinstance(data, bytes):
        # Decoded here, not by msgspec, so the message is ours in every msgspec version.
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CatalogError(
                name, f"not UTF-8 text: byte {exc.start} is 0x{data[exc.start]:02x}"
            ) from exc
    try:
        profile = msgspec.toml.decode(data, type=Profile)
    except msgspec.ValidationError as exc:
        match = _AT_RE.match(str(exc))
        assert match is not None  # the pattern matches any string
        what, at = match["what"], match["at"] or "$"
        named = _MISSING_RE.search(what)
        field = f"{at}.{named['name']}" if named else at
        raise CatalogError(name, f"{field}: {what}", field=field) from exc
    except msgspec.DecodeError as exc:
        found = _LINE_RE.search(str(exc))
        line = int(found["line"]) if found else None
        raise CatalogError(name, f"not valid TOML: {exc}", line=line) from exc
    problems = profile_problems(profile)
    if problems:
        field, problem = problems[0]
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise CatalogError(name, f"{field}: {problem}{more}", field=field)
    return profile


def load_profile(path: str | os.PathLike[str]) -> Profile:
    """Read one catalog file; raise CatalogError naming the file and the field or line."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CatalogError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    return decode_profile(data, str(path))


def _toml_files(folder: Traversable | Path) -> Iterator[tuple[str, bytes | CatalogError]]:
    if isinstance(folder, Path):
        yield from _folder_files(folder)
        return
    # Dot files are editor locks and backups, not profiles.
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml") and not entry.name.startswith(".") and entry.is_file():
            yield str(entry), entry.read_bytes()


def _folder_files(folder: Path) -> Iterator[tuple[str, bytes | CatalogError]]:
    """The profiles in a folder on disk, read without following a link: a store's catalog/
    is writable by every member of the group, who could plant a link or a FIFO there."""
    try:
        parent = storefiles.open_dir(folder.parent)
    except (FileNotFoundError, NotADirectoryError):
        return  # a store or user without own profiles
    except OSError as exc:
        yield str(folder), CatalogError(str(folder), f"cannot read: {exc.strerror or exc}")
        return
    try:
        found = storefiles.lstat(parent, folder.name)
        if found is None:
            return
        if not stat.S_ISDIR(found.st_mode):
            message = "not a directory"
            if stat.S_ISLNK(found.st_mode):
                message = str(storefiles.UnsafeFile(folder, found.st_mode, directory=True))
            yield str(folder), CatalogError(str(folder), message)
            return
        flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
        try:
            fd = os.open(folder.name, flags, dir_fd=parent)
        except OSError as exc:
            yield str(folder), CatalogError(str(folder), f"cannot read: {exc.strerror or exc}")
            return
    finally:
        os.close(parent)
    try:
        # Dot files are editor locks and backups, not profiles.
        for name in sorted(os.listdir(fd)):
            if not name.endswith(".toml") or name.startswith("."):
                continue
            entry = storefiles.lstat(fd, name)
            if entry is not None and not stat.S_ISDIR(entry.st_mode):
                yield str(folder / name), _read_regular(fd, name, folder / name)
    finally:
        os.close(fd)


def _read_regular(dir_fd: int, name: str, shown: Path) -> bytes | CatalogError:
    """A profile's bytes; a link, FIFO or device is refused, naming it."""
    try:
        fd = storefiles.open_regular(dir_fd, name, os.O_RDONLY, shown=shown)
    except storefiles.UnsafeFile as exc:
        return CatalogError(str(shown), str(exc))
    except OSError as exc:
        return CatalogError(str(shown), f"cannot read: {exc.strerror or exc}")
    with os.fdopen(fd, "rb") as file:
        try:
            return file.read()
        except OSError as exc:
            return CatalogError(str(shown), f"cannot read: {exc.strerror or exc}")


class Catalog:
    """The occupation profiles a new plan can start from, by id."""

    def __init__(self, profiles: Iterable[Profile] = (), errors: Iterable[CatalogError] = ()):
        self._by_id = {profile.id: profile for profile in profiles}
        self.errors: list[CatalogError] = list(errors)
        # Which file each profile came from, for the catalog browser.
        self.sources: dict[str, str] = {}

    @classmethod
    def load(cls, extra_dirs: Sequence[Path] = ()) -> Catalog:
        """The shipped profiles, then each extra folder's *.toml; later folders win on an id."""
        catalog = cls()
        folders: list[Traversable | Path] = [resources.files("catalog").joinpath("data")]
        folders += [Path(d) for d in extra_dirs]
        for folder in folders:
            here: dict[str, str] = {}
            for name, data in _toml_files(folder):
                try:
                    if isinstance(data, CatalogError):
                        raise data
                    profile = decode_profile(data, name)
                    if profile.id in here:
                        raise CatalogError(
                            name,
                            f"$.id: {profile.id!r} is already defined in {here[profile.id]}",
                            field="$.id",
                        )
                except CatalogError as exc:
                    catalog.errors.append(exc)
                    continue
                here[profile.id] = name
                catalog._by_id[profile.id] = profile
                catalog.sources[profile.id] = name
        return catalog

    def profiles(self) -> list[Profile]:
        """All profiles, sorted by title."""
        return sorted(self._by_id.values(), key=lambda p: (p.title.casefold(), p.id))

    def get(self, key: str) -> Profile:
        """The profile with this id, else the one whose id or title matches case-insensitively,
        else the one whose id or title starts with it; UnknownOccupation if none or several."""
        if key in self._by_id:
            return self._by_id[key]
        folded = key.strip().casefold()
        known = sorted(self._by_id)
        if folded:
            for match in (
                lambda p: folded in (p.id.casefold(), p.title.casefold()),
                lambda p: (
                    p.id.casefold().startswith(folded) or p.title.casefold().startswith(folded)
                ),
            ):
                found = [p for p in self.profiles() if match(p)]
                if len(found) == 1:
                    return found[0]
                if found:
                    ids = ", ".join(p.id for p in found)
                    raise UnknownOccupation(
                        f"occupation {key!r} is ambiguous: it matches {ids}", known
                    )
        raise UnknownOccupation(
            f"unknown occupation {key!r}; known: {', '.join(known) or '(none)'}", known
        )
