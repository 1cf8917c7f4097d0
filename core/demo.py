"""A demo store: a few realistic plans in different stages, built with the real commands.

Everything is derived from `today`, and every record's time comes from a clock
that follows the story, so the same `today` (with a fixed `ids` source and
`log_id`) always gives the same log, byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from catalog.schema import Profile
from core import commands
from core import events as ev
from core.dates import EARLIEST, LATEST, in_range
from core.i18n import register, t
from core.log import HEADER_SIZE, create_log
from core.projections import StoreState
from core.store import LOG_NAME, Store, make_store_dir

DEMO_OCCUPATION = "commercieel-medewerker-binnendienst"

register(
    {
        "demo.has_records": (
            "The store at {path} already holds records; the demo needs a new or empty store "
            "(use --store DIR).",
            "De opslag in {path} bevat al records; de demo heeft een nieuwe of lege opslag "
            "nodig (gebruik --store MAP).",
        ),
        "demo.not_empty": (
            "{path} is not empty and not a leerpad store; the demo needs a new or empty "
            "directory (use --store DIR).",
            "{path} is niet leeg en geen leerpad-opslag; de demo heeft een nieuwe of lege "
            "map nodig (gebruik --store MAP).",
        ),
        "demo.not_dir": ("{path} is not a directory.", "{path} is geen map."),
    }
)


class DemoRefused(Exception):
    """The demo would mix its plans into data that is already there."""


Decide = Callable[[StoreState], ev.Event]


@dataclass(order=True)
class _Step:
    at: datetime
    order: int
    make: Callable[[dict[str, str]], Decide]
    """Given the plan ids assigned so far (story key -> P1), the command to run."""
    creates: str | None = None


class StoryClock:
    """The time of the step being run; each record a minute after the previous one."""

    def __init__(self) -> None:
        self.now = datetime(2000, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        value = self.now
        self.now += timedelta(minutes=1)
        return value


def _workday(day: date) -> date:
    """The same day, or the Friday before when it falls in a weekend."""
    return day - timedelta(days=max(0, day.weekday() - 4))


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


class _Story:
    def __init__(self, today: date, profile: Profile) -> None:
        self.today = today
        self.profile = profile
        self.steps: list[_Step] = []
        self.action_ids = [
            a.id for c in commands.instantiate(profile).job for r in c.rows for a in r.actions
        ]

    def at(self, day: date, hour: int, make: Callable[[dict[str, str]], Decide]) -> None:
        when = datetime.combine(day, time(hour), tzinfo=UTC)
        self.steps.append(_Step(when, len(self.steps), make))

    def create(self, key: str, day: date, **details: object) -> None:
        profile = self.profile
        when = datetime.combine(day, time(8), tzinfo=UTC)
        step = _Step(
            when,
            len(self.steps),
            lambda ids: lambda s: commands.create_plan(s, profile, **details),  # type: ignore[arg-type]
            creates=key,
        )
        self.steps.append(step)

    def spread(self, start: date, weeks: int, count: int | None = None) -> dict[str, date]:
        """Planned end dates spread evenly over the plan, on Fridays."""
        ids = self.action_ids[: count or len(self.action_ids)]
        days = weeks * 7
        dues = {}
        for i, action in enumerate(ids):
            due = start + timedelta(days=(i + 1) * days // len(ids) - 1)
            dues[action] = _monday(due) + timedelta(days=4)
        return dues

    def plan_all(self, key: str, day: date, dues: dict[str, date]) -> None:
        for action, due in dues.items():
            _run(self, key, day, 9, commands.plan_action, action, due=due)

    def complete(self, key: str, action: str, on: date, hour: int = 15) -> None:
        _run(self, key, on, hour, commands.complete_action, action, on=on, today=on)


PLAN = "<plan>"
"""Stands for the plan's own id (not known until it is created) in a story step."""


def _run(
    story: _Story,
    key: str,
    day: date,
    hour: int,
    command: Callable[..., ev.Event],
    *args: object,
    **kwargs: object,
) -> None:
    """Run `command(state, <plan id>, *args, **kwargs)` at `day`, `hour` o'clock (UTC)."""

    def make(ids: dict[str, str]) -> Decide:
        plan = ids[key]
        real = [plan if a == PLAN else a for a in args]
        return lambda s: command(s, plan, *real, **kwargs)

    story.at(day, hour, make)


def _mehmet(story: _Story, weeks_ago: Callable[[int], date]) -> None:
    """Finished his 16 weeks six weeks ago; the plan is closed as completed."""
    start = weeks_ago(22)
    story.create(
        "mehmet",
        start - timedelta(days=3),
        trainee="Mehmet Yilmaz",
        start=start,
        weeks=16,
        contract="IBO-2026-0107",
        company="Drukkerij Claes",
        contact="Katrien Claes",
    )
    dues = story.spread(start, 16)
    story.plan_all("mehmet", start, dues)
    dropped = story.action_ids[47]
    reason = "Drukkerij Claes neemt niet deel aan beurzen of netwerkevenementen."
    _run(
        story, "mehmet", start + timedelta(days=1), 10, commands.drop_action, dropped, reason=reason
    )
    for i, (action, due) in enumerate(dues.items()):
        if action != dropped:
            story.complete("mehmet", action, _workday(max(start, due - timedelta(days=i % 3))))
    people = ["Katrien Claes", "Els Maes", "Mehmet Yilmaz"]
    middle = start + timedelta(weeks=8)
    _run(
        story,
        "mehmet",
        middle,
        14,
        commands.record_evaluation,
        on=middle,
        today=middle,
        participants=people,
        ratings=[
            ev.Rating("A1", "verworven", "Neemt de telefoon vlot en vriendelijk op."),
            ev.Rating("A2", "in-ontwikkeling", "Offertes nog laten nakijken."),
            ev.Rating("B1", "verworven"),
        ],
        remark="Goede start; extra aandacht voor offertes.",
    )
    end = start + timedelta(weeks=16) - timedelta(days=3)
    _run(
        story,
        "mehmet",
        end,
        13,
        commands.record_evaluation,
        on=end,
        today=end,
        participants=people,
        ratings=[
            ev.Rating("A1", "ruim-verworven"),
            ev.Rating("A2", "verworven", "Maakt offertes zelfstandig op."),
            ev.Rating("B1", "ruim-verworven"),
        ],
        remark="Alle doelstellingen behaald.",
    )
    _run(story, "mehmet", end, 14, commands.sign_off, role="mentor", subject="E2")
    _run(story, "mehmet", end, 15, commands.sign_off, role="trainee", subject="E2")
    _run(
        story,
        "mehmet",
        end,
        16,
        commands.close_plan,
        outcome="completed",
        on=end,
        today=end,
        reason="Opleiding afgerond; Mehmet krijgt een vast contract.",
    )


def _sara(story: _Story, weeks_ago: Callable[[int], date]) -> None:
    """Ten weeks into 26 and on track, with notes, an own action, an evaluation, sign-offs."""
    today = story.today
    start = weeks_ago(10)
    story.create(
        "sara",
        start - timedelta(days=4),
        trainee="Sara Peeters",
        start=start,
        weeks=26,
        contract="IBO-2026-0412",
        company="Van Damme Logistics",
        contact="Jan Van Damme",
    )
    dues = story.spread(start, 26)
    story.plan_all("sara", start, dues)
    _run(
        story,
        "sara",
        start,
        11,
        commands.add_note,
        PLAN,
        text="Sara werkt 4/5 (woensdag vrij); plan afgestemd met de VDAB-consulent.",
    )
    overdue = [a for a, d in dues.items() if today - timedelta(days=14) <= d < today][:2]
    dropped = story.action_ids[54]
    reason = "Van Damme Logistics werkt niet met kredietlijnen; niet van toepassing."
    _run(story, "sara", start + timedelta(days=2), 10, commands.drop_action, dropped, reason=reason)
    for i, (action, due) in enumerate(dues.items()):
        if action in overdue or action == dropped or due >= today:
            continue
        story.complete("sara", action, _workday(max(start, due - timedelta(days=i % 4))))
    row = "A3.1"
    own = f"{row}.{_actions_in_row(story.profile, row) + 1}"
    text = "Rondleiding in het magazijn met de magazijnverantwoordelijke."
    _run(story, "sara", start + timedelta(weeks=2), 10, commands.add_action, row, text=text)
    story.complete("sara", own, start + timedelta(weeks=2, days=1))
    _run(
        story,
        "sara",
        start + timedelta(days=4),
        16,
        commands.add_note,
        story.action_ids[0],
        text="Sara neemt de telefoon al vlot op.\nVolgende stap: zelf doorverbinden.",
    )
    if overdue:
        _run(
            story,
            "sara",
            _workday(today - timedelta(days=1)),
            9,
            commands.add_note,
            overdue[0],
            text="Uitgesteld: de collega die dit toelicht is met verlof.",
        )
    day = _workday(today - timedelta(weeks=2))
    _run(
        story,
        "sara",
        day,
        14,
        commands.record_evaluation,
        on=day,
        today=day,
        participants=["Jan Van Damme", "Els Maes", "Sara Peeters"],
        ratings=[
            ev.Rating("A1", "verworven", "Vriendelijk en duidelijk aan de telefoon."),
            ev.Rating("A2", "in-ontwikkeling", "Offertes nog samen nakijken."),
            ev.Rating("A3", "in-ontwikkeling"),
            ev.Rating("B3", "verworven", "Klantgericht, blijft rustig bij klachten."),
            ev.Rating("B6", "nog-niet-verworven", "Plant haar werk nog weinig zelf."),
        ],
        remark="Goed op weg; volgende evaluatie over zes weken.",
    )
    _run(story, "sara", day, 15, commands.sign_off, role="trainee", subject="E1")
    _run(story, "sara", day, 16, commands.sign_off, role="mentor")


def _youssef(story: _Story, weeks_ago: Callable[[int], date]) -> None:
    """Eight weeks into 20 and behind, with several overdue actions."""
    today = story.today
    start = weeks_ago(8)
    story.create(
        "youssef",
        start - timedelta(days=3),
        trainee="Youssef El Amrani",
        start=start,
        weeks=20,
        contract="IBO-2026-0388",
        company="Verhelst Bouwmaterialen",
        contact="Peter Verhelst",
    )
    dues = story.spread(start, 20, count=30)
    story.plan_all("youssef", start, dues)
    late = [a for a, d in dues.items() if d < today]
    for i, action in enumerate(late[: len(late) // 3]):
        on = min(today - timedelta(days=1), dues[action] + timedelta(days=i % 2))
        story.complete("youssef", action, _workday(max(start, on)))
    _run(
        story,
        "youssef",
        _workday(today - timedelta(days=2)),
        11,
        commands.add_note,
        "A2",
        text="Opvolggesprek gepland: te weinig tijd voorzien voor offertes.",
    )


def _emma(story: _Story, weeks_ago: Callable[[int], date]) -> None:
    """Three weeks into 12: details edited, an action reopened and one re-planned."""
    today = story.today
    start = weeks_ago(3)
    story.create(
        "emma",
        start - timedelta(days=2),
        trainee="Emma De Smet",
        start=start,
        weeks=12,
        contract="IBO-2026-0501",
        company="Groothandel Vandenberghe",
        contact="An Vandenberghe",
    )
    dues = story.spread(start, 12)
    story.plan_all("emma", start, dues)
    _run(
        story, "emma", start + timedelta(days=1), 9, commands.edit_plan, contact="Bart Vandenberghe"
    )
    done = [a for a, d in dues.items() if d < today]
    for action in done:
        story.complete("emma", action, _workday(dues[action]))
    if done:
        _run(
            story,
            "emma",
            _workday(dues[done[-1]]),
            17,
            commands.reopen_action,
            done[-1],
            reason="De orderbevestiging bevatte fouten; nog eens samen overlopen.",
        )
    later = [a for a, d in dues.items() if d >= today]
    if later:
        moved = later[0]
        new_due = dues[moved] + timedelta(weeks=1)
        day = _workday(today - timedelta(days=1))
        _run(story, "emma", day, 10, commands.plan_action, moved, due=new_due)


def _lotte(story: _Story, weeks_ago: Callable[[int], date]) -> None:
    """Starts next week; only the first weeks are planned."""
    today = story.today
    start = _monday(today) + timedelta(weeks=1)
    day = _workday(today - timedelta(days=1))
    story.create(
        "lotte",
        day,
        trainee="Lotte Wouters",
        start=start,
        weeks=13,
        contract="IBO-2026-0533",
        company="Fietsen Mertens",
        contact="Wim Mertens",
    )
    story.plan_all("lotte", day, story.spread(start, 13, count=8))


def _story(today: date, profile: Profile) -> _Story:
    story = _Story(today, profile)

    def weeks_ago(n: int) -> date:
        return _monday(today) - timedelta(weeks=n)

    for part in (_mehmet, _sara, _youssef, _emma, _lotte):
        part(story, weeks_ago)
    return story


def _actions_in_row(profile: Profile, row_id: str) -> int:
    comp, row = (int(part) for part in row_id[1:].split("."))
    return len(profile.job[comp - 1].rows[row - 1].actions)


def _check_target(path: Path) -> None:
    if path.exists() and not path.is_dir():
        raise DemoRefused(t("demo.not_dir", path=path))
    if not path.exists():
        return
    log = path / LOG_NAME
    if log.exists():
        if log.stat().st_size > HEADER_SIZE:
            raise DemoRefused(t("demo.has_records", path=path))
        return
    if any(path.iterdir()):
        raise DemoRefused(t("demo.not_empty", path=path))


def _create_log(path: Path, log_id: bytes) -> None:
    """An empty log with a given log id (the header is hashed into the chain)."""
    make_store_dir(path)
    create_log(path / LOG_NAME, log_id=log_id)


def build_demo(
    path: Path,
    today: date,
    *,
    profile: Profile | None = None,
    ids: Callable[[], str] | None = None,
    log_id: bytes | None = None,
    actor: str | None = None,
) -> list[str]:
    """Fill a new or empty store at `path` with demo plans; return their ids.

    `ids` supplies event ids and `log_id` the log's id (16 bytes) for a fully
    deterministic log; `actor` replaces the login name in the records (tests and
    screenshots only: the command line never offers it).
    """
    path = Path(path)
    if not in_range(today):
        raise DemoRefused(
            t("dates.today_range", what="today", day=today, earliest=EARLIEST, latest=LATEST)
        )
    _check_target(path)
    if profile is None:
        from catalog.loader import Catalog

        profile = Catalog.load().get(DEMO_OCCUPATION)
    if log_id is not None and not (path / LOG_NAME).exists():
        _create_log(path, log_id)
    story = _story(today, profile)
    clock = StoryClock()
    plan_ids: dict[str, str] = {}
    with Store.open(path, create=True, clock=clock) as store:
        if actor is not None:
            store.actor = actor
        for step in sorted(story.steps):
            # Steps at the same hour follow each other a minute apart.
            clock.now = max(step.at, clock.now)
            decide = step.make(plan_ids)
            record = store.execute(decide, event_id=ids() if ids else None)
            if step.creates is not None:
                plan_ids[step.creates] = record.event.plan
    return list(plan_ids.values())
