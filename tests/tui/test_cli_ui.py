"""`leerpad` without a subcommand opens the UI on the store and in the language asked for."""

from __future__ import annotations

from datetime import date

from cli.main import main
from core import i18n
from tui.app import LeerpadApp


def test_leerpad_opens_the_app_on_the_store_in_the_language_asked(tmp_path, monkeypatch):
    opened: list[LeerpadApp] = []
    monkeypatch.setattr(LeerpadApp, "run", lambda self, *a, **k: opened.append(self))
    monkeypatch.setenv("LEERPAD_TODAY", "2026-11-25")
    store = tmp_path / "store"
    assert main(["--store", str(store), "--lang", "nl"]) == 0
    (app,) = opened
    assert app.store.path == store
    assert app.lang == "nl" and i18n.language() == "nl"
    assert app.today() == date(2026, 11, 25)  # pinned for demos and tests
    assert app.catalog.profiles()  # the shipped occupation is there for new plans


def test_today_follows_the_clock_when_not_pinned(tmp_path, monkeypatch):
    opened: list[LeerpadApp] = []
    monkeypatch.setattr(LeerpadApp, "run", lambda self, *a, **k: opened.append(self))
    monkeypatch.delenv("LEERPAD_TODAY", raising=False)
    assert main(["--store", str(tmp_path / "store"), "--lang", "en"]) == 0
    # A session left open overnight must not keep yesterday's date.
    assert opened[0].today == date.today
