"""Shared fixtures for the catalog tests: the seed form, the shipped profile, an isolated home."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog import Profile, load_profile

TESTS = Path(__file__).resolve().parents[1]
SEED = TESTS / "data" / "seed" / "opleidingsplan-commercieel-medewerker-binnendienst.txt"
SHIPPED = TESTS.parent / "catalog" / "data" / "commercieel-medewerker-binnendienst.toml"


@pytest.fixture(autouse=True)
def _no_real_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The catalog must only read the folders it is given; a stray read of ~ would go here.
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def shipped() -> Profile:
    return load_profile(SHIPPED)


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


@pytest.fixture(scope="session")
def shipped_path() -> Path:
    return SHIPPED
