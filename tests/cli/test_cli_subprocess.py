"""The installed `leerpad` command end to end, in subprocesses with an isolated home."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import OCCUPATION, Result, record_count

import cli

REPO = Path(cli.__file__).resolve().parents[1]
SCRIPT = REPO / ".venv" / "bin" / "leerpad"
COMMAND = (
    [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-c", "from cli.main import run; run()"]
)


PINNED = (
    "leerpad: LEERPAD_TODAY is set: acting as if today were 28/11/2026 (a demo and test setting).\n"
)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_DIRS": str(tmp_path / "site"),
        "LEERPAD_TODAY": "2026-11-28",
        "LANG": "C.UTF-8",
        "TZ": "UTC",
        "PYTHONPATH": str(REPO),
    }


def leerpad(env: dict[str, str], *argv: str, limit: int | None = None) -> Result:
    def preexec() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = subprocess.run(
        [*COMMAND, *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=preexec if limit is not None else None,
    )
    # LEERPAD_TODAY pins the date for these runs, and leerpad says so first on stderr.
    if env.get("LEERPAD_TODAY") == "2026-11-28" and proc.returncode != 2:
        assert proc.stderr.startswith(PINNED), proc.stderr
    return Result(proc.returncode, proc.stdout, proc.stderr.removeprefix(PINNED))


def test_a_session(env: dict[str, str], tmp_path: Path) -> None:
    store = tmp_path / "store"
    env["LEERPAD_STORE"] = str(store)
    new = leerpad(
        env,
        "plan",
        "new",
        "--occupation",
        OCCUPATION,
        "--trainee",
        "Sara Peeters",
        "--start",
        "7/9/2026",
    )
    assert (new.code, new.out, new.err) == (0, "P1\n", "")
    assert leerpad(env, "action", "plan", "P1", "A1.1.1", "2026-11-20").code == 0
    assert leerpad(env, "action", "done", "P1", "A1.1.2", "--on", "1/10/2026").code == 0
    listed = json.loads(leerpad(env, "plan", "list", "--json").out)
    assert (listed[0]["overdue"], listed[0]["done"], listed[0]["week"]) == (1, 1, 12)
    log = json.loads(leerpad(env, "log", "--plan", "P1", "--json").out)
    assert [e["kind"] for e in log] == ["plan.created", "action.planned", "action.completed"]
    assert leerpad(env, "verify").out.startswith("intact: 3 records, last hash ")
    where = json.loads(leerpad(env, "where", "--json").out)
    assert where["store"] == {"path": str(store), "source": "env", "file": None}


def test_store_flag_beats_the_variable(env: dict[str, str], tmp_path: Path) -> None:
    env["LEERPAD_STORE"] = str(tmp_path / "from-env")
    result = leerpad(env, "--store", str(tmp_path / "from-flag"), "demo")
    assert result.code == 0, result.err
    assert record_count(tmp_path / "from-flag") > 100
    assert not (tmp_path / "from-env").exists()


def test_config_file_in_the_isolated_home(env: dict[str, str], tmp_path: Path) -> None:
    config = tmp_path / "home" / "config" / "leerpad" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'store = "{tmp_path / "configured"}"\n')
    assert (
        leerpad(
            env, "plan", "new", "--occupation", OCCUPATION, "--trainee", "X", "--start", "1/9/2026"
        ).code
        == 0
    )
    assert record_count(tmp_path / "configured") == 1


def test_errors_are_one_sentence_and_an_exit_code(env: dict[str, str], tmp_path: Path) -> None:
    env["LEERPAD_STORE"] = str(tmp_path / "store")
    result = leerpad(env, "plan", "show", "P1")
    assert result.code == 3 and result.err.count("\n") == 1
    leerpad(env, "plan", "new", "--occupation", OCCUPATION, "--trainee", "X", "--start", "1/9/2026")
    for argv, code in (
        (("plan", "show", "P2"), 1),
        (("action", "done", "P1", "A1.1.1", "--on", "1/13/2026"), 2),
        (("action", "done", "P1", "A1.1.1", "--on", "1/12/2026"), 1),
    ):
        result = leerpad(env, *argv)
        assert result.code == code
        assert result.err.startswith("leerpad: ") and result.err.count("\n") == 1
        assert "Traceback" not in result.err


def test_output_into_a_closed_pipe(env: dict[str, str], tmp_path: Path) -> None:
    env["LEERPAD_STORE"] = str(tmp_path / "store")
    leerpad(env, "demo")
    proc = subprocess.run(
        f"{' '.join(COMMAND)} plan show P2 | head -1",
        shell=True,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.stdout == "P2  Sara Peeters\n"
    assert proc.stderr == PINNED  # and nothing about the pipe


def test_file_size_limit_during_an_append(env: dict[str, str], tmp_path: Path) -> None:
    store = tmp_path / "store"
    env["LEERPAD_STORE"] = str(store)
    leerpad(env, "plan", "new", "--occupation", OCCUPATION, "--trainee", "X", "--start", "1/9/2026")
    size = (store / "events.log").stat().st_size
    result = leerpad(env, "note", "add", "P1", "A1", "x" * 5000, limit=size + 100)
    assert result.code == 3
    assert "Could not write" in result.err and "Nothing was written" in result.err
    assert (store / "events.log").stat().st_size == size
    assert leerpad(env, "verify").code == 0
