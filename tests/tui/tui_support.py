"""Shared by the UI tests: the fixed today and clock, and the small store they all read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from catalog import Catalog
from core import commands
from core.events import Rating
from core.store import Store

TODAY = date(2026, 11, 25)
PROFILE = "commercieel-medewerker-binnendienst"


class Clock:
    """Record times that advance ten minutes per record from a fixed start."""

    def __init__(self, start: datetime = datetime(2026, 9, 7, 8, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        value = self.now
        self.now += timedelta(minutes=10)
        return value


def fill_store(store: Store, catalog: Catalog) -> None:
    """Three plans in different states, written by two people, as the tests expect them."""
    profile = catalog.get(PROFILE)

    def run(actor: str, decide: Callable) -> None:
        store.actor = actor
        store.execute(decide)

    run(
        "an",
        lambda s: commands.create_plan(
            s,
            profile,
            trainee="Jan Peeters",
            start=date(2026, 9, 7),
            weeks=20,
            contract="IBO-2026-0113",
            company="Bakkerij Peeters bv",
            contact="An Claes",
        ),
    )
    run(
        "els",
        lambda s: commands.create_plan(
            s,
            profile,
            trainee="Sara El Amrani",
            start=date(2026, 10, 5),
            weeks=12,
            contract="IBO-2026-0178",
            company="Logistiek Noord",
            contact="Els Wouters",
        ),
    )
    run(
        "an",
        lambda s: commands.create_plan(
            s,
            profile,
            trainee="Tom Vos",
            start=date(2026, 6, 1),
            weeks=8,
            company="Vos & Zonen",
        ),
    )
    # P1: well under way.
    for i, action in enumerate(["A1.1.1", "A1.1.2", "A1.1.3", "A1.1.4", "A1.1.5", "A1.2.1"]):
        run(
            "an",
            lambda s, a=action, i=i: commands.plan_action(
                s, "P1", a, due=date(2026, 9, 18) + timedelta(days=7 * i)
            ),
        )
    for action, on in [
        ("A1.1.1", date(2026, 9, 17)),
        ("A1.1.2", date(2026, 9, 24)),
        ("A1.1.3", date(2026, 10, 2)),
    ]:
        run("an", lambda s, a=action, d=on: commands.complete_action(s, "P1", a, on=d, today=TODAY))
    run(
        "an",
        lambda s: commands.drop_action(
            s, "P1", "A1.1.5", reason="Geen telefooncentrale in dit bedrijf"
        ),
    )
    run(
        "an",
        lambda s: commands.add_action(
            s, "P1", "A1.2", text="Klantenfiches van de eigen regio doornemen met de mentor."
        ),
    )
    run(
        "els",
        lambda s: commands.add_note(
            s, "P1", "A1.1.2", text="Gaat vlot; volgende keer zelfstandig laten bellen."
        ),
    )
    run(
        "els",
        lambda s: commands.record_evaluation(
            s,
            "P1",
            on=date(2026, 10, 16),
            today=TODAY,
            participants=["An Claes", "Els Wouters"],
            ratings=[
                Rating("A1", "in-ontwikkeling", "Telefoon gaat goed"),
                Rating("B1", "verworven", ""),
            ],
            remark="Eerste evaluatie",
        ),
    )
    run("an", lambda s: commands.sign_off(s, "P1", role="mentor"))
    # P2: behind, with overdue actions.
    for action in ["A1.1.1", "A1.1.2", "A2.1.1"]:
        run("els", lambda s, a=action: commands.plan_action(s, "P2", a, due=date(2026, 11, 6)))
    # P3: finished and closed.
    run(
        "an",
        lambda s: commands.complete_action(s, "P3", "A1.1.1", on=date(2026, 7, 20), today=TODAY),
    )
    run(
        "an",
        lambda s: commands.close_plan(
            s, "P3", outcome="completed", on=date(2026, 7, 24), today=TODAY, reason="Klaar"
        ),
    )
    store.actor = "an"
