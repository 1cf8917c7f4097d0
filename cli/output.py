"""Standard output that is written whole or fails loudly, in any terminal encoding.

A short write (a file size limit, a full disk) is retried until it fails, and the
failure is raised as OutputFailed, never dropped; characters the encoding cannot
hold (a Latin-1 terminal, a stray undecodable byte) degrade to ASCII look-alikes.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import io
import os
import sys
from collections.abc import Iterator

from core.safe import ascii_symbol

FALLBACK = "leerpad.ascii"
"""The codec error handler that writes ASCII look-alikes (core.safe.ascii_symbol)."""


def _fallback(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    text = exc.object[exc.start : exc.end]
    return "".join(ascii_symbol(ch) for ch in text), exc.end


codecs.register_error(FALLBACK, _fallback)


class OutputFailed(OSError):
    """Standard output could not take everything written to it."""


class _WholeWriter(io.RawIOBase):
    """A file descriptor whose writes either complete or raise (never a silent short write)."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self._fd = fd
        self.failed = False
        """Set after the first failure: later writes are dropped, the failure was reported."""

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def isatty(self) -> bool:
        return os.isatty(self._fd)

    def write(self, data: bytes | bytearray | memoryview) -> int:
        view = memoryview(data).cast("B")
        total = len(view)
        while view and not self.failed:
            try:
                written = os.write(self._fd, view)
                if written == 0:
                    raise OSError(errno.EIO, os.strerror(errno.EIO))
            except OSError as exc:
                self.failed = True
                if isinstance(exc, BrokenPipeError):
                    raise
                raise OutputFailed(exc.errno, exc.strerror) from exc
            view = view[written:]
        return total

    def close(self) -> None:
        # The descriptor belongs to the process (fd 1): leave it open.
        super().close()


def can_show(text: str, stream: object) -> bool:
    """Whether `stream`'s encoding holds every character of `text`."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


@contextlib.contextmanager
def whole_output() -> Iterator[None]:
    """Within: sys.stdout writes whole or raises OutputFailed; stdout and stderr degrade.

    Only the process's own streams are replaced (a test's captured streams are left).
    """
    old_out, old_err = sys.stdout, sys.stderr
    replaced = None
    if old_err is not None and old_err is sys.__stderr__ and hasattr(old_err, "reconfigure"):
        old_err.reconfigure(errors=FALLBACK)
    if old_out is not None and old_out is sys.__stdout__:
        try:
            fd = old_out.fileno()
            old_out.flush()
        except (OSError, ValueError, AttributeError):
            fd = -1
        if fd >= 0:
            replaced = io.TextIOWrapper(
                io.BufferedWriter(_WholeWriter(fd)),
                encoding=old_out.encoding,
                errors=FALLBACK,
                line_buffering=old_out.line_buffering,
            )
            sys.stdout = replaced
    try:
        yield
    finally:
        if replaced is not None:
            sys.stdout = old_out
            with contextlib.suppress(OSError, ValueError):
                replaced.flush()
                replaced.detach()
