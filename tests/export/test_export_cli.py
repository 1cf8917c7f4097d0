"""`leerpad export`: formats, where the output goes, exit codes, and nothing written on error."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from export_plans import TODAY
from export_read import footer_text, open_docx

from cli.main import main
from core.export import render_plan
from core.store import Store


def run(store: Store, *args: str) -> int:
    return main(["--lang", "en", "--store", str(store.path), "export", *args], today=TODAY)


def test_markdown_and_json_go_to_stdout(
    plans_store: Store, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    assert run(plans_store, "P1", "--format", "md") == 0
    out = capsysbinary.readouterr().out
    assert out == render_plan(plans_store.state, "P1", "md", lang="nl", today=TODAY)
    assert run(plans_store, "p1", "--format", "json") == 0
    assert json.loads(capsysbinary.readouterr().out)["plan"]["id"] == "P1"


def test_format_from_the_file_name(
    plans_store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "plan.json"
    assert run(plans_store, "P1", "-o", str(target)) == 0
    assert capsys.readouterr().out == f"Wrote {target}.\n"
    assert json.loads(target.read_text(encoding="utf-8"))["schema_version"] == 1
    target = tmp_path / "plan.md"
    assert run(plans_store, "P1", "-o", str(target), "--lang", "en") == 0
    assert "| Underlying knowledge and skills |" in target.read_text(encoding="utf-8")


def test_docx_default_file_name(
    plans_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(plans_store, "P1") == 0
    assert os.listdir(tmp_path) == ["opleidingsplan-P1-jan-peeters.docx"]
    document = open_docx((tmp_path / "opleidingsplan-P1-jan-peeters.docx").read_bytes())
    assert f"record {plans_store.state.seq}" in footer_text(document)


def test_docx_to_a_pipe(plans_store: Store, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert run(plans_store, "P1", "-o", "-") == 0
    assert capsysbinary.readouterr().out.startswith(b"PK")  # a zip package


def test_report(plans_store: Store, tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    assert run(plans_store, "P2", "--report", "-o", str(target)) == 0
    assert target.read_text(encoding="utf-8").startswith("# Competentieverslag P2")


def exit_code(argv: list[str]) -> int:
    """main's return value, or the code argparse exits with for a usage error."""
    try:
        return main(argv, today=TODAY)
    except SystemExit as exc:
        return int(exc.code or 0)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["P9", "--format", "md"], 1, "There is no plan P9."),
        (["P1", "--report", "--format", "md"], 1, "Plan P1 is still open"),
        (["P2", "--report", "--format", "json"], 2, "docx or md, not json"),
        (["P1", "-o", "{tmp}/missing/plan.docx"], 2, "does not exist"),
        (["P1", "-o", "{tmp}"], 2, "it is a folder"),
        (["P1", "--format", "pdf"], 2, "invalid choice"),
        (["P1", "-o", "{tmp}/plan.pdf"], 2, "a docx file ends in .docx"),
        (["P1", "--format", "md", "-o", "{tmp}/plan.json"], 2, "a md file ends in .md"),
    ],
)
def test_errors_write_nothing(
    plans_store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    code: int,
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    argv = ["--lang", "en", "--store", str(plans_store.path), "export"]
    argv += [a.replace("{tmp}", str(tmp_path)) for a in args]
    assert exit_code(argv) == code
    assert message in capsys.readouterr().err
    assert os.listdir(tmp_path) == []


def test_a_fifo_is_not_replaced(
    plans_store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "plan.docx"
    os.mkfifo(fifo)
    argv = ["--lang", "en", "--store", str(plans_store.path), "export", "P1", "-o", str(fifo)]
    assert exit_code(argv) == 2
    assert "is not a regular file (FIFO)" in capsys.readouterr().err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
