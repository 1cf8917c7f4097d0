"""Unexpected situations: one sentence on stderr, the right exit code, nothing written."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from cli_support import OCCUPATION, START, Run, log_bytes, record_count

from cli import cmd_plan
from cli.main import main
from core.store import LOG_NAME

NEW = ("plan", "new", "--occupation", OCCUPATION, "--trainee", "X", "--start", START)


@pytest.mark.parametrize(
    "argv", [("plan", "list"), NEW, ("action", "done", "P1", "A1.1.1"), ("log",), ("demo",)]
)
def test_store_is_a_file(run: Run, store_dir: Path, argv: tuple[str, ...]) -> None:
    store_dir.write_text("not a directory")
    result = run(*argv)
    assert result.code in (1, 3)
    assert "is not a directory" in result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert store_dir.read_text() == "not a directory"


def test_store_inside_a_file(run: Run, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    result = run(*NEW, store=tmp_path / "file" / "store")
    assert result.code == 3
    assert result.err.startswith("leerpad: ") and result.err.count("\n") == 1


@pytest.mark.parametrize("argv", [("plan", "list"), ("log",), ("verify",)])
def test_a_dangling_link_as_the_log_is_named_not_taken_for_no_store(
    run: Run, store_dir: Path, tmp_path: Path, argv: tuple[str, ...]
) -> None:
    """Planted by another member, pointing where nothing is (yet): say what it is."""
    store_dir.mkdir()
    (store_dir / LOG_NAME).symlink_to(tmp_path / "nowhere" / LOG_NAME)
    result = run(*argv)
    assert result.code == 3
    assert "symbolic link" in result.err and LOG_NAME in result.err
    assert "There is no leerpad store" not in result.err
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_no_permission(run: Run, plan: str, store_dir: Path) -> None:
    (store_dir / LOG_NAME).chmod(0o444)
    result = run("action", "done", plan, "A1.1.1")
    assert result.code == 3 and "read-only" in result.err
    store_dir.chmod(0)
    try:
        result = run("plan", "list")
        assert result.code == 3 and result.err.count("\n") == 1
    finally:
        store_dir.chmod(0o700)


def test_a_damaged_store_reads_but_refuses_writes(run: Run, plan: str, store_dir: Path) -> None:
    run("action", "plan", plan, "A1.1.1", "1/12/2026")
    run("action", "plan", plan, "A1.1.2", "1/12/2026")
    path = store_dir / LOG_NAME
    data = bytearray(path.read_bytes())
    data[len(data) - 300] ^= 0xFF  # inside the second or third record
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    listed = run("plan", "list")
    assert listed.code == 0 and "Sara Peeters" in listed.out
    assert "warning: the store is read-only" in listed.err
    refused = run("action", "done", plan, "A1.1.3")
    assert refused.code == 3
    assert "read-only" in refused.err and "leerpad verify" in refused.err
    assert refused.err.count("\n") == 1
    assert path.read_bytes() == before
    assert run("verify").code == 3


def test_an_unexpected_error_is_one_sentence(
    run: Run, plan: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> int:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(cmd_plan, "summaries", broken)
    result = run("plan", "list")
    assert result.code == 4
    assert result.err == (
        "leerpad: unexpected error (ZeroDivisionError: division by zero); this is a bug in "
        "leerpad (run with LEERPAD_DEBUG=1 to see the details).\n"
    )
    monkeypatch.setenv("LEERPAD_DEBUG", "1")
    assert "Traceback" in run("plan", "list").err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("plan",), "the following arguments are required: SUBCOMMAND"),
        (("fly",), "invalid choice: 'fly'"),
        (("plan", "list", "--colour"), "unrecognized arguments: --colour"),
        (("--lang", "fr", "plan", "list"), "invalid choice: 'fr'"),
    ],
)
def test_usage_errors(run: Run, argv: tuple[str, ...], message: str) -> None:
    result = run(*argv)
    assert result.code == 2
    assert message in result.err and result.err.count("\n") == 1


def test_help_is_not_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("catalog", "plan", "action", "note", "evaluation", "sign", "log", "verify"):
        assert command in out
    assert main(["action", "done", "--help"]) == 0
    assert "--on DATE" in capsys.readouterr().out


def test_global_options_work_after_the_subcommand(run: Run, plan: str, store_dir: Path) -> None:
    result = run("plan", "list", "--json", "--store", str(store_dir), "--lang", "nl", store=None)
    assert result.code == 0 and json.loads(result.out)[0]["id"] == "P1"


def test_nothing_written_by_any_refusal(run: Run, plan: str, store_dir: Path) -> None:
    before = log_bytes(store_dir)
    for argv in (
        ("action", "plan", plan, "A1.1.1", "gisteren?"),
        ("action", "done", plan, "A1.1.1", "--on", "2030-01-01"),
        ("note", "add", plan, "A1", ""),
        ("plan", "edit", plan, "--weeks", "99"),
        ("evaluation", "add", plan, "--participant", "J", "--rate", "A1=super"),
        ("sign", plan, "--role", "mentor", "--subject", "E4"),
        ("plan", "reopen", plan, "--reason", "x"),
    ):
        assert run(*argv).code in (1, 2)
    assert log_bytes(store_dir) == before
    assert record_count(store_dir) == 1
