"""History export: CSV a spreadsheet (and the csv module) opens cleanly, one row per event;
JSON the same as `leerpad log --json`; Markdown a literal table; the `log --format` option."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from export_plans import TODAY, TRICKY_NOTE
from export_read import markdown_blocks

from cli.main import main
from core.audit import entry_dict
from core.export.history import COLUMNS, render_history, write_history
from core.history import HistoryEntry
from core.safe import visible
from core.store import Store


def read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 byte-order mark for spreadsheets"
    text = data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_has_one_row_per_event(plans_store: Store) -> None:
    entries = plans_store.history()
    data = render_history(entries, "csv", lang="nl").encode("utf-8")
    assert b"\r\n" in data
    rows = read_csv(data)
    assert len(rows) == len(entries) == plans_store.state.seq
    assert list(rows[0]) == list(COLUMNS)
    for row, entry in zip(rows, entries, strict=True):
        assert int(row["seq"]) == entry.seq
        assert row["time"] == entry.time.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert datetime.fromisoformat(row["time_local"]) == entry.time
        assert (row["actor"], row["plan"], row["kind"], row["target"]) == (
            entry.actor,
            entry.plan,
            entry.kind,
            entry.target,
        )
        assert row["description"] == entry.describe("nl")
        assert row["before"] == entry.before and row["after"] == entry.after
    note = next(r for r in rows if r["kind"] == "note.added")
    # Newlines and all, quoted by the csv writer; the ESC written as \\x1b, never raw.
    assert note["detail"] == visible(TRICKY_NOTE, multiline=True)


def test_csv_keeps_spreadsheets_from_running_formulas() -> None:
    entry = HistoryEntry(
        seq=1,
        time=datetime(2026, 11, 28, 9, 0, tzinfo=UTC),
        actor="an",
        plan="P1",
        kind="note.added",
        target="P1",
        before="-",
        after="+32 9 123",
        detail='=HYPERLINK("http://x","klik")',
    )
    row = read_csv(render_history([entry], "csv").encode("utf-8"))[0]
    assert row["detail"] == '\'=HYPERLINK("http://x","klik")'
    assert row["after"] == "'+32 9 123"
    assert row["before"] == "-"
    assert json.loads(render_history([entry], "json"))[0]["detail"] == entry.detail


def test_json_is_the_log_json(plans_store: Store) -> None:
    entries = plans_store.history()
    data = json.loads(render_history(entries, "json", lang="en"))
    expected = json.loads(json.dumps([entry_dict(e, "en") for e in entries], default=str))
    assert [list(d) for d in data] == [list(d) for d in expected]
    assert [d["seq"] for d in data] == [e.seq for e in entries]
    assert data[0]["time"] == "2026-09-07T07:30:00Z"


def test_markdown_is_a_literal_table(plans_store: Store) -> None:
    entries = plans_store.history()
    blocks = markdown_blocks(render_history(entries, "md", lang="nl"))
    table = next(v for k, v in blocks if k == "table")
    assert len(table) == len(entries) + 1
    note = next(row for row, e in zip(table[1:], entries, strict=True) if e.kind == "note.added")
    assert note[7] == (visible(TRICKY_NOTE, multiline=True), {"br"})
    assert "Geen wijzigingen." in render_history([], "md", lang="nl")


def test_write_history_to_text_and_binary_streams(plans_store: Store) -> None:
    entries = plans_store.history()[:3]
    binary = io.BytesIO()
    write_history(entries, "csv", binary)
    text = io.StringIO()
    write_history(entries, "csv", text)
    assert binary.getvalue() == text.getvalue().encode("utf-8")
    with pytest.raises(ValueError, match="unknown history format"):
        render_history(entries, "xml")


@pytest.mark.parametrize("fmt", ["csv", "md"])
def test_log_format_option(
    plans_store: Store, capsysbinary: pytest.CaptureFixture[bytes], fmt: str
) -> None:
    code = main(
        ["--store", str(plans_store.path), "log", "--plan", "P2", "--format", fmt], today=TODAY
    )
    out = capsysbinary.readouterr().out
    assert code == 0
    p2 = [e for e in plans_store.history() if e.plan == "P2"]
    if fmt == "csv":
        rows = read_csv(out)
        assert [int(r["seq"]) for r in rows] == [e.seq for e in p2]
    else:
        table = next(v for k, v in markdown_blocks(out.decode("utf-8")) if k == "table")
        assert [int(r[0][0]) for r in table[1:]] == [e.seq for e in p2]


def test_log_unknown_format(plans_store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--store", str(plans_store.path), "log", "--format", "xlsx"], today=TODAY)
    assert code == 2
    assert "csv" in capsys.readouterr().err


def test_history_columns_documented() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "EXPORT.md").read_text(encoding="utf-8")
    for column in COLUMNS:
        assert f"`{column}`" in docs
