"""Output that is whole or fails loudly; bytes that are not UTF-8; terminals that are not UTF-8.

These run `leerpad` in a subprocess: a file size limit, /dev/full and the
encoding of standard output belong to a real process.
"""

from __future__ import annotations

import io
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import Result, Run, record_count

import cli

REPO = Path(cli.__file__).resolve().parents[1]
# Today is injected the way the tests inject it everywhere: never from the real clock.
RUN_CLI = (
    "import sys, datetime; from cli.main import main; "
    "sys.exit(main(sys.argv[1:], today=datetime.date(2026, 11, 28)))"
)


def spawn(
    store: Path,
    *argv: str | bytes,
    limit: int | None = None,
    stdout: int | None = None,
    stdin: bytes | None = None,
    env: dict[str, str] | None = None,
) -> Result:
    """Run leerpad; its standard output goes to a file (a limit applies to files, not pipes)."""

    def preexec() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    base = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ["HOME"],
        "LANG": "C.UTF-8",
        "TZ": "UTC",
        "PYTHONPATH": str(REPO),
        "LEERPAD_STORE": str(store),
    }
    out_path = store.parent / "stdout"
    with open(out_path, "wb") as out_file:
        proc = subprocess.run(
            [sys.executable, "-c", RUN_CLI, *argv],
            env=base | (env or {}),
            input=stdin,
            stdout=out_file if stdout is None else stdout,
            stderr=subprocess.PIPE,
            timeout=60,
            preexec_fn=preexec,
        )
    out = out_path.read_bytes().decode("latin-1")
    return Result(proc.returncode, out, proc.stderr.decode("utf-8", "replace"))


OUTPUTS = [
    ("log", "--format", "csv"),
    ("log", "--json"),
    ("log",),
    ("log", "--format", "md"),
    ("export", "P2", "--format", "md"),
    ("export", "P2", "--format", "json"),
    ("plan", "show", "P2"),
]


@pytest.mark.parametrize("argv", OUTPUTS, ids=lambda a: " ".join(a))
def test_a_file_size_limit_on_stdout_fails_loudly(demo_store: Path, argv: tuple[str, ...]) -> None:
    whole = spawn(demo_store, *argv)
    assert whole.code == 0, whole.err
    assert len(whole.out) > 4096  # the limit below cuts it

    cut = spawn(demo_store, *argv, limit=4096)

    assert cut.code == 3
    assert "cut short" in cut.err
    assert "Traceback" not in cut.err and "Errno" not in cut.err
    assert len(cut.err.strip().splitlines()) == 1


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
@pytest.mark.parametrize("argv", OUTPUTS[:2] + OUTPUTS[4:6], ids=lambda a: " ".join(a))
def test_a_full_disk_on_stdout_fails_loudly(demo_store: Path, argv: tuple[str, ...]) -> None:
    fd = os.open("/dev/full", os.O_WRONLY)
    try:
        result = spawn(demo_store, *argv, stdout=fd)
    finally:
        os.close(fd)
    assert result.code == 3
    assert "cut short" in result.err


def test_an_argument_that_is_not_utf8_is_a_usage_error(demo_store: Path) -> None:
    before = record_count(demo_store)

    result = spawn(demo_store, "note", "add", "P2", "P2", b"abc\xffdef")

    assert result.code == 2
    assert result.err == (
        "leerpad: The argument abc\\xffdef is not valid UTF-8 text: "
        "type it again or fix its encoding.\n"
    )
    assert record_count(demo_store) == before


def test_an_option_value_that_is_not_utf8_is_a_usage_error(run: Run, demo_store: Path) -> None:
    # In process: Python hands undecodable argv bytes over as lone surrogates.
    result = run("plan", "edit", "P2", "--company", "Van \udce9 Damme")
    assert result.code == 2
    assert "Van \\xe9 Damme" in result.err
    assert "\udce9" not in run("plan", "show", "P2").out


def test_a_file_name_may_hold_any_bytes(run: Run, demo_store: Path, tmp_path: Path) -> None:
    target = tmp_path / "plan-\udce9.md"
    result = run("export", "P2", "-o", str(target))
    assert result.code == 0, result.err
    assert os.path.exists(os.fsencode(target))


def test_stdin_that_is_not_utf8_is_a_usage_error(
    run: Run, demo_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = record_count(demo_store)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"abc\xffdef")))

    result = run("note", "add", "P2", "P2", "-")

    assert result.code == 2
    assert result.err == (
        "leerpad: Standard input is not valid UTF-8 text (at byte 3): nothing was written.\n"
    )
    assert record_count(demo_store) == before


def test_stdin_that_is_not_utf8_in_a_real_process(demo_store: Path) -> None:
    result = spawn(demo_store, "note", "add", "P2", "P2", "-", stdin=b"abc\xffdef")
    assert result.code == 2
    assert "not valid UTF-8" in result.err


def test_stdin_in_utf8_is_the_note(run: Run, demo_store: Path, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("Één notitie".encode())))
    assert run("note", "add", "P2", "P2", "-").code == 0
    assert "Één notitie" in run("log", "--plan", "P2", "--text", "notitie").out


def _latin1_locale(tmp_path: Path) -> dict[str, str] | None:
    """A real nl_BE.ISO-8859-1 locale, compiled into tmp_path when the system can."""
    localedef = shutil.which("localedef")
    if localedef is None:
        return None
    target = tmp_path / "locales"
    target.mkdir()
    subprocess.run(
        [localedef, "-i", "nl_BE", "-f", "ISO-8859-1", str(target / "nl_BE.ISO-8859-1")],
        capture_output=True,
        timeout=60,
    )
    if not (target / "nl_BE.ISO-8859-1").exists():
        return None
    return {"LOCPATH": str(target), "LANG": "nl_BE.ISO-8859-1", "LC_ALL": "nl_BE.ISO-8859-1"}


@pytest.mark.parametrize("how", ["pythonioencoding", "locale"])
@pytest.mark.parametrize("argv", [("plan", "show", "P2"), ("log",), ("plan", "list")])
def test_a_latin1_terminal_gets_ascii_symbols(
    demo_store: Path, tmp_path: Path, how: str, argv: tuple[str, ...]
) -> None:
    if how == "locale":
        env = _latin1_locale(tmp_path)
        if env is None:
            pytest.skip("cannot compile an ISO-8859-1 locale here")
    else:
        env = {"PYTHONIOENCODING": "latin-1"}

    result = spawn(demo_store, *argv, env=env)

    assert result.code == 0, result.err
    assert result.err == ""
    for symbol in "✔○◔–⏎“”▲▼":
        assert symbol not in result.out
    # Latin-1 text (the Dutch accents) comes through as itself.
    if argv == ("plan", "show", "P2"):
        assert "+ A1.1.1" in result.out


@pytest.mark.parametrize("limit", [0, 20])
def test_a_store_that_cannot_be_created_leaves_nothing_behind(tmp_path: Path, limit: int) -> None:
    store = tmp_path / "store"

    failed = spawn(store, "demo", limit=limit)

    assert failed.code == 3
    assert "Traceback" not in failed.err and failed.err.count("\n") == 1
    assert not store.exists() or os.listdir(store) == []
    made = spawn(store, "demo")
    assert made.code == 0, made.err
    assert record_count(store) > 0


def test_ascii_symbols_keep_one_cell_and_the_progress_bar_readable() -> None:
    from core.safe import ascii_symbol

    assert "".join(ascii_symbol(ch) for ch in "███░░░") == "###..."
    assert [ascii_symbol(ch) for ch in "▲▼✔✘○◔⚠■─│┼"] == list("^v+xoo!#-|+")
    assert ascii_symbol("\udcff") == "?"
