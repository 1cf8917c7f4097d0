"""Hints name a `leerpad` that works as printed (issue 9: `make run` puts none on PATH)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.identity import command_name


def _script(folder: Path) -> Path:
    folder.mkdir(parents=True)
    script = folder / "leerpad"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    return script


def test_a_leerpad_not_on_path_is_named_by_its_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = _script(tmp_path / ".venv" / "bin")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    assert command_name(str(script)) == os.path.join(".venv", "bin", "leerpad")


def test_a_leerpad_on_path_is_just_leerpad(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = _script(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:/usr/bin:/bin")
    assert command_name(str(script)) == "leerpad"


def test_another_leerpad_on_path_is_not_taken_for_this_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _script(tmp_path / "elsewhere")
    mine = _script(tmp_path / "outside" / "venv" / "bin")
    monkeypatch.chdir(tmp_path / "elsewhere")
    monkeypatch.setenv("PATH", f"{tmp_path / 'elsewhere'}:/usr/bin:/bin")
    assert command_name(str(mine)) == str(mine)


def test_the_printed_hint_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The name printed for the real entry point, typed in a shell, starts leerpad."""
    real = Path(sys.executable).with_name("leerpad")
    if not real.exists():
        pytest.skip("leerpad is not installed beside this interpreter")
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    name = command_name(str(real))
    done = subprocess.run(
        ["/bin/sh", "-c", f"{name} --help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
