"""Writing an export to a file all at once or not at all, and the errors an export can give.

The bytes go to a temporary file beside the target, are flushed to disk, and
are renamed over the target only when complete, so a reader never sees half a
document and a failure leaves any earlier file untouched.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import unicodedata
from pathlib import Path

from core.i18n import register, t

EXIT_REFUSED = 1
"""The plan does not allow this export (unknown plan, report of an open plan)."""
EXIT_OUTPUT = 2
"""The output file cannot be written where asked; nothing was written."""

register(
    {
        "export.err.no_dir": (
            "Cannot write {path}: the folder {folder} does not exist.",
            "Kan {path} niet schrijven: de map {folder} bestaat niet.",
        ),
        "export.err.not_dir": (
            "Cannot write {path}: {folder} is not a folder.",
            "Kan {path} niet schrijven: {folder} is geen map.",
        ),
        "export.err.is_dir": (
            "Cannot write {path}: it is a folder; name a file.",
            "Kan {path} niet schrijven: het is een map; geef een bestandsnaam.",
        ),
        "export.err.no_permission": (
            "Cannot write {path}: no permission to write in {folder}.",
            "Kan {path} niet schrijven: geen schrijfrechten in {folder}.",
        ),
        "export.err.read_only": (
            "Cannot write {path}: the file is read-only.",
            "Kan {path} niet schrijven: het bestand is alleen-lezen.",
        ),
        "export.err.write": (
            "Cannot write {path}: {reason}. Nothing was written.",
            "Kan {path} niet schrijven: {reason}. Er is niets geschreven.",
        ),
        "export.err.not_regular": (
            "Cannot write {path}: it exists and is not a regular file ({kind}); name a file.",
            "Kan {path} niet schrijven: het bestaat en is geen gewoon bestand ({kind}); "
            "geef een bestandsnaam.",
        ),
        "export.err.suffix": (
            "Cannot write {path}: a {fmt} file ends in {suffixes}; name it so, or choose "
            "another format.",
            "Kan {path} niet schrijven: een {fmt}-bestand eindigt op {suffixes}; noem het zo, "
            "of kies een ander formaat.",
        ),
        "export.err.empty_path": (
            "Name the file to write.",
            "Geef de naam van het bestand om te schrijven.",
        ),
    }
)


class ExportError(Exception):
    """An export that cannot be made; nothing was written. `code` is the CLI's exit code."""

    def __init__(self, key: str, code: int, **params: object) -> None:
        self.key = key
        self.code = code
        self.params = params
        super().__init__(t(key, "en", **params))

    def message(self, lang: str | None = None) -> str:
        return t(self.key, lang, **self.params)


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


SUFFIXES = {"docx": (".docx",), "md": (".md", ".markdown"), "json": (".json",)}
"""The file name endings of each format; the first is the one leerpad suggests."""


def format_of(path: str | os.PathLike[str]) -> str | None:
    """The format a file name's ending asks for (docx, md, json), or None."""
    suffix = Path(path).suffix.lower()
    return next((fmt for fmt, endings in SUFFIXES.items() if suffix in endings), None)


def _kind(mode: int) -> str:
    for test, kind in (
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
        (stat.S_ISFIFO, "FIFO"),
        (stat.S_ISSOCK, "socket"),
    ):
        if test(mode):
            return kind
    return "special file"


def check_target(path: str | os.PathLike[str], fmt: str | None = None) -> Path:
    """The file to replace, checked before any work; raises ExportError when it cannot be.

    An existing target must be a regular file (through a link too: a device or a FIFO
    is never replaced), and with `fmt` its name must end as that format's files do.
    """
    if not os.fspath(path).strip():
        raise ExportError("export.err.empty_path", EXIT_OUTPUT)
    path = Path(os.path.expanduser(path))
    if path.is_symlink():
        # Replace what the link points at, not the link itself.
        path = path.resolve()
    folder = path.parent
    show = {"path": str(path), "folder": str(folder)}
    if path.is_dir():
        raise ExportError("export.err.is_dir", EXIT_OUTPUT, **show)
    try:
        mode = os.stat(path).st_mode
    except OSError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        raise ExportError("export.err.not_regular", EXIT_OUTPUT, kind=_kind(mode), **show)
    if not folder.exists():
        raise ExportError("export.err.no_dir", EXIT_OUTPUT, **show)
    if not folder.is_dir():
        raise ExportError("export.err.not_dir", EXIT_OUTPUT, **show)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ExportError("export.err.no_permission", EXIT_OUTPUT, **show)
    if path.exists() and not os.access(path, os.W_OK):
        raise ExportError("export.err.read_only", EXIT_OUTPUT, **show)
    if fmt is not None and fmt in SUFFIXES and format_of(path) != fmt:
        suffixes = " / ".join(SUFFIXES[fmt])
        raise ExportError("export.err.suffix", EXIT_OUTPUT, fmt=fmt, suffixes=suffixes, **show)
    return path


def write_atomic(path: str | os.PathLike[str], data: bytes, fmt: str | None = None) -> Path:
    """Write `data` to `path` completely or not at all; returns the path written."""
    path = check_target(path, fmt)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        # 0o666 so the new file gets the user's umask, as any other file they create.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except PermissionError as exc:
        raise ExportError(
            "export.err.no_permission", EXIT_OUTPUT, path=str(path), folder=str(path.parent)
        ) from exc
    except OSError as exc:
        raise ExportError(
            "export.err.write", EXIT_OUTPUT, path=str(path), reason=_reason(exc)
        ) from exc
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        _remove(tmp)
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise ExportError(
                "export.err.no_permission", EXIT_OUTPUT, path=str(path), folder=str(path.parent)
            ) from exc
        raise ExportError(
            "export.err.write", EXIT_OUTPUT, path=str(path), reason=_reason(exc)
        ) from exc
    except BaseException:
        _remove(tmp)
        raise
    return path


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def slug(text: str) -> str:
    """A file-name-safe form of a name: ASCII lower case, digits and hyphens."""
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")


__all__ = [
    "EXIT_OUTPUT",
    "EXIT_REFUSED",
    "SUFFIXES",
    "ExportError",
    "check_target",
    "format_of",
    "slug",
    "write_atomic",
]
