"""Every key a screen shows is named in words, in a fresh process that imported only that screen.

Screens are imported lazily (the CLI and the app import what they first show), so a
key's text registered by another module would show as its raw i18n key until that
module happened to be imported: the footer once said `f ui.key.form_table`.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import tui.screens

ROOT = Path(__file__).resolve().parents[2]
SCREENS = sorted(m.name for m in pkgutil.iter_modules(tui.screens.__path__))
OPENED_FROM = {"form_table": "plan", "progress": "plan", "history_detail": "history"}
"""Screens reached only through another one: that one's module is imported by then."""

CHECK = """
import importlib, inspect, sys
from textual.binding import Binding
from textual.screen import Screen
from core.i18n import _tables
import tui.app  # the composition root: what the app imports before any screen
for passed in sys.argv[2:]:  # the dashboard comes first, then the screens on the way
    importlib.import_module(passed)
module = importlib.import_module(sys.argv[1])
missing = []
for _, cls in inspect.getmembers(module, inspect.isclass):
    if not issubclass(cls, Screen) or cls.__module__ != module.__name__:
        continue
    for binding in cls.BINDINGS:
        if not isinstance(binding, Binding):
            continue
        for text in (binding.description, binding.tooltip):
            if text.startswith("ui.") and text not in _tables["en"]:
                missing.append(f"{cls.__name__}: {binding.key} -> {text}")
print("\\n".join(missing))
"""


@pytest.mark.parametrize("name", SCREENS)
def test_a_screens_key_texts_are_registered_with_it(name: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHECK, f"tui.screens.{name}", *_on_the_way(name)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def _on_the_way(name: str) -> list[str]:
    path = ["tui.screens.dashboard"]
    while name in OPENED_FROM:
        name = OPENED_FROM[name]
        path.append(f"tui.screens.{name}")
    return path
