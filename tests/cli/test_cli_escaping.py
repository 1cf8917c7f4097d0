"""User text never reaches the terminal raw: every output format shows controls as escapes."""

from __future__ import annotations

import csv
import io
import json

import pytest
from cli_support import OCCUPATION, START, Run

from core.safe import json_text

# ESC (a colour), BEL, a C1 CSI, DEL, and the bidi override of "trojan source".
HOSTILE = "a\x1b[31mred\x07b\x9b2Jc\x7fd\u202eevil\u2066e"
RAW = ("\x1b", "\x07", "\x9b", "\x7f", "\u202e", "\u2066")


@pytest.fixture
def hostile(run: Run) -> str:
    new = run(
        "plan", "new", "--occupation", OCCUPATION, "--trainee", f"Sara {HOSTILE}",
        "--company", HOSTILE, "--start", START,
    )  # fmt: skip
    assert new.code == 0, new.err
    plan = new.out.strip()
    assert run("note", "add", plan, "A1", HOSTILE).code == 0
    return plan


def _no_raw(text: str) -> None:
    for ch in RAW:
        assert ch not in text, repr(ch)


@pytest.mark.parametrize(
    "argv",
    [
        ("log",),
        ("log", "--format", "csv"),
        ("log", "--format", "md"),
        ("log", "--json"),
        ("plan", "show", "P1"),
        ("plan", "list"),
        ("export", "P1", "--format", "md"),
        ("export", "P1", "--format", "json"),
    ],
    ids=lambda a: " ".join(a),
)
def test_no_output_shows_a_control_character_raw(
    run: Run, hostile: str, argv: tuple[str, ...]
) -> None:
    result = run(*argv)
    assert result.code == 0, result.err
    _no_raw(result.out)
    assert "red" in result.out


def test_the_what_column_of_log_escapes_the_trainee_name(run: Run, hostile: str) -> None:
    out = run("log").out
    assert "Sara a\\x1b[31mred\\x07b\\x9b2Jc\\x7fd\\u202eevil\\u2066e" in out


def _strings(data: object) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        data = list(data.values())
    if isinstance(data, list):
        return [s for item in data for s in _strings(item)]
    return []


def test_json_keeps_the_text_exact(run: Run, hostile: str) -> None:
    exported = json.loads(run("export", "P1", "--format", "json").out)
    assert exported["plan"]["trainee"] == f"Sara {HOSTILE}"
    assert HOSTILE in _strings(exported)
    log = json.loads(run("log", "--json").out)
    assert HOSTILE in [e["detail"] for e in log]


def test_csv_cells_show_escapes(run: Run, hostile: str) -> None:
    out = run("log", "--format", "csv").out.lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert "a\\x1b[31mred\\x07b\\x9b2Jc\\x7fd\\u202eevil\\u2066e" in [r["detail"] for r in rows]


def test_json_text_escapes_what_json_leaves_raw() -> None:
    text = json_text({"t": HOSTILE, "sep": "x\u2028y"})
    _no_raw(text)
    assert "\u2028" not in text
    assert json.loads(text) == {"t": HOSTILE, "sep": "x\u2028y"}
