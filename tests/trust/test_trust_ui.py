"""The UI's sign-off form signs with the user's key (here: through a real ssh-agent), and the
plan screen checks signatures in a worker, never on the UI thread."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from trust_support import Keys

from catalog import Catalog
from core import events as ev
from core import signoffs, sshsig
from core.identity import current_actor
from core.signoffs import GOOD
from core.store import Store
from tui.app import LeerpadApp
from tui.screens.plan import PlanScreen
from tui.screens.signoff import SignOffScreen

TODAY = date(2026, 11, 28)
"""The day the `plan` fixture's commands ran (tests/trust/conftest.py)."""


def test_the_sign_off_form_signs_through_the_agent_and_the_pane_shows_it_good(
    plan: str,
    store_dir: Path,
    keys: Keys,
    allowed: Callable[[list[str]], Path],
    use_key: Callable[[Path], None],
    agent: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kim, public_only = keys.in_agent_only("kim")
    allowed([keys.line(current_actor(), kim)])
    use_key(public_only)

    checked_on: list[bool] = []
    check = sshsig.check

    def spy(*args: object, **kwargs: object) -> tuple[bool, bool]:
        checked_on.append(threading.current_thread() is threading.main_thread())
        return check(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sshsig, "check", spy)

    async def sign_in_the_ui() -> str:
        with Store.open(store_dir) as store:
            app = LeerpadApp(store, Catalog.load(), today=lambda: TODAY, watch_log=False, lang="en")
            async with app.run_test(size=(100, 30)) as pilot:
                app.push_screen(PlanScreen(plan))
                await pilot.pause()
                await pilot.press("s")
                await pilot.pause()
                assert isinstance(app.screen, SignOffScreen)
                await pilot.press("enter", "ctrl+s")  # the first role: mentor
                await pilot.pause()
                assert isinstance(app.screen, PlanScreen)
                await app.workers.wait_for_complete()
                await pilot.pause()
                return str(app.screen.query_one("#detail-text").render())

    detail = asyncio.run(sign_in_the_ui())
    assert checked_on and not any(checked_on)  # checked, and never on the UI thread

    with Store.open(store_dir) as store:
        record = list(store.records())[-1][0]
        assert isinstance(record.event, ev.SignedOff) and record.event.signature
        signoff = store.state.plans[plan].signoffs[-1]
        verdict = signoffs.Checker(signoffs.config.allowed_signers()).verdict(
            store.state.log_id, plan, signoff
        )
    fingerprint = keys.fingerprint(kim)
    assert (verdict.status, verdict.fingerprint) == (GOOD, fingerprint)
    assert f"signature good (key {fingerprint})" in detail
