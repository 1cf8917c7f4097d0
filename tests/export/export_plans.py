"""Two plans in a deterministic store (fixed clock, ids, actors and log header) for the
export tests and their golden files: P1 in progress, P2 closed with a final evaluation.

Run `python tests/export/export_plans.py` to rewrite the golden files after a deliberate change.
"""

from __future__ import annotations

import itertools
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

if __name__ == "__main__":  # run as a script: the repository root is not on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from catalog import Catalog
from core import commands
from core.events import Rating
from core.store import Store
from tests.sealing import deterministic_sealing

TODAY = date(2026, 11, 28)
OCCUPATION = "commercieel-medewerker-binnendienst"
GOLDEN = Path(__file__).parent / "golden"

# User text that must come out literally in every format.
TRICKY_NOTE = (
    "Let op: *niet* overslaan | [link](http://x) <b>vet</b> & `code` \x1b[31mrood\n"
    "Tweede regel\t\\n"
)
TRICKY_COMMENT = "Goed | beter || _best_ # 1. geen lijst"


@contextmanager
def deterministic() -> Iterator[None]:
    """A fixed log header id, so the hash chain (and every hash) is the same on each run."""
    fixed = SimpleNamespace(uuid4=lambda: uuid.UUID(int=0x1EE2_9AD0))
    with mock.patch("core.log.uuid", fixed):
        yield


def _clock() -> Callable[[], datetime]:
    ticks = itertools.count()
    start = datetime(2026, 9, 7, 7, 30, tzinfo=UTC)
    return lambda: start + timedelta(days=2, minutes=37) * next(ticks)


class Builder:
    """Runs commands against a store as a named actor, with predictable record ids."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.n = 0

    def __call__(self, actor: str, decide: Callable[..., object]) -> None:
        self.n += 1
        self.store.actor = actor
        self.store.execute(decide, event_id=f"{self.n:012x}{'0' * 20}")  # type: ignore[arg-type]


def build_store(path: Path) -> Store:
    """A store at `path` holding P1 (in progress) and P2 (closed)."""
    with deterministic_sealing():
        return _build_store(path)


def _build_store(path: Path) -> Store:
    profile = Catalog.load().get(OCCUPATION)
    with deterministic():
        store = Store.open(path, create=True, clock=_clock())
    run = Builder(store)
    mentor, consultant = "an.claes", "bart.peeters"
    c = commands

    # --- P1: in progress, with every kind of action state -----------------------------------
    run(
        mentor,
        lambda s: c.create_plan(
            s,
            profile,
            trainee="Jan Peeters",
            start=date(2026, 9, 7),
            weeks=16,
            contract="IBO-2026-0147",
            company="Bakkerij De Zoete Inval | Gent",
            contact="An Claes",
        ),
    )
    plan = "P1"
    for action, due in (
        ("A1.1.1", date(2026, 9, 18)),
        ("A1.1.2", date(2026, 9, 25)),
        ("A1.1.3", date(2026, 10, 2)),
        ("A1.2.1", date(2026, 11, 6)),
        ("A1.2.2", date(2026, 12, 11)),
        ("A2.1.1", date(2026, 10, 16)),
        ("A3.1.1", date(2026, 12, 18)),
    ):
        run(mentor, lambda s, a=action, d=due: c.plan_action(s, plan, a, due=d))
    for action, on in (
        ("A1.1.1", date(2026, 9, 17)),
        ("A1.1.2", date(2026, 9, 29)),
        ("A1.1.3", date(2026, 10, 1)),
        ("A1.1.4", date(2026, 10, 5)),
        ("A2.1.1", date(2026, 10, 14)),
    ):
        run(mentor, lambda s, a=action, o=on: c.complete_action(s, plan, a, on=o, today=TODAY))
    run(mentor, lambda s: c.drop_action(s, plan, "A1.1.5", reason="Al gekend uit vorige job"))
    run(mentor, lambda s: c.drop_action(s, plan, "A2.1.3", reason="Geen leveranciers | intern"))
    run(
        mentor,
        lambda s: c.add_action(s, plan, "A1.2", text="Meevolgen met de *CRM*-opleiding | dag 1"),
    )
    run(mentor, lambda s: c.plan_action(s, plan, "A1.2.4", due=date(2026, 11, 20)))
    run(
        mentor,
        lambda s: c.add_action(
            s, plan, "A10", text="Bezoek aan een klant <met> de vertegenwoordiger"
        ),
    )
    run(mentor, lambda s: c.complete_action(s, plan, "A10.3.1", on=date(2026, 11, 3), today=TODAY))
    run(mentor, lambda s: c.add_note(s, plan, "P1", text=TRICKY_NOTE))
    run(consultant, lambda s: c.add_note(s, plan, "A1.2", text="Opvolgen bij volgend bezoek."))
    run(
        consultant,
        lambda s: c.record_evaluation(
            s,
            plan,
            on=date(2026, 10, 30),
            today=TODAY,
            participants=["An Claes", "Bart Peeters", "Jan Peeters"],
            ratings=[
                Rating("A1", "verworven", TRICKY_COMMENT),
                Rating("B3", "in-ontwikkeling", "Nog wat onzeker aan de telefoon."),
                Rating("A2", "in-ontwikkeling", ""),
            ],
            remark="Tussentijdse evaluatie.\n- geen lijst",
        ),
    )
    run(mentor, lambda s: c.sign_off(s, plan, role="mentor"))
    run("jan.peeters", lambda s: c.sign_off(s, plan, role="trainee", subject="E1"))
    run(
        consultant, lambda s: c.sign_off(s, plan, role="consultant", subject="E1", remark="Akkoord")
    )
    # A change after the mentor signed: that sign-off is no longer current.
    run(mentor, lambda s: c.plan_action(s, plan, "A4.1.1", due=date(2026, 11, 13)))

    # --- P2: closed, with a final evaluation ------------------------------------------------
    run(
        consultant,
        lambda s: c.create_plan(
            s,
            profile,
            trainee="Sara Janssens",
            start=date(2026, 6, 1),
            weeks=12,
            company="Fietsen Vermeulen",
        ),
    )
    for action, on in (("A1.1.1", date(2026, 6, 12)), ("A1.1.2", date(2026, 6, 19))):
        run(mentor, lambda s, a=action, o=on: c.complete_action(s, "P2", a, on=o, today=TODAY))
    ratings_1 = [Rating("A1", "in-ontwikkeling"), Rating("B1", "nog-niet-verworven")]
    run(
        consultant,
        lambda s: c.record_evaluation(
            s,
            "P2",
            on=date(2026, 7, 10),
            today=TODAY,
            participants=["Bart Peeters"],
            ratings=ratings_1,
        ),
    )
    ratings_2 = [
        Rating("A1", "verworven", "Zelfstandig aan de telefoon."),
        Rating("A2", "ruim-verworven"),
        Rating("A3", "in-ontwikkeling", "Prijsopgave nog met hulp."),
        Rating("B1", "verworven"),
        Rating("B3", "ruim-verworven", "Klanten zijn tevreden."),
    ]
    run(
        consultant,
        lambda s: c.record_evaluation(
            s,
            "P2",
            on=date(2026, 8, 21),
            today=TODAY,
            participants=["Bart Peeters", "Sara Janssens"],
            ratings=ratings_2,
        ),
    )
    run("sara.janssens", lambda s: c.sign_off(s, "P2", role="trainee", subject="E2"))
    run(
        consultant,
        lambda s: c.close_plan(
            s, "P2", outcome="completed", on=date(2026, 8, 24), today=TODAY, reason="Werk gevonden"
        ),
    )
    return store


def build_demo_store(path: Path) -> Store:
    """The store `leerpad demo` makes, deterministic (event ids, log id, actor)."""
    from core.demo import build_demo

    counter = itertools.count(1)
    with deterministic_sealing():
        build_demo(path, TODAY, ids=lambda: f"{next(counter):032x}", log_id=bytes(16), actor="demo")
    return Store.open(path, create=False)


def golden_outputs(plans: Store, demo: Store) -> dict[str, bytes]:
    """Golden file name -> the export it must equal, byte for byte."""
    from core.export import render_plan, render_report

    out: dict[str, bytes] = {}
    for plan in ("P1", "P2"):
        for lang in ("nl", "en"):
            out[f"{plan}.{lang}.md"] = render_plan(plans.state, plan, "md", lang=lang, today=TODAY)
        out[f"{plan}.json"] = render_plan(plans.state, plan, "json", lang="nl", today=TODAY)
    for lang in ("nl", "en"):
        out[f"P2.report.{lang}.md"] = render_report(plans.state, "P2", "md", lang=lang, today=TODAY)
    for plan in demo.state.plans.values():
        out[f"demo-{plan.id}.nl.md"] = render_plan(
            demo.state, plan.id, "md", lang="nl", today=TODAY
        )
        out[f"demo-{plan.id}.json"] = render_plan(
            demo.state, plan.id, "json", lang="nl", today=TODAY
        )
        if plan.closed is not None:
            out[f"demo-{plan.id}.report.nl.md"] = render_report(
                demo.state, plan.id, "md", lang="nl", today=TODAY
            )
    return out


def write_golden() -> None:
    """Regenerate the golden files (review the diff before committing it)."""
    import os
    import tempfile
    import time

    os.environ["TZ"] = "Europe/Brussels"  # as the tests' fixture sets it
    time.tzset()
    GOLDEN.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        plans = build_store(Path(tmp) / "plans")
        demo = build_demo_store(Path(tmp) / "demo")
        for name, data in sorted(golden_outputs(plans, demo).items()):
            (GOLDEN / name).write_bytes(data)
            print(f"wrote {GOLDEN / name}")
        plans.close()
        demo.close()


if __name__ == "__main__":
    write_golden()
