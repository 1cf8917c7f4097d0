"""Every key a screen shows is named in words, in a fresh process that imported only that screen.

Screens are imported lazily (the CLI and the app import what they first show), so a
key's text registered by another module would show as its raw i18n key until that
module happened to be imported: the footer once said `f ui.key.form_table`.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import tui.screens

ROOT = Path(__file__).resolve().parents[2]
SCREENS = sorted(m.name for m in pkgutil.iter_modules(tui.screens.__path__))
OPENED_FROM = {"form_table": "plan", "progress": "plan", "history_detail": "history"}
"""Screens reached only through another one: that one's module is imported by then."""

CHECK = """
import importlib, inspect, os, sys, traceback
from textual.binding import Binding
from textual.screen import Screen
from core.i18n import _tables
import tui.app  # the composition root: what the app imports before any screen
# Each request is checked in a fork of this process, so it imports its screens afresh.
for request in sys.stdin:
    pid = os.fork()
    if pid:
        os.waitpid(pid, 0)
        continue
    try:
        *passed, name = request.split()
        for module in passed:  # the dashboard comes first, then the screens on the way
            importlib.import_module(module)
        module = importlib.import_module(name)
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
        answer = "; ".join(missing) or "ok"
    except BaseException:
        answer = "failed: " + repr(traceback.format_exc())
    print(answer, flush=True)
    os._exit(0)
"""


@pytest.fixture(scope="module")
def fresh_import() -> Iterator[Callable[[list[str]], str]]:
    """Import modules in a new process that has imported only the app; what it found missing.

    One process imports Textual and the app once and forks a child per question.
    """
    with subprocess.Popen(
        [sys.executable, "-c", CHECK],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    ) as checker:
        assert checker.stdin is not None and checker.stdout is not None

        def ask(modules: list[str]) -> str:
            checker.stdin.write(" ".join(modules) + "\n")
            checker.stdin.flush()
            return checker.stdout.readline().strip()

        yield ask
        checker.stdin.close()


@pytest.mark.parametrize("name", SCREENS)
def test_a_screens_key_texts_are_registered_with_it(name: str, fresh_import) -> None:
    assert fresh_import([*_on_the_way(name), f"tui.screens.{name}"]) == "ok"


def _on_the_way(name: str) -> list[str]:
    path = ["tui.screens.dashboard"]
    while name in OPENED_FROM:
        name = OPENED_FROM[name]
        path.append(f"tui.screens.{name}")
    return path
