"""A demo store: a few realistic plans in different stages, built with the real commands.

Everything is derived from `today`, and every record's time comes from a clock
that follows the story, so the same `today` (with a fixed `ids` source and
`log_id`) always gives the same log, byte for byte.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from catalog.schema import Profile
from core import commands
from core import events as ev
from core.i18n import register, t
from core.log import HEADER_SIZE, encode_header, fsync_dir
from core.projections import StoreState
from core.store import LOG_NAME, Store

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
            due = start + timedelta(days=(i + 1) * days // len(ids))
            dues[action] = _monday(due) + timedelta(days=4)
        return dues

    def plan_all(self, key: str, day: date, dues: dict[str, date]) -> None:
        for action, due in dues.items():
            self.at(day, 9, lambda ids, a=action, d=due: _cmd(commands.plan_action, ids[key], a, due=d))

    def complete(self, key: str, action: str, on: date, hour: int = 15) -> None:
        self.at(
            on,
            hour,
            lambda ids: _cmd(commands.complete_action, ids[key], action, on=on, today=on),
        )


def _cmd(command: Callable[..., ev.Event], plan: str, *args: object, **kwargs: object) -> Decide:
    return lambda s: command(s, plan, *args, **kwargs)


def _story(today: date, profile: Profile) -> _Story:
    story = _Story(today, profile)
    weeks_ago = lambda n: _monday(today) - timedelta(weeks=n)  # noqa: E731

    # 1. Mehmet: finished his 16 weeks six weeks ago; the plan is closed as completed.
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
    dropped = story.action_ids[40]
    story.at(
        start + timedelta(days=1),
        10,
        lambda ids: _cmd(
            commands.drop_action,
            ids["mehmet"],
            dropped,
            reason="Drukkerij Claes werkt niet met vertegenwoordigers; niet van toepassing.",
        ),
    )
    for i, (action, due) in enumerate(dues.items()):
        if action != dropped:
            story.complete("mehmet", action, _workday(max(start, due - timedelta(days=i % 3))))
    end = start + timedelta(weeks=16) - timedelta(days=3)
    story.at(
        start + timedelta(weeks=8),
        14,
        lambda ids: lambda s: commands.record_evaluation(
            s,
            ids["mehmet"],
            on=start + timedelta(weeks=8),
            today=start + timedelta(weeks=8),
            participants=["Katrien Claes", "Els Maes", "Mehmet Yilmaz"],
            ratings=[
                ev.Rating("A1", "verworven", "Neemt de telefoon vlot en vriendelijk op."),
                ev.Rating("A2", "in-ontwikkeling", "Offertes nog laten nakijken."),
                ev.Rating("B1", "verworven"),
            ],
            remark="Goede start; extra aandacht voor offertes.",
        ),
    )
    story.at(
        end,
        13,
        lambda ids: lambda s: commands.record_evaluation(
            s,
            ids["mehmet"],
            on=end,
            today=end,
            participants=["Katrien Claes", "Els Maes", "Mehmet Yilmaz"],
            ratings=[
                ev.Rating("A1", "ruim-verworven"),
                ev.Rating("A2", "verworven", "Maakt offertes zelfstandig op."),
                ev.Rating("B1", "ruim-verworven"),
            ],
            remark="Alle doelstellingen behaald.",
        ),
    )
    for hour, role in ((14, "mentor"), (15, "trainee")):
        story.at(
            end,
            hour,
            lambda ids, r=role: lambda s: commands.sign_off(s, ids["mehmet"], role=r, subject="E2"),
        )
    story.at(
        end,
        16,
        lambda ids: lambda s: commands.close_plan(
            s,
            ids["mehmet"],
            outcome="completed",
            on=end,
            today=end,
            reason="Opleiding afgerond; Mehmet krijgt een vast contract.",
        ),
    )

    # 2. Sara: ten weeks into 26, on track, with notes, an own action and an evaluation.
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
    story.at(
        start,
        11,
        lambda ids: lambda s: commands.add_note(
            s,
            ids["sara"],
            ids["sara"],
            text="Sara werkt 4/5 (woensdag vrij); plan afgestemd met de VDAB-consulent.",
        ),
    )
    overdue = [a for a, d in dues.items() if today - timedelta(days=14) <= d < today][:2]
    dropped = story.action_ids[12]
    story.at(
        start + timedelta(days=2),
        10,
        lambda ids: _cmd(
            commands.drop_action,
            ids["sara"],
            dropped,
            reason="Van Damme Logistics verstuurt geen stalen; niet van toepassing.",
        ),
    )
    for i, (action, due) in enumerate(dues.items()):
        if action in overdue or action == dropped or due >= today:
            continue
        story.complete("sara", action, _workday(max(start, due - timedelta(days=i % 4))))
    own_row = "A3.1"
    story.at(
        start + timedelta(weeks=2),
        10,
        lambda ids: lambda s: commands.add_action(
            s,
            ids["sara"],
            own_row,
            text="Rondleiding in het magazijn met de magazijnverantwoordelijke.",
        ),
    )
    story.complete("sara", f"{own_row}.{_actions_in_row(profile, own_row) + 1}", start + timedelta(weeks=2, days=1))
    first = story.action_ids[0]
    story.at(
        start + timedelta(days=5),
        16,
        lambda ids: lambda s: commands.add_note(
            s,
            ids["sara"],
            first,
            text="Sara neemt de telefoon al vlot op.\nVolgende stap: zelf doorverbinden.",
        ),
    )
    if overdue:
        story.at(
            today - timedelta(days=1),
            9,
            lambda ids: lambda s: commands.add_note(
                s,
                ids["sara"],
                overdue[0],
                text="Uitgesteld: de collega die dit toelicht is met verlof.",
            ),
        )
    evaluation_day = _workday(today - timedelta(weeks=2))
    story.at(
        evaluation_day,
        14,
        lambda ids: lambda s: commands.record_evaluation(
            s,
            ids["sara"],
            on=evaluation_day,
            today=evaluation_day,
            participants=["Jan Van Damme", "Els Maes", "Sara Peeters"],
            ratings=[
                ev.Rating("A1", "verworven", "Vriendelijk en duidelijk aan de telefoon."),
                ev.Rating("A2", "in-ontwikkeling", "Offertes nog samen nakijken."),
                ev.Rating("A3", "in-ontwikkeling"),
                ev.Rating("B1", "verworven", "Klantgericht, blijft rustig bij klachten."),
                ev.Rating("B3", "nog-niet-verworven", "Vraagt nog weinig zelf om hulp."),
            ],
            remark="Goed op weg; volgende evaluatie over zes weken.",
        ),
    )
    story.at(
        evaluation_day,
        15,
        lambda ids: lambda s: commands.sign_off(s, ids["sara"], role="trainee", subject="E1"),
    )
    story.at(
        evaluation_day,
        16,
        lambda ids: lambda s: commands.sign_off(s, ids["sara"], role="mentor"),
    )

    # 3. Youssef: eight weeks into 20 and behind, with several overdue actions.
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
        story.complete("youssef", action, _workday(max(start, dues[action] + timedelta(days=i % 2))))
    story.at(
        _workday(today - timedelta(days=2)),
        11,
        lambda ids: lambda s: commands.add_note(
            s,
            ids["youssef"],
            "A2",
            text="Opvolggesprek gepland: te weinig tijd voorzien voor offertes.",
        ),
    )

    # 4. Emma: three weeks into 12; an action re-planned and one reopened.
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
    dues = story.spread(start, 12, count=24)
    story.plan_all("emma", start, dues)
    story.at(
        start + timedelta(days=1),
        9,
        lambda ids: lambda s: commands.edit_plan(s, ids["emma"], contact="Bart Vandenberghe"),
    )
    done = [a for a, d in dues.items() if d < today]
    for action in done:
        story.complete("emma", action, _workday(dues[action]))
    if done:
        again = done[-1]
        story.at(
            _workday(dues[again]),
            17,
            lambda ids: _cmd(
                commands.reopen_action,
                ids["emma"],
                again,
                reason="De orderbevestiging bevatte fouten; nog eens samen overlopen.",
            ),
        )
    moved = story.action_ids[len(done) + 1] if len(done) + 1 < 24 else None
    if moved is not None:
        new_due = dues[moved] + timedelta(weeks=1)
        story.at(
            _workday(today - timedelta(days=1)),
            10,
            lambda ids: _cmd(commands.plan_action, ids["emma"], moved, due=new_due),
        )

    # 5. Lotte: starts next week; only the first weeks are planned.
    start = _monday(today) + timedelta(weeks=1)
    story.create(
        "lotte",
        _workday(today - timedelta(days=1)),
        trainee="Lotte Wouters",
        start=start,
        weeks=13,
        contract="IBO-2026-0533",
        company="Fietsen Mertens",
        contact="Wim Mertens",
    )
    story.plan_all("lotte", _workday(today - timedelta(days=1)), story.spread(start, 13, count=8))
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
    path.mkdir(parents=True, exist_ok=True)
    log = path / LOG_NAME
    tmp = path / f".{LOG_NAME}.{os.getpid()}.{uuid.uuid4().hex[:8]}.new"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        os.write(fd, encode_header(log_id))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, log)
    finally:
        os.unlink(tmp)
    fsync_dir(path)


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
            clock.now = step.at
            decide = step.make(plan_ids)
            record = store.execute(decide, event_id=ids() if ids else None)
            if step.creates is not None:
                plan_ids[step.creates] = record.event.plan
    return list(plan_ids.values())
