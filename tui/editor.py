"""Long text in the user's own editor ($VISUAL, $EDITOR): the app steps aside while it runs.

The text goes to a private temporary file (mode 0600, a name nobody can guess) that
is removed afterwards; what the editor saved comes back, or nothing changes when
the editor failed, could not be started, or saved bytes that are not UTF-8.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import SuspendNotSupported

from core.i18n import register, t

if TYPE_CHECKING:
    from textual.app import App

DEFAULT_EDITOR = "vi"


def editor_command(environ: dict[str, str] | None = None) -> list[str]:
    """The editor to run, as its words: $VISUAL, else $EDITOR, else vi."""
    env = os.environ if environ is None else environ
    chosen = env.get("VISUAL") or env.get("EDITOR") or DEFAULT_EDITOR
    return shlex.split(chosen) or [DEFAULT_EDITOR]


def edit_text(app: App[None], text: str) -> str | None:
    """Let the user edit `text` in their editor: the text saved, or None when there is none
    to take (the user was told why)."""
    fd, name = tempfile.mkstemp(prefix="leerpad-", suffix=".txt")
    path = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
        command = [*editor_command(), str(path)]
        try:
            try:
                with app.suspend():
                    code = subprocess.run(command, check=False).returncode
            except SuspendNotSupported:
                # No terminal to hand over (a headless run): the editor runs without one.
                code = subprocess.run(command, check=False, stdin=subprocess.DEVNULL).returncode
        except OSError as exc:
            app.notify(
                t("ui.editor.failed", editor=command[0], error=exc.strerror or str(exc)),
                severity="error",
                markup=False,
            )
            return None
        if code != 0:
            app.notify(t("ui.editor.exit", editor=command[0], code=code), markup=False)
            return None
        try:
            return path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            app.notify(t("ui.editor.not_utf8"), severity="error", markup=False)
            return None
    finally:
        path.unlink(missing_ok=True)


register(
    {
        "ui.editor.key": ("Edit in $EDITOR", "Bewerk in $EDITOR"),
        "ui.editor.key.tip": (
            "Write a long text in your own editor ($VISUAL or $EDITOR, else vi)",
            "Schrijf een lange tekst in je eigen editor ($VISUAL of $EDITOR, anders vi)",
        ),
        "ui.editor.failed": (
            "The editor {editor} could not be started ({error}); the text is unchanged.",
            "De editor {editor} kon niet starten ({error}); de tekst is niet gewijzigd.",
        ),
        "ui.editor.exit": (
            "The editor {editor} stopped with code {code}; the text is unchanged.",
            "De editor {editor} stopte met code {code}; de tekst is niet gewijzigd.",
        ),
        "ui.editor.not_utf8": (
            "The editor saved text that is not UTF-8; the text is unchanged.",
            "De editor bewaarde tekst die geen UTF-8 is; de tekst is niet gewijzigd.",
        ),
    }
)
