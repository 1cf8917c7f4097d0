"""Personal texts opened as records are read: each only in its own record and field, with its
plan's key, a marker otherwise; and the plans' keys, each loaded once."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from core import events as ev
from core.i18n import t
from core.keystore import FileKeyStore, Keys
from core.privacy import (
    CACHE_TAG,
    PERSONAL,
    cached_opener,
    open_cached_text,
    open_record,
    seal_cached,
    seal_event,
)

TIME = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)

EVENTS: dict[str, ev.Event] = {
    "note": ev.NoteAdded(plan="P1", target="A1.1", text="Werkt netjes"),
    "reopened action": ev.ActionReopened(plan="P1", action="A1.1.1", reason="Nog eens oefenen"),
    "own action": ev.ActionAdded(plan="P1", row="A1.1", action="A1.1.9", text="Bij Jan meelopen"),
    "dropped action": ev.ActionDropped(plan="P1", action="A2.1.2", reason="Geen oven"),
    "closed": ev.PlanClosed(plan="P1", outcome="done", on=date(2026, 11, 27), reason="Klaar"),
    "reopened plan": ev.PlanReopened(plan="P1", reason="Verlengd"),
    "sign-off": ev.SignedOff(
        plan="P1", role="mentor", subject="P1", covers_seq=3, covers_hash="ab" * 32, remark="Gezien"
    ),
    "evaluation": ev.EvaluationRecorded(
        plan="P1",
        evaluation="E1",
        on=date(2026, 11, 20),
        participants=["An Peeters", "Bo de Wit"],
        ratings=[ev.Rating("A1", "good", "Sterk"), ev.Rating("B1", "fair")],
        remark="Samen besproken",
    ),
    "edited": ev.PlanDetailsEdited(plan="P1", trainee="Cas Janssens", weeks=14),
}


def personal(event: ev.Event) -> list[Any]:
    """Every personal text of `event`, in order (None for a field left unchanged)."""
    found: list[Any] = []
    for name in PERSONAL[type(event)]:
        value = getattr(event, name)
        if name == "participants":
            found.extend(value)
        elif name == "ratings":
            found.extend(rating.comment for rating in value)
        else:
            found.append(value)
    return found


def record(event: ev.Event, record_id: str) -> ev.Record:
    return ev.Record(7, record_id, TIME, "mentor1", "cd" * 32, event, type(event).version)


@pytest.fixture
def keys(tmp_path: Path) -> Keys:
    made = Keys(FileKeyStore(tmp_path / "store"))
    (tmp_path / "store").mkdir()
    made.create("P1", "R1")
    return made


def sealed(event: ev.Event, keys: Keys, record_id: str = "R7") -> ev.Event:
    out = seal_event(event, record_id, keys, new_key=False)
    assert all(isinstance(v, ev.Sealed) for v in personal(out) if v), "every text is sealed"
    return out


@pytest.mark.parametrize("kind", list(EVENTS))
def test_each_text_opens_as_written_in_its_own_record(kind: str, keys: Keys) -> None:
    event = EVENTS[kind]
    written = record(sealed(event, keys), "R7")

    opened = open_record(written, keys)

    assert opened == record(event, "R7")


@pytest.mark.parametrize("kind", list(EVENTS))
def test_a_text_moved_to_another_record_opens_to_a_marker_only(kind: str, keys: Keys) -> None:
    event = EVENTS[kind]

    opened = open_record(record(sealed(event, keys, "R7"), "R8"), keys)

    unreadable = t("privacy.unreadable")
    assert personal(opened.event) == [unreadable if v else v for v in personal(event)]
    assert opened.id == "R8" and opened.seq == 7 and opened.prev == "cd" * 32


@pytest.mark.parametrize("kind", ["note", "evaluation"])
def test_without_the_plans_key_each_text_shows_why(kind: str, keys: Keys, tmp_path: Path) -> None:
    event = EVENTS[kind]
    written = record(sealed(event, keys), "R7")
    (tmp_path / "bare").mkdir()
    keyless = Keys(FileKeyStore(tmp_path / "bare"))
    erased = Keys(FileKeyStore(tmp_path / "store"))  # the key file is still there
    erased.forget("P1")

    for keys_now, marker in [
        (keyless, t("privacy.no_key")),
        (None, t("privacy.no_key")),
        (erased, t("plan.erased_text")),
    ]:
        texts = personal(open_record(written, keys_now).event)
        assert texts == [marker if v else v for v in personal(event)]


class CountingKeys:
    """A key store that counts how often each plan's key is read."""

    def __init__(self, keys: dict[str, bytes]) -> None:
        self.keys = keys
        self.loads: dict[str, int] = {}
        self.location = "memory"

    def load(self, plan: str) -> bytes | None:
        self.loads[plan] = self.loads.get(plan, 0) + 1
        return self.keys.get(plan)


def test_each_plans_key_is_read_once_and_an_erased_plan_never_opens() -> None:
    store = CountingKeys({"P1": bytes(range(32)), "P3": bytes(32)})
    keys = Keys(store)  # type: ignore[arg-type]

    first = keys.cipher("P1")
    assert first is not None and keys.cipher("P1") is first
    assert keys.cipher("P2") is None and keys.cipher("P2") is None
    keys.forget("P1")
    keys.forget("P3")

    assert keys.cipher("P1") is None and keys.cipher("P3") is None
    assert store.loads == {"P1": 1, "P2": 1}


def test_a_text_sealed_for_the_cache_opens_only_with_its_plans_key(
    keys: Keys, tmp_path: Path
) -> None:
    keys.create("P2", "R2")
    cipher = keys.cipher("P1")
    assert cipher is not None
    sealed_text = seal_cached("P1", "Werkt netjes", cipher)
    assert sealed_text.startswith(CACHE_TAG) and "Werkt" not in sealed_text
    opener = cached_opener("P1", keys)

    assert opener(sealed_text) == open_cached_text("P1", sealed_text, keys) == "Werkt netjes"
    assert opener("al open") == "al open"  # a text the cache did not seal
    # Moved to another plan, its base64 damaged, or its last byte changed: unreadable.
    unreadable = t("privacy.unreadable")
    assert cached_opener("P2", keys)(sealed_text) == unreadable
    assert opener(CACHE_TAG + "é!") == unreadable
    assert opener(sealed_text[:-2] + ("A" if sealed_text[-2] != "A" else "B") + "=") == unreadable
    # The key gone: why, as for a record.
    (tmp_path / "bare").mkdir()
    assert cached_opener("P1", Keys(FileKeyStore(tmp_path / "bare")))(sealed_text) == t(
        "privacy.no_key"
    )
    erased = Keys(FileKeyStore(tmp_path / "store"))
    erased.forget("P1")
    assert open_cached_text("P1", sealed_text, erased) == t("plan.erased_text")
