"""Synthetic stores for the benchmark: realistic plan lives, written in bulk.

Every event comes from the real commands run against the real projection (so the
store would have accepted it), and every record is framed and hash-chained with
the same code `Store.execute` uses. Only the fsync per record is replaced by one
fsync at the end; `check` then opens the result with the real `Store`.

    python -m benchmarks.generate 100000 build/bench/store-100k
"""

from __future__ import annotations

import argparse
import heapq
import os
import random
import sys
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import msgspec

from catalog import Catalog
from catalog.schema import Profile
from core import commands
from core import events as ev
from core.keystore import FileKeyStore, Keys
from core.log import encode_header, frame, fsync_dir, parse_header, payload_hash
from core.privacy import seal_event
from core.projections import StoreState, apply
from core.store import LOG_NAME, Store

GENERATOR_VERSION = 2
"""Bump when the generated stream changes, so cached stores are rebuilt."""

EVENTS_PER_PLAN = 330
"""About how many events one plan's life produces (most of them notes)."""

SPAN_DAYS = 3 * 365
"""Plans start spread over this many days, whatever the store size."""

EPOCH = datetime(2022, 9, 1, tzinfo=UTC)

FIRST_NAMES = (
    "Lotte",
    "Emma",
    "Louise",
    "Noor",
    "Elise",
    "Marie",
    "Julie",
    "Lien",
    "Fien",
    "Hanne",
    "Jana",
    "Lisa",
    "Sarah",
    "Laura",
    "Ines",
    "Amber",
    "Febe",
    "Nina",
    "Lore",
    "Zoë",
    "Kato",
    "Charlotte",
    "Yasmine",
    "Amira",
    "Fatima",
    "Aylin",
    "Oumaima",
    "Anouk",
    "Lucas",
    "Arthur",
    "Liam",
    "Noah",
    "Louis",
    "Jules",
    "Milan",
    "Stan",
    "Wout",
    "Thibault",
    "Senne",
    "Vince",
    "Robbe",
    "Jonas",
    "Pieter",
    "Bram",
    "Tibo",
    "Ruben",
    "Arne",
    "Kobe",
    "Jasper",
    "Mathis",
    "Youssef",
    "Mohamed",
    "Emre",
    "Adam",
    "Rayan",
    "Bilal",
)
LAST_NAMES = (
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "De Smet",
    "Dubois",
    "Hermans",
    "Aerts",
    "Michiels",
    "Desmet",
    "Verhoeven",
    "Van den Broeck",
    "De Backer",
    "Lambrechts",
    "Vermeulen",
    "Coppens",
    "Cools",
    "Martens",
    "De Clercq",
    "Pauwels",
    "Wuyts",
    "Van Damme",
    "Verstraete",
    "Baert",
    "Smets",
    "Declercq",
    "Stevens",
    "Segers",
    "Vandenberghe",
    "Bogaert",
    "Claeys",
    "Hendrickx",
    "De Wilde",
    "Van de Velde",
    "Mahieu",
    "El Amrani",
    "Benali",
    "Yilmaz",
    "Demir",
    "Kaya",
    "Bulut",
    "Nowak",
    "Kowalski",
    "Rossi",
    "Popescu",
)
COMPANY_WORDS = (
    "Brouwerij",
    "Drukkerij",
    "Transport",
    "Bouwmaterialen",
    "Kantoorartikelen",
    "Metaalwerken",
    "Tuinbouw",
    "Elektro",
    "Verpakkingen",
    "Logistiek",
    "Textiel",
    "Houthandel",
    "Sanitair",
    "Voeding",
)
NOTE_TEMPLATES = (
    "Offerte voor {klant} samen overlopen; volgende keer maakt {wie} ze zelfstandig op.",
    "Vandaag {n} telefoons zelf beantwoord, twee doorverbonden naar de boekhouding.",
    "Bestelling van {klant} geregistreerd, leveringstermijn nagevraagd bij de planning.",
    "Klacht van {klant} over een late levering goed opgevangen. Nog oefenen op doorvragen.",
    "CRM-fiche van {klant} aangevuld met contactpersonen en recente activiteit.",
    "Stock gecontroleerd voor {n} orderlijnen; één artikel in backorder gemeld aan de klant.",
    "Facturatie van vorige week nagekeken met de boekhouding, {n} correcties nodig.",
    "Transport geregeld voor {klant}; pallets en verpakkingswijze bevestigd.",
    "Gesprek met {wie} over de planning van volgende week.",
    "Stalen en folders verzonden naar {n} prospecten uit het bestand.",
    "Onderhandeling met {klant} bijgewoond; betalingsvoorwaarden genoteerd.",
    "Productkennis: documentatie over het nieuwe gamma doorgenomen.",
    "Website: prijslijst en promoties gecontroleerd, {n} fouten doorgegeven.",
    "Afwezig wegens ziekte, opleidingsactie schuift een week op.",
    "Goed bezig met de orderbevestigingen, tempo mag nog omhoog.",
    "Debiteurenlijst overlopen; {n} herinneringen verstuurd.",
    "Nazorg: {klant} teruggebeld na de levering, tevreden.",
    "Zelfstandig een kostenraming opgemaakt voor {klant}, nagekeken door de mentor.",
)
CLIENTS = (
    "Bakkerij Smets",
    "De Kaasmakerij",
    "Garage Vermeulen",
    "Hotel Ter Duinen",
    "Apotheek Claes",
    "Schrijnwerkerij Baert",
    "Fietsen Wuyts",
    "Café Het Anker",
    "Stad Mechelen",
    "VZW De Brug",
)
REASONS = (
    "Verkeerd afgevinkt.",
    "Moet opnieuw: de cursist deed het nog onder begeleiding.",
    "Niet van toepassing in dit bedrijf.",
    "Wordt door een andere afdeling gedaan.",
    "Op vraag van de consulent opnieuw open gezet.",
)
COMMENTS = (
    "",
    "",
    "Vlot.",
    "Werkt nauwkeurig.",
    "Nog wat onzeker aan de telefoon.",
    "Goede vooruitgang.",
    "Moet meer initiatief nemen.",
)


@dataclass(frozen=True, slots=True)
class Person:
    login: str
    name: str


CLOSE_REASON = "Afgerond na overleg; wat nog open staat, volgt de mentor verder op."
"""Closing as completed with actions still open needs a reason (core.commands)."""


def person(rng: random.Random, used: set[str]) -> Person:
    """A realistic name and a Unix login made from it (jpeeters, jpeeters2, ...)."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    base = (first[0] + last.replace(" ", "")).lower().replace("ë", "e")
    login, n = base, 1
    while login in used:
        n += 1
        login = f"{base}{n}"
    used.add(login)
    return Person(login, f"{first} {last}")


@dataclass(slots=True)
class Step:
    """One thing that happens in a plan's life: when, by whom, and the command."""

    when: datetime
    actor: str
    decide: Callable[[StoreState], ev.Event]


Life = Generator[Step, ev.Record, None]


def at(day: date, rng: random.Random) -> datetime:
    """A moment during office hours on `day` (UTC)."""
    return datetime(day.year, day.month, day.day, 7, tzinfo=UTC) + timedelta(
        seconds=rng.randrange(10 * 3600)
    )


def plan_life(
    rng: random.Random,
    profile: Profile,
    start: date,
    trainee: Person,
    mentor: Person,
    consultant: Person,
    company: str,
) -> Life:
    """The events of one plan, in time order; each yield gets the record written back."""
    weeks = rng.choice((13, 16, 20, 26, 26, 26))
    created = yield Step(
        at(start, rng),
        consultant.login,
        lambda s: commands.create_plan(
            s,
            profile,
            trainee=trainee.name,
            start=start,
            weeks=weeks,
            contract=f"IBO-{rng.randrange(10**6):06d}",
            company=company,
            contact=mentor.name,
        ),
    )
    plan_id = created.event.plan
    structure = created.event.structure
    end = start + timedelta(weeks=weeks)
    actions = [a.id for c in structure.job for r in c.rows for a in r.actions]
    rows = [r.id for c in structure.job for r in c.rows]
    nodes = [plan_id, *actions, *rows, *(c.id for c in structure.job)]
    nodes += [p.id for p in structure.personal]
    levels = [lv.key for lv in structure.scale]
    ratable = [c.id for c in structure.job] + [p.id for p in structure.personal]
    people = {"mentor": mentor, "consultant": consultant, "trainee": trainee}
    plan: list[tuple[datetime, str, Callable[[StoreState], ev.Event]]] = []

    def day(lo: int, hi: int) -> date:
        return start + timedelta(days=rng.randint(lo, hi))

    def add(when: date, who: Person, decide: Callable[[StoreState], ev.Event]) -> None:
        plan.append((at(when, rng), who.login, decide))

    def planned(action: str, due: date) -> Callable[[StoreState], ev.Event]:
        return lambda s: commands.plan_action(s, plan_id, action, due=due)

    def completed(action: str, on: date) -> Callable[[StoreState], ev.Event]:
        return lambda s: commands.complete_action(s, plan_id, action, on=on, today=on)

    # A few own actions; their ids come from the state when they are added.
    own = [(rows[rng.randrange(len(rows))], day(10, weeks * 5)) for _ in range(rng.randint(0, 3))]
    for row, when in own:
        what = rng.choice(NOTE_TEMPLATES).format(klant=rng.choice(CLIENTS), wie="de mentor", n=3)
        text = f"Eigen actie: {what}"
        add(
            when,
            mentor,
            lambda s, row=row, text=text: commands.add_action(s, plan_id, row, text=text),
        )

    # Each action: planned in the first days, maybe re-planned, then done (or not).
    span = weeks * 7
    for action in actions:
        first = day(0, 3)
        due = start + timedelta(days=rng.randint(7, span - 3))
        add(first, mentor, planned(action, due))
        last = first
        for _ in range(rng.choices((0, 1, 2, 3), (55, 30, 10, 5))[0]):
            moved = due + timedelta(days=rng.choice((-7, 7, 7, 14, 21)))
            when = min(max(last + timedelta(days=1), due - timedelta(days=3)), end)
            if moved == due or moved < start or when <= last:
                continue
            due = moved
            add(when, mentor, planned(action, due))
            last = when
        fate = rng.random()
        if fate < 0.03:
            drop_on = max(last + timedelta(days=1), day(5, span // 2))
            add(
                drop_on,
                consultant,
                lambda s, a=action: commands.drop_action(s, plan_id, a, reason=rng.choice(REASONS)),
            )
            if rng.random() < 0.3:
                back = drop_on + timedelta(days=rng.randint(2, 20))
                add(back, consultant, lambda s, a=action: commands.restore_action(s, plan_id, a))
            continue
        if fate > 0.92:
            continue  # still open when the plan ends
        on = max(last + timedelta(days=1), min(due + timedelta(days=rng.randint(-5, 4)), end))
        doer = mentor if rng.random() < 0.7 else trainee
        add(on, doer, completed(action, on))
        if rng.random() < 0.06:
            again = on + timedelta(days=rng.randint(1, 10))
            add(
                again,
                mentor,
                lambda s, a=action: commands.reopen_action(
                    s, plan_id, a, reason=rng.choice(REASONS)
                ),
            )
            redo = again + timedelta(days=rng.randint(1, 14))
            add(redo, mentor, completed(action, redo))

    # The journal: most events are notes by the trainee, the mentor and the consultant.
    for _ in range(max(0, int(rng.gauss(EVENTS_PER_PLAN - 180, 40)))):
        who = rng.choices((trainee, mentor, consultant), (45, 40, 15))[0]
        target = rng.choice(nodes) if rng.random() < 0.6 else plan_id
        text = rng.choice(NOTE_TEMPLATES).format(
            klant=rng.choice(CLIENTS), wie=mentor.name.split()[0], n=rng.randint(2, 12)
        )
        add(day(0, span), who, lambda s, t=target, x=text: commands.add_note(s, plan_id, t, text=x))

    # Sign-off of the plan at its start, evaluations every six weeks, each signed off.
    for offset, role in enumerate(("consultant", "mentor", "trainee")):
        add(
            start + timedelta(days=4 + offset),
            people[role],
            lambda s, r=role: commands.sign_off(s, plan_id, role=r),
        )
    for n, week in enumerate(range(6, weeks + 1, 6), 1):
        on = start + timedelta(weeks=week, days=rng.randint(-2, 2))
        progress = min(len(levels) - 1, week // 7)
        ratings = [
            ev.Rating(
                c,
                levels[max(0, min(len(levels) - 1, progress + rng.randint(-1, 1)))],
                rng.choice(COMMENTS),
            )
            for c in ratable
        ]
        add(
            on,
            consultant,
            lambda s, on=on, ratings=ratings: commands.record_evaluation(
                s,
                plan_id,
                on=on,
                today=on,
                participants=[trainee.name, mentor.name, consultant.name],
                ratings=ratings,
                remark="Evaluatie op de werkplek.",
            ),
        )
        for k, role in enumerate(("consultant", "mentor", "trainee")):
            add(
                on + timedelta(days=1 + k),
                people[role],
                lambda s, r=role, e=f"E{n}": commands.sign_off(s, plan_id, role=r, subject=e),
            )
    if rng.random() < 0.3:
        add(
            day(7, span),
            consultant,
            lambda s: commands.edit_plan(
                s, plan_id, contact=f"{mentor.name} (verantwoordelijke {rng.choice(COMPANY_WORDS)})"
            ),
        )

    plan.sort(key=lambda p: p[0])
    close_at = max(plan[-1][0].date() if plan else end, end) + timedelta(days=rng.randint(1, 5))
    outcome = "completed" if rng.random() < 0.85 else "stopped"
    plan.append(
        (
            at(close_at, rng) + timedelta(days=1),
            consultant.login,
            lambda s: commands.close_plan(
                s,
                plan_id,
                outcome=outcome,
                on=close_at,
                today=close_at,
                reason=CLOSE_REASON if outcome == "completed" else "",
            ),
        )
    )
    for when, actor, decide in plan:
        yield Step(when, actor, decide)


class BulkLog:
    """Writes framed, chained records exactly as `LogFile.append` would, fsyncing once."""

    def __init__(self, path: Path, log_id: bytes) -> None:
        self.path = path
        self.header = encode_header(log_id)
        self.file = open(path, "xb", buffering=4 * 1024 * 1024)  # noqa: SIM115
        self.file.write(self.header)
        self.hash = parse_header(self.header, path).hash

    def append(self, payload: bytes) -> str:
        self.file.write(frame(payload))
        self.hash = payload_hash(payload)
        return self.hash

    def close(self) -> None:
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        fsync_dir(self.path.parent)


@dataclass(frozen=True, slots=True)
class Generated:
    path: Path
    events: int
    plans: int
    actors: int
    last_hash: str
    last_time: datetime
    seconds: float


def generate(
    path: Path, n_events: int, *, seed: int = 1, profile: Profile | None = None
) -> Generated:
    """Write a store of exactly `n_events` records into the new directory `path`."""
    began = time.perf_counter()
    profile = profile or Catalog.load().profiles()[0]
    rng = random.Random(seed ^ 0x5EED)
    path.mkdir(parents=True, exist_ok=False)
    log = BulkLog(path / LOG_NAME, rng.getrandbits(128).to_bytes(16, "big"))
    state = StoreState()
    state.hash = log.hash
    encode = ev.ENCODER.encode
    keys = Keys(FileKeyStore(path))
    last = EPOCH
    actors: set[str] = set()
    plans = 0
    heap: list[tuple[datetime, int, Step, Life]] = []
    for seq, (i, step, life) in enumerate(_merged(n_events, seed, profile, heap), 1):
        when = step.when if step.when > last else last + timedelta(microseconds=1)
        ms = int(when.timestamp() * 1000)
        event = step.decide(state)
        record = ev.Record(
            seq=seq,
            id=f"{ms:012x}{rng.getrandbits(80):020x}",
            time=when,
            actor=step.actor,
            prev=state.hash,
            event=event,
            v=type(event).version,
        )
        # Written sealed, as Store.execute writes it; folded as a reader opens it.
        sealed = msgspec.structs.replace(record, event=seal_event(event, record.id, keys))
        apply(state, record, log.append(encode(sealed)))
        last = when
        actors.add(step.actor)
        plans += isinstance(record.event, ev.PlanCreated)
        if seq == n_events:
            break
        try:
            nxt = life.send(record)
        except StopIteration:
            continue
        heapq.heappush(heap, (nxt.when, i, nxt, life))
    log.close()
    if state.seq != n_events:
        raise RuntimeError(f"the plans ran out after {state.seq} of {n_events} events")
    return Generated(
        path, state.seq, plans, len(actors), state.hash, last, time.perf_counter() - began
    )


def _merged(
    n_events: int, seed: int, profile: Profile, heap: list[tuple[datetime, int, Step, Life]]
) -> Iterator[tuple[int, Step, Life]]:
    """Pop steps in time order; `generate` pushes each life's next step back onto `heap`."""
    rng = random.Random(seed)
    used: set[str] = set()
    consultants = [person(rng, used) for _ in range(max(3, n_events // 60_000))]
    n_plans = max(3, round(n_events / EVENTS_PER_PLAN * 1.15))
    mentors = [person(rng, used) for _ in range(max(2, n_plans // 3))]
    companies = [
        f"{rng.choice(COMPANY_WORDS)} {rng.choice(LAST_NAMES)}" for _ in range(len(mentors))
    ]
    for i in range(n_plans):
        start = (EPOCH + timedelta(days=SPAN_DAYS * i / n_plans)).date()
        m = rng.randrange(len(mentors))
        life = plan_life(
            random.Random(rng.getrandbits(64)),
            profile,
            start,
            person(rng, used),
            mentors[m],
            rng.choice(consultants),
            companies[m],
        )
        step = next(life)
        heap.append((step.when, i, step, life))
    heapq.heapify(heap)
    while heap:
        _, i, step, life = heapq.heappop(heap)
        yield i, step, life


def check(generated: Generated) -> None:
    """Open the store with the real code: framing, CRC, hash chain, decoding, projection."""
    with Store.open(generated.path, create=False) as store:
        if store.corruption is not None:
            raise SystemExit(f"generated store is corrupt: {store.corruption}")
        if (store.state.seq, store.state.hash) != (generated.events, generated.last_hash):
            raise SystemExit(
                f"generated store reads back as seq {store.state.seq}, expected {generated.events}"
            )
        if store.read_only:
            raise SystemExit(f"generated store is read-only: {store.read_only}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("events", type=int)
    parser.add_argument("path", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    generated = generate(args.path, args.events, seed=args.seed)
    check(generated)
    print(
        f"{generated.events} events, {generated.plans} plans, {generated.actors} actors "
        f"in {generated.seconds:.1f} s -> {generated.path}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
