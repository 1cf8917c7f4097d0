"""Personal texts are sealed at rest and erased by destroying the plan's key (docs/PRIVACY.md).

Every kind of personal text gets a unique marker; no byte of the store or of any
user's cache may hold one, while the plan shows them; after erasure none can be
read anywhere, and the chain and the history stay whole.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import OCCUPATION, START, Run

from core import readmodel
from core.store import Store
from tests.markers import MARKERS, files_holding_markers, ok, write_every_personal_text


@pytest.fixture
def caches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """This user's cache and another user's; every open writes a read model."""
    monkeypatch.setattr(readmodel, "SAVE_AFTER", 1)
    mine, theirs = tmp_path / "cache-mine", tmp_path / "cache-theirs"
    monkeypatch.setenv("XDG_CACHE_HOME", str(mine))
    return mine, theirs


def _checkpoints(cache: Path) -> list[Path]:
    """The read models in a user's cache (what stands in for replaying the log)."""
    return sorted((cache / "leerpad" / "readmodel").glob("*.sqlite"))


def test_no_personal_text_is_readable_at_rest_yet_the_plan_shows_every_one(
    run: Run, store_dir: Path, caches: tuple[Path, Path]
) -> None:
    write_every_personal_text(run, OCCUPATION, START)
    assert _checkpoints(caches[0]), "a read model was written"
    assert (store_dir / "keys" / "P1.key").stat().st_size == 32
    assert files_holding_markers(store_dir, caches[0]) == []

    shown = ok(run, "plan", "show", "P1") + ok(run, "log", "--plan", "P1")
    exported = ok(run, "export", "P1", "--format", "json", "--output", "-")
    for name in ("trainee2", "contract2", "contact2", "own", "drop", "note", "participant"):
        assert MARKERS[name] in shown + exported, name
    # Subject access: the JSON export carries every personal text the plan holds now.
    for name in ("trainee2", "contract2", "contact2", "own", "drop", "note", "participant"):
        assert MARKERS[name] in exported, name
    for name in ("comment", "remark", "signoff"):
        assert MARKERS[name] in exported, name
    # What the plan no longer holds (earlier names, reasons of undone changes) is in its history.
    history = ok(run, "log", "--plan", "P1", "--json")
    for name in ("trainee", "contract", "contact", "reopen_action", "close", "reopen_plan"):
        assert MARKERS[name] in history, name
    assert _checkpoints(caches[0]) and files_holding_markers(store_dir, caches[0]) == []


def test_after_erasure_nothing_is_readable_anywhere_and_the_chain_is_whole(
    run: Run,
    store_dir: Path,
    caches: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mine, theirs = caches
    write_every_personal_text(run, OCCUPATION, START)
    before = json.loads(ok(run, "log", "--plan", "P1", "--json"))
    # Another user opened the store before the erasure: their read model holds the plan.
    monkeypatch.setenv("XDG_CACHE_HOME", str(theirs))
    ok(run, "plan", "list")
    stale = _checkpoints(theirs)
    assert stale
    monkeypatch.setenv("XDG_CACHE_HOME", str(mine))

    out = ok(run, "plan", "erase", "P1", "--reason", "bewaartermijn verstreken")
    assert "P1" in out
    assert not (store_dir / "keys" / "P1.key").exists()

    # Their old read model is still there, and still opens: nothing of the plan in it is readable.
    assert _checkpoints(theirs) == stale
    with Store.open(store_dir, create=False, cache_dir=theirs / "leerpad") as store:
        plan = store.state.plans["P1"]
        assert plan.erased is not None and plan.trainee == "[erased]"
        assert all(n.text == "[erased]" for n in plan.notes)
    assert files_holding_markers(store_dir, mine, theirs) == []

    shown = ok(run, "plan", "show", "P1")
    assert "[erased]" in shown and re.search(r"erased on \d\d/\d\d/\d{4} by \S", shown)
    exported = ok(run, "export", "P1", "--format", "json", "--output", "-")
    history = ok(run, "log", "--plan", "P1", "--json")
    for text in (shown, exported, history):
        assert not [m for m in MARKERS.values() if m in text]
    assert ok(run, "verify").startswith("intact")

    after = json.loads(history)
    # Every change is still listed, with who made it and when; the erasure is the last one.
    assert [(e["seq"], e["actor"], e["time"]) for e in after[:-1]] == [
        (e["seq"], e["actor"], e["time"]) for e in before
    ]
    assert after[-1]["kind"] == "plan.erased" and after[-1]["detail"] == "bewaartermijn verstreken"


def test_erasing_is_refused_for_an_open_plan_unless_forced_and_stops_later_changes(
    run: Run, store_dir: Path
) -> None:
    ok(
        run, "plan", "new", "--occupation", OCCUPATION, "--trainee", "Sara",
        "--start", START,
    )  # fmt: skip
    refused = run("plan", "erase", "P1", "--reason", "verzoek")
    assert refused.code == 1 and "--force" in refused.err
    assert (store_dir / "keys" / "P1.key").exists()
    ok(run, "plan", "erase", "P1", "--reason", "verzoek van de cursist", "--force")
    again = run("note", "add", "P1", "P1", "nog iets")
    assert again.code == 1 and "erased" in again.err
    assert run("plan", "erase", "P1", "--reason", "x").code == 1


def test_a_damaged_key_file_is_named_as_the_problem_not_the_log(run: Run, store_dir: Path) -> None:
    ok(
        run, "plan", "new", "--occupation", OCCUPATION, "--trainee", "Sara",
        "--start", START,
    )  # fmt: skip
    key = store_dir / "keys" / "P1.key"
    key.write_bytes(b"short")
    shown = run("plan", "show", "P1")
    assert shown.code == 3
    assert str(key) in shown.err and "events.log" not in shown.err
    assert ".." not in shown.err and b"Sara" not in (store_dir / "events.log").read_bytes()


def test_retention_lists_then_erases_the_plans_closed_before_a_date(run: Run) -> None:
    for trainee in ("Oud", "Recent", "Open"):
        ok(
            run, "plan", "new", "--occupation", OCCUPATION, "--trainee", trainee,
            "--start", START,
        )  # fmt: skip
    ok(run, "plan", "close", "P1", "--outcome", "stopped", "--on", "2026-09-10")
    ok(run, "plan", "close", "P2", "--outcome", "stopped", "--on", "2026-11-20")
    listed = ok(run, "erase", "--closed-before", "2026-10-01")
    assert "P1" in listed and "Oud" in listed and "P2" not in listed and "--apply" in listed
    assert "[erased]" not in ok(run, "plan", "show", "P1")  # listing changed nothing
    ok(run, "erase", "--closed-before", "2026-10-01", "--apply")
    assert "[erased]" in ok(run, "plan", "show", "P1")
    assert "Recent" in ok(run, "plan", "show", "P2")
    assert "no plan" in ok(run, "erase", "--closed-before", "2026-10-01").lower()


KILL_BEFORE_DESTROYING = """
import os, signal, sys
from core import erasure
from core.keystore import FileKeyStore
from core.store import Store

def die(self, plan):
    os.kill(os.getpid(), signal.SIGKILL)

FileKeyStore.destroy = die
with Store.open(sys.argv[1], create=False) as store:
    erasure.erase(store, "P1", reason="crash test", force=True)
"""


def test_a_crash_between_the_erasure_record_and_the_key_is_completed_by_the_next_command(
    run: Run, store_dir: Path
) -> None:
    ok(
        run, "plan", "new", "--occupation", OCCUPATION, "--trainee", "Sara Kill7Qz",
        "--start", START,
    )  # fmt: skip
    child = subprocess.run(
        [sys.executable, "-c", KILL_BEFORE_DESTROYING, str(store_dir)],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    key = store_dir / "keys" / "P1.key"
    assert key.exists()  # the record is written, the key survived the crash
    ok(run, "plan", "list")  # any command
    assert not key.exists()
    assert "[erased]" in ok(run, "plan", "show", "P1")
    assert (
        not files_holding_markers(store_dir)
        and b"Kill7Qz" not in (store_dir / "events.log").read_bytes()
    )


def test_an_erased_plan_has_nothing_overdue_anywhere(run: Run) -> None:
    for trainee in ("Sara", "Tom"):
        ok(
            run, "plan", "new", "--occupation", OCCUPATION, "--trainee", trainee,
            "--start", START,
        )  # fmt: skip
    for plan in ("P1", "P2"):
        ok(run, "action", "plan", plan, "A1.1.1", "2026-10-02")

    def overdue() -> tuple[list[str], list[str]]:
        listed = json.loads(ok(run, "plan", "list", "--overdue", "--json"))
        agenda = json.loads(ok(run, "agenda", "--json"))
        return [p["id"] for p in listed], sorted({item["plan"] for item in agenda})

    assert overdue() == (["P1", "P2"], ["P1", "P2"])
    ok(run, "plan", "erase", "P1", "--force", "--reason", "asked by the trainee")
    assert overdue() == (["P2"], ["P2"])
    shown = json.loads(ok(run, "plan", "show", "P1", "--json"))
    assert shown["summary"]["overdue"] == 0
    assert shown["summary"]["status"] == "erased"
    assert "overdue" not in ok(run, "plan", "show", "P1")
    statuses = {p["id"]: p["status"] for p in json.loads(ok(run, "plan", "list", "--json"))}
    assert statuses == {"P1": "erased", "P2": "behind"}
