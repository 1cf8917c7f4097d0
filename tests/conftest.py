"""Fixtures every test tier shares: a fixed "today" and clock, a small profile, a store in tmp_path.

Also keeps tests away from the real home directory and skips the long
fault-injection loops (`@pytest.mark.faults`) unless LEERPAD_FAULTS=1.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from catalog.schema import JobCompetency, PersonalCompetency, Profile, ProfileRow
from core.store import Store

TODAY = date(2026, 11, 28)
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("LEERPAD_FAULTS") == "1":
        return
    skip = pytest.mark.skip(reason="long fault-injection loop: run with LEERPAD_FAULTS=1")
    for item in items:
        if "faults" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def _empty_site_dir() -> Iterator[Path]:
    """An empty folder for XDG_CONFIG_DIRS that every user can look into: tests that drop to
    throwaway Unix users must find no site config there, not be refused a look."""
    folder = Path(tempfile.mkdtemp(prefix="leerpad-site-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    _empty_site_dir: Path,
) -> None:
    """No test reads or writes the real home, config or store."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))
    # The site config too: a real /etc/xdg/leerpad/config.toml must not steer any test.
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(_empty_site_dir))
    monkeypatch.delenv("LEERPAD_STORE", raising=False)
    monkeypatch.delenv("LEERPAD_TODAY", raising=False)


class Clock:
    """A clock for stores that only moves when told to: `clock.advance(minutes=5)`."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture
def clock() -> Clock:
    return Clock()


def build_tiny_profile() -> Profile:
    """Two job competencies (3 rows, 6 actions), two personal ones, the default scale."""
    return Profile(
        id="proefberoep",
        version=1,
        title="Proefberoep",
        description="Een klein beroep om mee te testen.",
        weeks=12,
        job=[
            JobCompetency(
                title="Klanten ontvangen",
                rows=[
                    ProfileRow(
                        skills=["Kennis van de producten", "Vriendelijk onthalen"],
                        actions=["De producten leren kennen.", "Klanten mee onthalen."],
                    ),
                    ProfileRow(skills=["Telefoneren"], actions=["Telefoons beantwoorden."]),
                ],
            ),
            JobCompetency(
                title="Bestellingen verwerken",
                rows=[
                    ProfileRow(
                        skills=["Het bestelsysteem gebruiken"],
                        actions=[
                            "Een bestelling invoeren.",
                            "Een levering opvolgen.",
                            "Een factuur controleren.",
                        ],
                    )
                ],
            ),
        ],
        personal=[
            PersonalCompetency(name="Klantgericht zijn", description="Denkt aan de klant."),
            PersonalCompetency(name="Nauwkeurig werken", description="Werkt zonder fouten."),
        ],
    )


@pytest.fixture(scope="session")
def tiny_profile() -> Profile:
    """A small profile built in code: A1 (rows A1.1 with 2 actions, A1.2 with 1), A2 (A2.1
    with 3 actions), B1, B2; 12 weeks; the default four-level scale."""
    return build_tiny_profile()


BAD_NOTES = {
    "wrong-type": ({"type": "note.added", "plan": "P1", "target": "P1", "text": 42}, "text"),
    "missing": ({"type": "note.added", "plan": "P1", "text": "x"}, "target"),
}


@pytest.fixture(params=list(BAD_NOTES))
def bad_note(request: pytest.FixtureRequest) -> tuple[dict[str, object], str]:
    """A note.added body that does not have the type's shape, and the field at fault."""
    return BAD_NOTES[request.param]


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def make_store(store_dir: Path, clock: Clock) -> Iterator[Callable[..., Store]]:
    """Open (another) Store on the same directory; every one is closed after the test."""
    opened: list[Store] = []

    def make(path: Path | None = None, **kwargs: object) -> Store:
        kwargs.setdefault("clock", clock)
        store = Store.open(path or store_dir, **kwargs)  # type: ignore[arg-type]
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def store(make_store: Callable[..., Store]) -> Store:
    """An empty store in tmp_path whose records all carry the fixed clock's time."""
    return make_store()
