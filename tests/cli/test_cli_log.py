"""`leerpad log`: the audit history as a table or JSON, filtered; core.audit.filter_history."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cli_support import Run

from core.audit import entry_dict, filter_history
from core.history import HistoryEntry

ENTRY_KEYS = [
    "seq",
    "time",
    "actor",
    "plan",
    "kind",
    "target",
    "description",
    "before",
    "after",
    "detail",
]


def test_log_table(run: Run, plan: str) -> None:
    run("action", "plan", plan, "A1.1.1", "1/12/2026")
    run("action", "plan", plan, "A1.1.1", "4/12/2026")
    run("action", "drop", plan, "A1.1.2", "--reason", "Geen telefooncentrale")
    result = run("log")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].split() == ["SEQ", "TIME", "WHO", "PLAN", "WHAT", "BEFORE", "->", "AFTER"]
    assert "created plan for Sara Peeters (Commercieel medewerker binnendienst)" in lines[1]
    assert lines[2].split()[0] == "2" and "planned A1.1.1" in lines[2]
    assert lines[2].rstrip().endswith("- -> 01/12/2026")
    assert "re-planned A1.1.1" in lines[3] and lines[3].endswith("01/12/2026 -> 04/12/2026")
    assert "marked A1.1.2 not applicable" in lines[4]
    # The reason goes on its own line under the change.
    assert lines[5].strip() == "“Geen telefooncentrale”"


def test_log_json_keys(run: Run, plan: str) -> None:
    run("note", "add", plan, "A1", "Eerste week goed verlopen.")
    entries = json.loads(run("log", "--json").out)
    assert [e["seq"] for e in entries] == [1, 2]
    for entry in entries:
        assert list(entry) == ENTRY_KEYS
    note = entries[1]
    assert (note["plan"], note["kind"], note["target"]) == ("P1", "note.added", "A1")
    assert note["description"] == "added a note to A1"
    assert note["detail"] == "Eerste week goed verlopen."
    assert datetime.fromisoformat(note["time"]).tzinfo is not None
    assert json.loads(run("log", "--format", "json").out) == entries


def test_log_filters(run: Run, demo_store: Path) -> None:
    everything = json.loads(run("log", "--json").out)
    assert len(everything) > 200
    p3 = json.loads(run("log", "--plan", "p3", "--json").out)
    assert p3 and all(e["plan"] == "P3" for e in p3)
    assert len(p3) == sum(1 for e in everything if e["plan"] == "P3")
    by_demo = json.loads(run("log", "--actor", "demo", "--json").out)
    assert len(by_demo) == len(everything)
    assert json.loads(run("log", "--actor", "nobody-else", "--json").out) == []
    notes = json.loads(run("log", "--kind", "note", "--json").out)
    assert {e["kind"] for e in notes} == {"note.added"} and len(notes) == 4
    closed = json.loads(run("log", "--kind", "plan.closed", "--json").out)
    assert [e["plan"] for e in closed] == ["P1"]
    found = json.loads(run("log", "--text", "MAGAZIJN", "--json").out)
    assert {e["kind"] for e in found} == {"action.added"}


def test_log_nothing_matches(run: Run, plan: str) -> None:
    result = run("log", "--plan", "P9")
    assert (result.code, result.out) == (0, "No changes match.\n")


def test_log_in_dutch(run: Run, demo_store: Path) -> None:
    out = run("--lang", "nl", "log", "--plan", "P1", "--kind", "plan").out
    assert out.splitlines()[0].split()[:4] == ["NR", "TIJD", "WIE", "PLAN"]
    assert "plan afgesloten (afgerond)" in out


def test_log_shows_note_text_literally(run: Run, plan: str) -> None:
    run("note", "add", plan, "A1", "regel 1\nregel 2 \x1b[31mrood\x1b[0m")
    out = run("log").out
    assert "\x1b" not in out
    assert "“regel 1 ⏎ regel 2 \\x1b[31mrood\\x1b[0m”" in out


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (("--format", "xml"), 2, "Unknown format 'xml': choose "),
        (("--plan",), 2, "expected one argument"),
    ],
)
def test_log_bad_options(
    run: Run, plan: str, argv: tuple[str, ...], code: int, message: str
) -> None:
    result = run("log", *argv)
    assert (result.code, message in result.err, result.out) == (code, True, "")


def test_log_without_a_store(run: Run, store_dir: Path) -> None:
    result = run("log")
    assert result.code == 3 and not store_dir.exists()


# --- core.audit ----------------------------------------------------------------------------


def _entry(
    seq: int, plan: str, actor: str, kind: str, target: str, detail: str = ""
) -> HistoryEntry:
    params = (("trainee", "Sara"), ("occupation", "Beroep")) if kind == "plan.created" else ()
    return HistoryEntry(
        seq=seq,
        time=datetime(2026, 11, 1, 9, seq, tzinfo=UTC),
        actor=actor,
        plan=plan,
        kind=kind,
        target=target,
        before="",
        after="",
        detail=detail,
        params=params,
    )


ENTRIES = [
    _entry(1, "P1", "jan", "plan.created", "P1"),
    _entry(2, "P1", "els", "action.planned", "A1.1.1"),
    _entry(3, "P2", "jan", "action.completed", "A1.1.1"),
    _entry(4, "P2", "jan", "note.added", "A2", "Offerte besproken"),
    _entry(5, "P1", "jan", "action.dropped", "A3.1.1", "Niet van toepassing"),
]


@pytest.mark.parametrize(
    ("filters", "seqs"),
    [
        ({}, [1, 2, 3, 4, 5]),
        ({"plan": "p1"}, [1, 2, 5]),
        ({"actor": "jan"}, [1, 3, 4, 5]),
        ({"actor": "Jan"}, []),
        ({"kind": "action"}, [2, 3, 5]),
        ({"kind": "action.completed"}, [3]),
        ({"kind": "act"}, []),
        ({"text": "offerte"}, [4]),
        ({"text": "a1.1.1"}, [2, 3]),
        ({"plan": "P1", "actor": "jan", "kind": "action"}, [5]),
    ],
)
def test_filter_history(filters: dict[str, str], seqs: list[int]) -> None:
    assert [e.seq for e in filter_history(ENTRIES, **filters)] == seqs


def test_entry_dict_is_stable() -> None:
    data = entry_dict(ENTRIES[3], "nl")
    assert list(data) == ENTRY_KEYS
    assert data["description"] == "notitie bij A2 toegevoegd"
